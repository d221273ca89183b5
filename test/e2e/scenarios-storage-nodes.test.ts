// Scenarios of the storage and node families on the real control plane: a PVC asking for a
// StorageClass that does not exist, and a Node that stopped reporting. Reports on cluster-scoped
// subjects (Nodes) go to the operator namespace. Also: `kubectl get healthreports` reads well.
import { PatchStrategy, setHeaderOptions, StorageV1Api, type V1NodeCondition } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startController, waitForCleared, waitForFinding, waitForNoSeries, waitForSeries, type ControllerUnderTest } from './controller-harness.js';
import { applyProjectCrds, getTable, kube, statusOf, tempNamespace, type Kube } from './kube.js';

let k: Kube;
let storage: StorageV1Api;
let ns: { name: string; remove: () => Promise<void> };
let controller: ControllerUnderTest;
const suffix = `${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
/** Cluster-scoped objects of this file: unique names, removed at the end. */
const storageClass = `e2e-missing-${suffix}`;
const nodeName = `e2e-lost-node-${suffix}`;

beforeAll(async () => {
  k = kube();
  storage = k.kc.makeApiClient(StorageV1Api);
  await applyProjectCrds(k);
  ns = await tempNamespace(k, 'e2e-scn-storage');
  controller = await startController({ namespaces: [ns.name], operatorNamespace: ns.name, thresholds: { nodeNotReadyAfter: '0s' } });
});

afterAll(async () => {
  if (controller) expect(await controller.stop()).toBe(0);
  await ns?.remove();
  const ignoreMissing = (err: unknown) => {
    if (statusOf(err) !== 404) throw err;
  };
  await k?.core.deleteNode({ name: nodeName }).catch(ignoreMissing);
  await storage?.deleteStorageClass({ name: storageClass }).catch(ignoreMissing);
});

const seconds = (msAgo: number) => new Date(Date.now() - msAgo).toISOString().replace(/\.\d+Z$/, 'Z');

describe.concurrent('storage and node scenarios', () => {
  it('PVC with a missing StorageClass: reported, cleared when the class is created', async ({ expect }) => {
    await k.core.createNamespacedPersistentVolumeClaim({
      namespace: ns.name,
      body: { metadata: { name: 'orders-data' }, spec: { storageClassName: storageClass, accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } } },
    });
    const broken = await waitForFinding(k, ns.name, 'persistentvolumeclaim-orders-data', 'PVCStorageClassMissing');
    expect(broken.spec.subject).toMatchObject({ kind: 'PersistentVolumeClaim', name: 'orders-data', namespace: ns.name });
    expect(broken.status?.severity).toBe('Critical');
    const finding = broken.status?.findings?.find((f) => f.check === 'PVCStorageClassMissing');
    expect(finding?.object).toMatchObject({ kind: 'PersistentVolumeClaim', name: 'orders-data' });
    expect(finding?.message).toContain(`StorageClass ${storageClass}, which does not exist`);
    await waitForSeries(controller, { namespace: ns.name, subject_kind: 'PersistentVolumeClaim', subject_name: 'orders-data', check: 'PVCStorageClassMissing', severity: 'critical' });

    // `kubectl get healthreports -n NS` as the API server prints it (server-side Table).
    const table = await getTable(k, `/apis/sre.otomi.io/v1alpha1/namespaces/${ns.name}/healthreports`);
    const columns = table.columnDefinitions.map((c) => c.name.toUpperCase());
    expect(columns).toEqual(expect.arrayContaining(['NAME', 'KIND', 'SUBJECT', 'SEVERITY', 'FINDINGS', 'TOP-CHECK', 'AGE']));
    const row = table.rows.find((r) => r.cells[0] === 'persistentvolumeclaim-orders-data');
    expect(row).toBeDefined();
    const cell = (name: string) => row?.cells[columns.indexOf(name)];
    expect(cell('KIND')).toBe('PersistentVolumeClaim');
    expect(cell('SUBJECT')).toBe('orders-data');
    expect(cell('SEVERITY')).toBe('Critical');
    expect(cell('FINDINGS')).toBeGreaterThanOrEqual(1);
    expect(cell('TOP-CHECK')).toBe('PVCStorageClassMissing');
    expect(String(cell('AGE'))).toMatch(/^\d+[smh]/);
    // The cluster-wide listing (kubectl get healthreports -A) adds the NAMESPACE column.
    const all = await getTable(k, '/apis/sre.otomi.io/v1alpha1/healthreports');
    // Other suites' namespaces (still terminating) may hold a report of the same name: match ours.
    const namespacesOfRow = all.rows
      .filter((r) => r.cells[0] === 'persistentvolumeclaim-orders-data')
      .map((r) => (r as { object?: { metadata?: { namespace?: string } } }).object?.metadata?.namespace);
    expect(namespacesOfRow).toContain(ns.name);

    // The fix: the class the claim asks for is created (its provisioner is of no concern here).
    await storage.createStorageClass({ body: { metadata: { name: storageClass }, provisioner: 'e2e.sre.otomi.io/none', volumeBindingMode: 'WaitForFirstConsumer' } });
    await waitForCleared(k, ns.name, 'persistentvolumeclaim-orders-data', 'PVCStorageClassMissing');
    await waitForNoSeries(controller, { namespace: ns.name, subject_name: 'orders-data', check: 'PVCStorageClassMissing' });
  });

  it('NotReady node: a Node that stopped reporting is reported in the operator namespace, cleared when it is Ready again', async ({ expect }) => {
    // Without the kwok.x-k8s.io/node annotation kwok leaves the Node alone: nothing heartbeats it,
    // as with a kubelet that died. Tainted unreachable from the start so that no other test's pod
    // is scheduled onto it; the Ready=Unknown condition is what the node lifecycle controller
    // would write once the heartbeats stopped.
    await k.core.createNode({
      body: {
        metadata: { name: nodeName, labels: { 'kubernetes.io/hostname': nodeName, 'kubernetes.io/os': 'linux', 'e2e.sre.otomi.io/test': 'true' } },
        spec: { taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }] },
      },
    });
    const condition = (status: string, reason: string, message: string, since: string): V1NodeCondition =>
      ({ type: 'Ready', status, reason, message, lastHeartbeatTime: since, lastTransitionTime: since }) as unknown as V1NodeCondition;
    const setReady = (ready: V1NodeCondition) =>
      k.core.patchNodeStatus({ name: nodeName, body: { status: { conditions: [ready] } } }, setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch));
    await setReady(condition('Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.', seconds(120_000)));

    const broken = await waitForFinding(k, ns.name, `node-${nodeName}`, 'NodeNotReady');
    expect(broken.spec.subject).toMatchObject({ kind: 'Node', name: nodeName });
    expect(broken.spec.subject.namespace).toBeUndefined();
    expect(broken.status?.severity).toBe('Critical');
    const finding = broken.status?.findings?.find((f) => f.check === 'NodeNotReady');
    expect(finding?.object).toMatchObject({ kind: 'Node', name: nodeName });
    expect(finding?.message).toContain('stopped reporting its status');
    await waitForSeries(controller, { subject_kind: 'Node', subject_name: nodeName, check: 'NodeNotReady', severity: 'critical' });

    // The fix: the kubelet is back and reports Ready.
    await setReady(condition('True', 'KubeletReady', 'kubelet is posting ready status', seconds(0)));
    await waitForCleared(k, ns.name, `node-${nodeName}`, 'NodeNotReady');
    await waitForNoSeries(controller, { subject_name: nodeName, check: 'NodeNotReady' });
  });
});
