// Benchmark of `healthreport run` (the controller) on a real API server with kwok pods: run it as a
// user would (node dist/src/cli/bin.js run, a child process) against a dedicated local control plane
// (never the shared one: the scenario is 10,000 pods). Measures
//   (a) start -> complete first set of HealthReports, against a bare paginated LIST of the same kinds
//       (loadLiveSnapshot, the code path of `healthreport analyze` live);
//   (b) change -> report latency, p50/p99, read through a watch on healthreports;
//   (c) the controller's RSS (VmRSS / VmHWM of /proc/PID/status);
//   (d) its API requests over a quiet window (healthreport_api_requests_total), per hour.
// Targets: (a) <= 1.5x the LIST, (b) p99 <= 1 s, (c) <= 300 MB, (d) 0 LIST and 0 writes per hour.
// Usage: npm run build && node --import tsx bench/controller-bench.ts --kubeconfig FILE [--scale full|small|large]
//        [--skip-populate] [--changes 100] [--quiet-seconds 360] [--heap-mb N]
// bench/controller-cluster.sh starts and stops the dedicated control plane.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { load as loadYaml } from 'js-yaml';
import { parseControllerConfig } from '../src/config/controller.js';
import { ClusterView } from '../src/cluster/view.js';
import type { ClusterSnapshot } from '../src/cluster/view.js';
import { IncrementalAnalysis } from '../src/controller/incremental-analysis.js';
import { ANALYZERS } from '../src/analyzers/registry.js';
import { loadLiveSnapshot } from '../src/input/live.js';
import { KubeRequestError, connectionFromKubeConfig, kubeGetter } from '../src/kube/http.js';
import type { KubeGetter } from '../src/kube/http.js';
import { parseStoredReport } from '../src/report/healthreport.js';
import { refKey } from '../src/report/report.js';
import { bareListArgs, bareListSeconds } from './bare-list.js';
import { AuditLog, bytesServed, idleByteRate, watchEventMeanSizes } from './peers/apiserver-load.js';
import { KIND_DESCRIPTORS } from '../src/model/kinds.js';
import type { KindName } from '../src/model/kinds.js';
import { FULL_SHAPE, LARGE_SHAPE, appName, countObjects, brokenScenario, namespaceName, populate, serviceBody, totals } from './controller-scenario.js';
import type { ScenarioShape } from './controller-scenario.js';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'bench', 'out');
const SMALL_SHAPE: ScenarioShape = { namespaces: 40, deploymentsPerNamespace: 10, replicas: 5 };
const REPORTS = '/apis/sre.otomi.io/v1alpha1';
const OPERATOR_NAMESPACE = 'healthreport-system';
const { values: args } = parseArgs({
  options: {
    kubeconfig: { type: 'string' },
    scale: { type: 'string', default: 'full' },
    'skip-populate': { type: 'boolean', default: false },
    changes: { type: 'string', default: '100' },
    'quiet-seconds': { type: 'string', default: '360' },
    'first-reports-timeout': { type: 'string', default: '600' },
    /** --max-old-space-size for the controller's node (a container would set it through NODE_OPTIONS). */
    'heap-mb': { type: 'string' },
    /** Also keep this run as bench/out/controller-results-TAG.json. */
    tag: { type: 'string' },
    /** The controller's `workers` (report writers); its default when absent. */
    workers: { type: 'string' },
    /** The controller's `memory.heapBudgetMiB` (0: off); its default when absent. */
    'heap-budget-mib': { type: 'string' },
    /** The kubeconfig the controller runs with (default: --kubeconfig), e.g. a user of its own that the audit log names. */
    'controller-kubeconfig': { type: 'string' },
    /** Leader election on (a Lease in the operator namespace), as the chart runs it. */
    'leader-elect': { type: 'boolean', default: false },
    /** Pods of the cluster that are meant to stay unbound (the peers scenario's unschedulable ones). */
    'unbound-pods': { type: 'string', default: '0' },
    /** The API server's audit log (bench/controller-cluster.sh) and the controller's user in it: requests counted by the server. */
    'audit-log': { type: 'string' },
    'audit-user': { type: 'string' },
  },
});
if (!args.kubeconfig) throw new Error('--kubeconfig FILE is required: a dedicated cluster (bench/controller-cluster.sh up), never the shared one');
// The e2e suite's setting: a Service selecting nothing is reported at once instead of after 3 min,
// so that the change -> report latency measures the controller, not a grace period.
const CONTROLLER_CONFIG = {
  operatorNamespace: OPERATOR_NAMESPACE,
  leaderElection: { enabled: args['leader-elect'] },
  // (The peers scenario's HPA and PDB are minutes old when measured: judged at once, as the peers do.)
  analysis: { thresholds: { serviceNoReadyEndpointsAfter: '0s', hpaUnableToScaleAfter: '0s', pdbDisruptionsBlockedAfter: '0s' } },
  ...(args.workers ? { workers: Number(args.workers) } : {}),
  ...(args['heap-budget-mib'] ? { memory: { heapBudgetMiB: Number(args['heap-budget-mib']) } } : {}),
};

