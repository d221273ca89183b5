// `npm run bench:peers`: healthreport side by side with k8sgpt and Popeye on one local control plane
// (bench/controller-cluster.sh, audit log on) holding the controller scenario (10,000 pods; 50,000
// with --scale large) plus the breakages and healthy look-alikes of bench/peers/scenario.ts.
// Per tool: coverage (which breakage it reports) and noise (findings on healthy objects), one-shot
// wall time, requests counted by the API server's audit log (each tool its own user), bytes served
// (apiserver metrics, minus the idle rate), peak RSS; the controller (`healthreport run`, leader
// election on) through bench/controller-bench.ts with the same audit accounting; and for the peers,
// change -> report when they run every 30 s as k8sgpt-operator does. Writes
// bench/out/peers-results-SCALE.json; bench/peers/write-doc.ts turns the results into docs/benchmarks.md.
// Usage: node --import tsx bench/peers/bench.ts --kubeconfig FILE [--scale full|large] [--skip-populate]
//        [--tools healthreport,k8sgpt,popeye] [--loop-changes 3] [--loop-budget-seconds 900] [--period 30] [--rest-seconds 600]
//        [--phases oneshot,loop,controller,controller-coverage,rescore]
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeRequestError, connectionFromKubeConfig, kubeGetter } from '../../src/kube/http.js';
import type { KubeGetter } from '../../src/kube/http.js';
import { FULL_SHAPE, LARGE_SHAPE, countObjects, populate, serviceBody, totals } from '../controller-scenario.js';
import { bareListArgs, bareListSeconds } from '../bare-list.js';
import { AuditLog, idleByteRate, measureBytes } from './apiserver-load.js';
import { BREAKAGE_TYPES, EXTRA_PODS, EXTRA_UNBOUND_PODS, breakages, extraNamespace, lookAlikes, populateExtras, webhookName } from './scenario.js';
import type { Breakage, ObjectRef } from './scenario.js';
import { healthreportFindings, k8sgptFindings, popeyeFindings, runMeasured, toolKubeconfig } from './tools.js';
import type { Finding, ToolRun } from './tools.js';

const ROOT = join(import.meta.dirname, '..', '..');
const OUT = join(ROOT, 'bench', 'out');
const TOOLS_BIN = join(ROOT, '.tools', 'bin');

const { values: args } = parseArgs({
  options: {
    kubeconfig: { type: 'string', default: '/tmp/healthreport-bench-cluster/kubeconfig' },
    scale: { type: 'string', default: 'full' },
    'skip-populate': { type: 'boolean', default: false },
    tools: { type: 'string', default: 'healthreport,k8sgpt,popeye' },
    'loop-changes': { type: 'string', default: '3' },
    /** A tool whose one-shot run is so long that one change would take more than this is not looped: its bound is derived from that run. */
    'loop-budget-seconds': { type: 'string', default: '900' },
    period: { type: 'string', default: '30' },
    'rest-seconds': { type: 'string', default: '600' },
    'controller-changes': { type: 'string', default: '100' },
    /** Which parts to measure; the others are kept from the results file of an earlier run. */
    phases: { type: 'string', default: 'oneshot,loop,controller' },
    /** A one-shot run longer than this is stopped and reported as not finished. */
    'tool-timeout-seconds': { type: 'string', default: '1800' },
    /** A tool whose resident memory passes this is stopped and reported so (Popeye took 16 GiB at 10,000 pods; the API server needs the rest). */
    'tool-max-rss-gib': { type: 'string', default: '18' },
  },
});

const shape = args.scale === 'large' ? LARGE_SHAPE : FULL_SHAPE;
const CLUSTER_DIR = dirname(args.kubeconfig);
const AUDIT_LOG = join(CLUSTER_DIR, 'audit.log');
const PERIOD_S = Number(args.period);
const TOOLS = args.tools.split(',').filter(Boolean);
const PHASES = new Set(args.phases.split(',').filter(Boolean));

const log = (message: string): void => console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;

function getter(kubeconfig: string): KubeGetter {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  return kubeGetter(connectionFromKubeConfig(kc), 300_000);
}
const admin = getter(args.kubeconfig);
const audit = new AuditLog(AUDIT_LOG);

const count = (path: string): Promise<number> => countObjects(admin, path);

