// The object metadata every analyzer reads. Parsing keeps only these fields, so managedFields,
// last-applied-configuration and other bulk never reach the view.
import { z } from 'zod';
import { kindIdentityOf } from './kind-identity.js';

export const labelMap = z.record(z.string(), z.string());

export const ownerReference = z
  .object({
    apiVersion: z.string(),
    kind: z.string(),
    name: z.string(),
    uid: z.string().optional(),
    controller: z.boolean().optional(),
  })
  // The owner's kind as the registry names it (a Gateway API Gateway is `Gateway.gateway.networking.k8s.io`).
  .transform((ref) => {
    const kind = kindIdentityOf(ref.kind, ref.apiVersion);
    return kind === ref.kind ? ref : { ...ref, kind };
  });
export type OwnerReference = z.infer<typeof ownerReference>;

/** Annotations the analyzers read; the rest (last-applied-configuration above all) are dropped. */
const KEPT_ANNOTATION_PREFIXES = ['sre.otomi.io/', 'sidecar.istio.io/', 'cert-manager.io/', 'deployment.kubernetes.io/', 'kubectl.kubernetes.io/default-container', 'kubernetes.io/', 'storageclass.kubernetes.io/', 'storageclass.beta.kubernetes.io/', 'volume.', 'pv.kubernetes.io/', 'external-dns.alpha.kubernetes.io/', 'ingressclass.kubernetes.io/', 'networking.istio.io/exportTo'];

const keptAnnotations = labelMap.transform((annotations) => {
  const kept: Record<string, string> = {};
  for (const [key, value] of Object.entries(annotations)) {
    if (key === 'kubectl.kubernetes.io/last-applied-configuration') continue;
    if (KEPT_ANNOTATION_PREFIXES.some((prefix) => key.startsWith(prefix))) kept[key] = value;
  }
  return kept;
});

export const objectMeta = z.object({
  name: z.string().min(1),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  generation: z.number().optional(),
  creationTimestamp: z.string().optional(),
  deletionTimestamp: z.string().optional(),
  deletionGracePeriodSeconds: z.number().optional(),
  finalizers: z.array(z.string()).optional(),
  labels: labelMap.optional(),
  annotations: keptAnnotations.optional(),
  ownerReferences: z.array(ownerReference).optional(),
});
export type ObjectMeta = z.infer<typeof objectMeta>;

export const labelSelectorRequirement = z.object({
  key: z.string(),
  operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
  values: z.array(z.string()).optional(),
});
export const labelSelector = z.object({
  matchLabels: labelMap.optional(),
  matchExpressions: z.array(labelSelectorRequirement).optional(),
});
export type LabelSelector = z.infer<typeof labelSelector>;

export const condition = z.object({
  type: z.string(),
  status: z.string(),
  reason: z.string().optional(),
  message: z.string().optional(),
  lastTransitionTime: z.string().optional(),
  lastUpdateTime: z.string().optional(),
  lastHeartbeatTime: z.string().optional(),
  lastProbeTime: z.string().nullable().optional(),
  observedGeneration: z.number().optional(),
});
export type Condition = z.infer<typeof condition>;

/** A reference to an API object, as reports and findings name it. */
export interface ObjectRef {
  readonly apiVersion?: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly uid?: string;
}

/** Any parsed object: what the view indexes by. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
}

export function refOf(obj: KubeObject): ObjectRef {
  const { name, namespace, uid } = obj.metadata;
  return { apiVersion: obj.apiVersion, kind: obj.kind, name, ...(namespace ? { namespace } : {}), ...(uid ? { uid } : {}) };
}

export function findCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/** Kubernetes quantity or a plain string/number as the API may serve it. */
export const quantity = z.union([z.string(), z.number()]).transform((q) => String(q));
export const resourceList = z.record(z.string(), quantity);
export type ResourceList = z.infer<typeof resourceList>;
