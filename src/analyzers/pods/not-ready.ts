// Running pods whose application containers run but do not become ready: a readiness (or startup)
// probe that keeps failing, on a container instance that has itself been running past the threshold. Pods with a container that crashes or waits on an error are left to
// those checks, and unready sidecars to PodSidecarNotReady, so that one problem makes one finding.
import { ROLL_UP_KINDS } from '../../cluster/view.js';
import type { ContainerStatus, Pod } from '../../model/core.js';
import { findCondition } from '../../model/meta.js';
import { ageMs, containerStatuses, describeContainer, describeState, eventEvidence, formatDuration, objectRef, olderThan } from '../evidence.js';
import type { AnalysisContext, Analyzer, Finding } from '../types.js';
import { eventsOfContainer, isWaitingOnError, podEvents, readyCount, sidecarNames, specOf } from './container-health.js';
import { findSidecarFailures } from './sidecar-not-ready.js';

const PROBE_FAILURE = /^(Readiness|Startup) probe (failed|errored)/;

/**
 * Which probe holds the container back. Without a readiness probe, or a startup probe that has not
 * passed yet, a running container is ready as soon as it starts: unreadiness then is a passing state.
 */
function pendingProbe(pod: Pod, status: ContainerStatus): 'startup' | 'readiness' | undefined {
  const spec = specOf(pod, status.name);
  if (status.started === false && spec?.startupProbe) return 'startup';
  return spec?.readinessProbe ? 'readiness' : undefined;
}

function notReadyFinding(ctx: AnalysisContext, pod: Pod, status: ContainerStatus, probe: 'startup' | 'readiness', since: string, forMs: number): Finding {
  const probeEvents = eventsOfContainer(podEvents(ctx, pod), status.name).filter((e) => e.reason === 'Unhealthy' && PROBE_FAILURE.test(e.message));
  const cause = probeEvents.length > 0 ? `: its ${probe} probe is failing` : ` (its ${probe} probe has not passed)`;
  return {
    check: 'PodNotReady',
    severity: 'warning',
    subject: ctx.view.subjectOf(pod),
    object: objectRef(pod, status.name),
    message: `The ${describeContainer(pod, status.name)} has been running but not ready for ${formatDuration(forMs)}${cause}.`,
    evidence: [
      readyCount(pod),
      `not ready since ${since}`,
      ...[describeState(status.state)].filter((s): s is string => Boolean(s)),
      `restarts: ${status.restartCount}`,
      ...eventEvidence(probeEvents, ctx.settings.evidence.maxEvents),
    ],
    firstSeen: since,
  };
}

export const notReadyPods: Analyzer = {
  name: 'not-ready-pods',
  description: 'Running pods whose application containers have been running without becoming ready.',
  checks: ['PodNotReady'],
  reads: ['Pod'],
  scope: 'subject',
  subjectKinds: ['Pod'],
  optionalReads: ['Event', ...ROLL_UP_KINDS],
  analyze(ctx) {
    const findings: Finding[] = [];
    for (const pod of ctx.view.list('Pod')) {
      if (pod.metadata.deletionTimestamp || pod.status.phase !== 'Running') continue;
      const ready = findCondition(pod.status.conditions, 'Ready');
      const since = ready?.lastTransitionTime;
      const forMs = ageMs(since, ctx.now);
      if (ready?.status !== 'False' || !since || forMs === undefined) continue;
      if (!olderThan(ctx, since, ctx.settings.thresholds.podNotReadyAfter, pod.metadata.namespace)) continue;
      const statuses = containerStatuses(pod);
      if (statuses.some((c) => isWaitingOnError(c.status)) || findSidecarFailures(ctx, pod).length > 0) continue;
      const sidecars = sidecarNames(pod);
      for (const { status, init } of statuses) {
        if (init || sidecars.has(status.name) || status.ready || !status.state?.running) continue;
        // A container restarted since is a restart problem (liveness, hooks, crashes), not a readiness one.
        if (!olderThan(ctx, status.state.running.startedAt, ctx.settings.thresholds.podNotReadyAfter, pod.metadata.namespace)) continue;
        const probe = pendingProbe(pod, status);
        if (probe) findings.push(notReadyFinding(ctx, pod, status, probe, since, forMs));
      }
    }
    return findings;
  },
};
