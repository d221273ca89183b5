import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
  }
}

const repoRoot = resolve(import.meta.dirname, '../..');

/**
 * Picks the cluster the e2e tests talk to. An existing cluster (E2E_KUBECONFIG,
 * else KUBECONFIG — e.g. kind on a laptop with Docker) is used as is and nothing
 * is built. Otherwise the local control plane is brought up; it is left running
 * for the next run (warm start) and stopped by `npm run cluster:down`.
 */
export default function setup(project: TestProject): void {
  const existing = process.env.E2E_KUBECONFIG || process.env.KUBECONFIG;
  if (existing) {
    // A KUBECONFIG may list several files; client-node reads the first.
    const first = existing.split(':')[0] ?? existing;
    if (!existsSync(first)) throw new Error(`e2e: kubeconfig ${first} (from E2E_KUBECONFIG/KUBECONFIG) does not exist`);
    console.log(`e2e: using existing cluster from ${first}`);
    project.provide('kubeconfig', first);
    return;
  }
  console.log('e2e: starting the local control plane (npm run cluster:up)');
  const up = spawnSync('bash', [resolve(repoRoot, 'test/cluster/cluster-up.sh')], { cwd: repoRoot, stdio: 'inherit' });
  if (up.status !== 0) {
    throw new Error(`e2e: cluster-up.sh failed (exit ${up.status ?? up.signal}); logs in .cluster/logs/`);
  }
  project.provide('kubeconfig', resolve(repoRoot, '.cluster/kubeconfig'));
}
