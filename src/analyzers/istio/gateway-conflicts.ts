// Gateways with the same selector claiming the same port and host: the gateway pods get two
// servers for one listener, and Istio rejects or shadows one of them.
import type { Gateway } from '../../model/istio.js';
import { formatLabels } from '../../cluster/selectors.js';
import { objectRef } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';
import { describeGateway, hasSelector } from './gateway-workloads.js';

/** A Gateway host may carry a namespace part (`ns/host`, `./host`, `*\/host`) that limits which VirtualServices bind; the host is the rest. */
export function gatewayHostName(host: string): string {
  const slash = host.indexOf('/');
  return slash >= 0 ? host.slice(slash + 1) : host;
}

function selectorKey(gateway: Gateway): string {
  return Object.entries(gateway.spec.selector ?? {}).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join(',');
}

const gatewayKey = (gateway: Gateway): string => `${gateway.metadata.namespace ?? ''}/${gateway.metadata.name}`;

export const istioGatewayConflicts: Analyzer = {
  name: 'istio-gateway-conflicts',
  description: 'Gateways with the same selector that claim the same port and host.',
  checks: ['IstioGatewayConflict'],
  reads: ['Gateway'],
  analyze({ view }) {
    const claims = new Map<string, Gateway[]>();
    for (const gateway of view.list('Gateway')) {
      if (gateway.metadata.deletionTimestamp || !hasSelector(gateway)) continue;
      for (const server of gateway.spec.servers) {
        for (const host of new Set(server.hosts.map(gatewayHostName))) {
          const key = `${selectorKey(gateway)} ${server.port.number} ${host}`;
          const list = claims.get(key) ?? [];
          if (!list.includes(gateway)) list.push(gateway);
          claims.set(key, list);
        }
      }
    }
    const conflicts = new Map<string, { gateway: Gateway; lines: string[]; others: Map<string, Gateway> }>();
    for (const [key, gateways] of claims) {
      if (gateways.length < 2) continue;
      const [, port, host] = key.split(' ');
      for (const gateway of gateways) {
        const rivals = gateways.filter((other) => other !== gateway);
        const entry = conflicts.get(gatewayKey(gateway)) ?? { gateway, lines: [], others: new Map<string, Gateway>() };
        entry.lines.push(`port ${port ?? ''} host ${host ?? ''}, as ${rivals.length === 1 ? 'does' : 'do'} ${rivals.map(describeGateway).join(', ')}`);
        for (const rival of rivals) entry.others.set(gatewayKey(rival), rival);
        conflicts.set(gatewayKey(gateway), entry);
      }
    }
    return [...conflicts.values()].map(({ gateway, lines, others }): Finding => ({
      check: 'IstioGatewayConflict',
      severity: 'warning',
      subject: objectRef(gateway),
      object: objectRef(gateway),
      message: `${describeGateway(gateway)} (selector ${formatLabels(gateway.spec.selector)}) claims ${lines[0] ?? ''}${lines.length > 1 ? ` (and ${lines.length - 1} more)` : ''}.`,
      evidence: lines,
      related: [...others.values()].map((other) => objectRef(other)),
    }));
  },
};
