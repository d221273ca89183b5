// Claims that more pods want than their access mode allows. A ReadWriteOnce volume attaches to one
// node: pods on another node wait on a Multi-Attach error. ReadWriteOncePod admits one pod at all.
// Pods of a ReadWriteOnce claim that all run on different nodes are not flagged: a volume type
// without attachment (NFS-like, hostPath) serves them, and nobody is affected. Without a Multi-Attach
// event, a pod on another node counts as blocked only once it is Pending past the start grace period.
import type { ClusterReader } from '../../cluster/view.js';
import type { ClusterEvent, PersistentVolumeClaim, Pod } from '../../model/core.js';
import { ageMs, describeEvent, objectRef, recheckWhenAged } from '../evidence.js';
import type { AnalysisContext, Analyzer, Finding } from '../types.js';
import { accessModesOf, claimName, isSingleNodeOnly, podsUsingClaim } from './claims.js';

function multiAttachEvents(view: ClusterReader, pods: readonly Pod[], claim: PersistentVolumeClaim): ClusterEvent[] {
  if (!view.has('Event')) return [];
  const volume = claim.spec.volumeName;
  return pods
    .flatMap((pod) =>
      // A StatefulSet pod reuses its name: events of an earlier instance carry another uid.
      view.eventsFor({ kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name }).filter((e) => !e.involved.uid || !pod.metadata.uid || e.involved.uid === pod.metadata.uid),
    )
    .filter((e) => e.reason === 'FailedAttachVolume' && e.message.includes('Multi-Attach') && (!volume || e.message.includes(volume)))
    .sort((a, b) => (b.lastTimestamp ?? '').localeCompare(a.lastTimestamp ?? ''));
}

const MAX_PODS_LISTED = 10;

function podPlacement(pod: Pod): string {
  return `pod ${pod.metadata.name} on ${pod.spec.nodeName ?? '(not scheduled)'} (${pod.status.phase ?? 'unknown'})`;
}

/** Pending past the start grace period: on a volume without attachment it would have started by now. */
function isStuck(ctx: AnalysisContext, pod: Pod): boolean {
  if (pod.status.phase !== 'Pending') return false;
  const age = ageMs(pod.metadata.creationTimestamp, ctx.now);
  // Stuck once strictly past the grace period: a millisecond after creation + grace.
  recheckWhenAged(ctx, pod.metadata.creationTimestamp, ctx.settings.thresholds.podStartGracePeriod + 1, pod.metadata.namespace);
  return age !== undefined && age > ctx.settings.thresholds.podStartGracePeriod;
}

function conflictOf(ctx: AnalysisContext, claim: PersistentVolumeClaim, users: readonly Pod[]): { message: string; events: ClusterEvent[] } | undefined {
  const modes = accessModesOf(claim);
  const name = claimName(claim);
  if (modes.length === 1 && modes[0] === 'ReadWriteOncePod') {
    if (users.length < 2 || !users.some((pod) => isStuck(ctx, pod))) return undefined;
    return { message: `ReadWriteOncePod PersistentVolumeClaim ${name} is wanted by ${users.length} pods, but only one may use it.`, events: [] };
  }
  if (!isSingleNodeOnly(modes)) return undefined;
  const scheduled = users.filter((pod) => pod.spec.nodeName);
  const nodes = new Set(scheduled.map((pod) => pod.spec.nodeName));
  if (nodes.size < 2) return undefined;
  const events = multiAttachEvents(ctx.view, scheduled, claim);
  if (events.length === 0 && !scheduled.some((pod) => isStuck(ctx, pod))) return undefined;
  return { message: `ReadWriteOnce PersistentVolumeClaim ${name} is wanted by pods on ${nodes.size} nodes (${[...nodes].sort().join(', ')}), but its volume attaches to one node only.`, events };
}

export const claimAccessModeConflicts: Analyzer = {
  name: 'claim-access-mode-conflicts',
  description: 'ReadWriteOnce claims wanted by pods on several nodes, and ReadWriteOncePod claims wanted by several pods.',
  checks: ['PVCAccessModeConflict'],
  reads: ['PersistentVolumeClaim', 'Pod'],
  scope: 'subject',
  subjectKinds: ['PersistentVolumeClaim'],
  optionalReads: ['Event'],
  analyze(ctx) {
    const { view, settings } = ctx;
    const findings: Finding[] = [];
    for (const claim of view.list('PersistentVolumeClaim')) {
      if (claim.metadata.deletionTimestamp) continue;
      const users = podsUsingClaim(view, claim);
      const conflict = conflictOf(ctx, claim, users);
      if (!conflict) continue;
      const { events } = conflict;
      const firstSeen = events.map((e) => e.firstTimestamp ?? '').filter(Boolean).sort()[0];
      findings.push({
        check: 'PVCAccessModeConflict',
        severity: 'critical',
        subject: objectRef(claim),
        object: objectRef(claim),
        message: conflict.message,
        evidence: [
          `access modes: ${accessModesOf(claim).join(', ')}${claim.spec.volumeName ? ` (volume ${claim.spec.volumeName})` : ''}`,
          ...users.slice(0, MAX_PODS_LISTED).map(podPlacement),
          ...(users.length > MAX_PODS_LISTED ? [`(${users.length - MAX_PODS_LISTED} more pods)`] : []),
          ...events.slice(0, settings.evidence.maxEvents).map((e) => `${e.involved.name}: ${describeEvent(e)}`),
        ],
        ...(firstSeen ? { firstSeen } : {}),
        related: users.map((pod) => objectRef(pod)),
      });
    }
    return findings;
  },
};
