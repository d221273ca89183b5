// A time-based threshold crosses with no object changing: the controller re-checks at that moment,
// because the analyzer said when its verdict can change, instead of finding out at the next full
// pass (every resyncPeriod, 10 min by default). A Service that selects nothing is reported once it
// is older than serviceNoReadyEndpointsAfter (8 s here); nothing in its namespace changes meanwhile.
import { describe, expect, it } from 'vitest';
import { checksOf, controllerForFile, readReport, waitForSeries, type ControllerUnderTest } from './controller-harness.js';
import { waitFor, type Kube } from './kube.js';

const GRACE_MS = 8000;
let k: Kube;
let ns: { name: string; remove: () => Promise<void> };
let controller: ControllerUnderTest;

controllerForFile('e2e-recheck', { serviceNoReadyEndpointsAfter: `${GRACE_MS / 1000}s` }, (env) => ({ k, ns, controller } = env));

describe('scheduled re-checks', () => {
  it('reports a threshold crossing within a second of the moment it crosses', async () => {
    const service = await k.core.createNamespacedService({
      namespace: ns.name,
      body: { metadata: { name: 'orphan' }, spec: { selector: { app: 'nobody' }, ports: [{ port: 80, targetPort: 8080 }] } },
    });
    const created = service.metadata?.creationTimestamp;
    expect(created).toBeDefined();
    // The analyzer dates the Service by its creationTimestamp (whole seconds).
    const crossing = new Date(created!).getTime() + GRACE_MS;
    const seenAt = await waitFor(
      'the report of service orphan with ServiceSelectorMatchesNothing',
      async () => (checksOf(await readReport(k, ns.name, 'service-orphan')).includes('ServiceSelectorMatchesNothing') ? Date.now() : undefined),
      { timeoutMs: GRACE_MS + 30_000, intervalMs: 50 },
    );
    const late = seenAt - crossing;
    console.log(`scheduled re-check: reported ${late} ms after the threshold crossed`);
    expect(late).toBeGreaterThanOrEqual(0);
    expect(late).toBeLessThan(1500);
    await waitForSeries(controller, { namespace: ns.name, subject_kind: 'Service', subject_name: 'orphan', check: 'ServiceSelectorMatchesNothing' }, 2000);
  }, 60_000);
});
