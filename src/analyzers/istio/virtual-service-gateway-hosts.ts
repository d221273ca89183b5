// A VirtualService bound to a Gateway only receives the requests of the hosts that Gateway's servers
// accept. A server host is `[namespace/]host`: the namespace part (`*`, `.` for the Gateway's own,
// or a name) says which VirtualServices may bind to it, the host may be a wildcard. A VirtualService
// host that no server accepts is configured on the gateway but never reached through it.
import type { Gateway, VirtualService } from '../../model/istio.js';
import { objectRef } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';
import { boundGateways } from './gateway-refs.js';
import { describeGateway } from './gateway-workloads.js';
import { hostsOverlap, resolveHost } from './hosts.js';

interface ServerHost {
  /** The namespaces whose VirtualServices may bind: undefined for any. */
  readonly namespace: string | undefined;
  readonly host: string;
}

export function parseServerHost(written: string, gatewayNamespace: string): ServerHost {
  const slash = written.indexOf('/');
  if (slash < 0) return { namespace: undefined, host: written };
  const ns = written.slice(0, slash);
  return { namespace: ns === '*' ? undefined : ns === '.' ? gatewayNamespace : ns, host: written.slice(slash + 1) };
}

type Verdict = { readonly accepted: true } | { readonly accepted: false; readonly why: string };

/** Whether some server of the Gateway takes this (resolved) host from a VirtualService of `namespace`. */
export function acceptance(gateway: Gateway, host: string, namespace: string): Verdict {
  const gatewayNamespace = gateway.metadata.namespace ?? '';
  const matching = gateway.spec.servers.flatMap((server) => server.hosts.map((h) => parseServerHost(h, gatewayNamespace))).filter((s) => hostsOverlap(s.host, host));
  if (matching.some((s) => s.namespace === undefined || s.namespace === namespace)) return { accepted: true };
  if (matching.length > 0) {
    const only = [...new Set(matching.map((s) => s.namespace ?? ''))].sort();
    return { accepted: false, why: `accepted only for VirtualServices of namespace${only.length === 1 ? '' : 's'} ${only.join(', ')}` };
  }
  const hosts = [...new Set(gateway.spec.servers.flatMap((s) => s.hosts))];
  return { accepted: false, why: `the servers accept ${hosts.length > 0 ? hosts.slice(0, 6).join(', ') + (hosts.length > 6 ? ', ...' : '') : 'no host'}` };
}

const describeVs = (vs: VirtualService): string => `VirtualService ${vs.metadata.namespace ?? ''}/${vs.metadata.name}`;

export const istioVirtualServiceGatewayHosts: Analyzer = {
  name: 'istio-virtual-service-gateway-hosts',
  description: 'VirtualServices bound to a Gateway that list a host no server of that Gateway accepts.',
  checks: ['IstioVirtualServiceHostNotInGateway'],
  reads: ['VirtualService', 'Gateway'],
  analyze({ view }) {
    const findings: Finding[] = [];
    for (const vs of view.list('VirtualService')) {
      if (vs.metadata.deletionTimestamp) continue;
      const namespace = vs.metadata.namespace ?? '';
      const lines: string[] = [];
      const missingHosts = new Set<string>();
      const related = new Map<string, Gateway>();
      for (const ref of boundGateways(vs)) {
        // A Gateway that does not exist is IstioGatewayNotFound.
        const gateway = view.get('Gateway', ref.namespace, ref.name);
        if (!gateway || gateway.metadata.deletionTimestamp) continue;
        for (const written of vs.spec.hosts) {
          const verdict = acceptance(gateway, resolveHost(written, namespace), namespace);
          if (verdict.accepted) continue;
          missingHosts.add(written);
          related.set(`${ref.namespace}/${ref.name}`, gateway);
          lines.push(`host ${written} is not accepted by ${describeGateway(gateway)}: ${verdict.why}`);
        }
      }
      if (lines.length === 0) continue;
      const gateways = [...related.values()].map(describeGateway);
      findings.push({
        check: 'IstioVirtualServiceHostNotInGateway',
        severity: 'warning',
        subject: objectRef(vs),
        object: objectRef(vs),
        message: `${describeVs(vs)} lists host${missingHosts.size === 1 ? '' : 's'} ${[...missingHosts].join(', ')} that ${gateways.join(', ')} ${gateways.length === 1 ? 'does' : 'do'} not accept, so its routes never see that traffic through the gateway.`,
        evidence: lines,
        related: [...related.values()].map((gateway) => objectRef(gateway)),
      });
    }
    return findings;
  },
};
