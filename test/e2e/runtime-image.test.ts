// The container image's runtime stage without a Docker engine: its file system is assembled by the
// script the Dockerfile's build stage runs (scripts/image/assemble-runtime.sh), made read-only, and
// the operator is started from it the way the Dockerfile says — its ENTRYPOINT and CMD, in its
// WORKDIR, as its USER (uid/gid 65532; we are root in CI) — on Node.js 24, the image's Node (from
// scripts/tools/install-node24.sh). That proves the payload is complete (production dependencies
// only), that nothing writes under WORKDIR, and that the operator stops gracefully on SIGTERM.
import { spawnSync, type SpawnOptions } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { renderChecksTable } from '../../src/cli/checks.js';
import { RUN_USAGE } from '../../src/cli/run.js';
import { argsOf, execForm, readDockerfile, stage } from '../helpers/dockerfile.js';
import { applyProjectCrds, kube, repoRoot, statusOf, tempNamespace, waitFor, type Kube } from './kube.js';
import { startOperatorProcess } from './operator-process.js';

const pkg = JSON.parse(readFileSync(resolve(repoRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
const runtimeStage = stage(readDockerfile(repoRoot), 'runtime');
const WORKDIR = argsOf(runtimeStage, 'WORKDIR').at(-1) ?? '/';
const [uid, gid] = (argsOf(runtimeStage, 'USER').at(-1) ?? '').split(':').map(Number) as [number, number];
const ENTRYPOINT = execForm(argsOf(runtimeStage, 'ENTRYPOINT').at(-1) ?? '[]');
const ENV = Object.fromEntries(argsOf(runtimeStage, 'ENV').map((args) => args.split('=', 2) as [string, string]));
/** Whether we can switch to the image's uid/gid (root can; a developer's own account cannot). */
const root = process.getuid?.() === 0;
/** The largest payload accepted (MiB): it was 50 MiB when written; a dev dependency or two would pass it. */
const PAYLOAD_BUDGET_MIB = 64;

let scratch: string;
let app: string;
let node24: string;
let before: string;

function sh(command: string, args: readonly string[], what: string): string {
  const result = spawnSync(command, args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) throw new Error(`${what} failed (${result.status ?? result.signal}):\n${result.stderr}`);
  return result.stdout;
}

function walk(dir: string, visit: (path: string, isDir: boolean) => void): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    visit(path, entry.isDirectory());
    if (entry.isDirectory()) walk(path, visit);
  }
}

/** npm ci builds dist/ (prepare); a source edited since then is built again, as the Dockerfile would. */
function ensureBuilt(): void {
  const bin = resolve(repoRoot, 'dist/src/cli/bin.js');
  let newest = 0;
  walk(resolve(repoRoot, 'src'), (path, isDir) => {
    if (!isDir) newest = Math.max(newest, statSync(path).mtimeMs);
  });
  if (!existsSync(bin) || statSync(bin).mtimeMs < newest) sh('npm', ['run', 'build'], 'npm run build');
}

/** Path, size and mode of every entry: a write or a new file under WORKDIR changes it. */
function snapshot(dir: string): string {
  const lines: string[] = [];
  walk(dir, (path) => {
    const stat = lstatSync(path);
    lines.push(`${relative(dir, path)} ${stat.size} ${stat.mode.toString(8)} ${stat.mtimeMs}`);
  });
  return lines.sort().join('\n');
}

/** The ENTRYPOINT with the image's paths mapped into the assembled folder and `node` to Node.js 24. */
function entrypoint(): string[] {
  return ENTRYPOINT.map((arg, i) => (i === 0 && arg === 'node' ? node24 : arg.startsWith(`${WORKDIR}/`) ? join(app, arg.slice(WORKDIR.length + 1)) : arg));
}

/** How the container runtime would start a process: the image's user, WORKDIR and ENV, nothing of ours. */
function imageProcess(): SpawnOptions {
  return {
    cwd: app,
    env: { ...ENV, PATH: `${dirname(node24)}:/usr/local/bin:/usr/bin:/bin`, HOME: '/' },
    ...(root ? { uid, gid } : {}),
  };
}

function runImage(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const [command, ...rest] = entrypoint();
  const result = spawnSync(command!, [...rest, ...args], { ...imageProcess(), encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  node24 = join(sh('bash', ['scripts/tools/install-node24.sh'], 'scripts/tools/install-node24.sh').trim(), 'node');
  ensureBuilt();
  scratch = mkdtempSync(join(tmpdir(), 'healthreport-image-'));
  app = join(scratch, 'app');
  const started = Date.now();
  sh('sh', ['scripts/image/assemble-runtime.sh', app], 'scripts/image/assemble-runtime.sh');
  console.log(`runtime image: file system assembled in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  // Read-only for everyone; the image's user does not own it either (COPY leaves it to root).
  walk(app, (path) => {
    const stat = lstatSync(path);
    if (!stat.isSymbolicLink()) chmodSync(path, stat.mode & 0o555);
  });
  chmodSync(app, 0o555);
  chmodSync(scratch, 0o755);
  before = snapshot(app);
}, 600_000);

afterAll(() => {
  if (!scratch) return;
  if (existsSync(app)) {
    chmodSync(app, 0o755);
    walk(app, (path, isDir) => {
      if (isDir) chmodSync(path, 0o755);
    });
  }
  rmSync(scratch, { recursive: true, force: true });
});

describe('the runtime image file system', () => {
  it('holds package.json, the production dependencies and dist/src only (no dev dependency, test, type declaration or source map)', () => {
    expect(readdirSync(app).sort()).toEqual(['dist', 'node_modules', 'package-lock.json', 'package.json']);
    expect(readdirSync(join(app, 'dist'))).toEqual(['src']);
    for (const dependency of Object.keys(pkg.dependencies)) expect(existsSync(join(app, 'node_modules', dependency)), dependency).toBe(true);
    for (const dependency of Object.keys(pkg.devDependencies)) expect(existsSync(join(app, 'node_modules', dependency)), dependency).toBe(false);
    expect(existsSync(join(app, 'node_modules', '.bin', 'tsc'))).toBe(false);
    let bytes = 0;
    let files = 0;
    const unwanted: string[] = [];
    walk(app, (path, isDir) => {
      if (isDir) return;
      files += 1;
      bytes += lstatSync(path).size;
      const inApp = relative(app, path);
      if (/\.map$|\.d\.[cm]?ts$/.test(inApp) || (inApp.startsWith('dist/') && !inApp.startsWith('dist/src/'))) unwanted.push(inApp);
    });
    expect(unwanted).toEqual([]);
    const mib = bytes / 1024 / 1024;
    console.log(`runtime image: payload ${mib.toFixed(1)} MiB in ${files} files (${WORKDIR} of the image)`);
    expect(mib).toBeLessThan(PAYLOAD_BUDGET_MIB);
  });

  it(`runs on Node.js 24 as ${uid}:${gid}, and cannot write under ${WORKDIR}`, () => {
    const probe = spawnSync(node24, ['-e', "try { require('fs').writeFileSync('probe', 'x'); console.log('wrote') } catch (e) { console.log(e.code) } console.log(process.version, process.getuid(), process.getgid())"], { ...imageProcess(), encoding: 'utf8' });
    expect(probe.status).toBe(0);
    const [write, identity] = probe.stdout.trim().split('\n');
    expect(write).toMatch(/^E(ACCES|ROFS|PERM)$/);
    expect(identity).toMatch(root ? new RegExp(`^v24\\.\\d+\\.\\d+ ${uid} ${gid}$`) : /^v24\./);
    if (!root) console.log(`runtime image: not root, so running as uid ${process.getuid?.()} instead of ${uid}`);
  });

  it('runs `healthreport run --help` and `healthreport checks` through its ENTRYPOINT', () => {
    const help = runImage(['run', '--help']);
    expect(help.stderr).toBe('');
    expect(help.status).toBe(0);
    expect(help.stdout).toBe(RUN_USAGE);
    const checks = runImage(['checks']);
    expect(checks.stderr).toBe('');
    expect(checks.status).toBe(0);
    expect(checks.stdout).toBe(renderChecksTable());
    expect(snapshot(app)).toBe(before);
  });
});

describe('the operator started from the runtime image file system', () => {
  let k: Kube;
  let ns: { name: string; remove: () => Promise<void> } | undefined;

  afterAll(async () => {
    await ns?.remove();
  });

  it('watches, writes reports, elects itself leader and stops gracefully on SIGTERM (exit 0, lease released)', async () => {
    k = kube();
    await applyProjectCrds(k);
    ns = await tempNamespace(k, 'e2e-image');
    // The kubeconfig and config file as mounted into the pod: readable by the image's user only.
    const secrets = join(scratch, 'mounted');
    mkdirSync(secrets, { mode: 0o700 });
    writeFileSync(join(secrets, 'kubeconfig'), readFileSync(inject('kubeconfig')), { mode: 0o600 });
    writeFileSync(
      join(secrets, 'config.yaml'),
      `namespaces: [${ns.name}]\noperatorNamespace: ${ns.name}\nleaderElection: {leaseName: healthreport-image, leaseDuration: 4s, renewDeadline: 3s, retryPeriod: 1s}\n` +
        'analysis: {thresholds: {serviceNoReadyEndpointsAfter: 0s}}\n',
      { mode: 0o600 },
    );
    if (root) for (const path of [secrets, join(secrets, 'kubeconfig'), join(secrets, 'config.yaml')]) chownSync(path, uid, gid);

    // CMD ["run"] plus the chart's arguments.
    const [command, ...rest] = entrypoint();
    const operator = startOperatorProcess(command!, [...rest, 'run', '--kubeconfig', join(secrets, 'kubeconfig'), '--config', join(secrets, 'config.yaml'), '--leader-elect', '--metrics-port', '0', '--health-port', '0'], imageProcess());
    try {
      const starting = await operator.waitForLog('starting');
      expect(starting).toMatchObject({ operatorNamespace: ns.name, leaderElection: true, leaderElectionFrom: '--leader-elect' });
      const metrics = async () => (await fetch(`http://127.0.0.1:${String(starting.metricsPort)}/metrics`)).text();
      await waitFor('the operator to lead', async () => (/^healthreport_leader 1$/m.test(await metrics()) ? true : undefined), { intervalMs: 200 });
      expect(await metrics()).toMatch(/^nodejs_version_info\{version="v24\.\d+\.\d+"/m);

      await k.core.createNamespacedService({
        namespace: ns.name,
        body: { metadata: { name: 'orphan' }, spec: { selector: { app: 'nothing' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } },
      });
      await waitFor('the report on the orphan Service', async () => {
        const report = (await k.custom.getNamespacedCustomObject({ group: 'sre.otomi.io', version: 'v1alpha1', namespace: ns!.name, plural: 'healthreports', name: 'service-orphan' }).catch((err: unknown) => {
          if (statusOf(err) === 404) return undefined;
          throw err;
        })) as { status?: { findings?: { check: string }[] } } | undefined;
        return report?.status?.findings?.some((f) => f.check === 'ServiceSelectorMatchesNothing') ? true : undefined;
      }, { intervalMs: 200 });
    } catch (error) {
      operator.kill('SIGKILL');
      await operator.exited;
      throw new Error(`${error instanceof Error ? error.message : String(error)}\noperator stderr:\n${operator.tail()}`);
    }

    // As the kubelet stops a container: SIGTERM to PID 1.
    const stoppedAt = Date.now();
    operator.kill('SIGTERM');
    expect(await operator.exited).toBe(0);
    console.log(`runtime image: SIGTERM to exit 0 in ${Date.now() - stoppedAt} ms`);
    expect(operator.logs.map((l) => l.msg)).toContain('stopped');
    const lease = (await k.custom.getNamespacedCustomObject({ group: 'coordination.k8s.io', version: 'v1', namespace: ns.name, plural: 'leases', name: 'healthreport-image' })) as { spec: { holderIdentity?: string } };
    expect(lease.spec.holderIdentity ?? '').toBe('');
    expect(snapshot(app)).toBe(before);
  });
});
