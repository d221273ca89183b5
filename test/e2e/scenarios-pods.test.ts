// Scenarios of the pod families on the real control plane: kwok Stages play the kubelet's
// failures (OOMKilled, ImagePullBackOff), the real scheduler refuses a pod, and a pod references a
// ConfigMap that does not exist. Each breaks a Deployment, waits for its HealthReport and
// healthreport_finding series, fixes it and waits for both to clear.
import { describe, it } from 'vitest';
import type { V1PodSpec } from '@kubernetes/client-node';
import { controllerForFile, waitForCleared, waitForFinding, waitForNoSeries, waitForSeries, type ControllerUnderTest } from './controller-harness.js';
import { waitFor, type Kube } from './kube.js';

let k: Kube;
let ns: { name: string; remove: () => Promise<void> };
let controller: ControllerUnderTest;

// Checks that wait before reporting fire at once here, so that each scenario takes seconds.
controllerForFile('e2e-scn-pods', { podStartGracePeriod: '0s', podUnschedulableAfter: '0s' }, (env) => ({ k, ns, controller } = env));

interface Template {
  readonly scenario?: string;
  readonly image?: string;
  readonly spec?: Partial<V1PodSpec>;
}

function deployment(name: string, { scenario, image = `registry.example.com/shop/${name}:1.0.0`, spec = {} }: Template) {
  return {
    metadata: { name },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, ...(scenario ? { annotations: { 'e2e.sre.otomi.io/scenario': scenario } } : {}) },
        spec: { containers: [{ name: 'app', image, resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '128Mi' } } }], ...spec },
      },
    },
  };
}

const createDeployment = (name: string, template: Template) => k.apps.createNamespacedDeployment({ namespace: ns.name, body: deployment(name, template) });
const replaceDeployment = (name: string, template: Template) => k.apps.replaceNamespacedDeployment({ name, namespace: ns.name, body: deployment(name, template) });

/** The names of the Deployment's pods that are not being deleted. */
async function podNames(app: string): Promise<string[]> {
  const pods = await k.core.listNamespacedPod({ namespace: ns.name, labelSelector: `app=${app}` });
  return pods.items.filter((p) => !p.metadata?.deletionTimestamp).map((p) => p.metadata?.name ?? '');
}