/** Every pod bound (but the unschedulable ones), and one failed Job of each failing CronJob. */
async function waitSettled(expectedPods: number): Promise<void> {
  let last = '';
  // 20 minutes per 10,000 pods: the controller-manager, scheduler and kwok are what takes the time.
  const settleMinutes = 20 * Math.max(1, Math.ceil(expectedPods / 10_000));
  const deadline = Date.now() + settleMinutes * 60_000;
  for (;;) {
    const [pods, unbound, failedJobs] = await Promise.all([
      count('/api/v1/pods'),
      count('/api/v1/pods?fieldSelector=spec.nodeName%3D'),
      Promise.all(Array.from({ length: 4 }, async (_, i) => {
        const jobs = (await admin.getJson(`/apis/batch/v1/namespaces/${extraNamespace(i)}/jobs`)) as { items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } }[] };
        return jobs.items.some((j) => j.metadata.name.startsWith('nightly-fail-') && j.status?.conditions?.some((c) => c.type === 'Failed' && c.status === 'True'));
      })).then((all) => all.filter(Boolean).length),
    ]);
    const state = `pods ${pods}/${expectedPods}, unbound ${unbound}/${EXTRA_UNBOUND_PODS}, CronJobs with a failed Job ${failedJobs}/4`;
    if (state !== last) log(state);
    last = state;
    if (pods >= expectedPods && unbound <= EXTRA_UNBOUND_PODS && failedJobs === 4) return;
    if (Date.now() > deadline) throw new Error(`the scenario did not settle in ${settleMinutes} min: ${state}`);
    await sleep(5000);
  }
}

const key = (r: { kind: string; namespace?: string; name: string }): string => `${r.kind.toLowerCase()}/${r.namespace ?? ''}/${r.name}`;

function reports(breakage: Breakage, f: Finding): boolean {
  if (f.level === 'info') return false;
  if ((f.namespace ?? '') !== (breakage.object.namespace ?? '')) return false;
  if (!breakage.kinds.some((k) => k.toLowerCase() === f.kind.toLowerCase())) return false;
  return f.name === breakage.object.name || (breakage.alsoNamed ?? []).includes(f.name) || (breakage.prefix && f.name.startsWith(`${breakage.object.name}-`));
}

/** Coverage by breakage type (instances reported / instances) and noise (healthy scenario objects with a finding at warning or above). */
function score(findings: readonly Finding[], all: readonly Breakage[], healthyClusterScoped: readonly ObjectRef[]) {
  const coverage: Record<string, { reported: number; of: number; example?: string }> = {};
  const explained = new Set<Finding>();
  for (const b of all) {
    const hits = findings.filter((f) => reports(b, f));
    for (const h of hits) explained.add(h);
    const row = (coverage[b.type] ??= { reported: 0, of: 0 });
    row.of += 1;
    if (hits.length) {
      row.reported += 1;
      row.example ??= `${hits[0]!.kind} ${hits[0]!.namespace ? `${hits[0]!.namespace}/` : ''}${hits[0]!.name}: ${hits[0]!.text.slice(0, 160)}`;
    }
  }
  // A finding that explains no breakage, on an object of the scenario (its namespaces, its cluster-scoped look-alikes), is noise.
  const healthyKeys = new Set(healthyClusterScoped.flatMap((r) => [key(r), key({ ...r, name: webhookName(r.name) })]));
  const consequences = new Set(all.flatMap((b) => (b.related ?? []).map(key)));
  const inScenario = (f: Finding) => (f.namespace ? f.namespace.startsWith('bench-') : healthyKeys.has(key(f)));
  const noise = findings.filter((f) => f.level !== 'info' && !explained.has(f) && !consequences.has(key(f)) && inScenario(f));
  const noisyObjects = new Set(noise.map(key));
  const byText = new Map<string, number>();
  for (const f of noise) {
    const text = f.text.replace(/\b(bench-[\w-]+|app-\d+[\w-]*|[a-z]+-[a-z0-9]{5,10}(-[a-z0-9]{5})?)\b/g, '…').slice(0, 120);
    byText.set(text, (byText.get(text) ?? 0) + 1);
  }
  const elsewhere = findings.filter((f) => f.level !== 'info' && !explained.has(f) && !consequences.has(key(f)) && !inScenario(f));
  return {
    coverage,
    breakageTypesReported: Object.values(coverage).filter((r) => r.reported > 0).length,
    instancesReported: Object.values(coverage).reduce((s, r) => s + r.reported, 0),
    instances: all.length,
    noiseFindings: noise.length,
    noiseObjects: noisyObjects.size,
    noiseTop: [...byText.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([text, n]) => ({ n, text })),
    findingsOutsideScenario: elsewhere.length,
    infoFindings: findings.filter((f) => f.level === 'info').length,
  };
}

