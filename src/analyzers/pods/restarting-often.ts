// Containers that restart a lot without a more specific explanation. The restart count alone does
// not say when the restarts happened, so the hourly rule is an estimate that errs towards silence:
// at least restartsPerHour restarts, the last one within the hour, and on average at least
// restartsPerHour restarts per hour of the pod's life (a pod younger than an hour counts as one
// hour, which makes the rule exact for it).
import { ROLL_UP_KINDS } from '../../cluster/view.js';
import type { ContainerStatus, Pod } from '../../model/core.js';
import { ageMs, containerStatuses, describeContainer, describeState, formatDuration, isPodTerminal, objectRef, recheckWhenAged } from '../evidence.js';
import type { AnalysisContext, Analyzer, Finding } from '../types.js';
import { isCrashLooping, isIstioSidecar, reportableOomKill } from './container-health.js';
import { livenessFailures } from './liveness-probe-failing.js';
import { findSidecarFailures } from './sidecar-not-ready.js';

const HOUR_MS = 3_600_000;

type RestartRule = { readonly rule: 'total' } | { readonly rule: 'hourly'; readonly perHour: number };

function restartRule(ctx: AnalysisContext, pod: Pod, status: ContainerStatus): RestartRule | undefined {
  const { restartCountHigh, restartsPerHour } = ctx.settings.thresholds;
  if (status.restartCount >= restartCountHigh) return { rule: 'total' };
  if (status.restartCount < restartsPerHour) return undefined;
  const lastExit = status.lastState?.terminated?.finishedAt;
  const started = pod.status.startTime ?? pod.metadata.creationTimestamp;
  const sinceLastExit = ageMs(lastExit, ctx.now);
  const podAge = ageMs(started, ctx.now);
  const namespace = pod.metadata.namespace;
  // The last exit leaves the hour (sinceLastExit > HOUR_MS) a millisecond after finishedAt + 1h.
  recheckWhenAged(ctx, lastExit, HOUR_MS + 1, namespace);
  if (sinceLastExit === undefined || sinceLastExit > HOUR_MS || podAge === undefined) return undefined;
  const perHour = status.restartCount / (Math.max(podAge, HOUR_MS) / HOUR_MS);
  // The estimate falls below the threshold once the pod is older than restartCount / restartsPerHour
  // hours (never before its first hour: restartCount >= restartsPerHour here). That moment is
  // computed, not searched; in case rounding keeps the estimate on at its floor, the millisecond
  // after it is asked for as well (the re-run at the floor then schedules it).
  const crossing = (status.restartCount / restartsPerHour) * HOUR_MS;
  recheckWhenAged(ctx, started, Math.floor(crossing), namespace);
  recheckWhenAged(ctx, started, Math.floor(crossing) + 1, namespace);
  return perHour >= restartsPerHour ? { rule: 'hourly', perHour } : undefined;
}

/** Restarts that another pod check already explains, at its own (equal or higher) severity. */
function explainedElsewhere(ctx: AnalysisContext, pod: Pod, status: ContainerStatus, failingSidecars: ReadonlySet<string>): boolean {
  return (
    isCrashLooping(status) ||
    isIstioSidecar(pod, status.name) ||
    reportableOomKill(status, ctx, ctx.settings.thresholds.podOOMKilledWithin, pod.metadata.namespace) !== undefined ||
    failingSidecars.has(status.name) ||
    livenessFailures(ctx, pod, status).length > 0
  );
}

export const restartingContainers: Analyzer = {
  name: 'restarting-containers',
  description: 'Containers with a high restart count, or many restarts within the last hour.',
  checks: ['PodRestartingOften'],
  reads: ['Pod'],
  scope: 'subject',
  subjectKinds: ['Pod'],
  optionalReads: ['Event', ...ROLL_UP_KINDS],
  analyze(ctx) {
    const findings: Finding[] = [];
    for (const pod of ctx.view.list('Pod')) {
      if (pod.metadata.deletionTimestamp || isPodTerminal(pod)) continue;
      const failingSidecars = new Set(findSidecarFailures(ctx, pod).map((f) => f.container));
      for (const { status, init, sidecar } of containerStatuses(pod)) {
        // A classic init container's restarts happened before the pod started: history once it ran.
        if (init && !sidecar) continue;
        const rule = restartRule(ctx, pod, status);
        if (!rule || explainedElsewhere(ctx, pod, status, failingSidecars)) continue;
        const podAge = ageMs(pod.status.startTime ?? pod.metadata.creationTimestamp, ctx.now);
        const last = status.lastState?.terminated;
        const pace = rule.rule === 'hourly' ? `, about ${Math.round(rule.perHour)} per hour` : '';
        findings.push({
          check: 'PodRestartingOften',
          severity: 'warning',
          subject: ctx.view.subjectOf(pod),
          object: objectRef(pod, status.name),
          message: `The ${describeContainer(pod, status.name)} has restarted ${status.restartCount} times${podAge !== undefined ? ` in ${formatDuration(podAge)}` : ''}${pace}${last ? ` (last exit code ${last.exitCode}${last.reason ? `, ${last.reason}` : ''})` : ''}.`,
          evidence: [
            `restarts: ${status.restartCount}`,
            ...(pod.status.startTime ? [`pod started at ${pod.status.startTime}`] : []),
            ...[describeState(status.lastState), describeState(status.state)].filter((s): s is string => Boolean(s)),
          ],
        });
      }
    }
    return findings;
  },
};
