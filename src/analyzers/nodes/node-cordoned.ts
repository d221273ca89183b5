// Nodes left cordoned long after any maintenance should have ended. How long a node has been
// cordoned is read from the node.kubernetes.io/unschedulable taint's timeAdded (set by the node
// lifecycle controller) or, failing that, the kubelet's NodeNotSchedulable event. When neither is
// known the node is not reported: a node cordoned a minute ago for a drain looks the same, and
// this check must not guess.
import type { ClusterReader } from '../../cluster/view.js';
import type { ClusterEvent, Node } from '../../model/core.js';
import { ageMs, formatDuration, objectRef, recheckWhenAged } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';
import { describeTaints } from './node-conditions.js';

const UNSCHEDULABLE_TAINT = 'node.kubernetes.io/unschedulable';

/** Events about a Node are recorded in the default namespace, with or without a namespace on the involved object. */
function nodeEvents(view: ClusterReader, node: Node): ClusterEvent[] {
  const name = node.metadata.name;
  return [...view.eventsFor({ kind: 'Node', name }), ...view.eventsFor({ kind: 'Node', namespace: 'default', name })]
    .sort((a, b) => (b.lastTimestamp ?? '').localeCompare(a.lastTimestamp ?? ''));
}

function cordonedSince(view: ClusterReader, node: Node): { at: string; source: string } | undefined {
  const taint = node.spec.taints?.find((t) => t.key === UNSCHEDULABLE_TAINT);
  if (taint?.timeAdded) return { at: taint.timeAdded, source: `taint ${UNSCHEDULABLE_TAINT} added ${taint.timeAdded}` };
  if (!view.has('Event')) return undefined;
  const event = nodeEvents(view, node).find((e) => e.reason === 'NodeNotSchedulable');
  const at = event?.lastTimestamp ?? event?.firstTimestamp;
  return at ? { at, source: `event NodeNotSchedulable at ${at}` } : undefined;
}

export const cordonedNodes: Analyzer = {
  name: 'cordoned-nodes',
  description: 'Nodes marked unschedulable for longer than the threshold.',
  checks: ['NodeCordoned'],
  reads: ['Node'],
  optionalReads: ['Event'],
  analyze(ctx) {
    const { view, settings, now } = ctx;
    const findings: Finding[] = [];
    for (const node of view.list('Node')) {
      if (!node.spec.unschedulable || node.metadata.deletionTimestamp) continue;
      const since = cordonedSince(view, node);
      const age = ageMs(since?.at, now);
      // Reported once strictly past the threshold: a millisecond after since + threshold.
      recheckWhenAged(ctx, since?.at, settings.thresholds.nodeCordonedAfter + 1, undefined);
      if (!since || age === undefined || age <= settings.thresholds.nodeCordonedAfter) continue;
      const taints = describeTaints(node);
      findings.push({
        check: 'NodeCordoned',
        severity: 'info',
        subject: objectRef(node),
        object: objectRef(node),
        message: `Node ${node.metadata.name} has been cordoned (unschedulable) for ${formatDuration(age)}.`,
        evidence: [`cordoned since: ${since.source}`, ...(taints ? [taints] : [])],
        firstSeen: since.at,
      });
    }
    return findings;
  },
};
