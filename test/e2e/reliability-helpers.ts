// Plumbing of the reliability scenarios: a private control plane (to kill its apiserver and compact
// its etcd without disturbing the shared cluster), controllers as child processes (so that one can
// be SIGKILLed) or in-process, and /metrics reading.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCommand } from '../../src/cli/run.js';
import { writeTempFile } from '../helpers/temp-files.js';
import { repoRoot, waitFor } from './kube.js';
import { freePort } from '../helpers/free-port.js';
import { collectJsonLogs } from './operator-process.js';


// --- /metrics -----------------------------------------------------------------------------------

/** The value of one series of a Prometheus text exposition; labels must match exactly those given (subset). */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  let found: number | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const got = Object.fromEntries([...(match[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) found = (found ?? 0) + Number(match[4]);
  }
  return found;
}

// --- controllers ---------------------------------------------------------------------------------

export interface RunningController {
  readonly metricsUrl: string;
  readonly healthUrl: string;
  metrics(): Promise<string>;
  metric(name: string, labels?: Record<string, string>): Promise<number | undefined>;
  ready(): Promise<boolean>;
  /** Resolves when /readyz answers 200; a timeout names the last reason given. */
  waitReady(timeoutMs?: number): Promise<void>;
}

function endpoints(metricsPort: number, healthPort: number): RunningController {
  const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  const healthUrl = `http://127.0.0.1:${healthPort}`;
  const metrics = async () => (await fetch(metricsUrl)).text();
  return {
    metricsUrl,
    healthUrl,
    metrics,
    metric: async (name, labels) => metricValue(await metrics(), name, labels),
    ready: async () => (await fetch(`${healthUrl}/readyz`)).status === 200,
    waitReady: async (timeoutMs = 60_000) => {
      await waitFor('the controller to be ready', async () => {
        const res = await fetch(`${healthUrl}/readyz`);
        if (res.status === 200) return true;
        throw new Error(`/readyz ${res.status}: ${await res.text()}`);
      }, { timeoutMs, intervalMs: 200 });
    },
  };
}

/** Writes a controller config file into a fresh temp directory; returns its path. */
export function controllerConfig(yaml: string): string {
  return writeTempFile('healthreport-reliability-config-', 'config.yaml', yaml);
}

export interface InProcessController extends RunningController {
  stop(): Promise<number>;
}

/** `healthreport run` in this process (stopped through RunOptions.stopSignal, like SIGTERM). */
export async function startInProcess(kubeconfig: string, config: string): Promise<InProcessController> {
  let stop!: (signal: string) => void;
  const stopSignal = new Promise<string>((r) => (stop = r));
  let started!: (ports: { metricsPort: number; healthPort: number }) => void;
  const ports = new Promise<{ metricsPort: number; healthPort: number }>((r) => (started = r));
  const finished = runCommand(
    ['--kubeconfig', kubeconfig, '--config', config, '--metrics-port', '0', '--health-port', '0', '--log-level', 'warn'],
    { stdout: () => {}, stderr: (t) => process.stderr.write(t), color: false, env: {} },
    { stopSignal, onStarted: (p) => started(p) },
  );
  const { metricsPort, healthPort } = await Promise.race([ports, finished.then((code) => Promise.reject(new Error(`run exited ${code}`)))]);
  return {
    ...endpoints(metricsPort, healthPort),
    stop: async () => {
      stop('test done');
      return finished;
    },
  };
}

export interface ChildController extends RunningController {
  readonly child: ChildProcess;
  /** Parsed JSON log lines so far. */
  readonly logs: Record<string, unknown>[];
  readonly exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/** `healthreport run` as a child process (info logs captured), so that it can be SIGKILLed. */
export async function startChild(kubeconfig: string, config: string, extraArgs: readonly string[] = []): Promise<ChildController> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/bin.ts', 'run', '--kubeconfig', kubeconfig, '--config', config, '--metrics-port', '0', '--health-port', '0', '--log-level', 'info', ...extraArgs],
    { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
  );
  const { logs, tail: rawTail } = collectJsonLogs(child.stderr!);
  const exited = new Promise<number | null>((r) => child.once('exit', (code, signal) => r(code ?? (signal ? -1 : null))));
  let done = false;
  void exited.then(() => (done = true));
  const starting = await waitFor(
    'the child controller to log its ports',
    async () => {
      if (done) throw new Error(`the controller exited: ${rawTail()}`);
      return logs.find((l) => l.msg === 'starting' && typeof l.metricsPort === 'number');
    },
    { timeoutMs: 60_000, intervalMs: 100 },
  ).catch(async (error: unknown) => {
    child.kill('SIGKILL');
    await exited;
    throw error;
  });
  return {
    ...endpoints(starting.metricsPort as number, starting.healthPort as number),
    child,
    logs,
    exited,
    kill: async (signal) => {
      if (!done) child.kill(signal);
      return exited;
    },
  };
}

// --- a private control plane -----------------------------------------------------------------------

const OWNER_FILE = 'owner.pid';
const PRIVATE_PREFIX = 'healthreport-reliability-cluster-';

/** The binary the shared cluster's cluster-up.sh built, reused so that a private cluster costs no build. */
export const sharedClusterBinary = resolve(repoRoot, '.cluster/bin/localcluster');

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function script(name: string, env: NodeJS.ProcessEnv, ...args: string[]): { status: number | null; output: string } {
  const run = spawnSync('bash', [resolve(repoRoot, 'test/cluster', name), ...args], { cwd: repoRoot, env: { ...process.env, ...env }, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** Stops private clusters left behind by runs that died before their afterAll. */
function reapStalePrivateClusters(): void {
  for (const entry of readdirSync(tmpdir())) {
    if (!entry.startsWith(PRIVATE_PREFIX)) continue;
    const dir = join(tmpdir(), entry);
    const owner = Number(existsSync(join(dir, OWNER_FILE)) ? readFileSync(join(dir, OWNER_FILE), 'utf8') : NaN);
    if (Number.isInteger(owner) && pidAlive(owner)) continue;
    script('cluster-down.sh', { CLUSTER_DIR: dir });
    rmSync(dir, { recursive: true, force: true });
  }
}

export class PrivateControlPlane {
  private constructor(
    readonly dir: string,
    readonly env: Record<string, string>,
    readonly etcdUrl: string,
  ) {}

  get kubeconfig(): string {
    return join(this.dir, 'kubeconfig');
  }

  /** A one-node cluster of its own (own etcd, apiserver, controller-manager, scheduler, kwok), on free ports. */
  static async start(): Promise<PrivateControlPlane> {
    reapStalePrivateClusters();
    const dir = mkdtempSync(join(tmpdir(), PRIVATE_PREFIX));
    writeFileSync(join(dir, OWNER_FILE), String(process.pid));
    mkdirSync(join(dir, 'bin'));
    symlinkSync(sharedClusterBinary, join(dir, 'bin/localcluster'));
    const ports: number[] = [];
    while (ports.length < 6) {
      const p = await freePort();
      if (!ports.includes(p)) ports.push(p);
    }
    const [etcd, peer, apiserver, kcm, scheduler, kwok] = ports as [number, number, number, number, number, number];
    const env = {
      CLUSTER_DIR: dir,
      ETCD_CLIENT_PORT: String(etcd),
      ETCD_PEER_PORT: String(peer),
      APISERVER_PORT: String(apiserver),
      KCM_PORT: String(kcm),
      SCHEDULER_PORT: String(scheduler),
      KWOK_PORT: String(kwok),
      CLUSTER_NODES: '1',
    };
    const plane = new PrivateControlPlane(dir, env, `http://127.0.0.1:${etcd}`);
    const up = script('cluster-up.sh', env);
    if (up.status !== 0) {
      plane.stop();
      throw new Error(`private control plane did not start:\n${up.output.slice(-3000)}`);
    }
    return plane;
  }

  /** Stops every process of the private cluster and deletes its directory. */
  stop(): void {
    const down = script('cluster-down.sh', this.env);
    if (down.status !== 0) throw new Error(`cluster-down.sh failed:\n${down.output}`);
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Kills (SIGKILL) or stops the kube-apiserver; `start` brings it back with the same flags. */
  apiserver(action: 'stop' | 'start', signal = 'KILL'): void {
    const run = script('cluster-restart-apiserver.sh', this.env, action, signal);
    if (run.status !== 0) throw new Error(`cluster-restart-apiserver.sh ${action} failed:\n${run.output}`);
  }

  // etcd's JSON gateway: keys and values are base64.
  private async etcd(path: string, body: unknown): Promise<Record<string, unknown>> {
    const res = await fetch(`${this.etcdUrl}${path}`, { method: 'POST', body: JSON.stringify(body) });
    const json = (await res.json()) as Record<string, unknown>;
    if (!res.ok) throw new Error(`etcd ${path}: HTTP ${res.status}: ${JSON.stringify(json)}`);
    return json;
  }

  async etcdRevision(): Promise<number> {
    const answer = await this.etcd('/v3/kv/range', { key: b64('/'), range_end: b64('0'), count_only: true });
    return Number((answer.header as { revision: string }).revision);
  }

  /** Compacts etcd's history up to its current revision: every older resourceVersion is gone. */
  async etcdCompact(): Promise<number> {
    const revision = await this.etcdRevision();
    await this.etcd('/v3/kv/compaction', { revision: String(revision), physical: true });
    return revision;
  }

  async etcdPut(key: string, value: string): Promise<void> {
    await this.etcd('/v3/kv/put', { key: b64(key), value: b64(value) });
  }

  async etcdDelete(key: string): Promise<number> {
    const answer = await this.etcd('/v3/kv/deleterange', { key: b64(key) });
    return Number(answer.deleted ?? 0);
  }
}

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
