import { defineConfig } from 'vitest/config';

// End-to-end tests against a real kube-apiserver: the local control plane of
// test/cluster/ (started by the global setup) or the cluster named by
// E2E_KUBECONFIG / KUBECONFIG. One file at a time in one fork, because the
// files share that cluster and a 2-core CI runner also hosts the control plane.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/e2e/global-setup.ts'],
    setupFiles: ['test/helpers/cleanup-setup.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    // Scenarios wait for controllers and kwok Stages, which take seconds.
    testTimeout: 120_000,
    // A cold build of the control plane happens inside the global setup.
    hookTimeout: 60 * 60_000,
  },
});
