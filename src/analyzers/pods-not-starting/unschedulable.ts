// Pods the scheduler cannot place, with its verdict split into causes.
import { findCondition } from '../../model/meta.js';
import type { ObjectRef } from '../../model/meta.js';
import { ageMs, eventEvidence, eventsWithReason, formatDuration, objectRef, olderThan, recheckWhenAged } from '../evidence.js';
import type { AnalysisContext, Analyzer, Finding } from '../types.js';
import { OWNER_KINDS, SCALE_UP_REASONS, claimRefs, isActivePod, podEvents, podName } from './pod-state.js';
import { describeCause, parseSchedulerMessage, summarizeCause } from './scheduler-message.js';

export function findUnschedulablePods(ctx: AnalysisContext): Finding[] {
  const { view, now } = ctx;
  const findings: Finding[] = [];
  for (const pod of view.list('Pod')) {
    if (!isActivePod(pod) || pod.spec.nodeName) continue;
    const scheduled = findCondition(pod.status.conditions, 'PodScheduled');
    if (scheduled?.status !== 'False' || scheduled.reason !== 'Unschedulable') continue;
    const since = scheduled.lastTransitionTime ?? pod.metadata.creationTimestamp;
    const age = ageMs(since, now);
    if (age === undefined || !olderThan(ctx, since, ctx.settings.thresholds.podUnschedulableAfter, pod.metadata.namespace)) continue;
    const allEvents = podEvents(view, pod);
    // A node autoscaler adding capacity for the pod (cluster-autoscaler, Karpenter) is how pending
    // pods normally get a node: only a wait longer than the pending threshold is reported then.
    const pendingAfter = ctx.settings.thresholds.podPendingTooLongAfter;
    const scaleUps = eventsWithReason(allEvents, SCALE_UP_REASONS);
    // Both ends are moments: a scale-up event grows old, and the wait passes the pending threshold.
    for (const e of scaleUps) recheckWhenAged(ctx, e.lastTimestamp, pendingAfter, pod.metadata.namespace);
    const scalingUp = scaleUps.some((e) => (ageMs(e.lastTimestamp, now) ?? Infinity) < pendingAfter);
    if (scalingUp) recheckWhenAged(ctx, since, pendingAfter, pod.metadata.namespace);
    if (scalingUp && age < pendingAfter) continue;
    const verdict = parseSchedulerMessage(scheduled.message ?? '');
    const events = eventsWithReason(allEvents, ['FailedScheduling', 'NotTriggerScaleUp', ...SCALE_UP_REASONS]);
    const nodes = verdict.totalNodes === undefined ? '' : `, ${verdict.availableNodes ?? 0}/${verdict.totalNodes} nodes fit`;
    const causes = verdict.causes.length ? `: ${verdict.causes.map(summarizeCause).join('; ')}` : '';
    // A pod is explained by its own more specific findings (requests no node has, a missing claim)
    // and by the claims and not-ready nodes the scheduler names.
    const related: ObjectRef[] = [objectRef(pod), ...claimRefs(pod)];
    if (view.has('Node') && verdict.causes.some((c) => c.kind === 'node-not-ready')) {
      for (const node of view.list('Node')) {
        if ((node.spec.taints ?? []).some((t) => t.key === 'node.kubernetes.io/not-ready' || t.key === 'node.kubernetes.io/unreachable')) related.push(objectRef(node));
      }
    }
    findings.push({
      check: 'PodUnschedulable',
      severity: 'critical',
      subject: view.subjectOf(pod),
      object: objectRef(pod),
      message: `Pod ${podName(pod)} has been unschedulable for ${formatDuration(age)}${nodes}${causes}.`,
      evidence: [
        ...verdict.causes.map(describeCause),
        ...(verdict.preemption ? [`preemption: ${verdict.preemption}`] : []),
        ...(verdict.causes.length === 0 && scheduled.message ? [`scheduler: ${scheduled.message}`] : []),
        ...eventEvidence(events, ctx.settings.evidence.maxEvents),
      ],
      ...(since ? { firstSeen: since } : {}),
      related,
    });
  }
  return findings;
}

export const unschedulablePods: Analyzer = {
  name: 'unschedulable-pods',
  description: 'Pods the scheduler has not been able to place on any node, with the reasons per node group.',
  checks: ['PodUnschedulable'],
  reads: ['Pod'],
  scope: 'subject',
  subjectKinds: ['Pod'],
  optionalReads: ['Event', 'Node', ...OWNER_KINDS],
  analyze: findUnschedulablePods,
};
