// Gateways whose selectors pick the same gateway pods and that claim the same port and host: those
// pods get two servers for one listener, and Istio rejects or shadows one of them. The selectors need
// not be equal: `istio=ingressgateway` and `istio=ingressgateway,app=istio-ingressgateway` pick the
// same pods. With the pods known, their overlap decides (a Gateway that picks no pod conflicts with
// nothing, and is reported as selecting none); without them, a selector containing the other's does.
import type { Gateway } from '../../model/istio.js';
import { formatLabels } from '../../cluster/selectors.js';
import { objectRef } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';
import { describeGateway, gatewayPods, hasSelector } from './gateway-workloads.js';

/** A Gateway host may carry a namespace part (`ns/host`, `./host`, `*\/host`) that limits which VirtualServices bind; the host is the rest. */
export function gatewayHostName(host: string): string {
  const slash = host.indexOf('/');
  return slash >= 0 ? host.slice(slash + 1) : host;
}

/** Every label of `inner` is in `outer` with the same value: `outer` picks a subset of `inner`'s pods. */
function selectorContains(outer: Readonly<Record<string, string>>, inner: Readonly<Record<string, string>>): boolean {
  return Object.entries(inner).every(([key, value]) => outer[key] === value);
}

const gatewayKey = (gateway: Gateway): string => `${gateway.metadata.namespace ?? ''}/${gateway.metadata.name}`;

interface Selected {
  readonly gateway: Gateway;
  /** `namespace/name` of the live pods it selects; undefined when Pods are not in the view. */
  readonly pods: ReadonlySet<string> | undefined;
}

/** Why the two Gateways act on the same pods, or undefined when they do not. */
function sharedPods(a: Selected, b: Selected): string | undefined {
  const selA = a.gateway.spec.selector ?? {};
  const selB = b.gateway.spec.selector ?? {};
  if (a.pods && b.pods) {
    const shared = [...a.pods].filter((pod) => b.pods?.has(pod));
    return shared.length > 0 ? `on ${shared.length === 1 ? 'the same gateway pod' : `${shared.length} of the same gateway pods`} ${shared.slice(0, 3).join(', ')}${shared.length > 3 ? ', ...' : ''}` : undefined;
  }
  if (selectorContains(selA, selB) || selectorContains(selB, selA)) return `with selector ${formatLabels(selB)}, which picks the same pods`;
  return undefined;
}

export const istioGatewayConflicts: Analyzer = {
  name: 'istio-gateway-conflicts',
  description: 'Gateways whose selectors pick the same gateway pods and that claim the same port and host.',
  checks: ['IstioGatewayConflict'],
  reads: ['Gateway'],
  optionalReads: ['Pod'],
  analyze({ view }) {
    const podsKnown = view.has('Pod');
    const selected = new Map<Gateway, Selected>();
    const claims = new Map<string, Gateway[]>();
    for (const gateway of view.list('Gateway')) {
      if (gateway.metadata.deletionTimestamp || !hasSelector(gateway)) continue;
      selected.set(gateway, {
        gateway,
        pods: podsKnown ? new Set(gatewayPods(view, gateway).map((pod) => `${pod.metadata.namespace ?? ''}/${pod.metadata.name}`)) : undefined,
      });
      for (const server of gateway.spec.servers) {
        for (const host of new Set(server.hosts.map(gatewayHostName))) {
          const key = `${server.port.number} ${host}`;
          const list = claims.get(key) ?? [];
          if (!list.includes(gateway)) list.push(gateway);
          claims.set(key, list);
        }
      }
    }
    const conflicts = new Map<string, { gateway: Gateway; lines: string[]; others: Map<string, Gateway> }>();
    for (const [key, gateways] of claims) {
      if (gateways.length < 2) continue;
      const [port, host] = key.split(' ');
      for (const gateway of gateways) {
        const self = selected.get(gateway);
        if (!self) continue;
        const rivals = gateways.flatMap((other) => {
          const them = selected.get(other);
          const why = other !== gateway && them ? sharedPods(self, them) : undefined;
          return why ? [{ other, why }] : [];
        });
        if (rivals.length === 0) continue;
        const entry = conflicts.get(gatewayKey(gateway)) ?? { gateway, lines: [], others: new Map<string, Gateway>() };
        entry.lines.push(`port ${port ?? ''} host ${host ?? ''}, as ${rivals.length === 1 ? 'does' : 'do'} ${rivals.map(({ other, why }) => `${describeGateway(other)} ${why}`).join(', ')}`);
        for (const { other } of rivals) entry.others.set(gatewayKey(other), other);
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
