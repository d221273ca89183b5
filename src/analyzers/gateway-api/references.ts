// What the Gateway API analyzers share: which conditions an implementation has really written (not
// the CRD's defaults, not about an older generation), and how the references between the kinds
// resolve when no implementation has said (parentRefs to Gateways and their listeners, backendRefs
// to Services, ReferenceGrants across namespaces), following the Gateway API specification.
import type { ClusterReader } from '../../cluster/view.js';
import { matchesLabelSelector } from '../../cluster/selectors.js';
import type { BackendReference, GatewayApiGateway, GRPCRoute, HTTPRoute, Listener, ParentReference, RouteParentStatus } from '../../model/gateway-api.js';
import { GATEWAY_API_GATEWAY, GATEWAY_API_GROUP } from '../../model/gateway-api.js';
import type { Condition, ObjectMeta, ObjectRef } from '../../model/meta.js';
import { findCondition } from '../../model/meta.js';

export type Route = HTTPRoute | GRPCRoute;

/**
 * A condition the implementation wrote about the current generation: True or False. The CRDs
 * default a new object's conditions to Unknown ("Waiting for controller", lastTransitionTime 1970),
 * and a condition whose observedGeneration is older than the object's describes a spec that is gone.
 */
export function currentCondition(conditions: readonly Condition[], type: string, metadata: ObjectMeta): Condition | undefined {
  const found = findCondition(conditions, type);
  if (!found || (found.status !== 'True' && found.status !== 'False')) return undefined;
  if (found.observedGeneration !== undefined && metadata.generation !== undefined && found.observedGeneration < metadata.generation) return undefined;
  return found;
}

export function describeCondition(c: Condition): string {
  return `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message.replace(/\.$/, '')}` : ''}`;
}

/** The later of two RFC 3339 timestamps (a defaulted lastTransitionTime of 1970 loses to the creation). */
export function laterOf(a: string | undefined, b: string | undefined): string | undefined {
  if (!a || !b) return a ?? b;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

export const gatewayRef = (namespace: string, name: string): ObjectRef => ({ apiVersion: `${GATEWAY_API_GROUP}/v1`, kind: GATEWAY_API_GATEWAY, namespace, name });

/** Whether a parentRef names a Gateway (the default), not a Service (GAMMA mesh routing) or another kind. */
export function isGatewayParent(ref: ParentReference): boolean {
  return (ref.group ?? GATEWAY_API_GROUP) === GATEWAY_API_GROUP && (ref.kind ?? 'Gateway') === 'Gateway';
}

export function describeParentRef(ref: ParentReference, routeNamespace: string): string {
  const section = ref.sectionName ? ` section ${ref.sectionName}` : '';
  const port = ref.port !== undefined ? ` port ${ref.port}` : '';
  return `Gateway ${ref.namespace ?? routeNamespace}/${ref.name}${section}${port}`;
}

/** The route's status entry for a parentRef (the fields that identify a parent, defaults applied). */
export function parentStatusFor(route: Route, ref: ParentReference): RouteParentStatus | undefined {
  const namespace = route.metadata.namespace ?? '';
  const same = (a: ParentReference, b: ParentReference): boolean =>
    (a.group ?? GATEWAY_API_GROUP) === (b.group ?? GATEWAY_API_GROUP) &&
    (a.kind ?? 'Gateway') === (b.kind ?? 'Gateway') &&
    (a.namespace ?? namespace) === (b.namespace ?? namespace) &&
    a.name === b.name &&
    (a.sectionName ?? '') === (b.sectionName ?? '') &&
    (a.port ?? 0) === (b.port ?? 0);
  return route.status.parents.find((p) => same(p.parentRef, ref));
}

/** Whether two hostnames (either may be a `*.` wildcard) can match a common request host. */
export function hostnamesIntersect(a: string, b: string): boolean {
  const wild = (h: string): boolean => h.startsWith('*.');
  if (!wild(a) && !wild(b)) return a.toLowerCase() === b.toLowerCase();
  if (wild(a) && wild(b)) {
    const [x, y] = [a.slice(1).toLowerCase(), b.slice(1).toLowerCase()];
    return x.endsWith(y) || y.endsWith(x);
  }
  const [pattern, host] = wild(a) ? [a, b] : [b, a];
  const suffix = pattern.slice(1).toLowerCase();
  return host.toLowerCase().endsWith(suffix) && host.length > suffix.length;
}

/** Protocols whose listeners take HTTPRoutes and GRPCRoutes when allowedRoutes.kinds is not given. */
const HTTP_PROTOCOLS = new Set(['HTTP', 'HTTPS']);

/** Why a listener does not take the route (undefined: it does), per allowedRoutes, protocol and hostname. */
export function listenerRefusal(view: ClusterReader, gateway: GatewayApiGateway, listener: Listener, route: Route): string | undefined {
  const gatewayNamespace = gateway.metadata.namespace ?? '';
  const routeNamespace = route.metadata.namespace ?? '';
  const kinds = listener.allowedRoutes?.kinds ?? [];
  if (kinds.length > 0) {
    if (!kinds.some((k) => k.kind === route.kind && (k.group ?? GATEWAY_API_GROUP) === GATEWAY_API_GROUP)) return `listener ${listener.name} allows only ${kinds.map((k) => k.kind).join(', ')}`;
  } else if (!HTTP_PROTOCOLS.has(listener.protocol)) {
    return `listener ${listener.name} is ${listener.protocol}, which takes no ${route.kind}`;
  }
  const from = listener.allowedRoutes?.namespaces?.from ?? 'Same';
  if (from === 'None') return `listener ${listener.name} allows routes from no namespace`;
  if (from === 'Same' && routeNamespace !== gatewayNamespace) return `listener ${listener.name} allows routes from namespace ${gatewayNamespace} only`;
  if (from === 'Selector' && view.has('Namespace')) {
    const labels = view.get('Namespace', undefined, routeNamespace)?.metadata.labels ?? {};
    if (!matchesLabelSelector(labels, listener.allowedRoutes?.namespaces?.selector)) return `listener ${listener.name} allows routes from namespaces its selector picks, and ${routeNamespace} is not one`;
  }
  if (listener.hostname && route.spec.hostnames.length > 0 && !route.spec.hostnames.some((h) => hostnamesIntersect(h, listener.hostname ?? ''))) {
    return `listener ${listener.name} serves ${listener.hostname}, none of the route's hostnames (${route.spec.hostnames.join(', ')})`;
  }
  return undefined;
}