interface ToolSpec {
  readonly name: string;
  readonly user: string;
  readonly command: (kubeconfig: string) => { command: string; args: string[]; env?: NodeJS.ProcessEnv };
  readonly parse: (stdout: string) => Finding[];
  /** A run that failed: exit codes that still mean "an answer" (exit 1: findings, for us). */
  readonly okExit: readonly number[];
}

/**
 * k8sgpt's analyzers (`k8sgpt filters list` of v0.4.36) that apply here: its 14 active ones and the
 * optional HPA, PDB, NetworkPolicy, Storage and Security. Left out: Log (it reads every pod's log;
 * kwok serves none), the Gateway API ones (no Gateway API CRDs on this cluster: they only error), and
 * the OLM ones (Subscription, InstallPlan, CatalogSource, ClusterServiceVersion, OperatorGroup,
 * ClusterExtension, ClusterCatalog: no OLM here).
 */
const K8SGPT_FILTERS = [
  'Pod', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Service', 'Ingress', 'PersistentVolumeClaim', 'Node',
  'ConfigMap', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration',
  'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'NetworkPolicy', 'Storage', 'Security',
];

const TOOL_SPECS: Record<string, ToolSpec> = {
  healthreport: {
    name: 'healthreport analyze',
    user: 'bench-healthreport-analyze',
    command: (kubeconfig) => ({ command: process.execPath, args: [join(ROOT, 'dist/src/cli/bin.js'), 'analyze', '--kubeconfig', kubeconfig, '--config', join(ROOT, 'bench/peers/healthreport-analysis.yaml'), '-o', 'json', '--fail-on', 'none'] }),
    parse: healthreportFindings,
    okExit: [0],
  },
  k8sgpt: {
    name: 'k8sgpt analyze',
    user: 'bench-k8sgpt',
    command: (kubeconfig) => ({
      command: join(TOOLS_BIN, 'k8sgpt'),
      args: ['analyze', '--kubeconfig', kubeconfig, '-o', 'json', '--filter', K8SGPT_FILTERS.join(',')],
      // Its config file (filters, no AI backend) in a home of its own.
      env: { ...process.env, HOME: join(OUT, 'k8sgpt-home'), XDG_CONFIG_HOME: join(OUT, 'k8sgpt-home', '.config') },
    }),
    parse: k8sgptFindings,
    okExit: [0],
  },
  popeye: {
    name: 'popeye',
    user: 'bench-popeye',
    command: (kubeconfig) => ({ command: join(TOOLS_BIN, 'popeye'), args: ['--kubeconfig', kubeconfig, '-A', '-o', 'json', '--force-exit-zero'], env: { ...process.env, HOME: join(OUT, 'popeye-home') } }),
    parse: popeyeFindings,
    okExit: [0],
  },
};

async function runTool(spec: ToolSpec, kubeconfig: string): Promise<{ run: ToolRun; findings: Finding[] }> {
  const { command, args: argv, env } = spec.command(kubeconfig);
  const run = await runMeasured(command, argv, env, { timeoutMs: Number(args['tool-timeout-seconds']) * 1000, maxRssMiB: Number(args['tool-max-rss-gib']) * 1024 });
  if (run.limit) return { run, findings: [] };
  if (!spec.okExit.includes(run.exitCode)) throw new Error(`${spec.name} exited ${run.exitCode}: ${run.stderr.slice(-2000)}`);
  return { run, findings: spec.parse(run.stdout) };
}