const KUBECONFIG = args.kubeconfig;
const CONTROLLER_KUBECONFIG = args['controller-kubeconfig'] ?? KUBECONFIG;
const UNBOUND_PODS = Number(args['unbound-pods']);
const audit = args['audit-log'] ? { log: new AuditLog(args['audit-log']), user: args['audit-user'] ?? 'bench-healthreport' } : undefined;
const shape = args.scale === 'small' ? SMALL_SHAPE : args.scale === 'large' ? LARGE_SHAPE : FULL_SHAPE;
const CHANGES = Number(args.changes);
const QUIET_SECONDS = Number(args['quiet-seconds']);

const kc = new KubeConfig();
kc.loadFromFile(KUBECONFIG);
const api = kubeGetter(connectionFromKubeConfig(kc), 120_000);

const log = (message: string): void => console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;

function quantile(values: readonly number[], q: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}

const count = (path: string): Promise<number> => countObjects(api, path);

async function ensure(path: string, body: unknown): Promise<void> {
  try {
    await api.send('POST', path, body);
  } catch (error) {
    if (!(error instanceof KubeRequestError && error.status === 409)) throw error;
  }
}

async function applyCrd(): Promise<void> {
  const crd = loadYaml(readFileSync(join(ROOT, 'crds', 'sre.otomi.io_healthreports.yaml'), 'utf8')) as { metadata: { name: string } };
  await ensure('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
  for (;;) {
    const got = (await api.getJson(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`)) as { status?: { conditions?: { type: string; status: string }[] } };
    if (got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) return;
    await sleep(200);
  }
}

/** Waits until every pod exists, is bound to a node, and the EndpointSlice controller caught up. */
async function waitSettled(expectedPods: number, expectedServices: number): Promise<number> {
  const t0 = performance.now();
  let stableSince: number | undefined;
  let last = '';
  for (;;) {
    const [pods, unbound, pending, slices] = await Promise.all([
      count('/api/v1/pods'),
      count('/api/v1/pods?fieldSelector=spec.nodeName%3D'),
      count('/api/v1/pods?fieldSelector=status.phase%3DPending'),
      count('/apis/discovery.k8s.io/v1/endpointslices'),
    ]);
    const state = `pods ${pods}/${expectedPods}, unbound ${unbound}, pending ${pending}, endpointslices ${slices}/${expectedServices}+`;
    // Settled: every pod bound and the count of pending ones (kwok plays its stages after binding;
    // image pulls stay Pending) unchanged for 20 s, else the expected reports (computed from one
    // LIST) would name Services whose pods are not ready *yet*, and never be complete.
    if (state !== last) {
      log(state);
      stableSince = undefined;
    }
    last = state;
    if (pods >= expectedPods && unbound <= UNBOUND_PODS && slices >= expectedServices) {
      stableSince ??= performance.now();
      // kwok drives pod status a moment after binding: give its stages time to play.
      if (performance.now() - stableSince > 20_000) return (performance.now() - t0) / 1000;
    } else stableSince = undefined;
    await sleep(3000);
  }
}

async function deleteAllReports(): Promise<void> {
  for (;;) {
    const list = (await api.getJson(`${REPORTS}/healthreports?limit=5000`)) as { items: { metadata: { namespace: string } }[] };
    if (!list.items.length) return;
    const namespaces = new Set(list.items.map((i) => i.metadata.namespace));
    await Promise.all([...namespaces].map((ns) => api.send('DELETE', `${REPORTS}/namespaces/${ns}/healthreports`, {})));
    await sleep(500);
  }
}

interface SeenReport {
  readonly checks: ReadonlySet<string>;
  readonly severity: string | undefined;
}

/** A watch on every HealthReport; waiters are re-evaluated on each event, timed at its arrival. */
class ReportWatch {
  readonly reports = new Map<string, SeenReport>();
  private waiters: { test: () => boolean; resolve: (t: number) => void }[] = [];
  private stream: ReturnType<KubeGetter['stream']> | undefined;

  async start(): Promise<void> {
    const list = (await api.getJson(`${REPORTS}/healthreports?limit=1`)) as { metadata: { resourceVersion: string } };
    const query = new URLSearchParams({ watch: 'true', resourceVersion: list.metadata.resourceVersion, allowWatchBookmarks: 'true', timeoutSeconds: '3600' });
    this.stream = api.stream(`${REPORTS}/healthreports?${query}`, 'application/json', (line) => this.onLine(line, performance.now()));
    this.stream.done.catch((error: unknown) => log(`report watch ended: ${String(error)}`));
  }

  stop(): void {
    this.stream?.abort();
  }

  private onLine(line: string, at: number): void {
    const event = JSON.parse(line) as { type: string; object: unknown };
    if (event.type === 'BOOKMARK' || event.type === 'ERROR') return;
    const report = parseStoredReport(event.object);
    if (!report) return;
    const key = refKey(report.subject);
    if (event.type === 'DELETED') this.reports.delete(key);
    else {
      const status = report.status as { findings?: { check: string }[]; severity?: string } | undefined;
      this.reports.set(key, { checks: new Set((status?.findings ?? []).map((f) => f.check)), severity: status?.severity });
    }
    this.waiters = this.waiters.filter((w) => {
      if (!w.test()) return true;
      w.resolve(at);
      return false;
    });
  }

  /** The arrival time of the event after which `test` holds, or undefined after the timeout. */
  until(test: () => boolean, timeoutMs: number): Promise<number | undefined> {
    if (test()) return Promise.resolve(performance.now());
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(undefined);
      }, timeoutMs);
      const waiter = { test, resolve: (t: number) => (clearTimeout(timer), resolve(t)) };
      this.waiters.push(waiter);
    });
  }
}

interface Memory {
  rssMb: number;
  hwmMb: number;
}
function memoryOf(pid: number): Memory | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMb: round(kb('VmRSS') / 1024), hwmMb: round(kb('VmHWM') / 1024) };
  } catch {
    return undefined;
  }
}
function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // utime and stime, fields 14 and 15 of stat (11 and 12 after the command name).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Counter values from the controller's /metrics, keyed `name{labels}`. */
async function scrape(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(url)).text();
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('healthreport_')) continue;
    const space = line.lastIndexOf(' ');
    out.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return out;
}
function delta(before: Map<string, number>, after: Map<string, number>, prefix: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of after) {
    if (!key.startsWith(prefix)) continue;
    const d = value - (before.get(key) ?? 0);
    if (d) out[key.slice(prefix.length)] = d;
  }
  return out;
}

interface Controller {
  readonly child: ChildProcess;
  readonly startedAt: number;
  readonly metricsUrl: Promise<string>;
  readonly firstPassAt: Promise<{ at: number; subjects: number; ms: number }>;
  /** When the controller said every kind was listed (its log line 'cache synced'). */
  readonly syncedAt: Promise<number>;
  readonly exited: Promise<number | null>;
}

function startController(configFile: string): Controller {
  const startedAt = performance.now();
  const heap = args['heap-mb'] ? [`--max-old-space-size=${Number(args['heap-mb'])}`] : [];
  const child = spawn(process.execPath, [...heap, join(ROOT, 'dist/src/cli/bin.js'), 'run', '--kubeconfig', CONTROLLER_KUBECONFIG, '--config', configFile, '--metrics-port', '0', '--health-port', '0', '--log-level', 'info'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let metricsResolve!: (url: string) => void;
  let passResolve!: (p: { at: number; subjects: number; ms: number }) => void;
  const metricsUrl = new Promise<string>((resolve) => (metricsResolve = resolve));
  const firstPassAt = new Promise<{ at: number; subjects: number; ms: number }>((resolve) => (passResolve = resolve));
  let syncedResolve!: (at: number) => void;
  const syncedAt = new Promise<number>((resolve) => (syncedResolve = resolve));
  let pending = '';
  const logLines: string[] = [];
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    pending += chunk;
    let nl = pending.indexOf('\n');
    while (nl >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      nl = pending.indexOf('\n');
      let entry: { msg?: string; level?: number; metricsPort?: number; subjects?: number; ms?: number };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        logLines.push(line);
        continue;
      }
      if (entry.msg === 'starting' && entry.metricsPort) metricsResolve(`http://127.0.0.1:${entry.metricsPort}/metrics`);
      if (entry.msg?.startsWith('cache synced')) syncedResolve(performance.now());
      if (entry.msg === 'first analysis pass done') passResolve({ at: performance.now(), subjects: entry.subjects ?? 0, ms: entry.ms ?? 0 });
      if ((entry.level ?? 0) >= 40) logLines.push(line);
    }
  });
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      if (code) log(`controller exited ${code}; warnings/errors:\n${logLines.slice(-20).join('\n')}`);
      resolve(code);
    }),
  );
  process.on('exit', () => child.kill('SIGKILL'));
  return { child, startedAt, metricsUrl, firstPassAt, syncedAt, exited };
}

