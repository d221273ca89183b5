// Pending claims that ask for a StorageClass the cluster does not have, or for none while the
// cluster has no default class. Bound claims are left alone: their volume exists, whatever
// happened to the class since. A class name that pre-created volumes carry is static provisioning,
// which needs no StorageClass object.
import type { PersistentVolumeClaim } from '../../model/core.js';
import { isDefaultStorageClass } from '../../model/storage.js';
import { eventEvidence, eventsWithReason, objectRef } from '../evidence.js';
import type { AnalysisContext, Analyzer, Finding } from '../types.js';
import { claimName, requestedStorageClass } from './claims.js';

function hasStaticVolumes(ctx: AnalysisContext, className: string): boolean {
  const { view } = ctx;
  return view.has('PersistentVolume') && view.list('PersistentVolume').some((pv) => (pv.spec.storageClassName ?? '') === className);
}

function problemOf(ctx: AnalysisContext, claim: PersistentVolumeClaim): string | undefined {
  const { view } = ctx;
  const className = requestedStorageClass(claim);
  if (className === '') return undefined;
  if (className === undefined) {
    if (view.list('StorageClass').some(isDefaultStorageClass) || hasStaticVolumes(ctx, '')) return undefined;
    return 'names no storageClassName and the cluster has no default StorageClass';
  }
  if (view.get('StorageClass', undefined, className) || hasStaticVolumes(ctx, className)) return undefined;
  return `asks for StorageClass ${className}, which does not exist`;
}

export const claimsWithoutStorageClass: Analyzer = {
  name: 'claims-without-storage-class',
  description: 'Pending PersistentVolumeClaims whose StorageClass does not exist, or that rely on a default class the cluster lacks.',
  checks: ['PVCStorageClassMissing'],
  reads: ['PersistentVolumeClaim', 'StorageClass'],
  scope: 'subject',
  subjectKinds: ['PersistentVolumeClaim'],
  optionalReads: ['PersistentVolume', 'Event'],
  analyze(ctx) {
    const { view, settings } = ctx;
    const findings: Finding[] = [];
    const classes = view.list('StorageClass').map((sc) => `${sc.metadata.name}${isDefaultStorageClass(sc) ? ' (default)' : ''}`).sort();
    for (const claim of view.list('PersistentVolumeClaim')) {
      if (claim.status.phase !== 'Pending' || claim.metadata.deletionTimestamp) continue;
      const problem = problemOf(ctx, claim);
      if (!problem) continue;
      const events = view.has('Event')
        ? eventsWithReason(view.eventsFor({ kind: 'PersistentVolumeClaim', namespace: claim.metadata.namespace, name: claim.metadata.name }), ['ProvisioningFailed', 'FailedBinding'])
        : [];
      findings.push({
        check: 'PVCStorageClassMissing',
        severity: 'critical',
        subject: objectRef(claim),
        object: objectRef(claim),
        message: `PersistentVolumeClaim ${claimName(claim)} ${problem}.`,
        evidence: [`available StorageClasses: ${classes.join(', ') || 'none'}`, ...eventEvidence(events, settings.evidence.maxEvents)],
        ...(claim.metadata.creationTimestamp ? { firstSeen: claim.metadata.creationTimestamp } : {}),
      });
    }
    return findings;
  },
};
