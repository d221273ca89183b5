// Pods the kubelet evicted under node pressure (memory, disk, PIDs). Their controller replaced them
// at once, but the Failed pods stay until garbage collected (days, at the default threshold of the
// pod GC). So an eviction is news only while it is recent or while a node it happened on is still
// under pressure (it may evict again); an old one on a recovered node is history and not reported.
// One finding per subject: forty evicted replicas of one Deployment are one thing to fix.
import { ROLL_UP_KINDS } from '../../cluster/view.js';
import type { ClusterReader } from '../../cluster/view.js';
import type { Pod } from '../../model/core.js';
import { findCondition } from '../../model/meta.js';
import { objectRef, withinLast } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';
import { subjectKey } from './container-health.js';

const PRESSURE_CONDITIONS: readonly string[] = ['MemoryPressure', 'DiskPressure', 'PIDPressure'];

/** `worker-2: DiskPressure since ...` for each node that is under pressure now; empty when Nodes are not in the view. */
function nodesUnderPressure(view: ClusterReader, nodeNames: readonly string[]): string[] {
  if (!view.has('Node')) return [];
  return nodeNames.flatMap((name) => {
    const node = view.get('Node', undefined, name);
    const pressed = (node?.status.conditions ?? []).filter((c) => PRESSURE_CONDITIONS.includes(c.type) && c.status === 'True');
    return pressed.length ? [`${name}: ${pressed.map((c) => `${c.type}${c.lastTransitionTime ? ` since ${c.lastTransitionTime}` : ''}`).join(', ')}`] : [];
  });
}

/** When the pod was evicted: the DisruptionTarget condition (Kubernetes >= 1.26), else its containers' end. */
function evictedAt(pod: Pod): string | undefined {
  const disruption = findCondition(pod.status.conditions, 'DisruptionTarget');
  if (disruption?.status === 'True' && disruption.lastTransitionTime) return disruption.lastTransitionTime;
  const ends = (pod.status.containerStatuses ?? []).map((s) => s.state?.terminated?.finishedAt).filter((t): t is string => Boolean(t));
  return ends.sort().at(-1) ?? pod.status.startTime;
}

const byEvictionTime = (a: Pod, b: Pod): number => (evictedAt(a) ?? '').localeCompare(evictedAt(b) ?? '') || a.metadata.name.localeCompare(b.metadata.name);

export const evictedPods: Analyzer = {
  name: 'evicted-pods',
  description: 'Pods that failed because the kubelet evicted them under node pressure.',
  checks: ['PodEvicted'],
  reads: ['Pod'],
  scope: 'subject',
  subjectKinds: ['Pod'],
  optionalReads: ['Node', ...ROLL_UP_KINDS],
  analyze(ctx) {
    const bySubject = new Map<string, Pod[]>();
    for (const pod of ctx.view.list('Pod')) {
      if (pod.status.phase !== 'Failed' || pod.status.reason !== 'Evicted') continue;
      const key = subjectKey(ctx.view.subjectOf(pod));
      bySubject.set(key, [...(bySubject.get(key) ?? []), pod]);
    }
    const findings: Finding[] = [];
    for (const pods of bySubject.values()) {
      const sorted = [...pods].sort(byEvictionTime);
      const latest = sorted.at(-1);
      if (!latest) continue;
      const subject = ctx.view.subjectOf(latest);
      const nodes = [...new Set(sorted.map((p) => p.spec.nodeName).filter((n): n is string => Boolean(n)))].sort();
      const pressure = nodesUnderPressure(ctx.view, nodes);
      const latestAt = evictedAt(latest);
      // Without a time the eviction cannot be shown to be old: it stays reported.
      const recent = latestAt === undefined || Number.isNaN(Date.parse(latestAt)) || withinLast(ctx, latestAt, ctx.settings.thresholds.podEvictedWithin, latest.metadata.namespace);
      if (!recent && pressure.length === 0) continue;
      const cause = latest.status.message ? `: ${latest.status.message.trim().replace(/\.$/, '')}` : '';
      const firstSeen = evictedAt(sorted[0] ?? latest);
      const owner = subject.kind === 'Pod' ? `Pod ${latest.metadata.namespace ?? ''}/${latest.metadata.name} was` : `${sorted.length} pod${sorted.length === 1 ? '' : 's'} of ${subject.kind} ${subject.namespace ?? ''}/${subject.name} ${sorted.length === 1 ? 'was' : 'were'}`;
      findings.push({
        check: 'PodEvicted',
        severity: 'warning',
        subject,
        object: objectRef(latest),
        message: `${owner} evicted${nodes.length ? ` from ${nodes.join(', ')}` : ''}${cause}.`,
        evidence: [
          ...[...sorted]
            .reverse()
            .slice(0, ctx.settings.evidence.maxEvents)
            .map((p) => {
              const at = evictedAt(p);
              return `pod ${p.metadata.name} evicted${at ? ` at ${at}` : ''}${p.spec.nodeName ? ` on ${p.spec.nodeName}` : ''}: ${p.status.message?.trim() ?? 'no message'}`;
            }),
          ...pressure.map((p) => `node still under pressure: ${p}`),
        ],
        ...(firstSeen ? { firstSeen } : {}),
      });
    }
    return findings;
  },
};
