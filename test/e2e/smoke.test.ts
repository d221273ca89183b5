// Smoke test of the test cluster itself: if these fail, every other e2e
// scenario would fail for reasons unrelated to the operator.
import { VersionApi, type V1ContainerStatus, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyProjectCrds, getTable, kube, statusOf, tempNamespace, waitFor, type Kube } from './kube.js';

const GROUP = 'sre.otomi.io';
const VERSION = 'v1alpha1';
const PLURAL = 'healthreports';

let k: Kube;
let ns: { name: string; remove: () => Promise<void> };

beforeAll(async () => {
  k = kube();
  ns = await tempNamespace(k, 'e2e-smoke');
});
afterAll(async () => {
  await ns?.remove();
});

function isReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

describe('workloads through the controller-manager, scheduler and kwok', () => {
  it('reports a real Kubernetes version (the build stamps it; unstamped would be v0.0.0)', async () => {
    const v = await k.kc.makeApiClient(VersionApi).getCode();
    expect(v.gitVersion).toMatch(/^v1\.\d+\.\d+/);
    expect(v.major).toBe('1');
  });

  it('has Ready nodes', async () => {
    const nodes = await k.core.listNode();
    const ready = nodes.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    expect(ready.length).toBeGreaterThan(0);
  });

  it('runs a Deployment of 2 replicas to Running, Ready pods', async () => {
    await k.apps.createNamespacedDeployment({
      namespace: ns.name,
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] },
          },
        },
      },
    });
    const dep = await waitFor('deployment web to have 2 ready replicas', async () => {
      const d = await k.apps.readNamespacedDeployment({ name: 'web', namespace: ns.name });
      return d.status?.readyReplicas === 2 && d.status.availableReplicas === 2 ? d : undefined;
    });
    expect(dep.status?.replicas).toBe(2);

    const pods = (await k.core.listNamespacedPod({ namespace: ns.name, labelSelector: 'app=web' })).items;
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      expect(pod.status?.phase).toBe('Running');
      expect(isReady(pod)).toBe(true);
      expect(pod.spec?.nodeName).toBeTruthy();
      expect(pod.status?.podIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(pod.status?.containerStatuses?.[0]?.state?.running).toBeDefined();
      // The pod belongs to the Deployment through a ReplicaSet, as the
      // operator's subject roll-up expects.
      expect(pod.metadata?.ownerReferences?.[0]?.kind).toBe('ReplicaSet');
    }
  });

  it('gives a Service EndpointSlices with the ready pods', async () => {
    await k.core.createNamespacedService({
      namespace: ns.name,
      body: { metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 80 }] } },
    });
    const podIPs = (await k.core.listNamespacedPod({ namespace: ns.name, labelSelector: 'app=web' })).items
      .map((p) => p.status?.podIP)
      .sort();
    const addresses = await waitFor('EndpointSlice of service web with 2 ready endpoints', async () => {
      const slices = await k.discovery.listNamespacedEndpointSlice({
        namespace: ns.name,
        labelSelector: 'kubernetes.io/service-name=web',
      });
      const ready = slices.items.flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready === true);
      return ready.length === 2 ? ready.flatMap((e) => e.addresses).sort() : undefined;
    });
    expect(addresses).toEqual(podIPs);
  });

  it('replaces a deleted pod (kwok removes it, the ReplicaSet recreates it)', async () => {
    const before = (await k.core.listNamespacedPod({ namespace: ns.name, labelSelector: 'app=web' })).items;
    const victim = before[0]?.metadata?.name;
    expect(victim).toBeDefined();
    await k.core.deleteNamespacedPod({ name: victim!, namespace: ns.name });
    await waitFor('a replacement pod to be Ready', async () => {
      const pods = (await k.core.listNamespacedPod({ namespace: ns.name, labelSelector: 'app=web' })).items;
      const names = pods.map((p) => p.metadata?.name);
      return pods.length === 2 && !names.includes(victim) && pods.every(isReady) ? true : undefined;
    });
  });
});

