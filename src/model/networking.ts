// networking.k8s.io/v1 kinds: Ingress, IngressClass and NetworkPolicy, parsed down to what the
// network analyzers read.
import { z } from 'zod';
import { condition, labelSelector, objectMeta } from './meta.js';

/** A port named by number or by name; the API rejects both or neither, the parser only requires one shape. */
const serviceBackendPort = z.object({ name: z.string().optional(), number: z.number().optional() });

const ingressBackend = z.object({
  service: z.object({ name: z.string(), port: serviceBackendPort.optional() }).optional(),
  // A backend of another API kind (e.g. a storage bucket); not a Service, so never checked here.
  resource: z.object({ apiGroup: z.string().optional(), kind: z.string(), name: z.string() }).optional(),
});
export type IngressBackend = z.infer<typeof ingressBackend>;

export const ingress = z.object({
  apiVersion: z.literal('networking.k8s.io/v1'),
  kind: z.literal('Ingress'),
  metadata: objectMeta,
  spec: z
    .object({
      ingressClassName: z.string().optional(),
      defaultBackend: ingressBackend.optional(),
      rules: z
        .array(
          z.object({
            host: z.string().optional(),
            http: z
              .object({ paths: z.array(z.object({ path: z.string().optional(), pathType: z.string().optional(), backend: ingressBackend })) })
              .optional(),
          }),
        )
        .optional(),
      tls: z.array(z.object({ hosts: z.array(z.string()).optional(), secretName: z.string().optional() })).optional(),
    })
    .default({}),
  status: z
    .object({
      loadBalancer: z.object({ ingress: z.array(z.object({ ip: z.string().optional(), hostname: z.string().optional() })).optional() }).optional(),
    })
    .default({}),
});
export type Ingress = z.infer<typeof ingress>;

export const ingressClass = z.object({
  apiVersion: z.literal('networking.k8s.io/v1'),
  kind: z.literal('IngressClass'),
  metadata: objectMeta,
  spec: z.object({ controller: z.string().optional() }).default({}),
});
export type IngressClass = z.infer<typeof ingressClass>;

export const DEFAULT_INGRESS_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';
/** The pre-IngressClass way of choosing a controller; still honoured by ingress-nginx, Traefik and others. */
export const LEGACY_INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

export function isDefaultIngressClass(ic: IngressClass): boolean {
  return ic.metadata.annotations?.[DEFAULT_INGRESS_CLASS_ANNOTATION] === 'true';
}

const networkPolicyPort = z.object({
  protocol: z.string().optional(),
  port: z.union([z.number(), z.string()]).optional(),
  endPort: z.number().optional(),
});
export type NetworkPolicyPort = z.infer<typeof networkPolicyPort>;

const networkPolicyPeer = z.object({
  podSelector: labelSelector.optional(),
  namespaceSelector: labelSelector.optional(),
  ipBlock: z.object({ cidr: z.string(), except: z.array(z.string()).optional() }).optional(),
});
export type NetworkPolicyPeer = z.infer<typeof networkPolicyPeer>;

const nullableList = <T extends z.ZodType>(item: T) => z.array(item).nullable().optional();

export const networkPolicy = z.object({
  apiVersion: z.literal('networking.k8s.io/v1'),
  kind: z.literal('NetworkPolicy'),
  metadata: objectMeta,
  spec: z.object({
    podSelector: labelSelector.nullable().transform((s) => s ?? {}).default({}),
    policyTypes: z.array(z.enum(['Ingress', 'Egress'])).optional(),
    ingress: nullableList(z.object({ from: nullableList(networkPolicyPeer), ports: nullableList(networkPolicyPort) })),
    egress: nullableList(z.object({ to: nullableList(networkPolicyPeer), ports: nullableList(networkPolicyPort) })),
  }),
  status: z.object({ conditions: z.array(condition).optional() }).optional(),
});
export type NetworkPolicy = z.infer<typeof networkPolicy>;
