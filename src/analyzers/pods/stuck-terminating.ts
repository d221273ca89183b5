// Pods that stay after their deletion deadline. metadata.deletionTimestamp is not when deletion was
// asked for but when it is due: the API server sets it to the request time plus the grace period.
// So a pod is stuck once it outlives that timestamp by podStuckTerminatingGrace; the usual causes
// are a finalizer nobody removes and a node whose kubelet no longer answers.
import { ROLL_UP_KINDS } from '../../cluster/view.js';
import type { Pod } from '../../model/core.js';
import type { ObjectRef } from '../../model/meta.js';
import { findCondition, refOf } from '../../model/meta.js';
import { ageMs, containerStatuses, formatDuration, objectRef, recheckWhenAged } from '../evidence.js';
import type { AnalysisContext, Analyzer, Finding } from '../types.js';

function nodeEvidence(ctx: AnalysisContext, pod: Pod): string[] {
  const nodeName = pod.spec.nodeName;
  if (!nodeName) return ['not scheduled to a node'];
  if (!ctx.view.has('Node')) return [`node: ${nodeName}`];
  const node = ctx.view.get('Node', undefined, nodeName);
  if (!node) return [`node ${nodeName} no longer exists`];
  const ready = findCondition(node.status.conditions, 'Ready');
  if (ready?.status === 'True') return [`node ${nodeName} is Ready`];
  return [`node ${nodeName} is not Ready (${ready?.reason ?? ready?.status ?? 'no Ready condition'}${ready?.lastTransitionTime ? ` since ${ready.lastTransitionTime}` : ''}): its kubelet cannot finish the deletion`];
}

/**
 * The pod's node when it is not Ready: the node is then why the deletion cannot finish (its
 * kubelet cannot confirm it), and its NodeNotReady finding becomes this one's root cause.
 */
function notReadyNode(ctx: AnalysisContext, pod: Pod): ObjectRef | undefined {
  const nodeName = pod.spec.nodeName;
  if (!nodeName || !ctx.view.has('Node')) return undefined;
  const node = ctx.view.get('Node', undefined, nodeName);
  if (!node || findCondition(node.status.conditions, 'Ready')?.status === 'True') return undefined;
  return refOf(node);
}

function likelyCause(ctx: AnalysisContext, pod: Pod): string {
  const finalizers = pod.metadata.finalizers ?? [];
  if (finalizers.length > 0) return `finalizer ${finalizers.join(', ')} has not been removed`;
  const nodeName = pod.spec.nodeName;
  if (nodeName && ctx.view.has('Node')) {
    const node = ctx.view.get('Node', undefined, nodeName);
    const ready = node ? findCondition(node.status.conditions, 'Ready') : undefined;
    if (!node || ready?.status !== 'True') return `node ${nodeName} is not Ready`;
  }
  return 'its containers have not stopped';
}

export const stuckTerminatingPods: Analyzer = {
  name: 'stuck-terminating-pods',
  description: 'Pods still present well past their deletion deadline.',
  checks: ['PodStuckTerminating'],
  reads: ['Pod'],
  scope: 'subject',
  subjectKinds: ['Pod'],
  optionalReads: ['Node', ...ROLL_UP_KINDS],
  analyze(ctx) {
    const findings: Finding[] = [];
    for (const pod of ctx.view.list('Pod')) {
      const due = pod.metadata.deletionTimestamp;
      const overdue = ageMs(due, ctx.now);
      // Stuck once strictly past the grace: a millisecond after due + grace.
      recheckWhenAged(ctx, due, ctx.settings.thresholds.podStuckTerminatingGrace + 1, pod.metadata.namespace);
      if (!due || overdue === undefined || overdue <= ctx.settings.thresholds.podStuckTerminatingGrace) continue;
      const grace = pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds;
      const node = notReadyNode(ctx, pod);
      const running = containerStatuses(pod).filter((c) => c.status.state?.running).map((c) => c.name);
      findings.push({
        check: 'PodStuckTerminating',
        severity: 'warning',
        subject: ctx.view.subjectOf(pod),
        object: objectRef(pod),
        message: `Pod ${pod.metadata.namespace ?? ''}/${pod.metadata.name} is still terminating ${formatDuration(overdue)} after its deletion deadline: ${likelyCause(ctx, pod)}.`,
        evidence: [
          `deletion due at ${due}${grace !== undefined ? ` (grace period ${grace}s)` : ''}`,
          `finalizers: ${pod.metadata.finalizers?.join(', ') || 'none'}`,
          ...nodeEvidence(ctx, pod),
          ...(running.length ? [`containers still reported running: ${running.join(', ')}`] : []),
        ],
        firstSeen: due,
        ...(node ? { related: [node] } : {}),
      });
    }
    return findings;
  },
};
