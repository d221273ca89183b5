// Pods held up by their volumes: mount and attach failures (Multi-Attach among them) reported by
// the kubelet and the attach/detach controller, and claims that are missing or not bound.
import type { ClusterEvent, Pod } from '../../model/core.js';
import { findCondition } from '../../model/meta.js';
import { eventEvidence, objectRef, olderThan } from '../evidence.js';
import type { AnalysisContext, Analyzer, Finding } from '../types.js';
import { describeConfigError } from './config-references.js';
import { OWNER_KINDS, claimNames, claimRefs, earliestEvent, isActivePod, notReadySince, podEvents, podName } from './pod-state.js';

const MOUNT_FAILURE_REASONS = ['FailedMount', 'FailedAttachVolume', 'FailedMapVolume'];

function volumeOf(event: ClusterEvent): string | undefined {
  return /volume "([^"]+)"/.exec(event.message)?.[1] ?? /unmounted volumes=\[([^\]]+)\]/.exec(event.message)?.[1];
}

function describeMountFailure(event: ClusterEvent): string {
  const text = event.message;
  if (/Multi-Attach error/i.test(text)) return 'the volume is still attached to another node (Multi-Attach error)';
  if (/timed out waiting for the condition|context deadline exceeded/i.test(text)) return 'mounting timed out';
  if (/not found/i.test(text) && /driver|CSI/i.test(text)) return 'its CSI driver is not installed on the node';
  if (/permission denied/i.test(text)) return 'permission denied';
  if (event.reason === 'FailedAttachVolume') return 'attaching the volume failed';
  return 'mounting failed';
}

interface ClaimProblem {
  readonly claim: string;
  readonly problem: string;
}

function claimProblems(ctx: AnalysisContext, pod: Pod): ClaimProblem[] {
  const { view } = ctx;
  if (!view.has('PersistentVolumeClaim')) return [];
  const namespace = pod.metadata.namespace ?? '';
  if (view.inNamespace('PersistentVolumeClaim', namespace).length === 0) return [];
  const scheduled = findCondition(pod.status.conditions, 'PodScheduled');
  // An unscheduled pod's WaitForFirstConsumer claim is Pending by design; it is the cause only when
  // the scheduler says it waits for an immediate claim to bind.
  const waitsForClaims = Boolean(pod.spec.nodeName) || /unbound immediate PersistentVolumeClaims/i.test(scheduled?.message ?? '');
  const out: ClaimProblem[] = [];
  for (const name of claimNames(pod)) {
    const claim = view.get('PersistentVolumeClaim', namespace, name);
    if (!claim) out.push({ claim: name, problem: `PersistentVolumeClaim ${name} does not exist` });
    else if (claim.status.phase === 'Lost') out.push({ claim: name, problem: `PersistentVolumeClaim ${name} is Lost (its volume is gone)` });
    else if (claim.status.phase === 'Pending' && waitsForClaims) out.push({ claim: name, problem: `PersistentVolumeClaim ${name} is Pending (not bound to a volume)` });
  }
  return out;
}

/**
 * The kubelet mounts every volume before the first container (init ones included) starts: a pod
 * any of whose containers has run got its volumes, whatever old events say.
 */
function waitsForVolumes(pod: Pod): boolean {
  const statuses = [...(pod.status.initContainerStatuses ?? []), ...(pod.status.containerStatuses ?? [])];
  return statuses.every((s) => !s.state?.running && !s.state?.terminated && !s.lastState?.terminated && (!s.state?.waiting || ['ContainerCreating', 'PodInitializing'].includes(s.state.waiting.reason ?? '')));
}

/** When the pod began to wait: its PodScheduled=False or Ready=False transition. */
function waitingSince(pod: Pod): string | undefined {
  const scheduled = findCondition(pod.status.conditions, 'PodScheduled');
  if (scheduled?.status === 'False') return scheduled.lastTransitionTime;
  return notReadySince(pod);
}

export function findVolumeMountFailures(ctx: AnalysisContext): Finding[] {
  const { view } = ctx;
  const findings: Finding[] = [];
  for (const pod of view.list('Pod')) {
    if (!isActivePod(pod) || !waitsForVolumes(pod)) continue;
    if (!olderThan(ctx, pod.metadata.creationTimestamp, ctx.settings.thresholds.podStartGracePeriod, pod.metadata.namespace)) continue;
    // Missing ConfigMaps and Secrets also fail as FailedMount; PodConfigMissing reports those.
    const events = podEvents(view, pod).filter((e) => MOUNT_FAILURE_REASONS.includes(e.reason) && describeConfigError(e.message) === undefined);
    const claims = claimProblems(ctx, pod);
    if (events.length === 0 && claims.length === 0) continue;
    // A Multi-Attach error says why the later mount timeouts happen: it is the cause to name.
    const telling = events.find((e) => /Multi-Attach error/i.test(e.message)) ?? events[0];
    const volume = telling ? volumeOf(telling) : undefined;
    const cause = claims[0]?.problem ?? (telling ? `${volume ? `volume ${volume}: ` : ''}${describeMountFailure(telling)}` : '');
    findings.push({
      check: 'PodVolumeMountFailed',
      severity: 'critical',
      subject: view.subjectOf(pod),
      object: objectRef(pod),
      message: `Pod ${podName(pod)} cannot start because of its volumes: ${cause}.`,
      evidence: [...claims.map((c) => c.problem), ...eventEvidence(events, ctx.settings.evidence.maxEvents)],
      ...((earliestEvent(events) ?? waitingSince(pod)) ? { firstSeen: earliestEvent(events) ?? waitingSince(pod) } : {}),
      // Pending or conflicting claims explain the failure (PVCPending, PVCAccessModeConflict, ...).
      related: claimRefs(pod),
    });
  }
  return findings;
}

export const volumeMountFailures: Analyzer = {
  name: 'volume-mount-failures',
  description: 'Pods not starting because a volume cannot be attached or mounted, or a claim they use is missing or unbound.',
  checks: ['PodVolumeMountFailed'],
  reads: ['Pod'],
  scope: 'subject',
  subjectKinds: ['Pod'],
  optionalReads: ['Event', 'PersistentVolumeClaim', ...OWNER_KINDS],
  analyze: findVolumeMountFailures,
};
