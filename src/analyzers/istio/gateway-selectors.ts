// Gateways whose selector picks no gateway pod: their servers, and every VirtualService bound to
// them, are served by nothing.
import { formatLabels } from '../../cluster/selectors.js';
import { ageMs, objectRef, recheckWhenAged } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';
import { describeGateway, gatewayPods, hasSelector } from './gateway-workloads.js';
import { isGatewayPod, isLivePod } from './mesh.js';

/** The labels a Gateway selector could use: the ReplicaSet's hash never is one. */
function withoutHash(labels: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const { 'pod-template-hash': _hash, ...rest } = labels ?? {};
  return rest;
}

export const istioGatewaySelectors: Analyzer = {
  name: 'istio-gateway-selectors',
  description: 'Gateways whose selector matches no gateway pod in any namespace.',
  checks: ['IstioGatewaySelectorNoPods'],
  reads: ['Gateway', 'Pod'],
  analyze(ctx) {
    const { view, now } = ctx;
    const findings: Finding[] = [];
    // The gateway deployments that do exist, for the evidence: a typo in the selector shows at a glance.
    const gateways = view.list('Pod').filter((pod) => isLivePod(pod) && isGatewayPod(pod));
    const known = [...new Set(gateways.map((pod) => `${pod.metadata.namespace ?? ''}: ${formatLabels(withoutHash(pod.metadata.labels))}`))].slice(0, 5);
    for (const gateway of view.list('Gateway')) {
      if (gateway.metadata.deletionTimestamp || !hasSelector(gateway)) continue;
      // Created together with its gateway Deployment, whose pods may simply not exist yet.
      recheckWhenAged(ctx, gateway.metadata.creationTimestamp, ctx.settings.thresholds.podUnschedulableAfter, gateway.metadata.namespace);
      if ((ageMs(gateway.metadata.creationTimestamp, now) ?? Infinity) < ctx.settings.thresholds.podUnschedulableAfter) continue;
      if (gatewayPods(view, gateway).length > 0) continue;
      const selector = formatLabels(gateway.spec.selector);
      findings.push({
        check: 'IstioGatewaySelectorNoPods',
        severity: 'critical',
        subject: objectRef(gateway),
        object: objectRef(gateway),
        message: `${describeGateway(gateway)} selects no gateway pod (selector ${selector}), so its servers on ${gateway.spec.servers.map((s) => s.port.number).join(', ') || 'no port'} are served by nothing.`,
        evidence: [
          `selector: ${selector}`,
          ...(known.length > 0 ? known.map((labels) => `gateway pod labels in ${labels}`) : ['no gateway pods (pods running only istio-proxy) found']),
        ],
      });
    }
    return findings;
  },
};
