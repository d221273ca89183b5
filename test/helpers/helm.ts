// The helm binary the chart tests run: built from Go modules by scripts/tools/build-helm.sh (pinned
// in scripts/tools/versions.env, cached in .tools/bin, so a warm call costs one `helm version`), and
// small wrappers that render or lint the chart and parse what it renders.
import { execFile, execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { loadAll } from 'js-yaml';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const CHART = resolve(repoRoot, 'deploy/helm/healthreport-operator');

let cached: string | undefined;

/** Path of the pinned helm; builds it on the first call of a fresh machine (minutes). */
export function helmBinary(): string {
  if (cached) return cached;
  const out = execFileSync('bash', [resolve(repoRoot, 'scripts/tools/build-helm.sh')], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
  const path = out.trim().split('\n').at(-1);
  if (!path) throw new Error('scripts/tools/build-helm.sh printed no path');
  cached = path;
  return path;
}

export interface HelmResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const run = promisify(execFile);

/** Runs helm; never throws on a non-zero exit (tests assert on failures too). */
export async function helm(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<HelmResult> {
  try {
    const { stdout, stderr } = await run(helmBinary(), [...args], {
      cwd: repoRoot,
      maxBuffer: 64 << 20,
      // No user's helm state leaks in, nothing is written to $HOME.
      env: { ...process.env, HELM_CACHE_HOME: resolve(repoRoot, '.tools/helm/cache'), HELM_CONFIG_HOME: resolve(repoRoot, '.tools/helm/config'), HELM_DATA_HOME: resolve(repoRoot, '.tools/helm/data'), ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw error;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}


export interface RenderedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  readonly [key: string]: unknown;
}

/** `helm template` of the chart; throws with helm's message when it fails. */
export async function renderChart(args: readonly string[] = [], release = 'healthreport', namespace = 'healthreport-system'): Promise<RenderedObject[]> {
  const result = await helm(['template', release, CHART, '--namespace', namespace, ...args]);
  if (result.code !== 0) throw new Error(`helm template failed (${result.code}): ${result.stderr}`);
  return parseManifests(result.stdout);
}

export function parseManifests(text: string): RenderedObject[] {
  return (loadAll(text) as unknown[]).filter((doc): doc is RenderedObject => typeof doc === 'object' && doc !== null && 'kind' in doc);
}

export function find(objects: readonly RenderedObject[], kind: string, name?: string): RenderedObject[] {
  return objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
}
