import { describe, expect, it } from 'vitest';
import { linkRootCauses } from '../../../src/report/root-causes.js';
import { runCases } from '../../helpers/cases.js';
import { analyzeFixtures, analyzeObjects, loadFixture } from '../../helpers/fixtures.js';
import { cases } from './cases.js';

runCases('admission webhook checks', cases);

describe('AdmissionWebhookUnavailable', () => {
  it('names the webhook, its rules and namespaceSelector, and is the root cause of the pods it blocks', () => {
    const linked = linkRootCauses(analyzeFixtures(['admission/service-missing.yaml']).findings);
    const webhook = linked.find((f) => f.check === 'AdmissionWebhookUnavailable');
    expect(webhook?.message).toBe(
      'ValidatingWebhookConfiguration policy-guard: webhook validate.policy-guard.io fails closed and its Service policy-guard/policy-guard-webhook does not exist; every create or update it intercepts is rejected.',
    );
    expect(webhook?.evidence).toEqual([
      'webhook validate.policy-guard.io: failurePolicy Fail, its Service policy-guard/policy-guard-webhook does not exist',
      'rules: CREATE, UPDATE pods; CREATE, UPDATE deployments.apps, statefulsets.apps, daemonsets.apps',
      'namespaceSelector: !policy-guard.io/ignore,kubernetes.io/metadata.name notin (kube-system,policy-guard)',
    ]);
    const denied = linked.find((f) => f.check === 'WorkloadAdmissionDenied');
    expect(denied?.rootCause).toEqual({ check: 'AdmissionWebhookUnavailable', subject: expect.objectContaining({ kind: 'ValidatingWebhookConfiguration', name: 'policy-guard' }) });
  });

  it('links a FailedCreate only to the configuration holding the webhook it names', () => {
    const objects = loadFixture('admission/service-missing.yaml').map((o) => {
      const obj = o as { kind: string; metadata: { name: string }; webhooks?: { name: string }[] };
      return obj.kind === 'ValidatingWebhookConfiguration' && obj.metadata.name === 'policy-guard' ? { ...obj, webhooks: obj.webhooks?.map((w) => ({ ...w, name: 'validate.other-guard.io' })) } : obj;
    });
    const linked = linkRootCauses(analyzeObjects(objects).findings);
    expect(linked.find((f) => f.check === 'WorkloadAdmissionDenied')?.rootCause).toBeUndefined();
    expect(linked.some((f) => f.check === 'AdmissionWebhookUnavailable')).toBe(true);
  });

  it('reads the Service\'s state as the network checks do, and links the crash-looping pods behind it', () => {
    const linked = linkRootCauses(analyzeFixtures(['admission/pods-down.yaml']).findings).filter((f) => f.check === 'AdmissionWebhookUnavailable');
    expect(linked).toHaveLength(2);
    for (const finding of linked) {
      expect(finding.message).toContain('the only pod of its Service kyverno/kyverno-svc is not ready (for 19m)');
      const operations = finding.object.kind === 'MutatingWebhookConfiguration' ? 'CREATE, UPDATE' : 'CREATE, UPDATE, DELETE, CONNECT';
      expect(finding.evidence).toContain(`rules: ${operations} */* of all API groups`);
      expect(finding.evidence).toContain('namespaceSelector: kubernetes.io/metadata.name notin (kyverno)');
      expect(finding.firstSeen).toBe('2026-11-25T11:40:10Z');
      expect(finding.rootCause).toEqual({ check: 'PodCrashLooping', subject: expect.objectContaining({ kind: 'Deployment', name: 'kyverno-admission-controller' }) });
    }
    // The webhook that fails open is not listed.
    expect(linked.flatMap((f) => f.evidence).some((e) => e.includes('svc-ignore'))).toBe(false);
  });
});
