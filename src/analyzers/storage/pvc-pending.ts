// Claims that stay Pending: no volume was provisioned or matched. A WaitForFirstConsumer claim is
// Pending by design until a pod that uses it is scheduled, so it only counts once the scheduler has
// picked a node for it (or its provisioner already failed).
import type { ClusterEvent } from '../../model/core.js';
import { isDefaultStorageClass } from '../../model/storage.js';
import { ageMs, eventEvidence, eventsWithReason, formatDuration, objectRef, recheckWhenAged } from '../evidence.js';
import type { AnalysisContext, Analyzer, Finding } from '../types.js';
import { SELECTED_NODE_ANNOTATION, accessModesOf, claimName, podsUsingClaim, requestedStorageClass } from './claims.js';

/** What the PV controller and external provisioners say about a claim while it waits. */
const BINDING_EVENT_REASONS = [
  'ProvisioningFailed', 'FailedBinding', 'ExternalProvisioning', 'Provisioning', 'WaitForFirstConsumer', 'WaitForPodScheduled', 'VolumeMismatch',
];

function cause(ctx: AnalysisContext, className: string | undefined, events: readonly ClusterEvent[]): string {
  const failed = events.find((e) => e.reason === 'ProvisioningFailed' || e.reason === 'FailedBinding' || e.reason === 'VolumeMismatch');
  if (failed) return failed.reason === 'ProvisioningFailed' ? `provisioning failed: ${failed.message}` : failed.message;
  if (className === '') return 'no PersistentVolume without a class matches its size and access modes (static binding)';
  const { view } = ctx;
  const storageClass = className && view.has('StorageClass') ? view.get('StorageClass', undefined, className) : undefined;
  if (className && view.has('StorageClass') && !storageClass) return `its StorageClass ${className} does not exist`;
  const waiting = events.find((e) => e.reason === 'ExternalProvisioning');
  if (storageClass) return `the provisioner ${storageClass.provisioner} of StorageClass ${storageClass.metadata.name} has not created a volume`;
  if (waiting) return waiting.message;
  return 'no volume was provisioned or matched';
}

/**
 * The class that governs the claim: the one it names, or for a claim that names none the cluster's
 * default (the newest, when several claim to be), which the PV controller assigns retroactively.
 */
function governingClass(ctx: AnalysisContext, className: string | undefined): string | undefined {
  const { view } = ctx;
  if (className !== undefined || !view.has('StorageClass')) return className;
  const defaults = view.list('StorageClass').filter(isDefaultStorageClass);
  return [...defaults].sort((a, b) => (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''))[0]?.metadata.name;
}

function isWaitForFirstConsumer(ctx: AnalysisContext, className: string | undefined, events: readonly ClusterEvent[]): boolean {
  const { view } = ctx;
  if (className && view.has('StorageClass')) {
    const mode = view.get('StorageClass', undefined, className)?.volumeBindingMode;
    if (mode) return mode === 'WaitForFirstConsumer';
  }
  return events[0]?.reason === 'WaitForFirstConsumer' || events[0]?.reason === 'WaitForPodScheduled';
}

function describeClass(ctx: AnalysisContext, requested: string | undefined, governing: string | undefined): string {
  if (requested === '') return '"" (static binding)';
  if (requested !== undefined) return requested;
  if (governing) return `none given (default: ${governing})`;
  return ctx.view.has('StorageClass') ? 'none given, and no default StorageClass' : 'none given';
}

export const pendingClaims: Analyzer = {
  name: 'pending-claims',
  description: 'PersistentVolumeClaims that stay Pending because no volume was provisioned or matched.',
  checks: ['PVCPending'],
  reads: ['PersistentVolumeClaim'],
  scope: 'subject',
  subjectKinds: ['PersistentVolumeClaim'],
  optionalReads: ['Pod', 'Event', 'StorageClass'],
  analyze(ctx) {
    const { view, settings, now } = ctx;
    const findings: Finding[] = [];
    for (const claim of view.list('PersistentVolumeClaim')) {
      if (claim.status.phase !== 'Pending' || claim.metadata.deletionTimestamp) continue;
      const age = ageMs(claim.metadata.creationTimestamp, now);
      // Reported once strictly past the threshold: a millisecond after creation + threshold.
      recheckWhenAged(ctx, claim.metadata.creationTimestamp, settings.thresholds.pvcPendingAfter + 1, claim.metadata.namespace);
      if (age === undefined || age <= settings.thresholds.pvcPendingAfter) continue;
      const requestedClass = requestedStorageClass(claim);
      const className = governingClass(ctx, requestedClass);
      const events = view.has('Event')
        ? eventsWithReason(view.eventsFor({ kind: 'PersistentVolumeClaim', namespace: claim.metadata.namespace, name: claim.metadata.name }), BINDING_EVENT_REASONS)
        : [];
      const users = view.has('Pod') ? podsUsingClaim(view, claim) : [];
      if (isWaitForFirstConsumer(ctx, className, events)) {
        const selectedNode = claim.metadata.annotations?.[SELECTED_NODE_ANNOTATION];
        const provisioningFailed = events.some((e) => e.reason === 'ProvisioningFailed');
        // Without a scheduled consumer the claim is waiting as designed; an unschedulable consumer is
        // the pod's problem (PodUnschedulable), not the claim's.
        if (users.length === 0 || (!selectedNode && !provisioningFailed)) continue;
      }
      const why = cause(ctx, className, events);
      const requested = claim.spec.resources?.requests?.storage;
      findings.push({
        check: 'PVCPending',
        severity: 'critical',
        subject: objectRef(claim),
        object: objectRef(claim),
        message: `PersistentVolumeClaim ${claimName(claim)} has been Pending for ${formatDuration(age)}: ${why.replace(/\.$/, '')}.`,
        evidence: [
          `storage class: ${describeClass(ctx, requestedClass, className)}`,
          `requested: ${requested ?? 'unknown'}, access modes: ${accessModesOf(claim).join(', ') || 'none'}`,
          ...(claim.metadata.annotations?.[SELECTED_NODE_ANNOTATION] ? [`selected node: ${claim.metadata.annotations[SELECTED_NODE_ANNOTATION]}`] : []),
          ...(users.length ? [`used by pods: ${users.map((p) => p.metadata.name).join(', ')}`] : []),
          ...eventEvidence(events, settings.evidence.maxEvents),
        ],
        ...(claim.metadata.creationTimestamp ? { firstSeen: claim.metadata.creationTimestamp } : {}),
        // A missing class on the same claim explains why it waits.
        related: [objectRef(claim)],
      });
    }
    return findings;
  },
};