function expectedReports(snapshot: ClusterSnapshot): { expected: string[]; expectedByCheck: Record<string, number> } {
  const config = parseControllerConfig(CONTROLLER_CONFIG, 'bench');
  const analysis = new IncrementalAnalysis(ANALYZERS, () => config.analysis);
  analysis.run(new ClusterView(snapshot), Date.now());
  const expected = analysis.subjectKeys();
  const expectedByCheck: Record<string, number> = {};
  for (const key of expected) for (const f of analysis.subject(key)?.findings ?? []) expectedByCheck[f.check] = (expectedByCheck[f.check] ?? 0) + 1;
  return { expected, expectedByCheck };
}

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist/src/cli/bin.js'))) throw new Error('dist/ is missing: run npm run build first');
  mkdirSync(OUT, { recursive: true });
  const total = totals(shape);
  const results: Record<string, unknown> = { date: new Date().toISOString(), server: api.server, controllerHeapLimitMb: args['heap-mb'] ? Number(args['heap-mb']) : null, controllerConfig: CONTROLLER_CONFIG, scale: { ...total, brokenDeploymentsPercent: 3, selectorlessServicesPercent: 1 } };

  log(`scenario: ${total.pods} pods, ${total.services} services, ${total.deployments} deployments in ${total.namespaces} namespaces`);
  await applyCrd();
  await ensure('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: OPERATOR_NAMESPACE } });
  const nodes = await count('/api/v1/nodes');
  results.nodes = nodes;
  if (!args['skip-populate']) {
    const t0 = performance.now();
    await populate(api, shape, (n) => n % 20 === 0 && log(`created namespace ${n}/${shape.namespaces}`));
    const createdS = (performance.now() - t0) / 1000;
    log(`objects created in ${round(createdS)} s; waiting for the controller-manager, scheduler and kwok`);
    const settleS = await waitSettled(total.pods, total.services);
    results.population = { createObjectsSeconds: round(createdS), podsSettledAfterSeconds: round(settleS), totalSeconds: round(createdS + settleS) };
  } else {
    await waitSettled(total.pods, total.services);
  }
  await deleteAllReports();

  // (a) The bare LIST of every kind the controller watches, three times (median).
  // Timed in a fresh process (bench/bare-list.ts), as the controller starts in one.
  const listTimes = bareListSeconds(execFileSync(process.execPath, bareListArgs(KUBECONFIG, 3), { encoding: 'utf8', maxBuffer: 1 << 20 }));
  const listS = quantile(listTimes, 0.5);
  log(`bare LIST of all kinds (fresh process): ${listTimes.map((t) => round(t, 2)).join(' / ')} s`);
  // The reports to expect: the controller's own first pass, on a snapshot listed here (untimed) and
  // dropped before the controller starts, so that this process's heap does not compete with it.
  const { expected, expectedByCheck } = expectedReports((await loadLiveSnapshot(api)).snapshot);
  log(`expected reports: ${expected.length} subjects with findings (${JSON.stringify(expectedByCheck)})`);

  const configFile = join(OUT, 'controller-bench-config.json');
  writeFileSync(configFile, JSON.stringify(CONTROLLER_CONFIG));
  const watch = new ReportWatch();
  await watch.start();
  // The API server's idle rate of bytes served, to subtract from what it serves while the controller runs.
  const idleRate = audit ? await idleByteRate(api, 20) : 0;
  const auditStart = audit?.log.mark() ?? 0;
  const controller = startController(configFile);
  const pid = controller.child.pid!;
  let peak: Memory = { rssMb: 0, hwmMb: 0 };
  const sampler = setInterval(() => {
    const m = memoryOf(pid);
    if (m && m.rssMb > peak.rssMb) peak = m;
  }, 500);

  const firstReportsMs = Number(args['first-reports-timeout']) * 1000;
  const allThere = () => expected.every((key) => watch.reports.get(key)?.checks.size);
  const doneAt = await Promise.race([watch.until(allThere, firstReportsMs), controller.exited.then(() => undefined)]);
  const firstPass = await Promise.race([controller.firstPassAt, sleep(1000).then(() => undefined)]);
  const syncedAt = await Promise.race([controller.syncedAt, sleep(1000).then(() => undefined)]);
  const missing = expected.filter((key) => !watch.reports.get(key)?.checks.size);
  const extra = [...watch.reports.keys()].filter((key) => !expected.includes(key));
  const firstReportsS = doneAt === undefined ? undefined : (doneAt - controller.startedAt) / 1000;
  const memAtFirstReports = memoryOf(pid);
  results.firstReports = {
    seconds: firstReportsS === undefined ? null : round(firstReportsS, 2),
    bareListSeconds: round(listS, 2),
    bareListRuns: listTimes.map((t) => round(t, 2)),
    ratio: firstReportsS === undefined ? null : round(firstReportsS / listS, 2),
    // The three phases: start -> every kind listed -> first pass done -> every report written.
    cacheSyncedAfterSeconds: syncedAt ? round((syncedAt - controller.startedAt) / 1000, 2) : null,
    firstAnalysisPassAfterSeconds: firstPass ? round((firstPass.at - controller.startedAt) / 1000, 2) : null,
    firstAnalysisPassMs: firstPass?.ms ?? null,
    expectedReports: expected.length,
    expectedFindingsByCheck: expectedByCheck,
    missing: missing.slice(0, 20),
    missingCount: missing.length,
    unexpectedCount: extra.length,
    unexpected: extra.slice(0, 20),
    ...(audit ? { auditedRequests: audit.log.requestsSince(auditStart, audit.user) } : {}),
  };
  log(`first reports complete after ${firstReportsS === undefined ? 'TIMEOUT' : `${round(firstReportsS, 2)} s`} (bare LIST ${round(listS, 2)} s; listed ${syncedAt ? round((syncedAt - controller.startedAt) / 1000, 2) : '?'} s, first pass done ${firstPass ? round((firstPass.at - controller.startedAt) / 1000, 2) : '?'} s); missing ${missing.length}, unexpected ${extra.length}`);
  if (controller.child.exitCode !== null) throw new Error('the controller exited');
  const metricsUrl = await controller.metricsUrl;

  // (b) Change -> report latency: a Service that selects nothing is created (report with
  // ServiceSelectorMatchesNothing), then its selector is pointed at a healthy app (report Healthy).
  const ns = namespaceName(0);
  const healthy = appName([...Array(shape.deploymentsPerNamespace).keys()].find((d) => !brokenScenario(d)) ?? 1);
  const latencies: { change: string; ms: number | null }[] = [];
  for (let i = 0; latencies.length < CHANGES; i += 1) {
    const name = `probe-${String(i).padStart(3, '0')}`;
    const key = `Service/${ns}/${name}`;
    let t0 = performance.now();
    await api.send('POST', `/api/v1/namespaces/${ns}/services`, serviceBody(name, { app: `${name}-nothing` }));
    let at = await watch.until(() => watch.reports.get(key)?.checks.has('ServiceSelectorMatchesNothing') ?? false, 30_000);
    latencies.push({ change: 'break', ms: at === undefined ? null : round(at - t0, 1) });
    if (latencies.length >= CHANGES) break;
    t0 = performance.now();
    await api.send('PATCH', `/api/v1/namespaces/${ns}/services/${name}`, { spec: { selector: { app: healthy } } }, 'application/merge-patch+json');
    at = await watch.until(() => watch.reports.get(key)?.severity !== undefined && watch.reports.get(key)?.checks.size === 0, 30_000);
    latencies.push({ change: 'fix', ms: at === undefined ? null : round(at - t0, 1) });
  }
  const measured = latencies.flatMap((l) => (l.ms === null ? [] : [l.ms]));
  results.changeLatency = {
    changes: latencies.length,
    timedOut: latencies.filter((l) => l.ms === null).length,
    p50Ms: round(quantile(measured, 0.5)),
    p90Ms: round(quantile(measured, 0.9)),
    p99Ms: round(quantile(measured, 0.99)),
    maxMs: round(Math.max(...measured)),
    how: 'POST a Service selecting nothing -> report shows ServiceSelectorMatchesNothing; merge-PATCH its selector to a healthy app -> report Healthy; time from sending the request to the watch event on healthreports',
  };
  log(`change -> report latency over ${latencies.length} changes: p50 ${round(quantile(measured, 0.5))} ms, p99 ${round(quantile(measured, 0.99))} ms, timed out ${latencies.filter((l) => l.ms === null).length}`);
  const memAfterChanges = memoryOf(pid);
  for (let i = 0; i * 2 < latencies.length; i += 1) {
    await api.send('DELETE', `/api/v1/namespaces/${ns}/services/probe-${String(i).padStart(3, '0')}`, {}).catch(() => undefined);
  }
  // The probes' reports go with their Services (garbage collection through the ownerReference).
  await sleep(20_000);

  // (d) At rest: counters over a quiet window (kwok's crash-looping pods keep restarting meanwhile).
  const before = await scrape(metricsUrl);
  const cpuBefore = cpuSecondsOf(pid);
  const auditQuiet = audit?.log.mark() ?? 0;
  const bytesQuiet = audit ? await bytesServed(api) : 0;
  const quietStart = performance.now();
  log(`quiet window: ${QUIET_SECONDS} s`);
  await sleep(QUIET_SECONDS * 1000);
  const quietS = (performance.now() - quietStart) / 1000;
  const after = await scrape(metricsUrl);
  const cpuAfter = cpuSecondsOf(pid);
  const audited = audit ? audit.log.requestsSince(auditQuiet, audit.user) : undefined;
  const responseBytesAtRest = audit ? Math.max(0, (await bytesServed(api)) - bytesQuiet - idleRate * quietS) : undefined;
  // Its watch events, each weighed at the API server's mean event size of that resource.
  const meanSizes = audit ? await watchEventMeanSizes(api) : new Map<string, number>();
  let watchBytesAtRest = 0;
  for (const [labels, n] of Object.entries(delta(before, after, 'healthreport_watch_events_total'))) {
    const kind = /resource="([^"]+)"/.exec(labels)?.[1] as KindName | undefined;
    const descriptor = kind ? KIND_DESCRIPTORS[kind] : undefined;
    const variant = descriptor?.variants[0];
    if (descriptor && variant) watchBytesAtRest += n * (meanSizes.get(`${variant.group}/${descriptor.plural}`) ?? 0);
  }
  const perHour = (n: number) => round((n * 3600) / quietS, 0);
  const requests = delta(before, after, 'healthreport_api_requests_total');
  const writes = delta(before, after, 'healthreport_report_writes_total');
  const restarts = delta(before, after, 'healthreport_watch_restarts_total');
  const events = Object.values(delta(before, after, 'healthreport_watch_events_total')).reduce((a, b) => a + b, 0);
  const verbCount = (verb: string) => requests[`{verb="${verb}"}`] ?? 0;
  const writeVerbs = ['create', 'update', 'patch', 'delete'].reduce((sum, v) => sum + verbCount(v), 0);
  const memAtRest = memoryOf(pid);
  results.atRest = {
    windowSeconds: round(quietS),
    requests,
    requestsPerHour: Object.fromEntries(Object.entries(requests).map(([k, v]) => [k, perHour(v)])),
    listPerHour: perHour(verbCount('list')),
    writesPerHour: perHour(writeVerbs),
    watchReestablishedPerHour: perHour(verbCount('watch')),
    reportWrites: writes,
    watchRestarts: restarts,
    watchEventsPerSecond: round(events / quietS, 1),
    cpuPercent: round(((cpuAfter - cpuBefore) / quietS) * 100),
    leaderLeaseNote: args['leader-elect']
      ? 'leader election on: the Lease client is counted by the audit log (auditedRequestsPerHour), not by healthreport_api_requests_total'
      : 'leader election off',
    ...(audited
      ? {
          auditedRequests: audited,
          auditedRequestsPerHour: perHour(audited.total),
          auditedRequestsPerHourByVerb: Object.fromEntries(Object.entries(audited.byVerb).map(([k, v]) => [k, perHour(v)])),
          bytesServedPerHour: perHour((responseBytesAtRest ?? 0) + watchBytesAtRest),
          responseBytesPerHour: perHour(responseBytesAtRest ?? 0),
          watchEventBytesPerHour: perHour(watchBytesAtRest),
          idleBytesPerSecond: round(idleRate),
        }
      : {}),
  };
  log(`at rest over ${round(quietS)} s: ${JSON.stringify(requests)}; report writes ${JSON.stringify(writes)}; watch events ${round(events / quietS, 1)}/s`);

  clearInterval(sampler);
  const hwm = memoryOf(pid);
  results.memory = { atFirstReports: memAtFirstReports, afterChanges: memAfterChanges, atRest: memAtRest, peakRssMb: Math.max(peak.rssMb, hwm?.hwmMb ?? 0), vmHwmMb: hwm?.hwmMb };
  controller.child.kill('SIGTERM');
  const stopT0 = performance.now();
  results.shutdown = { exitCode: await controller.exited, seconds: round((performance.now() - stopT0) / 1000, 2) };
  watch.stop();

  const first = results.firstReports as { ratio: number | null };
  const latency = results.changeLatency as { p99Ms: number; timedOut: number };
  const rest = results.atRest as { listPerHour: number; writesPerHour: number };
  const mem = results.memory as { peakRssMb: number };
  results.targets = {
    firstReportsWithin1_5xList: first.ratio !== null && first.ratio <= 1.5,
    p99Within1s: latency.timedOut === 0 && latency.p99Ms <= 1000,
    rssWithin300MB: mem.peakRssMb <= 300,
    zeroListAtRest: rest.listPerHour === 0,
    zeroWritesAtRest: rest.writesPerHour === 0,
  };
  const file = join(OUT, 'controller-results.json');
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  if (args.tag) writeFileSync(join(OUT, `controller-results-${args.tag}.json`), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\n${JSON.stringify(results.targets, null, 2)}\nresults: ${file}`);
}

await main();
process.exit(0);