describe('HealthReport CRD from crds/', () => {
  beforeAll(async () => {
    await applyProjectCrds(k);
  });

  const report = (name: string, extra: Record<string, unknown> = {}) => ({
    apiVersion: `${GROUP}/${VERSION}`,
    kind: 'HealthReport',
    metadata: { name, namespace: ns.name },
    spec: { subject: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns.name, name: 'checkout', uid: '6a1c8c9e-0000-4000-8000-000000000001' } },
    ...extra,
  });
  const criticalStatus = {
    severity: 'Critical',
    topCheck: 'PodCrashLooping',
    summary: { critical: 1, warning: 0, info: 0, total: 1 },
    findings: [
      {
        check: 'PodCrashLooping',
        severity: 'Critical',
        object: { kind: 'Pod', namespace: ns?.name, name: 'checkout-7d9f-abcde', container: 'app' },
        message: 'Container app of pod checkout-7d9f-abcde is crash-looping (exit code 1, 5 restarts).',
        evidence: ['Back-off restarting failed container', 'lastState: terminated, exit code 1 (Error)'],
        remediation: ['Read the previous logs: kubectl logs --previous ...'],
        rootCause: { check: 'SecretMissing', subject: { kind: 'Secret', namespace: 'shop', name: 'db' } },
        firstSeen: '2026-01-01T00:00:00Z',
      },
    ],
    omittedFindings: 0,
    lastAnalyzed: '2026-01-01T00:00:10Z',
    conditions: [{ type: 'Analyzed', status: 'True', reason: 'Analyzed', message: '1 finding', lastTransitionTime: '2026-01-01T00:00:10Z' }],
  };

  it('is served with the names, status subresource and printer columns of DESIGN.md', async () => {
    const crd = await k.apiext.readCustomResourceDefinition({ name: `${PLURAL}.${GROUP}` });
    expect(crd.spec.group).toBe(GROUP);
    expect(crd.spec.scope).toBe('Namespaced');
    expect(crd.spec.names).toMatchObject({ kind: 'HealthReport', plural: PLURAL, singular: 'healthreport', shortNames: ['hrep'], categories: ['sre'] });
    const v = crd.spec.versions.find((x) => x.name === VERSION);
    expect(v?.served && v.storage).toBe(true);
    expect(v?.subresources?.status).toBeDefined();
    expect(v?.schema?.openAPIV3Schema?.x_kubernetes_preserve_unknown_fields).toBeUndefined();
    expect(v?.schema?.openAPIV3Schema?.properties?.status?.properties?.severity?._enum).toEqual(['Critical', 'Warning', 'Info', 'Healthy']);
  });

  it('accepts a HealthReport and its status, and lists it the way kubectl get does', async () => {
    const created = (await k.custom.createNamespacedCustomObject({
      group: GROUP, version: VERSION, namespace: ns.name, plural: PLURAL, body: report('deployment-checkout'),
    })) as { metadata: { resourceVersion: string } };
    // Status is a subresource: it is written separately, as the operator does.
    const withStatus = { ...report('deployment-checkout'), metadata: { name: 'deployment-checkout', namespace: ns.name, resourceVersion: created.metadata.resourceVersion }, status: { ...criticalStatus } };
    withStatus.status.findings[0]!.object.namespace = ns.name;
    await k.custom.replaceNamespacedCustomObjectStatus({
      group: GROUP, version: VERSION, namespace: ns.name, plural: PLURAL, name: 'deployment-checkout', body: withStatus,
    });
    const got = (await k.custom.getNamespacedCustomObject({
      group: GROUP, version: VERSION, namespace: ns.name, plural: PLURAL, name: 'deployment-checkout',
    })) as { status: typeof criticalStatus };
    expect(got.status.severity).toBe('Critical');
    expect(got.status.findings[0]?.rootCause.subject.name).toBe('db');

    const table = await getTable(k, `/apis/${GROUP}/${VERSION}/namespaces/${ns.name}/${PLURAL}`);
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Kind', 'Subject', 'Severity', 'Findings', 'Top-Check', 'Age']);
    expect(table.rows[0]?.cells.slice(0, 6)).toEqual(['deployment-checkout', 'Deployment', 'checkout', 'Critical', 1, 'PodCrashLooping']);
  });

  it('rejects HealthReports that violate the schema', async () => {
    const create = (body: unknown) =>
      k.custom.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns.name, plural: PLURAL, body: body as object });

    // No subject.
    const noSubject = await create({ ...report('bad-spec'), spec: {} }).then(() => 201, statusOf);
    expect(noSubject).toBe(422);

    const created = (await create(report('bad-status'))) as { metadata: { resourceVersion: string } };
    const putStatus = (status: unknown) =>
      k.custom
        .replaceNamespacedCustomObjectStatus({
          group: GROUP, version: VERSION, namespace: ns.name, plural: PLURAL, name: 'bad-status',
          body: { ...report('bad-status'), metadata: { name: 'bad-status', namespace: ns.name, resourceVersion: created.metadata.resourceVersion }, status },
        })
        .then(() => 200, statusOf);
    // A severity outside the enum.
    expect(await putStatus({ ...criticalStatus, severity: 'Fatal' })).toBe(422);
    // Evidence must be a list of strings.
    expect(await putStatus({ ...criticalStatus, findings: [{ ...criticalStatus.findings[0], evidence: 'a string' }] })).toBe(422);
    // A finding needs its check ID.
    expect(await putStatus({ ...criticalStatus, findings: [{ ...criticalStatus.findings[0], check: undefined }] })).toBe(422);
  });

  it('delivers ADDED, MODIFIED and DELETED to a client-node watch', async () => {
    const seen: string[] = [];
    const name = 'service-watched';
    let watchError: unknown;
    const ctrl = await k.watch.watch(
      `/apis/${GROUP}/${VERSION}/namespaces/${ns.name}/${PLURAL}`,
      {},
      (phase, obj: { metadata?: { name?: string } }) => {
        if (obj.metadata?.name === name) seen.push(phase);
      },
      (err: unknown) => {
        watchError = err;
      },
    );
    try {
      const created = (await k.custom.createNamespacedCustomObject({
        group: GROUP, version: VERSION, namespace: ns.name, plural: PLURAL, body: report(name),
      })) as { metadata: { resourceVersion: string } };
      await waitFor('ADDED', async () => (seen.includes('ADDED') ? true : undefined), { timeoutMs: 15_000 });
      await k.custom.replaceNamespacedCustomObjectStatus({
        group: GROUP, version: VERSION, namespace: ns.name, plural: PLURAL, name,
        body: { ...report(name), metadata: { name, namespace: ns.name, resourceVersion: created.metadata.resourceVersion }, status: { severity: 'Healthy', summary: { critical: 0, warning: 0, info: 0, total: 0 }, findings: [] } },
      });
      await waitFor('MODIFIED', async () => (seen.includes('MODIFIED') ? true : undefined), { timeoutMs: 15_000 });
      await k.custom.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns.name, plural: PLURAL, name });
      await waitFor('DELETED', async () => (seen.includes('DELETED') ? true : undefined), { timeoutMs: 15_000 });
      // The watch must not have ended on its own before we stop it.
      expect(watchError ?? null).toBeNull();
    } finally {
      ctrl.abort();
    }
    expect(seen).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
  });
});

