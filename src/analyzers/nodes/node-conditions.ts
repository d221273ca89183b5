// What the node checks share: the Ready condition and a node's taints, as evidence lines.
import type { Node } from '../../model/core.js';
import type { Condition } from '../../model/meta.js';

export function describeCondition(c: Condition): string {
  const since = c.lastTransitionTime ? ` since ${c.lastTransitionTime}` : '';
  return `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}${since}${c.message ? `: ${c.message}` : ''}`;
}

export function describeTaints(node: Node): string | undefined {
  const taints = node.spec.taints ?? [];
  if (taints.length === 0) return undefined;
  return `taints: ${taints.map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`).join(', ')}`;
}
