// Containers the kubelet restarts because their liveness probe fails. The probe may be wrong
// (too short a timeout, the wrong port) as often as the application is stuck: the events say which.
import { ROLL_UP_KINDS } from '../../cluster/view.js';
import type { ClusterEvent, ContainerStatus, Pod } from '../../model/core.js';
import { containerStatuses, describeContainer, describeState, eventEvidence, isPodTerminal, objectRef } from '../evidence.js';
import type { AnalysisContext, Analyzer, Finding } from '../types.js';
import { earliestFirstTimestamp, eventsOfContainer, podEvents, recentEvents } from './container-health.js';

/** Recent "Liveness probe failed" events of a container that has restarted; empty when there is nothing to report. */
export function livenessFailures(ctx: AnalysisContext, pod: Pod, status: ContainerStatus): ClusterEvent[] {
  if (status.restartCount === 0) return [];
  const failures = eventsOfContainer(podEvents(ctx, pod), status.name).filter((e) => e.reason === 'Unhealthy' && /^Liveness probe (failed|errored)/.test(e.message));
  return recentEvents(failures, ctx, ctx.settings.thresholds.podEventsWithin);
}

export const livenessProbesFailing: Analyzer = {
  name: 'liveness-probes-failing',
  description: 'Containers restarted by the kubelet because their liveness probe fails.',
  checks: ['PodLivenessProbeFailing'],
  reads: ['Pod', 'Event'],
  scope: 'subject',
  subjectKinds: ['Pod'],
  optionalReads: [...ROLL_UP_KINDS],
  analyze(ctx) {
    const findings: Finding[] = [];
    for (const pod of ctx.view.list('Pod')) {
      if (pod.metadata.deletionTimestamp || isPodTerminal(pod)) continue;
      for (const { status } of containerStatuses(pod)) {
        const failures = livenessFailures(ctx, pod, status);
        if (failures.length === 0) continue;
        const kills = eventsOfContainer(podEvents(ctx, pod), status.name).filter((e) => e.reason === 'Killing' && /liveness/i.test(e.message));
        const count = failures.reduce((sum, e) => sum + e.count, 0);
        const firstSeen = earliestFirstTimestamp(failures);
        findings.push({
          check: 'PodLivenessProbeFailing',
          severity: 'warning',
          subject: ctx.view.subjectOf(pod),
          object: objectRef(pod, status.name),
          message: `The liveness probe of the ${describeContainer(pod, status.name)} failed ${count} time${count === 1 ? '' : 's'} recently and the container has restarted ${status.restartCount} time${status.restartCount === 1 ? '' : 's'}.`,
          evidence: [
            `restarts: ${status.restartCount}`,
            ...[describeState(status.lastState)].filter((s): s is string => Boolean(s)),
            ...eventEvidence([...failures, ...kills], ctx.settings.evidence.maxEvents),
          ],
          ...(firstSeen ? { firstSeen } : {}),
        });
      }
    }
    return findings;
  },
};
