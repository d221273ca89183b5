// DestinationRule subsets whose labels pick none of the host's pods: traffic routed to the subset
// finds no endpoint and fails with 503 (no healthy upstream, UH). The labels are those istiod
// matches, the pod's plus its node's locality (workload-labels.ts).
import { formatLabels } from '../../cluster/selectors.js';
import { ageMs, objectRef, recheckWhenAged } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';
import { ServiceRegistry, resolveHost } from './hosts.js';
import { isLivePod } from './mesh.js';
import { destinationsOf } from './virtual-service-destinations.js';
import { endpointLabels, subsetSelects } from './workload-labels.js';

export const istioDestinationRuleSubsets: Analyzer = {
  name: 'istio-destination-rule-subsets',
  description: "DestinationRule subsets (that routes use) whose labels select none of the host Service's pods.",
  checks: ['IstioDestinationRuleSubsetNoPods'],
  reads: ['DestinationRule', 'Service', 'Pod'],
  optionalReads: ['VirtualService', 'Node'],
  analyze(ctx) {
    const { view, now } = ctx;
    const registry = new ServiceRegistry(view, false);
    // (host, subset) pairs that some route sends traffic to; an unused subset harms nobody.
    const routed = view.has('VirtualService')
      ? view.list('VirtualService').flatMap((vs) => destinationsOf(vs)
        .filter((d) => d.destination.subset && d.weight !== 0)
        .map((d) => ({ host: resolveHost(d.destination.host, vs.metadata.namespace ?? ''), subset: d.destination.subset ?? '' })))
      : undefined;
    const isRouted = (host: string, subset: string): boolean => !routed || routed.some((r) => r.subset === subset && r.host === host);
    const findings: Finding[] = [];
    for (const rule of view.list('DestinationRule')) {
      if (rule.metadata.deletionTimestamp || rule.spec.subsets.length === 0) continue;
      // Created together with the workloads it describes, whose pods may not exist yet.
      recheckWhenAged(ctx, rule.metadata.creationTimestamp, ctx.settings.thresholds.podUnschedulableAfter, rule.metadata.namespace);
      if ((ageMs(rule.metadata.creationTimestamp, now) ?? Infinity) < ctx.settings.thresholds.podUnschedulableAfter) continue;
      const namespace = rule.metadata.namespace ?? '';
      const host = resolveHost(rule.spec.host, namespace);
      const service = registry.service(host);
      const selector = service?.spec.selector;
      if (!service || service.spec.type === 'ExternalName' || !selector || Object.keys(selector).length === 0) continue;
      const pods = view.podsWithLabels(service.metadata.namespace ?? '', selector).filter(isLivePod);
      const empty = rule.spec.subsets.filter((subset) => {
        const labels = subset.labels ?? {};
        if (Object.keys(labels).length === 0 || !isRouted(host, subset.name)) return false;
        // A pod it may select (a label only the Node or istiod's configuration tells) is not "none".
        return pods.every((pod) => subsetSelects(view, pod, labels) === 'no-match');
      });
      if (empty.length === 0) continue;
      const keys = [...new Set(empty.flatMap((s) => Object.keys(s.labels ?? {})))];
      const present = keys.map((key) => {
        const values = [...new Set(pods.map((p) => endpointLabels(view, p).labels[key]).filter((v): v is string => v !== undefined))].sort();
        return `pods of the Service with label ${key}: ${values.length > 0 ? values.join(', ') : 'none'}`;
      });
      const serviceName = `${service.metadata.namespace ?? ''}/${service.metadata.name}`;
      const [first] = empty;
      findings.push({
        check: 'IstioDestinationRuleSubsetNoPods',
        severity: 'critical',
        subject: objectRef(rule),
        object: objectRef(rule),
        message: `DestinationRule ${namespace}/${rule.metadata.name} subset ${first?.name ?? ''} (${formatLabels(first?.labels)}) selects none of the ${pods.length} pods of Service ${serviceName}, so requests routed to it fail with 503.`,
        evidence: [
          ...empty.map((s) => `subset ${s.name}: labels ${formatLabels(s.labels)} match no pod`),
          `Service ${serviceName} selector: ${formatLabels(selector)} (${pods.length} pods)`,
          ...present,
        ],
        related: [objectRef(service)],
      });
    }
    return findings;
  },
};
