// admissionregistration.k8s.io/v1 Validating- and MutatingWebhookConfigurations, parsed down to what
// the admission analyzer reads: each webhook's name, where it is served, what it intercepts and
// whether the API server fails closed when it cannot be called.
import { z } from 'zod';
import { labelSelector, objectMeta } from './meta.js';

const webhook = z.object({
  name: z.string(),
  clientConfig: z
    .object({
      url: z.string().optional(),
      service: z.object({ namespace: z.string(), name: z.string(), path: z.string().optional(), port: z.number().optional() }).optional(),
    })
    .default({}),
  rules: z
    .array(
      z.object({
        operations: z.array(z.string()).optional(),
        apiGroups: z.array(z.string()).optional(),
        apiVersions: z.array(z.string()).optional(),
        resources: z.array(z.string()).optional(),
        scope: z.string().optional(),
      }),
    )
    .optional(),
  failurePolicy: z.string().optional(),
  namespaceSelector: labelSelector.optional(),
  objectSelector: labelSelector.optional(),
  timeoutSeconds: z.number().optional(),
});
export type AdmissionWebhook = z.infer<typeof webhook>;

export const validatingWebhookConfiguration = z.object({
  apiVersion: z.literal('admissionregistration.k8s.io/v1'),
  kind: z.literal('ValidatingWebhookConfiguration'),
  metadata: objectMeta,
  webhooks: z.array(webhook).nullable().optional(),
});
export type ValidatingWebhookConfiguration = z.infer<typeof validatingWebhookConfiguration>;

export const mutatingWebhookConfiguration = z.object({
  apiVersion: z.literal('admissionregistration.k8s.io/v1'),
  kind: z.literal('MutatingWebhookConfiguration'),
  metadata: objectMeta,
  webhooks: z.array(webhook).nullable().optional(),
});
export type MutatingWebhookConfiguration = z.infer<typeof mutatingWebhookConfiguration>;

export type WebhookConfiguration = ValidatingWebhookConfiguration | MutatingWebhookConfiguration;

/** In admissionregistration.k8s.io/v1 a webhook without failurePolicy fails closed. */
export function failsClosed(hook: AdmissionWebhook): boolean {
  return (hook.failurePolicy ?? 'Fail') === 'Fail';
}
