// The tools compared, each run as its own API user, and their answers brought to one shape.
// Users: a client certificate per tool (CN bench-TOOL, groups system:masters and bench:tools) signed
// by the benchmark cluster's CA, so the API server's audit log (bench/peers/audit-policy.yaml) names
// who sent each request. Findings: {kind, namespace, name, level, text} whatever the tool's format.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

export type Level = 'error' | 'warning' | 'info';

export interface Finding {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly level: Level;
  readonly text: string;
}

export interface ToolRun {
  readonly wallS: number;
  readonly maxRssMiB: number;
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Set when the run was killed at a limit (RunLimits) instead of ending by itself. */
  readonly limit?: 'timeout' | 'memory';
}

/** Writes a kubeconfig for user `bench-NAME` next to the admin one (idempotent); returns its path. */
export function toolKubeconfig(clusterDir: string, name: string): string {
  const pki = join(clusterDir, 'pki');
  const dir = join(clusterDir, 'bench-users');
  mkdirSync(dir, { recursive: true });
  const key = join(dir, `${name}.key`);
  const crt = join(dir, `${name}.crt`);
  const csr = join(dir, `${name}.csr`);
  const ext = join(dir, 'client.ext');
  writeFileSync(ext, 'keyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n');
  execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', csr, '-subj', `/O=system:masters/O=bench:tools/CN=bench-${name}`], { stdio: 'ignore' });
  execFileSync('openssl', ['x509', '-req', '-in', csr, '-CA', join(pki, 'ca.crt'), '-CAkey', join(pki, 'ca.key'), '-CAcreateserial', '-days', '2', '-out', crt, '-extfile', ext], { stdio: 'ignore' });
  const admin = readFileSync(join(clusterDir, 'kubeconfig'), 'utf8');
  const server = /server: (\S+)/.exec(admin)?.[1];
  const ca = /certificate-authority-data: (\S+)/.exec(admin)?.[1];
  if (!server || !ca) throw new Error(`cannot read server and CA from ${clusterDir}/kubeconfig`);
  const b64 = (file: string) => readFileSync(file).toString('base64');
  const path = join(dir, `${name}.kubeconfig`);
  writeFileSync(
    path,
    `apiVersion: v1
kind: Config
clusters:
- name: bench
  cluster: {server: ${server}, certificate-authority-data: ${ca}}
users:
- name: bench-${name}
  user: {client-certificate-data: ${b64(crt)}, client-key-data: ${b64(key)}}
contexts:
- name: bench-${name}
  context: {cluster: bench, user: bench-${name}}
current-context: bench-${name}
`,
    { mode: 0o600 },
  );
  return path;
}

export interface RunLimits {
  /** Killed after this long (a one-shot run that long is an answer in itself). */
  readonly timeoutMs?: number;
  /** Killed when its resident memory passes this: at 50,000 pods a peer can outgrow the machine and take the API server down with it. */
  readonly maxRssMiB?: number;
}

/** The resident memory of a process, MiB (0 once it is gone). */
function rssMiB(pid: number): number {
  try {
    const kib = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib ? Number(kib) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** The children of a process (/usr/bin/time's one child is the tool). */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * Runs a command to its end under /usr/bin/time (peak RSS of the process tree's largest process),
 * or until a limit: then it is killed and `limit` says which, so a benchmark can report "did not
 * finish in N s" or "passed N GiB" instead of losing every other tool's figures.
 */
export function runMeasured(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env, limits: RunLimits = {}): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('/usr/bin/time', ['-f', 'BENCH_MAXRSS_KIB %M', command, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let limit: ToolRun['limit'];
    let sampledPeakMiB = 0;
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const kill = (why: NonNullable<ToolRun['limit']>) => {
      limit ??= why;
      for (const pid of childrenOf(child.pid ?? 0)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => kill('timeout'), limits.timeoutMs ?? 30 * 60_000);
    const sampler = setInterval(() => {
      const rss = childrenOf(child.pid ?? 0).reduce((max, pid) => Math.max(max, rssMiB(pid)), 0);
      sampledPeakMiB = Math.max(sampledPeakMiB, rss);
      if (limits.maxRssMiB !== undefined && rss > limits.maxRssMiB) kill('memory');
    }, 500);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      clearInterval(sampler);
      const stderr = Buffer.concat(err).toString('utf8');
      const rss = /BENCH_MAXRSS_KIB (\d+)/.exec(stderr);
      resolve({
        wallS: (performance.now() - t0) / 1000,
        // /usr/bin/time prints nothing when it is killed itself: the sampled peak then.
        maxRssMiB: rss ? Number(rss[1]) / 1024 : sampledPeakMiB || NaN,
        exitCode: code ?? -1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: stderr.replace(/BENCH_MAXRSS_KIB \d+\n?/, ''),
        ...(limit ? { limit } : {}),
      });
    });
  });
}

