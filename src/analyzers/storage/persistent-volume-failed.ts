// Volumes that failed (usually their reclaim: a delete the provisioner could not do), and volumes
// kept after their claim went away (Retain) for longer than anyone plausibly still needs them.
// A Released volume whose release time is unknown is not reported: its age cannot be told.
import type { PersistentVolume } from '../../model/core.js';
import { ageMs, formatDuration, objectRef, recheckWhenAged } from '../evidence.js';
import type { AnalysisContext, Analyzer, Finding } from '../types.js';

function formerClaim(pv: PersistentVolume): string {
  const ref = pv.spec.claimRef;
  return ref?.name ? `${ref.namespace ?? ''}/${ref.name}` : 'unknown';
}

function problemOf(ctx: AnalysisContext, pv: PersistentVolume): string | undefined {
  const { phase, lastPhaseTransitionTime } = pv.status;
  if (phase === 'Failed') return `PersistentVolume ${pv.metadata.name} is Failed${pv.status.message ? `: ${pv.status.message.replace(/\.$/, '')}` : ''}.`;
  if (phase !== 'Released' || pv.spec.persistentVolumeReclaimPolicy !== 'Retain') return undefined;
  const age = ageMs(lastPhaseTransitionTime, ctx.now);
  // Reported once strictly past the threshold: a millisecond after the release + threshold.
  recheckWhenAged(ctx, lastPhaseTransitionTime, ctx.settings.thresholds.pvReleasedAfter + 1, undefined);
  if (age === undefined || age <= ctx.settings.thresholds.pvReleasedAfter) return undefined;
  return `PersistentVolume ${pv.metadata.name} has been Released with reclaim policy Retain for ${formatDuration(age)} since its claim ${formerClaim(pv)} was deleted.`;
}

export const failedPersistentVolumes: Analyzer = {
  name: 'failed-persistent-volumes',
  description: 'PersistentVolumes in phase Failed, and retained volumes left Released for too long.',
  checks: ['PersistentVolumeFailed'],
  reads: ['PersistentVolume'],
  analyze(ctx) {
    const findings: Finding[] = [];
    for (const pv of ctx.view.list('PersistentVolume')) {
      if (pv.metadata.deletionTimestamp) continue;
      const message = problemOf(ctx, pv);
      if (!message) continue;
      const { phase, reason, lastPhaseTransitionTime } = pv.status;
      findings.push({
        check: 'PersistentVolumeFailed',
        severity: 'warning',
        subject: objectRef(pv),
        object: objectRef(pv),
        message,
        evidence: [
          `phase: ${phase ?? 'unknown'}${reason ? ` (${reason})` : ''}${lastPhaseTransitionTime ? ` since ${lastPhaseTransitionTime}` : ''}`,
          `reclaim policy: ${pv.spec.persistentVolumeReclaimPolicy ?? 'unknown'}, storage class: ${pv.spec.storageClassName || 'none'}, capacity: ${pv.spec.capacity?.storage ?? 'unknown'}`,
          `claim: ${formerClaim(pv)}`,
        ],
        ...(lastPhaseTransitionTime ? { firstSeen: lastPhaseTransitionTime } : {}),
      });
    }
    return findings;
  },
};
