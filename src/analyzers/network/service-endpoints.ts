// Services that route nowhere: a selector that picks no pod, or picked pods of which none is ready.
import type { ClusterReader } from '../../cluster/view.js';
import { formatLabels } from '../../cluster/selectors.js';
import type { Service } from '../../model/core.js';
import { ageMs, formatDuration, objectRef, recheckWhenAged } from '../evidence.js';
import type { AnalysisContext, Analyzer, Finding } from '../types.js';
import { describeControllerTrouble, describePodReadiness, isClusterDnsService, serviceBackendState } from './service-backends.js';

/** Related pods listed on a finding: enough for root-cause linking without bloating the report. */
const MAX_RELATED_PODS = 20;

function describeService(service: Service): string {
  return `Service ${service.metadata.namespace ?? ''}/${service.metadata.name}`;
}

/** For each selector key, the values the namespace's pods do carry: a typo shows at a glance. */
function labelValuesNearby(view: ClusterReader, service: Service): string[] {
  const namespace = service.metadata.namespace ?? '';
  const pods = view.inNamespace('Pod', namespace);
  if (pods.length === 0) return [`namespace ${namespace} has no pods`];
  return Object.keys(service.spec.selector ?? {}).map((key) => {
    const values = [...new Set(pods.map((p) => p.metadata.labels?.[key]).filter((v): v is string => v !== undefined))].sort();
    return values.length ? `pods in ${namespace} with label ${key}: ${values.slice(0, 10).join(', ')}` : `no pod in ${namespace} has label ${key}`;
  });
}

export const serviceEndpoints: Analyzer = {
  name: 'service-endpoints',
  description: 'Services whose selector picks no pod, or whose selected pods are none of them ready.',
  checks: ['ServiceSelectorMatchesNothing', 'ServiceNoReadyEndpoints'],
  reads: ['Service', 'Pod'],
  scope: 'namespace',
  optionalReads: ['EndpointSlice', 'Deployment', 'StatefulSet', 'DaemonSet'],
  analyze(ctx: AnalysisContext) {
    const { view, now } = ctx;
    const grace = ctx.settings.thresholds.serviceNoReadyEndpointsAfter;
    const findings: Finding[] = [];
    for (const service of view.list('Service')) {
      if (service.metadata.deletionTimestamp || isClusterDnsService(service)) continue;
      const state = serviceBackendState(view, service);
      const selector = formatLabels(service.spec.selector);
      if (state.type === 'selects-nothing') {
        // Just created (its workload may not have made pods yet), terminating or finished pods, or a
        // workload deliberately scaled to zero: all expected states, not a broken selector.
        if (state.reason) continue;
        recheckWhenAged(ctx, service.metadata.creationTimestamp, grace, service.metadata.namespace);
        if ((ageMs(service.metadata.creationTimestamp, now) ?? Infinity) < grace) continue;
        findings.push({
          check: 'ServiceSelectorMatchesNothing',
          severity: 'critical',
          subject: objectRef(service),
          object: objectRef(service),
          message: `${describeService(service)} selects no pod: no pod in its namespace has the labels ${selector}.`,
          evidence: [`selector: ${selector}`, ...labelValuesNearby(view, service)],
        });
      } else if (state.type === 'no-pods') {
        const downFor = ageMs(state.since, now);
        recheckWhenAged(ctx, state.since, grace, service.metadata.namespace);
        if (downFor !== undefined && downFor < grace) continue;
        const names = state.workloads.map((w) => `${w.kind} ${w.metadata.namespace ?? ''}/${w.metadata.name}`).join(', ');
        findings.push({
          check: 'ServiceNoReadyEndpoints',
          severity: 'critical',
          subject: objectRef(service),
          object: objectRef(service),
          message: `${describeService(service)} has no ready endpoints: ${names} ${state.workloads.length === 1 ? 'has' : 'have'} created none of the pods it selects${downFor !== undefined ? ` (for ${formatDuration(downFor)})` : ''}.`,
          evidence: [`selector: ${selector}`, ...state.workloads.map(describeControllerTrouble)],
          ...(state.since ? { firstSeen: state.since } : {}),
          related: state.workloads.map((w) => objectRef(w)),
        });
      } else if (state.type === 'no-ready-endpoints') {
        const downFor = ageMs(state.since, now);
        recheckWhenAged(ctx, state.since, grace, service.metadata.namespace);
        if (downFor !== undefined && downFor < grace) continue;
        findings.push({
          check: 'ServiceNoReadyEndpoints',
          severity: 'critical',
          subject: objectRef(service),
          object: objectRef(service),
          message: `${describeService(service)} has no ready endpoints: none of its ${state.pods.length} selected pod${state.pods.length === 1 ? ' is' : 's are'} ready${downFor !== undefined ? ` (for ${formatDuration(downFor)})` : ''}.`,
          evidence: [
            `selector: ${selector}`,
            state.fromSlices ? 'EndpointSlices list no ready endpoint' : 'no selected pod has condition Ready=True',
            ...state.pods.slice(0, ctx.settings.evidence.maxEvents).map(describePodReadiness),
          ],
          ...(state.since ? { firstSeen: state.since } : {}),
          related: state.pods.slice(0, MAX_RELATED_PODS).map((pod) => objectRef(pod)),
        });
      }
    }
    return findings;
  },
};
