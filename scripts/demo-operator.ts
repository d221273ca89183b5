// `npm run demo:operator`: the controller end to end on the local control plane. Starts the cluster
// (test/cluster/cluster-up.sh: etcd, kube-apiserver, controller-manager, scheduler and kwok from Go
// modules), applies the HealthReport CRD and a handful of realistic breakages in namespace demo-shop,
// runs `healthreport run` until their reports are written, prints what `kubectl get healthreports -A`
// would (there is no kubectl here: the API server's own Table of the CRD's printer columns), one
// report's findings and the healthreport_finding series, then stops the controller. The cluster stays
// up for exploring. Every request goes through the operator's own Kubernetes client (src/kube).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import jsYaml from 'js-yaml';
import { loadConnection } from '../src/kube/connection.js';
import { KubeRequestError, kubeGetter, type KubeGetter } from '../src/kube/http.js';

const root = resolve(import.meta.dirname, '..');
const NAMESPACE = 'demo-shop';
const FIELD_MANAGER = 'healthreport-demo';
const started = Date.now();

function step(text: string): void {
  process.stdout.write(`\n[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${text}\n`);
}

// --- the breakages ------------------------------------------------------------------------------

const labels = (app: string) => ({ app, 'app.kubernetes.io/part-of': 'demo-shop' });

/** A Deployment whose pods kwok plays as `scenario` (test/cluster/kwok-stages.yaml), or healthy without one. */
function deployment(name: string, options: { scenario?: string; image?: string; replicas?: number; nodeSelector?: Record<string, string> } = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NAMESPACE, labels: labels(name) },
    spec: {
      replicas: options.replicas ?? 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: labels(name), ...(options.scenario ? { annotations: { 'e2e.sre.otomi.io/scenario': options.scenario } } : {}) },
        spec: {
          ...(options.nodeSelector ? { nodeSelector: options.nodeSelector } : {}),
          containers: [
            {
              name: 'app',
              image: options.image ?? `registry.example.com/shop/${name}:1.4.2`,
              ports: [{ name: 'http', containerPort: 8080 }],
              resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } },
              readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
              livenessProbe: { httpGet: { path: '/healthz', port: 'http' } },
            },
          ],
        },
      },
    },
  };
}

function service(name: string, selector: Record<string, string>) {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: NAMESPACE, labels: labels(name) }, spec: { selector, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } };
}

/** What each breakage is, and the report and check it must produce. */
const BREAKAGES = [
  { what: 'checkout crash-loops (exit 1), and its Service has no ready endpoint because of it', objects: [deployment('checkout', { scenario: 'crashloop', replicas: 2 }), service('checkout', { app: 'checkout' })], report: 'deployment-checkout', check: 'PodCrashLooping' },
  { what: 'the cart Service selects pods that do not exist (a typo in its selector)', objects: [deployment('cart'), service('cart', { app: 'carts' })], report: 'service-cart', check: 'ServiceSelectorMatchesNothing' },
  { what: 'catalog was rolled out with an image tag that does not exist', objects: [deployment('catalog', { scenario: 'image-pull', image: 'registry.example.com/shop/catalog:1.4.2-typo' })], report: 'deployment-catalog', check: 'PodImagePullFailed' },
  { what: 'reports is killed for running out of memory', objects: [deployment('reports', { scenario: 'oomkilled' })], report: 'deployment-reports', check: 'PodOOMKilled' },
  { what: 'search asks for nodes that no node is labelled as', objects: [deployment('search', { nodeSelector: { 'demo.sre.otomi.io/disk': 'nvme' } })], report: 'deployment-search', check: 'PodUnschedulable' },
  {
    what: 'the orders database claims a StorageClass that does not exist',
    objects: [{ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'orders-data', namespace: NAMESPACE, labels: labels('orders') }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'fast-ssd', resources: { requests: { storage: '10Gi' } } } }],
    report: 'persistentvolumeclaim-orders-data',
    check: 'PVCStorageClassMissing',
  },
] as const;

/** Thresholds at 0 so that nothing waits its production grace period (minutes) in a demo. */
const CONTROLLER_CONFIG = `analysis:
  thresholds: {podUnschedulableAfter: 0s, podPendingTooLongAfter: 0s, podNotReadyAfter: 0s, serviceNoReadyEndpointsAfter: 0s, replicasUnavailableAfter: 0s, pvcPendingAfter: 0s}
`;

// --- API helpers ----------------------------------------------------------------------------------

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };

const RESOURCES: Record<string, string> = { Namespace: 'namespaces', Deployment: 'deployments', Service: 'services', PersistentVolumeClaim: 'persistentvolumeclaims', CustomResourceDefinition: 'customresourcedefinitions' };

function objectPath(obj: Obj): string {
  const base = obj.apiVersion.includes('/') ? `/apis/${obj.apiVersion}` : `/api/${obj.apiVersion}`;
  const resource = RESOURCES[obj.kind];
  if (!resource) throw new Error(`demo: no resource for kind ${obj.kind}`);
  return `${base}${obj.metadata.namespace ? `/namespaces/${obj.metadata.namespace}` : ''}/${resource}/${obj.metadata.name}`;
}

