// Two VirtualServices claiming the same host on the same gateway (or both on the sidecars, `mesh`):
// Istio keeps one or merges them in an order nobody chose, so some routes silently never match.
import type { VirtualService } from '../../model/istio.js';
import { objectRef } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';
import type { GatewayRef } from './gateway-refs.js';
import { gatewayKey, parseGatewayRef } from './gateway-refs.js';
import { audiencesOverlap, exportedTo, resolveHost } from './hosts.js';
import { acceptance } from './virtual-service-gateway-hosts.js';

interface Claim {
  readonly vs: VirtualService;
  readonly host: string;
  readonly gateway: string;
}

const vsKey = (vs: VirtualService): string => `${vs.metadata.namespace ?? ''}/${vs.metadata.name}`;

/** Sidecars only apply a VirtualService exported to their namespace: two conflict where both apply. */
function seenTogether(a: VirtualService, b: VirtualService): boolean {
  return audiencesOverlap(exportedTo(a.spec.exportTo, a.metadata.namespace ?? ''), exportedTo(b.spec.exportTo, b.metadata.namespace ?? ''));
}

export const istioVirtualServiceConflicts: Analyzer = {
  name: 'istio-virtual-service-conflicts',
  description: 'VirtualServices that claim the same host on the same gateway, or on the mesh.',
  checks: ['IstioVirtualServiceConflict'],
  reads: ['VirtualService'],
  optionalReads: ['Gateway'],
  analyze({ view }) {
    const claims = new Map<string, Claim[]>();
    // A host the Gateway does not take from this VirtualService's namespace is no claim on it
    // (IstioVirtualServiceHostNotInGateway says so).
    const gatewayRefuses = (ref: GatewayRef, host: string, namespace: string): boolean => {
      if (ref.type === 'mesh' || !view.has('Gateway')) return false;
      const gateway = view.get('Gateway', ref.namespace, ref.name);
      return gateway !== undefined && !acceptance(gateway, host, namespace).accepted;
    };
    for (const vs of view.list('VirtualService')) {
      if (vs.metadata.deletionTimestamp) continue;
      const namespace = vs.metadata.namespace ?? '';
      const gateways = vs.spec.gateways.length > 0 ? vs.spec.gateways : ['mesh'];
      for (const host of new Set(vs.spec.hosts.map((h) => resolveHost(h, namespace)))) {
        const refs = new Map(gateways.map((g) => parseGatewayRef(g, namespace)).map((ref) => [gatewayKey(ref), ref]));
        for (const [gateway, ref] of refs) {
          if (gatewayRefuses(ref, host, namespace)) continue;
          const key = `${gateway} ${host}`;
          claims.set(key, [...(claims.get(key) ?? []), { vs, host, gateway }]);
        }
      }
    }
    const conflicts = new Map<string, { vs: VirtualService; lines: string[]; others: Map<string, VirtualService> }>();
    for (const group of claims.values()) {
      for (const claim of group) {
        const rivals = group.filter((other) => other.vs !== claim.vs && (claim.gateway !== 'mesh' || seenTogether(claim.vs, other.vs)));
        if (rivals.length === 0) continue;
        const entry = conflicts.get(vsKey(claim.vs)) ?? { vs: claim.vs, lines: [], others: new Map<string, VirtualService>() };
        const where = claim.gateway === 'mesh' ? 'the mesh (sidecars)' : `Gateway ${claim.gateway}`;
        entry.lines.push(`host ${claim.host} on ${where}, as ${rivals.length === 1 ? 'does' : 'do'} ${rivals.map((r) => `VirtualService ${vsKey(r.vs)}`).join(', ')}`);
        for (const rival of rivals) entry.others.set(vsKey(rival.vs), rival.vs);
        conflicts.set(vsKey(claim.vs), entry);
      }
    }
    return [...conflicts.values()].map(({ vs, lines, others }): Finding => ({
      check: 'IstioVirtualServiceConflict',
      severity: 'warning',
      subject: objectRef(vs),
      object: objectRef(vs),
      message: `VirtualService ${vsKey(vs)} claims ${lines[0] ?? ''}${lines.length > 1 ? ` (and ${lines.length - 1} more host conflicts)` : ''}.`,
      evidence: lines,
      related: [...others.values()].map((other) => objectRef(other)),
    }));
  },
};