describe('kwok Stages for failure scenarios (pod annotation e2e.sre.otomi.io/scenario)', () => {
  async function scenarioPod(name: string, scenario: string, image = 'busybox:1.36'): Promise<void> {
    await k.core.createNamespacedPod({
      namespace: ns.name,
      body: {
        metadata: { name, annotations: { 'e2e.sre.otomi.io/scenario': scenario } },
        spec: { containers: [{ name: 'app', image }] },
      },
    });
  }
  function containerStatus(pod: V1Pod): V1ContainerStatus | undefined {
    return pod.status?.containerStatuses?.[0];
  }
  const readPod = (name: string) => k.core.readNamespacedPod({ name, namespace: ns.name });

  it('crashloop: CrashLoopBackOff with growing restarts and a terminated lastState', async () => {
    await scenarioPod('crasher', 'crashloop');
    const first = await waitFor('crasher in CrashLoopBackOff', async () => {
      const pod = await readPod('crasher');
      return containerStatus(pod)?.state?.waiting?.reason === 'CrashLoopBackOff' ? pod : undefined;
    });
    const cs = containerStatus(first)!;
    expect(first.status?.phase).toBe('Running');
    expect(isReady(first)).toBe(false);
    expect(cs.ready).toBe(false);
    expect(cs.restartCount).toBeGreaterThanOrEqual(1);
    expect(cs.lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });

    // The container keeps crashing: restartCount rises and the state stays complete.
    const later = await waitFor(
      'crasher to restart again',
      async () => {
        const pod = await readPod('crasher');
        return (containerStatus(pod)?.restartCount ?? 0) > cs.restartCount ? pod : undefined;
      },
      { timeoutMs: 60_000 },
    );
    expect(containerStatus(later)?.state?.waiting?.reason).toBe('CrashLoopBackOff');
    expect(containerStatus(later)?.lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });

    const events = await k.core.listNamespacedEvent({ namespace: ns.name, fieldSelector: 'involvedObject.name=crasher' });
    expect(events.items.some((e) => e.reason === 'BackOff' && e.type === 'Warning')).toBe(true);
  });

  it('oomkilled: lastState terminated OOMKilled with exit code 137', async () => {
    await scenarioPod('oom', 'oomkilled');
    const pod = await waitFor('oom in CrashLoopBackOff', async () => {
      const p = await readPod('oom');
      return containerStatus(p)?.state?.waiting?.reason === 'CrashLoopBackOff' ? p : undefined;
    });
    expect(containerStatus(pod)?.lastState?.terminated).toMatchObject({ exitCode: 137, reason: 'OOMKilled' });
  });

  it('not-ready: container running but readiness failing', async () => {
    await scenarioPod('unready', 'not-ready');
    const pod = await waitFor('unready to run', async () => {
      const p = await readPod('unready');
      return containerStatus(p)?.state?.running ? p : undefined;
    });
    expect(pod.status?.phase).toBe('Running');
    expect(containerStatus(pod)?.ready).toBe(false);
    expect(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
  });

  it('works through a pod template: a crash-looping Deployment leaves its Service without ready endpoints', async () => {
    await k.apps.createNamespacedDeployment({
      namespace: ns.name,
      body: {
        metadata: { name: 'broken' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'broken' } },
          template: {
            metadata: { labels: { app: 'broken' }, annotations: { 'e2e.sre.otomi.io/scenario': 'crashloop' } },
            spec: { containers: [{ name: 'app', image: 'busybox:1.36', ports: [{ containerPort: 8080 }] }] },
          },
        },
      },
    });
    await k.core.createNamespacedService({
      namespace: ns.name,
      body: { metadata: { name: 'broken' }, spec: { selector: { app: 'broken' }, ports: [{ port: 80, targetPort: 8080 }] } },
    });
    const pods = await waitFor('both broken pods crash-looping', async () => {
      const items = (await k.core.listNamespacedPod({ namespace: ns.name, labelSelector: 'app=broken' })).items;
      return items.length === 2 && items.every((p) => containerStatus(p)?.state?.waiting?.reason === 'CrashLoopBackOff') ? items : undefined;
    });
    const slices = await waitFor('EndpointSlice of service broken listing both pods', async () => {
      const list = await k.discovery.listNamespacedEndpointSlice({ namespace: ns.name, labelSelector: 'kubernetes.io/service-name=broken' });
      const endpoints = list.items.flatMap((x) => x.endpoints ?? []);
      return endpoints.length === 2 ? endpoints : undefined;
    });
    expect(slices.every((e) => e.conditions?.ready === false)).toBe(true);
    const dep = await k.apps.readNamespacedDeployment({ name: 'broken', namespace: ns.name });
    expect(dep.status?.readyReplicas ?? 0).toBe(0);
    expect(pods.every((p) => p.metadata?.ownerReferences?.[0]?.kind === 'ReplicaSet')).toBe(true);
  });

  it('image-pull: container waiting in ImagePullBackOff, pod Pending', async () => {
    await scenarioPod('nopull', 'image-pull', 'registry.invalid/none:missing');
    const pod = await waitFor('nopull in ImagePullBackOff', async () => {
      const p = await readPod('nopull');
      return containerStatus(p)?.state?.waiting?.reason === 'ImagePullBackOff' ? p : undefined;
    });
    expect(pod.status?.phase).toBe('Pending');
    expect(containerStatus(pod)?.state?.waiting?.message).toContain('registry.invalid/none:missing');
  });
});