/** Server-side apply, as `kubectl apply --server-side` does: creates or updates, so reruns are idempotent. */
async function apply(api: KubeGetter, obj: Obj): Promise<void> {
  await api.send('PATCH', `${objectPath(obj)}?fieldManager=${FIELD_MANAGER}&force=true`, obj, 'application/apply-patch+yaml');
}

async function poll<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline) throw new Error(`demo: timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? `: ${last}` : ''}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

interface Table {
  columnDefinitions: { name: string; type: string; priority?: number }[];
  rows: { cells: unknown[]; object?: { metadata?: { namespace?: string; creationTimestamp?: string } } }[];
}

/** An age as kubectl prints it (45s, 3m, 2h, 4d); the API server usually sends it so already. */
function age(timestamp: string): string {
  if (Number.isNaN(Date.parse(timestamp))) return timestamp;
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(timestamp)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

/** `kubectl get healthreports -A`: the server's Table of the CRD's printer columns, plus NAMESPACE. */
async function printReports(api: KubeGetter): Promise<void> {
  const table = (await api.getJson('/apis/sre.otomi.io/v1alpha1/healthreports?includeObject=Metadata', 'application/json;as=Table;v=v1;g=meta.k8s.io')) as Table;
  const columns = table.columnDefinitions.map((c, i) => ({ ...c, i })).filter((c) => !c.priority);
  const header = ['NAMESPACE', ...columns.map((c) => c.name.toUpperCase())];
  const rows = table.rows.map((row) => [row.object?.metadata?.namespace ?? '', ...columns.map((c) => (c.type === 'date' && typeof row.cells[c.i] === 'string' ? age(row.cells[c.i] as string) : String(row.cells[c.i] ?? '<none>')))]);
  rows.sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? '') || (a[1] ?? '').localeCompare(b[1] ?? ''));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  for (const line of [header, ...rows]) process.stdout.write(`${line.map((cell, i) => (i === line.length - 1 ? cell : cell.padEnd((widths[i] ?? 0) + 3))).join('')}\n`);
}

interface Report {
  spec: { subject: { kind: string; namespace?: string; name: string } };
  status?: {
    severity?: string;
    findings?: { check: string; severity: string; message: string; object: { kind: string; name: string; container?: string }; evidence?: string[]; remediation?: string[]; rootCause?: { check: string; subject: { kind: string; name: string } } }[];
  };
}

async function getReport(api: KubeGetter, name: string): Promise<Report | undefined> {
  try {
    return (await api.getJson(`/apis/sre.otomi.io/v1alpha1/namespaces/${NAMESPACE}/healthreports/${name}`)) as Report;
  } catch (error) {
    if (error instanceof KubeRequestError && error.status === 404) return undefined;
    throw error;
  }
}

function printFindings(report: Report): void {
  const { subject } = report.spec;
  process.stdout.write(`HealthReport ${NAMESPACE}/${subject.kind.toLowerCase()}-${subject.name}: ${report.status?.severity ?? '?'}\n`);
  for (const finding of report.status?.findings ?? []) {
    process.stdout.write(`\n  ${finding.severity.toUpperCase()}  ${finding.check}  (${finding.object.kind} ${finding.object.name}${finding.object.container ? `, container ${finding.object.container}` : ''})\n`);
    process.stdout.write(`    ${finding.message}\n`);
    if (finding.rootCause) process.stdout.write(`    root cause: ${finding.rootCause.check} on ${finding.rootCause.subject.kind} ${finding.rootCause.subject.name}\n`);
    for (const line of (finding.evidence ?? []).slice(0, 5)) process.stdout.write(`    evidence:    ${line}\n`);
    for (const line of (finding.remediation ?? []).slice(0, 3)) process.stdout.write(`    remediation: ${line}\n`);
  }
}

// --- the demo ---------------------------------------------------------------------------------------

async function main(): Promise<void> {
  step('starting the local control plane (test/cluster/cluster-up.sh; the first build of its binary takes minutes)');
  const up = spawnSync('bash', [join(root, 'test/cluster/cluster-up.sh')], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (up.status !== 0) throw new Error(`demo: cluster-up.sh failed (exit ${up.status ?? up.signal}); logs in .cluster/logs/`);
  const kubeconfig = join(root, '.cluster/kubeconfig');
  const api = kubeGetter(await loadConnection({ kubeconfig, env: process.env }));

  step('kubectl apply -f crds/  (server-side apply of the HealthReport CRD)');
  for (const file of readdirSync(join(root, 'crds')).filter((f) => /\.ya?ml$/.test(f))) {
    for (const doc of jsYaml.loadAll(readFileSync(join(root, 'crds', file), 'utf8'))) {
      if (doc) await apply(api, doc as Obj);
    }
  }
  await poll('the HealthReport CRD to be Established', 30_000, async () => {
    const crd = (await api.getJson('/apis/apiextensions.k8s.io/v1/customresourcedefinitions/healthreports.sre.otomi.io')) as { status?: { conditions?: { type: string; status: string }[] } };
    return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ? true : undefined;
  });

  step(`breaking things in namespace ${NAMESPACE}:`);
  await apply(api, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } });
  await poll(`ServiceAccount ${NAMESPACE}/default`, 30_000, async () => ((await api.getJson(`/api/v1/namespaces/${NAMESPACE}/serviceaccounts/default`)) ? true : undefined));
  for (const breakage of BREAKAGES) {
    process.stdout.write(`  - ${breakage.what}\n`);
    for (const obj of breakage.objects) await apply(api, obj as Obj);
  }

  const scratch = mkdtempSync(join(tmpdir(), 'healthreport-demo-'));
  const configFile = join(scratch, 'controller.yaml');
  writeFileSync(configFile, CONTROLLER_CONFIG);
  const logFile = join(scratch, 'controller.log');
  const args = ['run', '--kubeconfig', relative(root, kubeconfig), '--config', configFile, '--metrics-port', '0', '--health-port', '0'];
  step(`healthreport ${args.join(' ')}\n         (all namespaces; leader election off outside a pod; thresholds 0s; logs in ${logFile})`);
  const controller = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/bin.ts'), ...args], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  const exited = new Promise<number | string | null>((done) => controller.once('exit', (code, signal) => done(code ?? signal)));
  let logs = '';
  controller.stderr.setEncoding('utf8');
  controller.stderr.on('data', (chunk: string) => {
    logs += chunk;
    writeFileSync(logFile, logs);
  });
  try {
    const starting = await poll('the controller to start', 120_000, async () => {
      if (controller.exitCode !== null) throw new Error(`the controller exited ${controller.exitCode}:\n${logs}`);
      for (const line of logs.split('\n')) {
        const entry = (line.startsWith('{') ? JSON.parse(line) : {}) as { msg?: string; metricsPort?: number; healthPort?: number; operatorNamespace?: string };
        if (entry.msg === 'starting') return entry;
      }
      return undefined;
    }).catch((error: unknown) => {
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n${logs.slice(-3000)}`);
    });
    process.stdout.write(`  metrics on :${starting.metricsPort}, probes on :${starting.healthPort}, cluster-scoped reports go to namespace "${starting.operatorNamespace}"\n`);
    await poll('/readyz', 120_000, async () => ((await fetch(`http://127.0.0.1:${starting.healthPort}/readyz`)).status === 200 ? true : undefined));
    step('informers synced; waiting for the reports');
    // The dependent finding too: the checkout Service has no ready endpoint because its pods crash.
    for (const breakage of [...BREAKAGES, { report: 'service-checkout', check: 'ServiceNoReadyEndpoints' }]) {
      await poll(`report ${NAMESPACE}/${breakage.report} with ${breakage.check}`, 120_000, async () => ((await getReport(api, breakage.report))?.status?.findings?.some((f) => f.check === breakage.check) ? true : undefined));
    }

    step('kubectl get healthreports -A');
    await printReports(api);

    step(`the findings of one report (kubectl get healthreport -n ${NAMESPACE} deployment-checkout -o yaml, abridged)`);
    const checkout = await getReport(api, 'deployment-checkout');
    if (checkout) printFindings(checkout);
    const serviceReport = await getReport(api, 'service-checkout');
    const dependent = serviceReport?.status?.findings?.find((f) => f.rootCause);
    if (dependent?.rootCause) process.stdout.write(`\n  and service-checkout's ${dependent.check} names it as its root cause: ${dependent.rootCause.check} on ${dependent.rootCause.subject.kind} ${dependent.rootCause.subject.name}\n`);

    step(`healthreport_finding series (curl -s localhost:${starting.metricsPort}/metrics | grep ${NAMESPACE})`);
    const metrics = await (await fetch(`http://127.0.0.1:${starting.metricsPort}/metrics`)).text();
    for (const line of metrics.split('\n').filter((l) => l.startsWith('healthreport_finding{') && l.includes(`namespace="${NAMESPACE}"`)).sort()) process.stdout.write(`${line}\n`);
  } finally {
    step('stopping the controller (SIGTERM)');
    controller.kill('SIGTERM');
    const code = await exited;
    process.stdout.write(`  exited ${String(code)}\n`);
    rmSync(scratch, { recursive: true, force: true });
  }

  step('done. The cluster stays up for exploring:');
  process.stdout.write(`  npx healthreport analyze --kubeconfig .cluster/kubeconfig -n ${NAMESPACE}     # the same findings, one-shot
  npx healthreport run --kubeconfig .cluster/kubeconfig                         # the controller again (Ctrl-C stops it)
  export KUBECONFIG=$PWD/.cluster/kubeconfig                                     # for kubectl, if you have it
  npm run cluster:down                                                           # stop the cluster and delete its state
`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
