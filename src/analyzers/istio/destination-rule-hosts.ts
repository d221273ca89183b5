// DestinationRules for a host the mesh does not know: their policies and subsets apply to nothing,
// typically after a Service was renamed or a short name was resolved in the wrong namespace.
import { objectRef } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';
import { ServiceRegistry, describeNamespaces, describeTarget, judgedFrom, resolveHost } from './hosts.js';

export const istioDestinationRuleHosts: Analyzer = {
  name: 'istio-destination-rule-hosts',
  description: 'DestinationRules whose host matches no Service or ServiceEntry visible to them.',
  checks: ['IstioDestinationRuleHostNotFound'],
  reads: ['DestinationRule', 'Service'],
  optionalReads: ['ServiceEntry'],
  analyze({ view }) {
    const registry = new ServiceRegistry(view, view.has('ServiceEntry'));
    const findings: Finding[] = [];
    for (const rule of view.list('DestinationRule')) {
      if (rule.metadata.deletionTimestamp) continue;
      const namespace = rule.metadata.namespace ?? '';
      const host = resolveHost(rule.spec.host, namespace);
      // Wildcard hosts are mesh- or domain-wide policies by design, not references to one service.
      if (host.includes('*') || !registry.canJudge(host)) continue;
      const viewers = judgedFrom(rule.spec.exportTo, namespace);
      if (viewers.length === 0) continue;
      const { visible, hidden } = registry.lookup(host, viewers);
      if (visible.length > 0) continue;
      const shown = host === rule.spec.host ? host : `${rule.spec.host} (${host})`;
      const why = hidden.length > 0
        ? `${hidden.map(describeTarget).join(', ')} is not exported to ${describeNamespaces(viewers)}, where the DestinationRule applies`
        : `no Service${registry.entriesLoaded ? ' or ServiceEntry' : ''} has this host`;
      findings.push({
        check: 'IstioDestinationRuleHostNotFound',
        severity: 'warning',
        subject: objectRef(rule),
        object: objectRef(rule),
        message: `DestinationRule ${namespace}/${rule.metadata.name} applies to host ${shown}, which matches no service: ${why}.`,
        evidence: [
          `host: ${shown}`,
          why,
          ...(rule.spec.subsets.length > 0 ? [`subsets: ${rule.spec.subsets.map((s) => s.name).join(', ')}`] : []),
          `Services in namespace ${namespace}: ${view.inNamespace('Service', namespace).map((s) => s.metadata.name).slice(0, 10).join(', ') || 'none'}`,
        ],
      });
    }
    return findings;
  },
};