/** The first JSON value in a tool's output (k8sgpt and Popeye may print lines before it). */
function firstJson(text: string): unknown {
  const start = text.search(/[[{]/);
  if (start < 0) throw new Error(`no JSON in the output: ${text.slice(0, 300)}`);
  return JSON.parse(text.slice(start));
}

const splitName = (qualified: string): { namespace?: string; name: string } => {
  const slash = qualified.indexOf('/');
  return slash < 0 ? { name: qualified } : { namespace: qualified.slice(0, slash), name: qualified.slice(slash + 1) };
};

/** k8sgpt kinds as it prints them, to the API's kind names. */
const K8SGPT_KINDS: Record<string, string> = { HorizontalPodAutoScaler: 'HorizontalPodAutoscaler', HorizontalPodAutoscaling: 'HorizontalPodAutoscaler' };

/**
 * `k8sgpt analyze -o json`: {results: [{kind, name: "ns/name", error: [{Text}], parentObject}]}; every
 * result is a problem. Webhook configurations are named by the webhook inside ("/NAME.of.webhook").
 */
export function k8sgptFindings(stdout: string): Finding[] {
  const doc = firstJson(stdout) as { results?: { kind?: string; name?: string; error?: { Text?: string }[] }[] | null };
  return (doc.results ?? []).map((r) => ({
    // Its Storage and Security analyzers prefix the kind ("Storage/PersistentVolumeClaim").
    kind: ((kind) => K8SGPT_KINDS[kind] ?? kind)((r.kind ?? '?').split('/').pop() ?? '?'),
    ...splitName(r.name ?? '?'),
    level: 'error' as const,
    text: (r.error ?? []).map((e) => e.Text ?? '').join(' | '),
  }));
}

/** Popeye's linters (plural resource names) to kinds. */
const POPEYE_KINDS: Record<string, string> = {
  pods: 'Pod', services: 'Service', deployments: 'Deployment', replicasets: 'ReplicaSet', statefulsets: 'StatefulSet', daemonsets: 'DaemonSet',
  jobs: 'Job', cronjobs: 'CronJob', ingresses: 'Ingress', persistentvolumeclaims: 'PersistentVolumeClaim', persistentvolumes: 'PersistentVolume',
  horizontalpodautoscalers: 'HorizontalPodAutoscaler', poddisruptionbudgets: 'PodDisruptionBudget', configmaps: 'ConfigMap', secrets: 'Secret',
  serviceaccounts: 'ServiceAccount', namespaces: 'Namespace', nodes: 'Node', networkpolicies: 'NetworkPolicy', clusterroles: 'ClusterRole',
  clusterrolebindings: 'ClusterRoleBinding', roles: 'Role', rolebindings: 'RoleBinding', storageclasses: 'StorageClass', gateways: 'Gateway',
  gatewayclasses: 'GatewayClass', httproutes: 'HTTPRoute',
};
const POPEYE_LEVELS: Record<number, Level | undefined> = { 1: 'info', 2: 'warning', 3: 'error' };

/** `popeye -o json`: {popeye: {sections: [{linter, issues: {"ns/name": [{level, message}]}}]}}; level 0 is "ok". */
export function popeyeFindings(stdout: string): Finding[] {
  const doc = firstJson(stdout) as { popeye?: { sections?: { linter?: string; issues?: Record<string, { level?: number; message?: string }[]> | null }[] } };
  const out: Finding[] = [];
  for (const section of doc.popeye?.sections ?? []) {
    const kind = POPEYE_KINDS[section.linter ?? ''] ?? section.linter ?? '?';
    for (const [qualified, issues] of Object.entries(section.issues ?? {})) {
      for (const issue of issues) {
        const level = POPEYE_LEVELS[issue.level ?? 0];
        if (level) out.push({ kind, ...splitName(qualified), level, text: issue.message ?? '' });
      }
    }
  }
  return out;
}

const OUR_LEVELS: Record<string, Level> = { critical: 'error', warning: 'warning', info: 'info' };

/** `healthreport analyze -o json`: {findings: [{check, severity, subject, object, message}]}; both subject and object are named. */
export function healthreportFindings(stdout: string): Finding[] {
  const doc = firstJson(stdout) as { findings?: { check: string; severity: string; subject: { kind: string; namespace?: string; name: string }; object?: { kind: string; namespace?: string; name: string }; message: string }[] };
  return (doc.findings ?? []).flatMap((f) => {
    const level = OUR_LEVELS[f.severity] ?? 'info';
    const text = `[${f.check}] ${f.message}`;
    const subject = { kind: f.subject.kind.split('.')[0] ?? f.subject.kind, ...(f.subject.namespace ? { namespace: f.subject.namespace } : {}), name: f.subject.name, level, text };
    const object = f.object && { kind: f.object.kind.split('.')[0] ?? f.object.kind, ...(f.object.namespace ? { namespace: f.object.namespace } : {}), name: f.object.name, level, text };
    return object && (object.kind !== subject.kind || object.name !== subject.name || object.namespace !== subject.namespace) ? [subject, object] : [subject];
  });
}
