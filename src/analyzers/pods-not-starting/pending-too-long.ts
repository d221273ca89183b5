// Pods Pending for long with no more specific cause: the check of last resort of this runbook
// section. Every check that can explain a Pending pod (why it is not scheduled, why a container
// or init container cannot start, a crash-looping init container (Init:CrashLoopBackOff), a sidecar
// that never gets ready) runs first, on the same view, so that a pod they explain is not reported twice.
import type { KindName } from '../../model/kinds.js';
import type { Pod } from '../../model/core.js';
import { findCondition } from '../../model/meta.js';
import { ageMs, describeState, eventEvidence, formatDuration, objectRef, olderThan } from '../evidence.js';
import type { AnalysisContext, Analyzer, Finding } from '../types.js';
import { crashLoopingContainers } from '../pods/crash-looping.js';
import { sidecarsNotReady } from '../pods/sidecar-not-ready.js';
import { containerStartFailures } from './container-start.js';
import { missingConfigReferences } from './config-references.js';
import { imagePullFailures } from './image-pull.js';
import { missingImagePullSecrets } from './image-pull-secrets.js';
import { podsRequestingMoreThanNodes } from './node-capacity.js';
import { claimRefs, isActivePod, podEvents, podName } from './pod-state.js';
import { nonRootViolations } from './run-as-non-root.js';
import { unschedulablePods } from './unschedulable.js';
import { volumeMountFailures } from './volume-mounts.js';

/**
 * The checks that explain why a pod does not start, including the pods-not-working checks that see a
 * Pending pod's init containers crash-loop or its native sidecar fail; the env-var warning does
 * not explain it, so it is not here.
 */
const SPECIFIC: readonly Analyzer[] = [
  unschedulablePods,
  podsRequestingMoreThanNodes,
  imagePullFailures,
  missingImagePullSecrets,
  missingConfigReferences,
  volumeMountFailures,
  containerStartFailures,
  nonRootViolations,
  crashLoopingContainers,
  sidecarsNotReady,
];

const SPECIFIC_READS: readonly KindName[] = [...new Set(SPECIFIC.flatMap((a) => [...a.reads, ...(a.optionalReads ?? [])]))];

function explainedPods(ctx: AnalysisContext): Set<string> {
  const explained = new Set<string>();
  for (const analyzer of SPECIFIC) {
    if (!analyzer.reads.every((kind) => ctx.view.has(kind))) continue;
    for (const finding of analyzer.analyze(ctx)) {
      if (finding.object.kind === 'Pod') explained.add(`${finding.object.namespace ?? ''}/${finding.object.name}`);
    }
  }
  return explained;
}

/** What the pod is waiting for, as far as its status tells. */
function waitingOn(pod: Pod): string {
  const scheduled = findCondition(pod.status.conditions, 'PodScheduled');
  if (!pod.spec.nodeName) {
    if (scheduled?.reason === 'SchedulingGated') return 'it is held by scheduling gates';
    return scheduled?.reason ? `it is not scheduled (${scheduled.reason})` : 'it is not scheduled yet';
  }
  for (const status of pod.status.initContainerStatuses ?? []) {
    const sidecar = pod.spec.initContainers?.find((c) => c.name === status.name)?.restartPolicy === 'Always';
    if (status.state?.terminated?.exitCode === 0 || (sidecar && status.started)) continue;
    if (sidecar && status.state?.running) return `sidecar ${status.name} runs but has not passed its startup probe`;
    return `init container ${status.name} is ${status.state?.running ? 'still running' : (describeState(status.state) ?? 'not started')}`;
  }
  const waiting = (pod.status.containerStatuses ?? []).find((s) => s.state?.waiting);
  if (waiting) return `container ${waiting.name} is ${describeState(waiting.state) ?? 'waiting'}`;
  return `it is on node ${pod.spec.nodeName} without container statuses`;
}

export function findLongPendingPods(ctx: AnalysisContext): Finding[] {
  const { view, now } = ctx;
  const candidates = view.list('Pod').filter((pod) => {
    if (!isActivePod(pod) || pod.status.phase !== 'Pending') return false;
    return olderThan(ctx, pod.metadata.creationTimestamp, ctx.settings.thresholds.podPendingTooLongAfter, pod.metadata.namespace);
  });
  if (candidates.length === 0) return [];
  const explained = explainedPods(ctx);
  const findings: Finding[] = [];
  for (const pod of candidates) {
    if (explained.has(`${pod.metadata.namespace ?? ''}/${pod.metadata.name}`)) continue;
    const age = ageMs(pod.metadata.creationTimestamp, now) ?? 0;
    const conditions = (pod.status.conditions ?? []).filter((c) => c.status !== 'True');
    const warnings = podEvents(view, pod).filter((e) => e.type === 'Warning');
    findings.push({
      check: 'PodPendingTooLong',
      severity: 'warning',
      subject: view.subjectOf(pod),
      object: objectRef(pod),
      message: `Pod ${podName(pod)} has been Pending for ${formatDuration(age)}: ${waitingOn(pod)}.`,
      evidence: [
        ...conditions.map((c) => `condition ${c.type}=${c.status}${c.reason ? ` (${c.reason}${c.message ? `: ${c.message}` : ''})` : ''}`),
        ...[...(pod.status.initContainerStatuses ?? []), ...(pod.status.containerStatuses ?? [])].map((s) => `container ${s.name}: ${describeState(s.state) ?? 'no state'}`),
        ...eventEvidence(warnings, ctx.settings.evidence.maxEvents),
      ],
      ...(pod.metadata.creationTimestamp ? { firstSeen: pod.metadata.creationTimestamp } : {}),
      // Pending claims explain it.
      related: [objectRef(pod), ...claimRefs(pod)],
    });
  }
  return findings;
}

export const longPendingPods: Analyzer = {
  name: 'long-pending-pods',
  description: 'Pods Pending for longer than the threshold that no more specific check explains.',
  checks: ['PodPendingTooLong'],
  reads: ['Pod'],
  scope: 'subject',
  subjectKinds: ['Pod'],
  optionalReads: SPECIFIC_READS.filter((kind) => kind !== 'Pod'),
  analyze: findLongPendingPods,
};
