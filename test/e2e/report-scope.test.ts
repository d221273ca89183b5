// Two installations of the operator, each watching its own namespaces, must leave each other's
// HealthReports alone. A controller whose `namespaces` do not include a namespace sees no subject
// there, so a report it did not scope out would look orphaned and be marked Healthy: two
// installations would overwrite each other's reports forever.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readReport, startController, waitForCleared } from './controller-harness.js';
import { applyProjectCrds, kube, tempNamespace, type Kube } from './kube.js';

let k: Kube;
let mine: { name: string; remove: () => Promise<void> };
let theirs: { name: string; remove: () => Promise<void> };

beforeAll(async () => {
  k = kube();
  await applyProjectCrds(k);
  mine = await tempNamespace(k, 'e2e-scope-mine');
  theirs = await tempNamespace(k, 'e2e-scope-theirs');
});

afterAll(async () => {
  await mine?.remove();
  await theirs?.remove();
});

/** A report as an installation leaves it: a Service with a critical finding (the Service itself does not exist). */
async function reportOnMissingService(namespace: string): Promise<string | undefined> {
  const target = { group: 'sre.otomi.io', version: 'v1alpha1', namespace, plural: 'healthreports', name: 'service-ghost' };
  await k.custom.createNamespacedCustomObject({
    ...target,
    body: { apiVersion: 'sre.otomi.io/v1alpha1', kind: 'HealthReport', metadata: { name: 'service-ghost' }, spec: { subject: { apiVersion: 'v1', kind: 'Service', namespace, name: 'ghost' } } },
  });
  const created = (await k.custom.getNamespacedCustomObject(target)) as { metadata: { resourceVersion: string } };
  const withStatus = (await k.custom.replaceNamespacedCustomObjectStatus({
    ...target,
    body: {
      ...created,
      status: {
        severity: 'Critical',
        topCheck: 'ServiceSelectorMatchesNothing',
        summary: { critical: 1, warning: 0, info: 0, total: 1 },
        findings: [{ check: 'ServiceSelectorMatchesNothing', severity: 'Critical', object: { kind: 'Service', namespace, name: 'ghost' }, message: `Service ${namespace}/ghost selects no pod.` }],
      },
    },
  })) as { metadata: { resourceVersion: string } };
  return withStatus.metadata.resourceVersion;
}

describe('reports of another installation', () => {
  it('a controller scoped to some namespaces clears its own stale report and leaves the one in a namespace it does not watch untouched', async () => {
    await reportOnMissingService(mine.name);
    const theirsVersion = await reportOnMissingService(theirs.name);
    const scoped = await startController({ namespaces: [mine.name], operatorNamespace: mine.name });
    try {
      // Its own stale report is cleared: it went through the stored reports after its first pass.
      await waitForCleared(k, mine.name, 'service-ghost', 'ServiceSelectorMatchesNothing');
      const after = await readReport(k, theirs.name, 'service-ghost');
      expect(after?.status?.findings?.map((f) => f.check)).toEqual(['ServiceSelectorMatchesNothing']);
      expect((after as { metadata: { resourceVersion?: string } } | undefined)?.metadata.resourceVersion).toBe(theirsVersion);
    } finally {
      expect(await scoped.stop()).toBe(0);
    }
  });
});
