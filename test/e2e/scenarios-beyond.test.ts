// Scenarios beyond the runbook on the real control plane. A CronJob whose schedule names a day that
// never comes (30 February): the API server accepts it (robfig/cron parses it), the CronJob controller
// cannot run it (InvalidSchedule), so it is the kind of invalid schedule a live cluster can hold; the
// fix is a schedule that fires. A ValidatingWebhookConfiguration with failurePolicy Fail whose
// Service does not exist, scoped by a namespaceSelector that no namespace matches and by rules on a
// resource no test creates, so that it blocks nothing else meanwhile; the fix is the Service with a
// ready pod behind it (kwok runs the pod). Both subjects must turn into reports and
// healthreport_finding series, and clear.
import { AdmissionregistrationV1Api, BatchV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startController, waitForCleared, waitForFinding, waitForNoSeries, waitForSeries, type ControllerUnderTest } from './controller-harness.js';
import { applyProjectCrds, kube, statusOf, tempNamespace, type Kube } from './kube.js';

let k: Kube;
let batch: BatchV1Api;
let admission: AdmissionregistrationV1Api;
let ns: { name: string; remove: () => Promise<void> };
let controller: ControllerUnderTest;
const suffix = `${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
/** The cluster-scoped webhook configuration of this file: a unique name, removed at the end. */
const webhookConfiguration = `e2e-guard-${suffix}`;

beforeAll(async () => {
  k = kube();
  batch = k.kc.makeApiClient(BatchV1Api);
  admission = k.kc.makeApiClient(AdmissionregistrationV1Api);
  await applyProjectCrds(k);
  ns = await tempNamespace(k, 'e2e-scn-beyond');
  controller = await startController({ namespaces: [ns.name], operatorNamespace: ns.name, thresholds: { admissionWebhookUnavailableAfter: '0s' } });
});

afterAll(async () => {
  if (controller) expect(await controller.stop()).toBe(0);
  await admission?.deleteValidatingWebhookConfiguration({ name: webhookConfiguration }).catch((err: unknown) => {
    if (statusOf(err) !== 404) throw err;
  });
  await ns?.remove();
});

describe.concurrent('beyond-the-runbook scenarios', () => {
  it('CronJob whose schedule never fires: accepted by the API server, reported, cleared when the schedule is fixed', async ({ expect }) => {
    const cronJob = (schedule: string) => ({
      metadata: { name: 'leap-report' },
      spec: {
        schedule,
        jobTemplate: { spec: { backoffLimit: 0, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'report', image: 'registry.example.com/finance/report:1.0.0' }] } } } },
      },
    });
    await batch.createNamespacedCronJob({ namespace: ns.name, body: cronJob('0 0 30 2 *') });
    const broken = await waitForFinding(k, ns.name, 'cronjob-leap-report', 'CronJobScheduleInvalid');
    expect(broken.spec.subject).toMatchObject({ kind: 'CronJob', name: 'leap-report', namespace: ns.name });
    expect(broken.status?.severity).toBe('Critical');
    const finding = broken.status?.findings?.find((f) => f.check === 'CronJobScheduleInvalid');
    expect(finding?.message).toContain('"0 0 30 2 *"');
    expect(finding?.message).toContain('never fires');
    await waitForSeries(controller, { namespace: ns.name, subject_kind: 'CronJob', subject_name: 'leap-report', check: 'CronJobScheduleInvalid', severity: 'critical' });

    await batch.replaceNamespacedCronJob({ name: 'leap-report', namespace: ns.name, body: { ...cronJob('0 0 28 2 *'), metadata: { name: 'leap-report', resourceVersion: (await batch.readNamespacedCronJob({ name: 'leap-report', namespace: ns.name })).metadata?.resourceVersion } } });
    const fixed = await waitForCleared(k, ns.name, 'cronjob-leap-report', 'CronJobScheduleInvalid');
    expect(fixed.status?.findings?.map((f) => f.check) ?? []).not.toContain('CronJobNotScheduling');
    await waitForNoSeries(controller, { namespace: ns.name, subject_name: 'leap-report', check: 'CronJobScheduleInvalid' });
  });

  it('webhook failing closed whose Service is missing: reported in the operator namespace, cleared when the Service has a ready pod', async ({ expect }) => {
    await admission.createValidatingWebhookConfiguration({
      body: {
        metadata: { name: webhookConfiguration },
        webhooks: [
          {
            name: 'validate.guard.e2e.sre.otomi.io',
            admissionReviewVersions: ['v1'],
            sideEffects: 'None',
            failurePolicy: 'Fail',
            clientConfig: { service: { namespace: ns.name, name: 'guard-webhook', path: '/validate', port: 443 } },
            // Nothing carries this label and no test creates PodTemplates: the webhook blocks nothing.
            namespaceSelector: { matchLabels: { 'e2e.sre.otomi.io/guarded': suffix } },
            rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['podtemplates'], scope: 'Namespaced' }],
            timeoutSeconds: 2,
          },
        ],
      },
    });
    const report = `validatingwebhookconfiguration-${webhookConfiguration}`;
    const broken = await waitForFinding(k, ns.name, report, 'AdmissionWebhookUnavailable');
    expect(broken.spec.subject).toMatchObject({ kind: 'ValidatingWebhookConfiguration', name: webhookConfiguration });
    expect(broken.spec.subject.namespace).toBeUndefined();
    expect(broken.status?.severity).toBe('Critical');
    const finding = broken.status?.findings?.find((f) => f.check === 'AdmissionWebhookUnavailable');
    expect(finding?.message).toContain(`its Service ${ns.name}/guard-webhook does not exist`);
    expect(finding?.evidence).toEqual(expect.arrayContaining(['rules: CREATE podtemplates', `namespaceSelector: e2e.sre.otomi.io/guarded=${suffix}`]));
    await waitForSeries(controller, { subject_kind: 'ValidatingWebhookConfiguration', subject_name: webhookConfiguration, check: 'AdmissionWebhookUnavailable', severity: 'critical' });

    // The fix: the webhook's Service, and a pod behind it that kwok runs and reports ready.
    await k.core.createNamespacedService({
      namespace: ns.name,
      body: { metadata: { name: 'guard-webhook' }, spec: { selector: { app: 'guard-webhook' }, ports: [{ name: 'https', port: 443, targetPort: 9443 }] } },
    });
    await k.core.createNamespacedPod({
      namespace: ns.name,
      body: { metadata: { name: 'guard-webhook-0', labels: { app: 'guard-webhook' } }, spec: { containers: [{ name: 'webhook', image: 'registry.example.com/platform/guard:1.0.0', ports: [{ containerPort: 9443 }] }] } },
    });
    await waitForCleared(k, ns.name, report, 'AdmissionWebhookUnavailable', 60_000);
    await waitForNoSeries(controller, { subject_name: webhookConfiguration, check: 'AdmissionWebhookUnavailable' });
  });
});
