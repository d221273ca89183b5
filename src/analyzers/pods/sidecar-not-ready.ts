// Sidecars (proxies, agents, native sidecars) that crash or stay unready while the application
// container is fine or waits for them. A pod is only Ready when every container is, so a broken
// sidecar takes a healthy application out of its Services' endpoints (or keeps it from starting).
import { ROLL_UP_KINDS } from '../../cluster/view.js';
import type { ContainerStatus, Pod } from '../../model/core.js';
import { findCondition } from '../../model/meta.js';
import {
  ageMs, containerStatuses, describeContainer, describeState, eventEvidence, formatDuration, isPodTerminal, objectRef, recheckWhenAged,
} from '../evidence.js';
import type { AnalysisContext, Analyzer, Finding } from '../types.js';
import {
  earliestFirstTimestamp, eventsOfContainer, isCrashLooping, isIstioSidecar, isWaitingOnError, podEvents, previousLogEvidence, readyCount,
  reportableOomKill, restartBackOffEvents, sidecarNames,
} from './container-health.js';

export interface SidecarFailure {
  readonly container: string;
  /** An init container with restartPolicy Always: the application containers start only after it. */
  readonly native: boolean;
  readonly state: 'crash-looping' | 'not ready';
  readonly status: ContainerStatus;
  /** When the pod became unready because of it, where known. */
  readonly since?: string;
}

/** How long the current instance has run: a sidecar that just restarted is still starting up. */
function runningFor(status: ContainerStatus, now: number): number {
  return ageMs(status.state?.running?.startedAt, now) ?? 0;
}

/** The application failing on its own (crash loop, config or image error, non-zero exit) is its own finding. */
function failsOnItsOwn(status: ContainerStatus): boolean {
  const exit = status.state?.terminated?.exitCode;
  return isWaitingOnError(status) || (exit !== undefined && exit !== 0);
}

/**
 * Sidecars of the pod that crash-loop, or run without being ready for longer than podNotReadyAfter,
 * while no application container fails on its own. A sidecar killed for memory is left to
 * PodOOMKilled (and PodCrashLooping), an istio-proxy to IstioSidecarNotReady.
 */
export function findSidecarFailures(ctx: AnalysisContext, pod: Pod): SidecarFailure[] {
  if (pod.metadata.deletionTimestamp || isPodTerminal(pod)) return [];
  const sidecars = sidecarNames(pod);
  if (sidecars.size === 0) return [];
  const statuses = containerStatuses(pod);
  if (statuses.some((c) => !c.init && !sidecars.has(c.name) && failsOnItsOwn(c.status))) return [];
  const { thresholds } = ctx.settings;
  const ready = findCondition(pod.status.conditions, 'Ready');
  const unreadySince = ready?.status === 'False' ? (ready.lastTransitionTime ?? pod.status.startTime) : undefined;
  const unreadyFor = ageMs(unreadySince, ctx.now);
  const namespace = pod.metadata.namespace;
  const failures: SidecarFailure[] = [];
  for (const c of statuses) {
    if (!sidecars.has(c.name) || isIstioSidecar(pod, c.name) || reportableOomKill(c.status, ctx, thresholds.podOOMKilledWithin, pod.metadata.namespace)) continue;
    const base = { container: c.name, native: c.init, status: c.status };
    if (isCrashLooping(c.status)) {
      failures.push({ ...base, state: 'crash-looping', ...(unreadySince ? { since: unreadySince } : {}) });
    } else if (c.status.state?.running && !c.status.ready && unreadyFor !== undefined) {
      // Both clocks must pass the threshold: re-check when each does.
      recheckWhenAged(ctx, unreadySince, thresholds.podNotReadyAfter, namespace);
      recheckWhenAged(ctx, c.status.state.running.startedAt, thresholds.podNotReadyAfter, namespace);
      if (unreadyFor < thresholds.podNotReadyAfter || runningFor(c.status, ctx.now) < thresholds.podNotReadyAfter) continue;
      failures.push({ ...base, state: 'not ready', ...(unreadySince ? { since: unreadySince } : {}) });
    }
  }
  return failures;
}

function describeApplication(pod: Pod, sidecars: ReadonlySet<string>): { names: string[]; waiting: boolean; evidence: string[] } {
  const apps = (pod.status.containerStatuses ?? []).filter((s) => !sidecars.has(s.name));
  const evidence = apps.map((s) => `application container ${s.name}: ${s.ready ? 'ready' : (describeState(s.state) ?? 'no state')}`);
  const waiting = apps.length === 0 || apps.some((s) => !s.ready);
  const names = apps.length ? apps.map((s) => s.name) : pod.spec.containers.filter((c) => !sidecars.has(c.name)).map((c) => c.name);
  return { names, waiting, evidence };
}

export const sidecarsNotReady: Analyzer = {
  name: 'sidecars-not-ready',
  description: 'Sidecar containers that crash or stay unready while the application container is fine or waits for them.',
  checks: ['PodSidecarNotReady'],
  reads: ['Pod'],
  scope: 'subject',
  subjectKinds: ['Pod'],
  optionalReads: ['Event', ...ROLL_UP_KINDS],
  analyze(ctx) {
    const findings: Finding[] = [];
    for (const pod of ctx.view.list('Pod')) {
      const failures = findSidecarFailures(ctx, pod);
      if (failures.length === 0) continue;
      const events = podEvents(ctx, pod);
      const app = describeApplication(pod, sidecarNames(pod));
      const appNames = app.names.join(', ') || 'the application';
      for (const failure of failures) {
        const { status } = failure;
        const kind = failure.native ? 'native sidecar' : 'sidecar';
        const where = `${kind} ${describeContainer(pod, failure.container)}`;
        const impact = app.waiting ? `application container ${appNames} is not ready while it waits for it` : `pod is out of its Services' endpoints although application container ${appNames} is ready`;
        const last = status.lastState?.terminated;
        const state =
          failure.state === 'crash-looping'
            ? `is crash-looping after ${status.restartCount} restarts${last ? ` (last exit code ${last.exitCode}${last.reason ? `, ${last.reason}` : ''})` : ''}`
            : `has been running but not ready for ${formatDuration(ageMs(failure.since, ctx.now) ?? 0)}`;
        const containerEvents = failure.state === 'crash-looping' ? restartBackOffEvents(events, failure.container) : eventsOfContainer(events, failure.container).filter((e) => e.type === 'Warning');
        const firstSeen = failure.state === 'crash-looping' ? (earliestFirstTimestamp(containerEvents) ?? failure.since) : failure.since;
        findings.push({
          check: 'PodSidecarNotReady',
          severity: 'critical',
          subject: ctx.view.subjectOf(pod),
          object: objectRef(pod, failure.container),
          message: `The ${where} ${state}, so the ${impact}.`,
          evidence: [
            readyCount(pod),
            `restarts: ${status.restartCount}`,
            ...[describeState(status.lastState), describeState(status.state)].filter((s): s is string => Boolean(s)),
            ...app.evidence,
            ...eventEvidence(containerEvents, ctx.settings.evidence.maxEvents),
            ...(failure.state === 'crash-looping' ? previousLogEvidence(ctx, pod, failure.container) : []),
          ],
          ...(firstSeen ? { firstSeen } : {}),
        });
      }
    }
    return findings;
  },
};