/** k8sgpt-operator's loop, simulated: the tool every PERIOD_S (start to start; back to back when a run is longer), a broken Service created at a random moment; time from the change to the end of the first run that reports it. */
async function loopLatency(spec: ToolSpec, kubeconfig: string, changes: number): Promise<{ latenciesS: number[]; runSeconds: number[]; runRssMiB: number[] }> {
  const latenciesS: number[] = [];
  const runSeconds: number[] = [];
  const runRssMiB: number[] = [];
  const ns = extraNamespace(1);
  for (let i = 0; i < changes; i += 1) {
    const name = `loop-probe-${spec.user.replace('bench-', '')}-${i}`;
    let changedAt: number | undefined;
    const change = (async () => {
      await sleep(Math.random() * PERIOD_S * 1000 + 2000);
      await admin.send('POST', `/api/v1/namespaces/${ns}/services`, serviceBody(name, { app: `${name}-nothing` }));
      changedAt = performance.now();
    })();
    for (;;) {
      const started = performance.now();
      const { run, findings } = await runTool(spec, kubeconfig);
      const ended = performance.now();
      runSeconds.push((ended - started) / 1000);
      runRssMiB.push(run.maxRssMiB);
      if (changedAt !== undefined && findings.some((f) => f.kind === 'Service' && f.namespace === ns && f.name === name && f.level !== 'info')) {
        latenciesS.push((ended - changedAt) / 1000);
        break;
      }
      if (changedAt !== undefined && (ended - changedAt) / 1000 > 10 * PERIOD_S) {
        log(`${spec.name}: change ${name} not reported within ${10 * PERIOD_S} s`);
        break;
      }
      const wait = PERIOD_S * 1000 - (performance.now() - started);
      if (wait > 0) await sleep(wait);
    }
    await change;
    await admin.send('DELETE', `/api/v1/namespaces/${ns}/services/${name}`, {}).catch((e: unknown) => {
      if (!(e instanceof KubeRequestError && e.status === 404)) throw e;
    });
    log(`${spec.name}: change ${i + 1}/${changes} reported after ${latenciesS.at(-1)?.toFixed(1) ?? '-'} s`);
  }
  return { latenciesS, runSeconds, runRssMiB };
}

function runChild(command: string, argv: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, argv, { stdio: 'inherit' });
    child.on('exit', (code) => resolve(code ?? -1));
  });
}

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist/src/cli/bin.js'))) throw new Error('dist/ is missing: run npm run build first');
  if (!existsSync(AUDIT_LOG)) throw new Error(`${AUDIT_LOG} is missing: start the cluster with bench/controller-cluster.sh (it turns the audit log on)`);
  mkdirSync(OUT, { recursive: true });
  const total = totals(shape);
  const all = breakages(shape);
  const file = join(OUT, `peers-results-${args.scale}.json`);
  const earlier = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  const results: Record<string, unknown> = {
    ...earlier,
    date: new Date().toISOString(),
    scale: { ...total, pods: total.pods + EXTRA_PODS, breakages: all.length },
    machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
    versions: Object.fromEntries(readFileSync(join(ROOT, 'scripts/tools/versions.env'), 'utf8').split('\n').filter((l) => /^(K8SGPT|POPEYE)_VERSION=/.test(l)).map((l) => l.split('='))),
    breakageTypes: BREAKAGE_TYPES,
  };
  log(`scenario: ${total.pods + EXTRA_PODS} pods in ${total.namespaces} + 4 namespaces, ${all.length} breakages of ${Object.keys(BREAKAGE_TYPES).length} types`);
  if (!args['skip-populate']) {
    const t0 = performance.now();
    await populate(admin, shape, (n) => n % 20 === 0 && log(`created namespace ${n}/${shape.namespaces}`));
    await populateExtras(admin);
    log(`objects created in ${round((performance.now() - t0) / 1000)} s`);
  } else {
    await populateExtras(admin);
  }
  await waitSettled(total.pods + EXTRA_PODS);
  const nodes = await count('/api/v1/nodes');
  results.nodes = nodes;

  const healthyClusterScoped = lookAlikes().filter((r) => !r.namespace);
  if (PHASES.has('oneshot')) await runOneShots(results, all, healthyClusterScoped);
  if (PHASES.has('rescore')) rescore(results, all, healthyClusterScoped);
  if (PHASES.has('loop')) await runLoops(results);
  // The controller: first reports vs LIST, change -> report, at rest — with leader election on, as its own user.
  if (PHASES.has('controller')) await runController(results, all, healthyClusterScoped);
  else if (PHASES.has('controller-coverage')) await scoreStoredReports(results, all, healthyClusterScoped);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  log(`results: ${file}`);
}

