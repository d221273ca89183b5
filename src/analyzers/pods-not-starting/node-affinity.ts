// Which nodes a pod may be placed on by its nodeSelector and required node affinity, as the
// scheduler's NodeAffinity filter decides it. Taints are left out on purpose: a tainted node still
// counts as a candidate, which only makes "no candidate node is big enough" harder to claim.
import { z } from 'zod';
import type { Node, Pod } from '../../model/core.js';

const requirement = z.object({ key: z.string(), operator: z.string(), values: z.array(z.string()).optional() });
const nodeSelectorTerm = z.object({ matchExpressions: z.array(requirement).optional(), matchFields: z.array(requirement).optional() });
const requiredNodeAffinity = z.object({
  nodeAffinity: z
    .object({
      requiredDuringSchedulingIgnoredDuringExecution: z.object({ nodeSelectorTerms: z.array(nodeSelectorTerm) }).optional(),
    })
    .optional(),
});
type Requirement = z.infer<typeof requirement>;
type NodeSelectorTerm = z.infer<typeof nodeSelectorTerm>;

function matchesRequirement(value: string | undefined, r: Requirement): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      const actual = Number(value);
      const bound = Number(values[0]);
      if (value === undefined || !Number.isInteger(actual) || !Number.isInteger(bound)) return false;
      return r.operator === 'Gt' ? actual > bound : actual < bound;
    }
    default:
      return false;
  }
}

function matchesTerm(node: Node, term: NodeSelectorTerm): boolean {
  const labels = node.metadata.labels ?? {};
  const expressions = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  // An empty term selects nothing, as in the API.
  if (expressions.length === 0 && fields.length === 0) return false;
  return (
    expressions.every((r) => matchesRequirement(labels[r.key], r)) &&
    fields.every((r) => matchesRequirement(r.key === 'metadata.name' ? node.metadata.name : undefined, r))
  );
}

/**
 * Whether the pod's nodeSelector and required node affinity allow the node. An affinity the model
 * cannot read is treated as no constraint, so that doubt widens the candidates instead of
 * narrowing them.
 */
export function nodeMatchesPod(pod: Pod, node: Node): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [key, value] of Object.entries(pod.spec.nodeSelector ?? {})) {
    if (labels[key] !== value) return false;
  }
  const parsed = requiredNodeAffinity.safeParse(pod.spec.affinity ?? {});
  const terms = parsed.success ? parsed.data.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms : undefined;
  if (!terms) return true;
  return terms.some((term) => matchesTerm(node, term));
}

export function hasNodeConstraints(pod: Pod): boolean {
  return Object.keys(pod.spec.nodeSelector ?? {}).length > 0 || requiredNodeAffinity.safeParse(pod.spec.affinity ?? {}).data?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution !== undefined;
}
