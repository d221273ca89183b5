// How a VirtualService names its gateways: `mesh` (the sidecars), `name` (same namespace),
// `ns/name`, `./name`, or the legacy `name.ns.svc.cluster.local`.
import type { VirtualService } from '../../model/istio.js';

export const MESH_GATEWAY = 'mesh';

export type GatewayRef = { readonly type: 'mesh' } | { readonly type: 'gateway'; readonly namespace: string; readonly name: string; readonly written: string };

export function parseGatewayRef(written: string, namespace: string): GatewayRef {
  if (written === MESH_GATEWAY) return { type: 'mesh' };
  const slash = written.indexOf('/');
  if (slash >= 0) {
    const ns = written.slice(0, slash);
    return { type: 'gateway', namespace: ns === '.' ? namespace : ns, name: written.slice(slash + 1), written };
  }
  const dot = written.indexOf('.');
  if (dot < 0) return { type: 'gateway', namespace, name: written, written };
  const [name = '', ns = ''] = written.split('.');
  return { type: 'gateway', namespace: ns, name, written };
}

/** Every gateway the VirtualService binds to: its own list (default `mesh`) and those of its route matches. */
export function gatewayRefsOf(vs: VirtualService): GatewayRef[] {
  const namespace = vs.metadata.namespace ?? '';
  const written = new Set<string>(vs.spec.gateways.length > 0 ? vs.spec.gateways : [MESH_GATEWAY]);
  for (const route of [...vs.spec.http, ...vs.spec.tcp, ...vs.spec.tls]) {
    for (const match of route.match) for (const gateway of match.gateways) written.add(gateway);
  }
  return [...written].map((w) => parseGatewayRef(w, namespace));
}

/** The gateways (not `mesh`) of the VirtualService's top-level list: where its hosts are served. */
export function boundGateways(vs: VirtualService): (GatewayRef & { type: 'gateway' })[] {
  const namespace = vs.metadata.namespace ?? '';
  return vs.spec.gateways.map((w) => parseGatewayRef(w, namespace)).filter((ref): ref is GatewayRef & { type: 'gateway' } => ref.type === 'gateway');
}

export function gatewayKey(ref: GatewayRef): string {
  return ref.type === 'mesh' ? MESH_GATEWAY : `${ref.namespace}/${ref.name}`;
}