async function runOneShots(results: Record<string, unknown>, all: readonly Breakage[], healthyClusterScoped: readonly ObjectRef[]): Promise<void> {
  const file = join(OUT, `peers-results-${args.scale}.json`);
  // The bare LIST of every kind the controller reads, as a user of its own (requests and bytes).
  const listConfig = toolKubeconfig(CLUSTER_DIR, 'list');
  let idle = await idleByteRate(admin, 20);
  const listMark = audit.mark();
  // In a fresh process, as every tool runs (bench/bare-list.ts); its own figure is the LIST alone, without start-up.
  const list = await measureBytes(admin, idle, () => runMeasured(process.execPath, bareListArgs(listConfig, 1)));
  const listSeconds = bareListSeconds(list.result.stdout)[0] ?? list.seconds;
  await sleep(1000);
  results.bareList = { seconds: round(listSeconds, 2), requests: audit.requestsSince(listMark, 'bench-list'), bytes: Math.round(list.bytes) };
  log(`bare LIST: ${round(listSeconds, 2)} s, ${JSON.stringify(results.bareList)}`);

  // One-shot runs, one tool at a time, each after an idle measurement.
  const oneShot: Record<string, unknown> = {};
  for (const tool of TOOLS) {
    const spec = TOOL_SPECS[tool];
    if (!spec) throw new Error(`unknown tool ${tool} (healthreport, k8sgpt, popeye)`);
    const kubeconfig = toolKubeconfig(CLUSTER_DIR, spec.user.replace('bench-', ''));
    idle = await idleByteRate(admin, 20);
    const mark = audit.mark();
    const { result, bytes } = await measureBytes(admin, idle, () => runTool(spec, kubeconfig));
    await sleep(1000);
    const requests = audit.requestsSince(mark, spec.user);
    if (result.run.limit) {
      // Stopped at a limit: what it cost until then is the answer; it found nothing we can score.
      const limit = result.run.limit === 'timeout' ? `did not finish in ${args['tool-timeout-seconds']} s` : `stopped when its RSS passed ${args['tool-max-rss-gib']} GiB`;
      oneShot[tool] = { name: spec.name, completed: false, limit, wallSeconds: round(result.run.wallS, 2), peakRssMiB: round(result.run.maxRssMiB), requests, bytes: Math.round(bytes), findings: 0 };
      log(`${spec.name}: ${limit} (${round(result.run.wallS, 2)} s, ${requests.total} requests, RSS ${round(result.run.maxRssMiB)} MiB)`);
      continue;
    }
    writeFileSync(join(OUT, `peers-${tool}-${args.scale}.json`), result.run.stdout);
    const scored = score(result.findings, all, healthyClusterScoped);
    oneShot[tool] = {
      name: spec.name,
      wallSeconds: round(result.run.wallS, 2),
      peakRssMiB: round(result.run.maxRssMiB),
      requests,
      bytes: Math.round(bytes),
      findings: result.findings.length,
      ...scored,
    };
    log(`${spec.name}: ${round(result.run.wallS, 2)} s, ${requests.total} requests, ${round(bytes / 2 ** 20)} MiB, RSS ${round(result.run.maxRssMiB)} MiB; ${scored.breakageTypesReported}/${Object.keys(BREAKAGE_TYPES).length} types, ${scored.instancesReported}/${scored.instances} instances; noise ${scored.noiseObjects} objects`);
  }
  results.oneShot = { ...(results.oneShot as object | undefined), ...oneShot };
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
}

/** Scores the one-shot outputs kept in bench/out again (after a change to the scoring or the parsers), without running the tools. */
function rescore(results: Record<string, unknown>, all: readonly Breakage[], healthyClusterScoped: readonly ObjectRef[]): void {
  const oneShot = (results.oneShot ?? {}) as Record<string, Record<string, unknown>>;
  for (const [tool, entry] of Object.entries(oneShot)) {
    const spec = TOOL_SPECS[tool];
    const output = join(OUT, `peers-${tool}-${args.scale}.json`);
    if (!spec || entry.completed === false || !existsSync(output)) continue;
    const findings = spec.parse(readFileSync(output, 'utf8'));
    oneShot[tool] = { ...entry, findings: findings.length, ...score(findings, all, healthyClusterScoped) };
  }
  const reports = join(OUT, `peers-controller-reports-${args.scale}.json`);
  if (existsSync(reports)) results.controllerCoverage = score(reportFindings(JSON.parse(readFileSync(reports, 'utf8'))), all, healthyClusterScoped);
}