describe.concurrent('pod scenarios', () => {
  it('OOMKilled: a container killed for its memory limit, cleared by a rollout that fixes it', async ({ expect }) => {
    await createDeployment('reports', { scenario: 'oomkilled' });
    const broken = await waitForFinding(k, ns.name, 'deployment-reports', 'PodOOMKilled');
    expect(broken.spec.subject).toMatchObject({ kind: 'Deployment', name: 'reports' });
    expect(broken.status?.severity).toBe('Critical');
    const oom = broken.status?.findings?.find((f) => f.check === 'PodOOMKilled');
    const [pod] = await podNames('reports');
    expect(oom?.object).toMatchObject({ kind: 'Pod', name: pod, container: 'app' });
    // The limit that was hit is the evidence a human needs first.
    expect(oom?.evidence?.join('\n')).toContain('128Mi');
    await waitForSeries(controller, { namespace: ns.name, subject_kind: 'Deployment', subject_name: 'reports', check: 'PodOOMKilled', severity: 'critical' });

    await replaceDeployment('reports', { spec: {} });
    await waitForCleared(k, ns.name, 'deployment-reports', 'PodOOMKilled');
    await waitForNoSeries(controller, { namespace: ns.name, subject_name: 'reports', check: 'PodOOMKilled' });
  });

  it('ImagePullBackOff: an image that cannot be pulled, cleared by a rollout of a pullable one', async ({ expect }) => {
    await createDeployment('catalog', { scenario: 'image-pull', image: 'registry.example.com/shop/catalog:9.9.9-typo' });
    const broken = await waitForFinding(k, ns.name, 'deployment-catalog', 'PodImagePullFailed');
    expect(broken.status?.severity).toBe('Critical');
    const pull = broken.status?.findings?.find((f) => f.check === 'PodImagePullFailed');
    const [pod] = await podNames('catalog');
    expect(pull?.object).toMatchObject({ kind: 'Pod', name: pod });
    expect(pull?.message).toContain('registry.example.com/shop/catalog:9.9.9-typo');
    await waitForSeries(controller, { namespace: ns.name, subject_kind: 'Deployment', subject_name: 'catalog', check: 'PodImagePullFailed', severity: 'critical' });

    await replaceDeployment('catalog', { image: 'registry.example.com/shop/catalog:9.9.9' });
    await waitForCleared(k, ns.name, 'deployment-catalog', 'PodImagePullFailed');
    await waitForNoSeries(controller, { namespace: ns.name, subject_name: 'catalog', check: 'PodImagePullFailed' });
  });

  it('missing ConfigMap: a pod that cannot start without it, cleared when the ConfigMap is created', async ({ expect }) => {
    // kwok does not look at ConfigMaps, so it cannot produce the kubelet's CreateContainerConfigError.
    // A scenario name that no kwok Stage plays keeps the pod Pending (scheduled, containers not
    // started), as a real kubelet keeps a pod whose ConfigMap is missing; the analyzer finds the
    // missing reference in the spec once podStartGracePeriod (0s here) has passed.
    await createDeployment('invoices', {
      scenario: 'waiting-for-config',
      spec: { containers: [{ name: 'app', image: 'registry.example.com/shop/invoices:3.1.0', envFrom: [{ configMapRef: { name: 'invoices-settings' } }] }] },
    });
    const broken = await waitForFinding(k, ns.name, 'deployment-invoices', 'PodConfigMissing');
    expect(broken.status?.severity).toBe('Critical');
    const missing = broken.status?.findings?.find((f) => f.check === 'PodConfigMissing');
    const [pod] = await podNames('invoices');
    expect(missing?.object).toMatchObject({ kind: 'Pod', name: pod });
    expect(missing?.message).toContain('ConfigMap invoices-settings does not exist');
    await waitForSeries(controller, { namespace: ns.name, subject_kind: 'Deployment', subject_name: 'invoices', check: 'PodConfigMissing', severity: 'critical' });

    await k.core.createNamespacedConfigMap({ namespace: ns.name, body: { metadata: { name: 'invoices-settings' }, data: { CURRENCY: 'EUR' } } });
    await waitForCleared(k, ns.name, 'deployment-invoices', 'PodConfigMissing');
    await waitForNoSeries(controller, { namespace: ns.name, subject_name: 'invoices', check: 'PodConfigMissing' });
  });

  it('unschedulable: a nodeSelector no node matches (the real scheduler says so), cleared by fixing the selector', async ({ expect }) => {
    await createDeployment('search', { spec: { nodeSelector: { 'node.sre.otomi.io/pool': 'gpu-does-not-exist' } } });
    // The scheduler, not a kwok Stage, sets PodScheduled=False/Unschedulable.
    await waitFor('the search pod to be unschedulable', async () => {
      const pods = await k.core.listNamespacedPod({ namespace: ns.name, labelSelector: 'app=search' });
      return pods.items.some((p) => p.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable')) ? true : undefined;
    });
    const broken = await waitForFinding(k, ns.name, 'deployment-search', 'PodUnschedulable');
    expect(broken.status?.severity).toBe('Critical');
    const unschedulable = broken.status?.findings?.find((f) => f.check === 'PodUnschedulable');
    const [pod] = await podNames('search');
    expect(unschedulable?.object).toMatchObject({ kind: 'Pod', name: pod });
    expect(unschedulable?.evidence?.join('\n')).toMatch(/node affinity|selector/i);
    await waitForSeries(controller, { namespace: ns.name, subject_kind: 'Deployment', subject_name: 'search', check: 'PodUnschedulable', severity: 'critical' });

    await replaceDeployment('search', { spec: { nodeSelector: { 'kubernetes.io/os': 'linux' } } });
    await waitForCleared(k, ns.name, 'deployment-search', 'PodUnschedulable');
    await waitForNoSeries(controller, { namespace: ns.name, subject_name: 'search', check: 'PodUnschedulable' });
  });
});
