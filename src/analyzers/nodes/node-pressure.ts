// Nodes whose kubelet reports resource pressure (it starts evicting pods) or an unconfigured network.
import type { Condition } from '../../model/meta.js';
import { objectRef } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';
import { describeCondition, describeTaints } from './node-conditions.js';

const PRESSURE_CONDITIONS = ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'NetworkUnavailable'];

export const nodesUnderPressure: Analyzer = {
  name: 'nodes-under-pressure',
  description: 'Nodes reporting MemoryPressure, DiskPressure, PIDPressure or NetworkUnavailable.',
  checks: ['NodePressure'],
  reads: ['Node'],
  analyze({ view }) {
    const findings: Finding[] = [];
    for (const node of view.list('Node')) {
      if (node.metadata.deletionTimestamp) continue;
      const active: Condition[] = (node.status.conditions ?? [])
        .filter((c) => PRESSURE_CONDITIONS.includes(c.type) && c.status === 'True')
        .sort((a, b) => PRESSURE_CONDITIONS.indexOf(a.type) - PRESSURE_CONDITIONS.indexOf(b.type));
      if (active.length === 0) continue;
      const taints = describeTaints(node);
      const firstSeen = active.map((c) => c.lastTransitionTime ?? '').filter(Boolean).sort()[0];
      findings.push({
        check: 'NodePressure',
        severity: 'warning',
        subject: objectRef(node),
        object: objectRef(node),
        message: `Node ${node.metadata.name} reports ${active.map((c) => c.type).join(' and ')}.`,
        evidence: [...active.map(describeCondition), ...(taints ? [taints] : [])],
        ...(firstSeen ? { firstSeen } : {}),
      });
    }
    return findings;
  },
};
