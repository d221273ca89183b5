import type { CheckCase } from '../../helpers/cases.js';

export const cases: readonly CheckCase[] = [
  {
    name: 'a webhook that fails closed whose Service is gone; not: one that fails open (Ignore), one called by URL',
    fixtures: ['admission/service-missing.yaml'],
    checks: ['AdmissionWebhookUnavailable', 'WorkloadAdmissionDenied'],
    expected: ['AdmissionWebhookUnavailable ValidatingWebhookConfiguration/policy-guard', 'WorkloadAdmissionDenied Deployment/shop-admission/checkout'],
  },
  {
    name: 'validating and mutating webhooks whose only pod crash-loops; not: a webhook whose pods are being rolled (one ready endpoint)',
    fixtures: ['admission/pods-down.yaml'],
    checks: ['AdmissionWebhookUnavailable'],
    expected: ['AdmissionWebhookUnavailable MutatingWebhookConfiguration/kyverno-resource-mutating-webhook-cfg', 'AdmissionWebhookUnavailable ValidatingWebhookConfiguration/kyverno-resource-validating-webhook-cfg'],
  },
  {
    name: 'pods down for less than admissionWebhookUnavailableAfter',
    fixtures: ['admission/pods-down.yaml'],
    checks: ['AdmissionWebhookUnavailable'],
    settings: { thresholds: { admissionWebhookUnavailableAfter: '30m' } },
    expected: [],
  },
];
