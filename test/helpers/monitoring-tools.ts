// The monitoring programs the alert and dashboard tests run for real (promtool, prometheus,
// prometheus-alertmanager, amtool) come from Debian packages that test/cluster/install-prereqs.sh
// installs when missing, so that `npm test` works on a fresh machine; on a machine that has them the
// script does nothing.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const repoRoot = resolve(import.meta.dirname, '../..');

export function ensureMonitoringTools(): void {
  const run = spawnSync('bash', [resolve(repoRoot, 'test/cluster/install-prereqs.sh')], { cwd: repoRoot, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`test/cluster/install-prereqs.sh failed (exit ${run.status ?? run.signal}):\n${run.stdout}${run.stderr}`);
}

/** Runs a program, returning its exit status and combined output (never throws on a non-zero exit). */
export function runTool(command: string, args: readonly string[], cwd = repoRoot): { status: number | null; output: string } {
  const run = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (run.error) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}