async function runLoops(results: Record<string, unknown>): Promise<void> {
  const file = join(OUT, `peers-results-${args.scale}.json`);
  // The peers' 30 s loop (k8sgpt-operator's default period), change -> report.
  const loops: Record<string, unknown> = {};
  for (const tool of TOOLS.filter((t) => t !== 'healthreport')) {
    const spec = TOOL_SPECS[tool]!;
    const kubeconfig = toolKubeconfig(CLUSTER_DIR, spec.user.replace('bench-', ''));
    // A change lands during some run; the next run to start sees it: up to a period (or a run) later, plus that run.
    const oneShotRun = (results.oneShot as Record<string, { wallSeconds?: number; completed?: boolean; limit?: string }> | undefined)?.[tool];
    if (oneShotRun?.completed === false) {
      log(`${spec.name}: not looped, its one-shot run ${oneShotRun.limit}`);
      continue;
    }
    const oneShotS = oneShotRun?.wallSeconds ?? 0;
    const worstS = Math.max(PERIOD_S, oneShotS) + oneShotS;
    if (worstS > Number(args['loop-budget-seconds'])) {
      loops[tool] = { periodSeconds: PERIOD_S, latenciesSeconds: [], runSeconds: [oneShotS], derived: { fromSeconds: round(oneShotS, 1), toSeconds: round(worstS, 1) } };
      log(`${spec.name}: one run takes ${round(oneShotS)} s, so change -> report is ${round(oneShotS)}-${round(worstS)} s (derived, not looped: over --loop-budget-seconds)`);
      continue;
    }
    const { latenciesS, runSeconds, runRssMiB } = await loopLatency(spec, kubeconfig, Number(args['loop-changes']));
    loops[tool] = { periodSeconds: PERIOD_S, latenciesSeconds: latenciesS.map((l) => round(l, 1)), runSeconds: runSeconds.map((r) => round(r, 1)), runPeakRssMiB: runRssMiB.map((r) => round(r)) };
  }
  results.loop = { ...(results.loop as object | undefined), ...loops };
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
}

async function runController(results: Record<string, unknown>, all: readonly Breakage[], healthyClusterScoped: readonly ObjectRef[]): Promise<void> {
  const controllerConfig = toolKubeconfig(CLUSTER_DIR, 'healthreport');
  const tag = `peers-${args.scale}`;
  const code = await runChild(process.execPath, [
    '--import', 'tsx', join(ROOT, 'bench/controller-bench.ts'),
    '--kubeconfig', args.kubeconfig, '--controller-kubeconfig', controllerConfig, '--skip-populate', '--leader-elect',
    '--unbound-pods', String(EXTRA_UNBOUND_PODS), '--audit-log', AUDIT_LOG, '--audit-user', 'bench-healthreport',
    '--changes', args['controller-changes'], '--quiet-seconds', args['rest-seconds'], '--tag', tag,
    '--scale', args.scale,
  ]);
  if (code !== 0) throw new Error(`controller-bench exited ${code}`);
  results.controller = JSON.parse(readFileSync(join(OUT, `controller-results-${tag}.json`), 'utf8'));
  await scoreStoredReports(results, all, healthyClusterScoped);
}

/** The controller's coverage, from the HealthReports it wrote (kept in bench/out for a rescore). */
async function scoreStoredReports(results: Record<string, unknown>, all: readonly Breakage[], healthyClusterScoped: readonly ObjectRef[]): Promise<void> {
  const stored = await admin.getJson('/apis/sre.otomi.io/v1alpha1/healthreports');
  writeFileSync(join(OUT, `peers-controller-reports-${args.scale}.json`), JSON.stringify(stored));
  results.controllerCoverage = score(reportFindings(stored), all, healthyClusterScoped);
}

function reportFindings(stored: unknown): Finding[] {
  const items = (stored as { items: { spec: { subject: { kind: string; namespace?: string; name: string } }; status?: { findings?: { check: string; severity: string; message: string; object?: { kind: string; namespace?: string; name: string } }[] } }[] }).items;
  // Reports spell severities as the CRD does (Critical); `analyze -o json` in lower case.
  return healthreportFindings(JSON.stringify({ findings: items.flatMap((r) => (r.status?.findings ?? []).map((f) => ({ ...f, severity: f.severity.toLowerCase(), subject: r.spec.subject }))) }));
}

await main();
process.exit(0);