export type ParentResolution =
  /** The parent takes the route as far as the references show. */
  | { readonly type: 'attachable'; readonly gateway: GatewayApiGateway }
  | { readonly type: 'refused'; readonly reason: string; readonly gateway?: GatewayApiGateway }
  /** Gateways are not in view: nothing can be told. */
  | { readonly type: 'unknown' };

/** Where a parentRef to a Gateway leads, from the objects alone. */
export function resolveParent(view: ClusterReader, route: Route, ref: ParentReference): ParentResolution {
  if (!view.has(GATEWAY_API_GATEWAY)) return { type: 'unknown' };
  const namespace = ref.namespace ?? route.metadata.namespace ?? '';
  const gateway = view.get(GATEWAY_API_GATEWAY, namespace, ref.name);
  if (!gateway) return { type: 'refused', reason: `Gateway ${namespace}/${ref.name} does not exist` };
  const named = ref.sectionName ? gateway.spec.listeners.filter((l) => l.name === ref.sectionName) : gateway.spec.listeners;
  if (ref.sectionName && named.length === 0) return { type: 'refused', gateway, reason: `Gateway ${namespace}/${ref.name} has no listener ${ref.sectionName} (it has ${gateway.spec.listeners.map((l) => l.name).join(', ') || 'none'})` };
  const candidates = ref.port !== undefined ? named.filter((l) => l.port === ref.port) : named;
  if (candidates.length === 0) return { type: 'refused', gateway, reason: `Gateway ${namespace}/${ref.name} has no listener on port ${ref.port}` };
  const refusals = candidates.map((l) => listenerRefusal(view, gateway, l, route));
  if (refusals.some((r) => r === undefined)) return { type: 'attachable', gateway };
  return { type: 'refused', gateway, reason: `no listener of Gateway ${namespace}/${ref.name} takes it: ${refusals.join('; ')}` };
}

/** Whether a ReferenceGrant in `toNamespace` lets a `fromKind` of `fromNamespace` refer to the object. */
export function referenceGranted(view: ClusterReader, fromKind: string, fromNamespace: string, toNamespace: string, toGroup: string, toKind: string, toName: string): boolean {
  return view.inNamespace('ReferenceGrant', toNamespace).some((grant) =>
    grant.spec.from.some((f) => f.group === GATEWAY_API_GROUP && f.kind === fromKind && f.namespace === fromNamespace) &&
    grant.spec.to.some((t) => t.group === toGroup && t.kind === toKind && (!t.name || t.name === toName)),
  );
}

export function isServiceBackend(ref: BackendReference): boolean {
  return (ref.group ?? '') === '' && (ref.kind ?? 'Service') === 'Service';
}

export function describeBackendRef(ref: BackendReference, routeNamespace: string): string {
  return `Service ${ref.namespace ?? routeNamespace}/${ref.name}${ref.port !== undefined ? ` port ${ref.port}` : ''}`;
}

/** What is wrong with a Service backendRef, from the objects alone (undefined: nothing, or not knowable). */
export function backendProblem(view: ClusterReader, route: Route, ref: BackendReference): string | undefined {
  if (!isServiceBackend(ref) || !view.has('Service')) return undefined;
  const routeNamespace = route.metadata.namespace ?? '';
  const namespace = ref.namespace ?? routeNamespace;
  if (namespace !== routeNamespace && view.has('ReferenceGrant') && !referenceGranted(view, route.kind, routeNamespace, namespace, '', 'Service', ref.name)) {
    return `${describeBackendRef(ref, routeNamespace)} is in another namespace and no ReferenceGrant in ${namespace} allows ${route.kind}s of ${routeNamespace} to refer to it`;
  }
  const service = view.get('Service', namespace, ref.name);
  if (!service) return `Service ${namespace}/${ref.name} does not exist`;
  if (ref.port === undefined) return `${describeBackendRef(ref, routeNamespace)} is named without a port, which a Service backend requires`;
  const ports = service.spec.ports ?? [];
  if (!ports.some((p) => p.port === ref.port)) return `${describeBackendRef(ref, routeNamespace)}: the Service has no port ${ref.port} (it has ${ports.map((p) => p.port).join(', ') || 'none'})`;
  return undefined;
}
