// Containers in CrashLoopBackOff, and containers killed for exceeding their memory limit. A crash
// loop names its pod in `related`, so that a more specific finding on that pod (the OOM kill, a
// start command that fails, a liveness probe or postStart hook that kills it) becomes its root
// cause and alerts fire once. A crash-looping sidecar the application depends on is
// PodSidecarNotReady's, a crash-looping istio-proxy IstioSidecarNotReady's.
import { ROLL_UP_KINDS } from '../../cluster/view.js';
import type { ContainerState, ContainerStatus, Pod } from '../../model/core.js';
import { refOf } from '../../model/meta.js';
import { containerStatuses, describeContainer, describeState, eventEvidence, objectRef } from '../evidence.js';
import type { AnalysisContext, Analyzer, Finding } from '../types.js';
import {
  earliestFirstTimestamp, isCrashLooping, isIstioSidecar, podEvents, previousLogEvidence, reportableOomKill, restartBackOffEvents, specOf,
} from './container-health.js';
import { findSidecarFailures } from './sidecar-not-ready.js';

type Termination = NonNullable<ContainerState['terminated']>;

function crashLoopFinding(ctx: AnalysisContext, pod: Pod, status: ContainerStatus, oomKill: Termination | undefined): Finding {
  const last = status.lastState?.terminated;
  const events = restartBackOffEvents(podEvents(ctx, pod), status.name);
  const cause = last ? ` (last exit code ${last.exitCode}${last.reason ? `, ${last.reason}` : ''})` : '';
  // When the back-off began, not the latest crash: the latter moves with every restart.
  const firstSeen = earliestFirstTimestamp(events) ?? last?.finishedAt ?? undefined;
  const memoryLimit = specOf(pod, status.name)?.resources?.limits?.memory;
  return {
    check: 'PodCrashLooping',
    severity: 'critical',
    subject: ctx.view.subjectOf(pod),
    object: objectRef(pod, status.name),
    message: `The ${describeContainer(pod, status.name)} is crash-looping after ${status.restartCount} restarts${cause}.`,
    evidence: [
      `restarts: ${status.restartCount}`,
      ...[describeState(status.lastState), describeState(status.state)].filter((s): s is string => Boolean(s)),
      ...(oomKill ? [`memory limit: ${memoryLimit ?? 'none'}`] : []),
      ...eventEvidence(events, ctx.settings.evidence.maxEvents),
      ...previousLogEvidence(ctx, pod, status.name),
    ],
    ...(firstSeen ? { firstSeen } : {}),
    related: [refOf(pod)],
  };
}

function oomKillFinding(ctx: AnalysisContext, pod: Pod, status: ContainerStatus, killed: Termination): Finding {
  const resources = specOf(pod, status.name)?.resources;
  const limit = resources?.limits?.memory;
  const where = describeContainer(pod, status.name);
  const looping = isCrashLooping(status) ? ' and is crash-looping' : '';
  const cause = limit ? ` at its memory limit of ${limit}` : ' without a memory limit (the node or the pod ran out of memory)';
  return {
    check: 'PodOOMKilled',
    severity: 'critical',
    subject: ctx.view.subjectOf(pod),
    object: objectRef(pod, status.name),
    message: `The ${where} was OOMKilled${cause}${looping}.`,
    evidence: [
      `memory limit: ${limit ?? 'none'}`,
      `memory request: ${resources?.requests?.memory ?? 'none'}`,
      `restarts: ${status.restartCount}`,
      ...[describeState(status.lastState), describeState(status.state)].filter((s): s is string => Boolean(s)),
    ],
    ...(killed.finishedAt ? { firstSeen: killed.finishedAt } : {}),
  };
}

export const crashLoopingContainers: Analyzer = {
  name: 'crash-looping-containers',
  description: 'Containers restarting in CrashLoopBackOff, and containers killed for exceeding their memory limit.',
  checks: ['PodCrashLooping', 'PodOOMKilled'],
  reads: ['Pod'],
  scope: 'subject',
  subjectKinds: ['Pod'],
  optionalReads: ['Event', ...ROLL_UP_KINDS],
  analyze(ctx) {
    const findings: Finding[] = [];
    for (const pod of ctx.view.list('Pod')) {
      // A completed pod's earlier OOM kills were survived; a deleted pod is going away.
      if (pod.metadata.deletionTimestamp || pod.status.phase === 'Succeeded') continue;
      const failingSidecars = new Set(findSidecarFailures(ctx, pod).map((f) => f.container));
      for (const { status } of containerStatuses(pod)) {
        const killed = reportableOomKill(status, ctx, ctx.settings.thresholds.podOOMKilledWithin, pod.metadata.namespace);
        if (killed) findings.push(oomKillFinding(ctx, pod, status, killed));
        if (isCrashLooping(status) && !failingSidecars.has(status.name) && !isIstioSidecar(pod, status.name)) {
          findings.push(crashLoopFinding(ctx, pod, status, status.lastState?.terminated?.reason === 'OOMKilled' ? killed : undefined));
        }
      }
    }
    return findings;
  },
};
