// Gateway API custom resources (gateway.networking.k8s.io), parsed down to what the Gateway API
// analyzers read: classes and their controller, Gateways and their listeners, routes with their
// parent and backend references, ReferenceGrants, and the conditions implementations write.
// GatewayClass, Gateway and HTTPRoute are served as v1 and (older releases, same shape) v1beta1;
// GRPCRoute as v1; ReferenceGrant as v1beta1 and, from v1.5 on, v1.
import { z } from 'zod';
import { GATEWAY_API_GROUP } from './kind-identity.js';
import { condition, labelSelector, objectMeta } from './meta.js';

export { GATEWAY_API_GROUP };
/** The registry's identity of the Gateway API's Gateway (Istio's Gateway keeps the plain name). */
export const GATEWAY_API_GATEWAY = `Gateway.${GATEWAY_API_GROUP}` as const;

const apiVersion = (...versions: readonly string[]) => z.enum(versions.map((v) => `${GATEWAY_API_GROUP}/${v}`) as [string, ...string[]]);

/** Lists the API may serve as null when empty. */
function list<T extends z.ZodType>(item: T) {
  return z.array(item).nullable().optional().transform((items) => items ?? []);
}
const conditions = list(condition);

export const gatewayClass = z.object({
  apiVersion: apiVersion('v1', 'v1beta1'),
  kind: z.literal('GatewayClass'),
  metadata: objectMeta,
  spec: z.object({ controllerName: z.string().min(1), description: z.string().optional() }),
  status: z.object({ conditions }).default({ conditions: [] }),
});
export type GatewayClass = z.infer<typeof gatewayClass>;

/** A reference to a Secret (or another kind) holding a listener's certificate. */
const secretObjectReference = z.object({
  group: z.string().optional(),
  kind: z.string().optional(),
  name: z.string().min(1),
  namespace: z.string().optional(),
});
export type SecretObjectReference = z.infer<typeof secretObjectReference>;

const routeGroupKind = z.object({ group: z.string().optional(), kind: z.string() });
export type RouteGroupKind = z.infer<typeof routeGroupKind>;

const listener = z.object({
  name: z.string().min(1),
  hostname: z.string().optional(),
  port: z.number().int(),
  protocol: z.string(),
  tls: z.object({ mode: z.string().optional(), certificateRefs: list(secretObjectReference) }).optional(),
  allowedRoutes: z
    .object({
      namespaces: z.object({ from: z.enum(['All', 'Same', 'Selector', 'None']).optional(), selector: labelSelector.optional() }).optional(),
      kinds: list(routeGroupKind),
    })
    .optional(),
});
export type Listener = z.infer<typeof listener>;

const listenerStatus = z.object({
  name: z.string(),
  attachedRoutes: z.number().int().optional(),
  supportedKinds: list(routeGroupKind),
  conditions,
});
export type ListenerStatus = z.infer<typeof listenerStatus>;

export const gatewayApiGateway = z.object({
  apiVersion: apiVersion('v1', 'v1beta1'),
  kind: z.literal(GATEWAY_API_GATEWAY),
  metadata: objectMeta,
  spec: z.object({
    gatewayClassName: z.string().min(1),
    listeners: list(listener),
  }),
  status: z
    .object({
      addresses: list(z.object({ type: z.string().optional(), value: z.string() })),
      conditions,
      listeners: list(listenerStatus),
    })
    .default({ addresses: [], conditions: [], listeners: [] }),
});
export type GatewayApiGateway = z.infer<typeof gatewayApiGateway>;

/** A route's parent: a Gateway by default (group gateway.networking.k8s.io, kind Gateway). */
const parentReference = z.object({
  group: z.string().optional(),
  kind: z.string().optional(),
  namespace: z.string().optional(),
  name: z.string().min(1),
  sectionName: z.string().optional(),
  port: z.number().int().optional(),
});
export type ParentReference = z.infer<typeof parentReference>;

/** A backend: a Service by default (group '', kind Service), with a port for Services. */
const backendReference = z.object({
  group: z.string().optional(),
  kind: z.string().optional(),
  name: z.string().min(1),
  namespace: z.string().optional(),
  port: z.number().int().optional(),
  weight: z.number().int().optional(),
});
export type BackendReference = z.infer<typeof backendReference>;

const routeParentStatus = z.object({
  parentRef: parentReference,
  controllerName: z.string().optional(),
  conditions,
});
export type RouteParentStatus = z.infer<typeof routeParentStatus>;

const routeSpec = z.object({
  parentRefs: list(parentReference),
  hostnames: list(z.string()),
  rules: list(z.object({ name: z.string().optional(), backendRefs: list(backendReference) })),
});
const routeStatus = z.object({ parents: list(routeParentStatus) }).default({ parents: [] });

export const httpRoute = z.object({
  apiVersion: apiVersion('v1', 'v1beta1'),
  kind: z.literal('HTTPRoute'),
  metadata: objectMeta,
  spec: routeSpec.default({ parentRefs: [], hostnames: [], rules: [] }),
  status: routeStatus,
});
export type HTTPRoute = z.infer<typeof httpRoute>;

export const grpcRoute = z.object({
  apiVersion: apiVersion('v1'),
  kind: z.literal('GRPCRoute'),
  metadata: objectMeta,
  spec: routeSpec.default({ parentRefs: [], hostnames: [], rules: [] }),
  status: routeStatus,
});
export type GRPCRoute = z.infer<typeof grpcRoute>;

export const referenceGrant = z.object({
  apiVersion: apiVersion('v1', 'v1beta1'),
  kind: z.literal('ReferenceGrant'),
  metadata: objectMeta,
  spec: z.object({
    from: z.array(z.object({ group: z.string(), kind: z.string(), namespace: z.string() })),
    to: z.array(z.object({ group: z.string(), kind: z.string(), name: z.string().optional() })),
  }),
});
export type ReferenceGrant = z.infer<typeof referenceGrant>;
