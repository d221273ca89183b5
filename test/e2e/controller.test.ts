// The controller against a real API server: a breakage becomes a HealthReport and a
// healthreport_finding series; the fix clears both.
import { describe, expect, it } from 'vitest';
import { controllerForFile, waitForCleared, waitForFinding, waitForNoSeries, waitForSeries, type ControllerUnderTest } from './controller-harness.js';
import { type Kube } from './kube.js';

let k: Kube;
let ns: { name: string; remove: () => Promise<void> };
let controller: ControllerUnderTest;

controllerForFile('e2e-controller', { serviceNoReadyEndpointsAfter: '0s', podNotReadyAfter: '0s' }, (env) => ({ k, ns, controller } = env));

describe('healthreport run', () => {
  it('turns a crash loop into a HealthReport and a healthreport_finding series, and clears both after the fix', async () => {
    const template = (crash: boolean) => ({
      metadata: { labels: { app: 'payments' }, ...(crash ? { annotations: { 'e2e.sre.otomi.io/scenario': 'crashloop' } } : {}) },
      spec: { containers: [{ name: 'app', image: 'registry.example.com/shop/payments:2.0.1' }] },
    });
    await k.apps.createNamespacedDeployment({
      namespace: ns.name,
      body: { metadata: { name: 'payments' }, spec: { replicas: 1, selector: { matchLabels: { app: 'payments' } }, template: template(true) } },
    });
    const broken = await waitForFinding(k, ns.name, 'deployment-payments', 'PodCrashLooping');
    expect(broken.status?.severity).toBe('Critical');
    await waitForSeries(controller, { namespace: ns.name, subject_kind: 'Deployment', subject_name: 'payments', check: 'PodCrashLooping', severity: 'critical', root: 'true' });

    // The fix: a template without the crash scenario rolls out healthy pods.
    await k.apps.replaceNamespacedDeployment({
      name: 'payments',
      namespace: ns.name,
      body: { metadata: { name: 'payments' }, spec: { replicas: 1, selector: { matchLabels: { app: 'payments' } }, template: template(false) } },
    });
    const fixed = await waitForCleared(k, ns.name, 'deployment-payments', 'PodCrashLooping', 90_000);
    expect(['Healthy', 'Info']).toContain(fixed.status?.severity);
    await waitForNoSeries(controller, { namespace: ns.name, check: 'PodCrashLooping' });
  });

  it('reports a Service whose selector matches nothing, and clears it once pods match', async () => {
    await k.core.createNamespacedService({
      namespace: ns.name,
      body: { metadata: { name: 'ledger' }, spec: { selector: { app: 'ledger' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } },
    });
    const r = await waitForFinding(k, ns.name, 'service-ledger', 'ServiceSelectorMatchesNothing');
    expect(r.status?.severity).toBe('Critical');
    expect(r.spec.subject).toMatchObject({ kind: 'Service', name: 'ledger', namespace: ns.name });
    await waitForSeries(controller, { namespace: ns.name, subject_kind: 'Service', subject_name: 'ledger', check: 'ServiceSelectorMatchesNothing', severity: 'critical' });

    // The fix: the workload the Service fronts is deployed.
    await k.apps.createNamespacedDeployment({
      namespace: ns.name,
      body: {
        metadata: { name: 'ledger' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'ledger' } },
          template: { metadata: { labels: { app: 'ledger' } }, spec: { containers: [{ name: 'app', image: 'registry.example.com/shop/ledger:1.0.0', ports: [{ containerPort: 8080 }] }] } },
        },
      },
    });
    await waitForCleared(k, ns.name, 'service-ledger', 'ServiceSelectorMatchesNothing');
    await waitForNoSeries(controller, { namespace: ns.name, subject_name: 'ledger', check: 'ServiceSelectorMatchesNothing' });
  });

  it('a Service without ready endpoints is explained by its pods: its series is not a root, the pods\' is', async () => {
    const template = (notReady: boolean) => ({
      metadata: { labels: { app: 'quotes' }, ...(notReady ? { annotations: { 'e2e.sre.otomi.io/scenario': 'not-ready' } } : {}) },
      spec: { containers: [{ name: 'app', image: 'registry.example.com/shop/quotes:1.3.0', ports: [{ containerPort: 8080 }], readinessProbe: { httpGet: { path: '/healthz', port: 8080 } } }] },
    });
    const deployment = (notReady: boolean) => ({
      metadata: { name: 'quotes' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'quotes' } }, template: template(notReady) },
    });
    await k.apps.createNamespacedDeployment({ namespace: ns.name, body: deployment(true) });
    await k.core.createNamespacedService({
      namespace: ns.name,
      body: { metadata: { name: 'quotes' }, spec: { selector: { app: 'quotes' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } },
    });
    const service = await waitForFinding(k, ns.name, 'service-quotes', 'ServiceNoReadyEndpoints');
    expect(service.status?.severity).toBe('Critical');
    await waitForFinding(k, ns.name, 'deployment-quotes', 'PodNotReady');
    // One alert per root cause: the pods' finding is the root, the Service's is explained by it.
    await waitForSeries(controller, { namespace: ns.name, subject_kind: 'Deployment', subject_name: 'quotes', check: 'PodNotReady', root: 'true' });
    await waitForSeries(controller, { namespace: ns.name, subject_kind: 'Service', subject_name: 'quotes', check: 'ServiceNoReadyEndpoints', root: 'false' });

    await k.apps.replaceNamespacedDeployment({ name: 'quotes', namespace: ns.name, body: deployment(false) });
    await waitForCleared(k, ns.name, 'service-quotes', 'ServiceNoReadyEndpoints');
    await waitForCleared(k, ns.name, 'deployment-quotes', 'PodNotReady');
    await waitForNoSeries(controller, { namespace: ns.name, subject_name: 'quotes', check: 'ServiceNoReadyEndpoints' });
    await waitForNoSeries(controller, { namespace: ns.name, subject_name: 'quotes', check: 'PodNotReady' });
  });
});
