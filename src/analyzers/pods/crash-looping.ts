// Containers in CrashLoopBackOff, and containers whose last instance was OOMKilled.
import type { Pod } from '../../model/core.js';
import { containerStatuses, describeContainer, describeState, eventEvidence, eventsWithReason, objectRef } from '../evidence.js';
import type { AnalysisContext, Analyzer, Finding } from '../types.js';

function previousLogEvidence(ctx: AnalysisContext, pod: Pod, container: string): string[] {
  const lines = ctx.extra.previousLogs?.get(`${pod.metadata.namespace ?? ''}/${pod.metadata.name}/${container}`) ?? [];
  return lines.length ? ['last log lines of the previous instance:', ...lines.slice(-ctx.settings.evidence.maxLogLines).map((l) => `  ${l}`)] : [];
}

export const crashLoopingContainers: Analyzer = {
  name: 'crash-looping-containers',
  description: 'Containers restarting in CrashLoopBackOff, and containers killed for exceeding their memory limit.',
  checks: ['PodCrashLooping', 'PodOOMKilled'],
  reads: ['Pod'],
  optionalReads: ['Event', 'ReplicaSet', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'],
  analyze(ctx) {
    const { view } = ctx;
    const findings: Finding[] = [];
    for (const pod of view.list('Pod')) {
      if (pod.metadata.deletionTimestamp) continue;
      const subject = view.subjectOf(pod);
      for (const c of containerStatuses(pod)) {
        const last = c.status.lastState?.terminated;
        const where = describeContainer(pod, c.name);
        if (c.status.state?.waiting?.reason === 'CrashLoopBackOff') {
          const events = view.has('Event') ? eventsWithReason(view.eventsFor({ kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name }), ['BackOff']) : [];
          const cause = last ? ` (last exit code ${last.exitCode}${last.reason ? `, ${last.reason}` : ''})` : '';
          findings.push({
            check: 'PodCrashLooping',
            severity: 'critical',
            subject,
            object: objectRef(pod, c.name),
            message: `The ${where} is crash-looping after ${c.status.restartCount} restarts${cause}.`,
            evidence: [
              `restarts: ${c.status.restartCount}`,
              ...[describeState(c.status.lastState), describeState(c.status.state)].filter((s): s is string => Boolean(s)),
              ...eventEvidence(events, ctx.settings.evidence.maxEvents),
              ...previousLogEvidence(ctx, pod, c.name),
            ],
            ...(last?.finishedAt ? { firstSeen: last.finishedAt } : {}),
          });
        }
        if (last?.reason === 'OOMKilled') {
          const spec = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].find((s) => s.name === c.name);
          const limit = spec?.resources?.limits?.memory;
          findings.push({
            check: 'PodOOMKilled',
            severity: 'critical',
            subject,
            object: objectRef(pod, c.name),
            message: `The ${where} was OOMKilled${limit ? ` at its memory limit of ${limit}` : ' (no memory limit: the node ran out of memory)'}.`,
            evidence: [`memory limit: ${limit ?? 'none'}`, `restarts: ${c.status.restartCount}`, describeState(c.status.lastState) ?? ''].filter(Boolean),
            ...(last.finishedAt ? { firstSeen: last.finishedAt } : {}),
          });
        }
      }
    }
    return findings;
  },
};
