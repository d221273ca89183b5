// Nodes whose kubelet reports not ready (False) or stopped reporting (Unknown) for longer than a
// heartbeat hiccup. Nodes being deleted, or being removed by an autoscaler (which drains them,
// shuts the instance down and only then deletes the Node), are expected to go away and are skipped.
import { findCondition } from '../../model/meta.js';
import { ageMs, formatDuration, objectRef, recheckWhenAged } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';
import { describeCondition, describeTaints } from './node-conditions.js';

/** Taints that the cluster-autoscaler and Karpenter put on a node they are scaling down. */
const SCALE_DOWN_TAINTS = ['ToBeDeletedByClusterAutoscaler', 'karpenter.sh/disrupted', 'karpenter.sh/disruption'];

export const notReadyNodes: Analyzer = {
  name: 'not-ready-nodes',
  description: 'Nodes whose Ready condition has been False or Unknown for longer than the threshold.',
  checks: ['NodeNotReady'],
  reads: ['Node'],
  optionalReads: ['Pod'],
  analyze(ctx) {
    const { view, settings, now } = ctx;
    const findings: Finding[] = [];
    for (const node of view.list('Node')) {
      if (node.metadata.deletionTimestamp || node.spec.taints?.some((t) => SCALE_DOWN_TAINTS.includes(t.key))) continue;
      const ready = findCondition(node.status.conditions, 'Ready');
      if (!ready || ready.status === 'True') continue;
      const age = ageMs(ready.lastTransitionTime, now);
      // Reported once strictly past the threshold: a millisecond after the transition + threshold.
      recheckWhenAged(ctx, ready.lastTransitionTime, settings.thresholds.nodeNotReadyAfter + 1, undefined);
      if (age === undefined || age <= settings.thresholds.nodeNotReadyAfter) continue;
      const state = ready.status === 'Unknown' ? 'has stopped reporting its status' : 'is not ready';
      const pods = view.has('Pod') ? view.podsOnNode(node.metadata.name).filter((p) => p.status.phase !== 'Succeeded' && p.status.phase !== 'Failed') : [];
      const taints = describeTaints(node);
      findings.push({
        check: 'NodeNotReady',
        severity: 'critical',
        subject: objectRef(node),
        object: objectRef(node),
        message: `Node ${node.metadata.name} ${state} for ${formatDuration(age)}${ready.reason ? ` (${ready.reason})` : ''}.`,
        evidence: [
          describeCondition(ready),
          ...(ready.lastHeartbeatTime ? [`last heartbeat: ${ready.lastHeartbeatTime}`] : []),
          ...(taints ? [taints] : []),
          ...(node.spec.unschedulable ? ['cordoned (spec.unschedulable)'] : []),
          ...(view.has('Pod') ? [`non-terminated pods on the node: ${pods.length}`] : []),
        ],
        ...(ready.lastTransitionTime ? { firstSeen: ready.lastTransitionTime } : {}),
      });
    }
    return findings;
  },
};
