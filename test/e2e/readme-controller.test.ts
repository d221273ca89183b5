// README's controller example run as written — `kubectl apply -f crds/`, then
// `healthreport run --kubeconfig …` with no config file — on a cluster without a
// healthreport-system namespace: it must write reports, the cluster-scoped ones into the namespace
// kubectl would use (the kubeconfig context's, else `default`), without waiting for a leader Lease.
// And a configured operator namespace that does not exist is one clear error at start-up.
import type { V1NodeCondition } from '@kubernetes/client-node';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { writeTempFile } from '../helpers/temp-files.js';
import { REPORT_GROUP, REPORT_VERSION, REPORT_PLURAL, readReport, waitForFinding } from './controller-harness.js';
import { applyProjectCrds, kube, repoRoot, statusOf, tempNamespace, type Kube } from './kube.js';
import { startOperatorProcess, type OperatorProcess } from './operator-process.js';



let k: Kube;

/** `npx healthreport run …` as README writes it; only the ports are the OS's choice, so that parallel runs do not collide. */
function healthreportRun(args: readonly string[]): OperatorProcess {
  // Not our environment: a user's shell, outside a pod, without POD_NAMESPACE.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !['POD_NAMESPACE', 'KUBERNETES_SERVICE_HOST', 'KUBERNETES_SERVICE_PORT', 'KUBECONFIG'].includes(key)));
  return startOperatorProcess(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'run', ...args, '--metrics-port', '0', '--health-port', '0'], { cwd: repoRoot, env });
}

beforeAll(async () => {
  k = kube();
  // kubectl apply -f crds/
  await applyProjectCrds(k);
});

describe("README's controller example", () => {
  let ns: { name: string; remove: () => Promise<void> } | undefined;
  const nodeName = `e2e-readme-lost-${Date.now().toString(36)}`;
  let operator: OperatorProcess | undefined;

  afterAll(async () => {
    if (operator) {
      operator.kill('SIGTERM');
      await operator.exited;
    }
    // The node's report goes with the node (it is the report's owner); removed explicitly all the same.
    await k.core.deleteNode({ name: nodeName }).catch(() => undefined);
    await k.custom.deleteNamespacedCustomObject({ group: REPORT_GROUP, version: REPORT_VERSION, namespace: 'default', plural: REPORT_PLURAL, name: `node-${nodeName}` }).catch(() => undefined);
    await ns?.remove();
  });

  it('writes reports without a config file or a healthreport-system namespace: cluster-scoped ones into default, no leader election', async () => {
    const system = await k.core.readNamespace({ name: 'healthreport-system' }).catch((err: unknown) => (statusOf(err) === 404 ? undefined : Promise.reject(err)));
    expect(system, 'this example is about a cluster without healthreport-system').toBeUndefined();
    ns = await tempNamespace(k, 'e2e-readme');
    // Reported at once with the default thresholds (most checks give a state minutes before reporting it).
    await k.core.createNamespacedPersistentVolumeClaim({
      namespace: ns.name,
      body: { metadata: { name: 'orders-data' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'e2e-readme-no-such-class', resources: { requests: { storage: '1Gi' } } } },
    });
    // A Node whose kubelet stopped reporting an hour ago (kwok leaves Nodes without its annotation
    // alone; tainted so that no other test's pod lands on it): a cluster-scoped subject.
    await k.core.createNode({ body: { metadata: { name: nodeName, labels: { 'e2e.sre.otomi.io/test': 'true' } }, spec: { taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }] } } });
    const anHourAgo = new Date(Date.now() - 3_600_000).toISOString();
    const lost = { type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastHeartbeatTime: anHourAgo, lastTransitionTime: anHourAgo } as unknown as V1NodeCondition;
    await k.core.patchNodeStatus({ name: nodeName, body: { status: { conditions: [lost] } } }, setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch));

    operator = healthreportRun(['--kubeconfig', inject('kubeconfig')]);
    const starting = await operator.waitForLog('starting');
    expect(starting).toMatchObject({ operatorNamespace: 'default', operatorNamespaceFrom: 'the default, as for kubectl', leaderElection: false, leaderElectionFrom: 'not running in a pod', namespaces: [] });

    await waitForFinding(k, ns.name, 'persistentvolumeclaim-orders-data', 'PVCStorageClassMissing', 60_000);
    await waitForFinding(k, 'default', `node-${nodeName}`, 'NodeNotReady', 60_000);
    expect((await readReport(k, 'default', `node-${nodeName}`))?.spec.subject).toMatchObject({ kind: 'Node', name: nodeName });
    // No Lease was taken, and nothing complained about the operator namespace or failed to write.
    await expect(k.custom.getNamespacedCustomObject({ group: 'coordination.k8s.io', version: 'v1', namespace: 'default', plural: 'leases', name: 'healthreport-operator' })).rejects.toSatisfy((err: unknown) => statusOf(err) === 404);
    const complaints = operator.logs.filter((l) => Number(l.level) >= 40 && /reconcile failed|leader election|operator namespace/.test(String(l.msg)));
    expect(complaints).toEqual([]);

    operator.kill('SIGTERM');
    expect(await operator.exited).toBe(0);
    operator = undefined;
  });

  it('stops at start-up with one clear error (exit 2) when the configured operator namespace does not exist', async () => {
    const missing = `e2e-missing-${Date.now().toString(36)}`;
    const config = writeTempFile('healthreport-readme-', 'controller.yaml', `operatorNamespace: ${missing}\n`);
    const run = healthreportRun(['--kubeconfig', inject('kubeconfig'), '--config', config]);
    const startedAt = Date.now();
    expect(await run.exited).toBe(2);
    const elapsed = Date.now() - startedAt;
    const errors = run.tail().split('\n').filter((line) => line.startsWith('healthreport: '));
    expect(errors).toEqual([
      `healthreport: the operator namespace "${missing}" (operatorNamespace of the config file) does not exist; it holds the reports on cluster-scoped subjects (nodes, the cluster) and the leader election Lease. ` +
        `Create it (kubectl create namespace ${missing}) or name an existing one: operatorNamespace in --config, $POD_NAMESPACE, or the kubeconfig context's namespace`,
    ]);
    // Before any informer started: no list of the cluster, no retry loop.
    expect(run.logs.filter((l) => l.msg === 'watching')).toEqual([]);
    console.log(`readme-controller: the missing namespace stopped start-up after ${elapsed} ms`);
  });
});
