// The cluster's DNS (CoreDNS or kube-dns, both labelled k8s-app=kube-dns in kube-system): when it
// is down, every name lookup in the cluster fails, so it gets one finding of its own rather than
// the generic Service checks.
import type { Pod } from '../../model/core.js';
import type { ObjectRef } from '../../model/meta.js';
import { ageMs, formatDuration, isPodTerminal, objectRef, olderThan, recheckWhenAged } from '../evidence.js';
import type { AnalysisContext, Analyzer, Finding } from '../types.js';
import { CLUSTER_DNS_LABEL, CLUSTER_DNS_NAMESPACE, describeControllerTrouble, describePodReadiness, isClusterDnsService, isPodReady, serviceBackendState } from './service-backends.js';

function isCrashLooping(pod: Pod): boolean {
  return (pod.status.containerStatuses ?? []).some((s) => s.state?.waiting?.reason === 'CrashLoopBackOff');
}

/** Not ready for longer than a normal start or restart takes, or crash-looping (which never settles). */
function notReadySince(pod: Pod, ctx: AnalysisContext): string | undefined {
  if (isPodReady(pod)) return undefined;
  const since = pod.status.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime ?? pod.metadata.creationTimestamp;
  if (isCrashLooping(pod)) return since ?? '';
  return olderThan(ctx, since, ctx.settings.thresholds.podNotReadyAfter, pod.metadata.namespace) ? since : undefined;
}

const subjectKey = (ref: ObjectRef): string => `${ref.kind}/${ref.name}`;

export const clusterDns: Analyzer = {
  name: 'cluster-dns',
  description: 'CoreDNS / kube-dns pods not ready, or the kube-dns Service without ready endpoints.',
  checks: ['ClusterDNSUnhealthy'],
  reads: ['Pod'],
  optionalReads: ['Service', 'EndpointSlice', 'Deployment', 'StatefulSet', 'DaemonSet'],
  analyze(ctx) {
    const { view } = ctx;
    const dnsPods = view
      .inNamespace('Pod', CLUSTER_DNS_NAMESPACE)
      .filter((pod) => pod.metadata.labels?.[CLUSTER_DNS_LABEL.key] === CLUSTER_DNS_LABEL.value && !isPodTerminal(pod) && !pod.metadata.deletionTimestamp);
    // kube-dns by name first: distributions add other Services (metrics) with the same label.
    const candidates = view.has('Service') ? view.inNamespace('Service', CLUSTER_DNS_NAMESPACE).filter((s) => isClusterDnsService(s) && s.spec.type !== 'ExternalName') : [];
    const service = candidates.find((s) => s.metadata.name === 'kube-dns') ?? candidates[0];
    const related = dnsPods.map((pod) => objectRef(pod));
    const evidence = (pods: readonly Pod[]): string[] => pods.slice(0, ctx.settings.evidence.maxEvents).map(describePodReadiness);

    const state = service ? serviceBackendState(view, service) : undefined;
    const serviceDownSince = state?.type === 'no-ready-endpoints' || state?.type === 'no-pods' ? state.since : undefined;
    recheckWhenAged(ctx, serviceDownSince, ctx.settings.thresholds.serviceNoReadyEndpointsAfter, service?.metadata.namespace);
    const serviceDown =
      ((state?.type === 'no-ready-endpoints' || state?.type === 'no-pods') && (ageMs(state.since, ctx.now) ?? Infinity) >= ctx.settings.thresholds.serviceNoReadyEndpointsAfter) ||
      // No DNS pod at all counts only when the view does hold kube-system's pods (a partial dump may not).
      (state?.type === 'selects-nothing' && state.reason !== 'terminating' && view.inNamespace('Pod', CLUSTER_DNS_NAMESPACE).length > 0);
    if (service && serviceDown) {
      const workloads = state?.type === 'no-pods' ? state.workloads : [];
      const [workload] = workloads;
      const subject: ObjectRef = dnsPods[0] ? view.subjectOf(dnsPods[0]) : workload ? objectRef(workload) : objectRef(service);
      const ready = dnsPods.filter(isPodReady).length;
      return [{
        check: 'ClusterDNSUnhealthy',
        severity: 'critical',
        subject,
        object: objectRef(service),
        message: `Cluster DNS is down: Service ${CLUSTER_DNS_NAMESPACE}/${service.metadata.name} has no ready endpoints (${ready} of ${dnsPods.length} DNS pods ready).`,
        evidence: [`DNS pods (${CLUSTER_DNS_LABEL.key}=${CLUSTER_DNS_LABEL.value}): ${dnsPods.length}, ready: ${ready}`, ...evidence(dnsPods), ...workloads.map(describeControllerTrouble)],
        ...(serviceDownSince ? { firstSeen: serviceDownSince } : {}),
        related: [...related, ...workloads.map((w) => objectRef(w))],
      }];
    }

    // Degraded: some DNS pods down while others still answer. Redundancy is gone, the remaining
    // pods carry every lookup, and pods that flap drop queries while they leave the endpoints.
    const failing = dnsPods.map((pod) => ({ pod, since: notReadySince(pod, ctx) })).filter((p): p is { pod: Pod; since: string } => p.since !== undefined);
    const bySubject = new Map<string, { subject: ObjectRef; pods: { pod: Pod; since: string }[] }>();
    for (const entry of failing) {
      const subject = view.subjectOf(entry.pod);
      const key = subjectKey(subject);
      const group = bySubject.get(key) ?? { subject, pods: [] };
      group.pods.push(entry);
      bySubject.set(key, group);
    }
    const findings: Finding[] = [];
    for (const { subject, pods } of bySubject.values()) {
      const [first] = pods;
      if (!first) continue;
      const total = dnsPods.filter((pod) => subjectKey(view.subjectOf(pod)) === subjectKey(subject)).length;
      const earliest = pods.map((p) => p.since).filter(Boolean).sort()[0];
      const downFor = ageMs(earliest, ctx.now);
      findings.push({
        check: 'ClusterDNSUnhealthy',
        severity: 'critical',
        subject,
        object: objectRef(first.pod),
        message: `Cluster DNS is degraded: ${pods.length} of ${total} pods of ${subject.kind} ${CLUSTER_DNS_NAMESPACE}/${subject.name} ${pods.length === 1 ? 'is' : 'are'} not ready${downFor !== undefined ? ` (for ${formatDuration(downFor)})` : ''}.`,
        evidence: evidence(pods.map((p) => p.pod)),
        ...(earliest ? { firstSeen: earliest } : {}),
        related: pods.map((p) => objectRef(p.pod)),
      });
    }
    return findings;
  },
};
