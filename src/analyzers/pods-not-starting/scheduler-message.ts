// The scheduler's FailedScheduling message, split into the causes a human acts on. It reads
// "0/5 nodes are available: 2 Insufficient cpu, 1 node(s) had untolerated taint {k: v}, 2 node(s)
// didn't match Pod's node affinity/selector. preemption: 0/5 nodes are available: ...";
// older schedulers wrote "had taint {k: v}, that the pod didn't tolerate", hence the split only
// before a count.

export type SchedulingCauseKind =
  | 'insufficient-resources'
  | 'node-selector'
  | 'taint'
  | 'node-not-ready'
  | 'cordoned'
  | 'volume'
  | 'pod-affinity'
  | 'topology-spread'
  | 'host-port'
  | 'other';

export interface SchedulingCause {
  readonly kind: SchedulingCauseKind;
  /** Nodes ruled out for this cause, when the message counts them. */
  readonly nodes?: number;
  /** The scheduler's words for it, without the "node(s)" boilerplate. */
  readonly text: string;
}

export interface SchedulerVerdict {
  readonly availableNodes?: number;
  readonly totalNodes?: number;
  readonly causes: readonly SchedulingCause[];
  readonly preemption?: string;
}

const NOT_READY_TAINTS = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];

function classify(text: string): SchedulingCauseKind {
  if (/^insufficient |too many pods/i.test(text)) return 'insufficient-resources';
  if (/taint/i.test(text)) {
    if (NOT_READY_TAINTS.some((taint) => text.includes(taint))) return 'node-not-ready';
    if (text.includes('node.kubernetes.io/unschedulable')) return 'cordoned';
    return 'taint';
  }
  if (/node affinity\/selector|node selector|didn't match node affinity/i.test(text)) return 'node-selector';
  if (/were unschedulable/i.test(text)) return 'cordoned';
  if (/not ready/i.test(text)) return 'node-not-ready';
  if (/persistentvolumeclaim|volume|free storage/i.test(text)) return 'volume';
  if (/pod affinity|anti-affinity|pod anti/i.test(text)) return 'pod-affinity';
  if (/topology spread/i.test(text)) return 'topology-spread';
  if (/free ports/i.test(text)) return 'host-port';
  return 'other';
}

const LABELS: { readonly [K in SchedulingCauseKind]: string } = {
  'insufficient-resources': 'resources',
  'node-selector': 'node selector/affinity',
  taint: 'taints',
  'node-not-ready': 'node health',
  cordoned: 'cordoned nodes',
  volume: 'volumes',
  'pod-affinity': 'pod affinity',
  'topology-spread': 'topology spread',
  'host-port': 'host ports',
  other: 'other',
};

export function parseSchedulerMessage(message: string): SchedulerVerdict {
  const flat = message.replace(/\s+/g, ' ').trim();
  const head = /^(\d+)\/(\d+) nodes are available:?\s*/.exec(flat);
  if (!head) return { causes: flat ? [{ kind: classify(flat), text: flat.replace(/\.$/, '') }] : [] };
  let rest = flat.slice(head[0].length);
  let preemption: string | undefined;
  const at = rest.search(/\.?\s*preemption:/i);
  if (at >= 0) {
    preemption = rest.slice(at).replace(/^\.?\s*preemption:\s*/i, '').replace(/\.$/, '');
    rest = rest.slice(0, at);
  }
  const causes = rest
    .replace(/\.$/, '')
    .split(/,\s+(?=\d+\s)/)
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part): SchedulingCause => {
      const counted = /^(\d+)\s+(.*)$/.exec(part);
      const text = (counted?.[2] ?? part).replace(/^node\(s\)\s+/, '').replace(/^had /, '');
      return { kind: classify(text), text, ...(counted ? { nodes: Number(counted[1]) } : {}) };
    });
  return { availableNodes: Number(head[1]), totalNodes: Number(head[2]), causes, ...(preemption ? { preemption } : {}) };
}

/** `cause (resources): Insufficient cpu on 2 nodes` */
export function describeCause(cause: SchedulingCause): string {
  return `cause (${LABELS[cause.kind]}): ${summarizeCause(cause)}`;
}

/** The short form for a message: `Insufficient cpu on 2 nodes`. */
export function summarizeCause(cause: SchedulingCause): string {
  const text = /^were unschedulable$/i.test(cause.text) ? 'cordoned (unschedulable)' : cause.text;
  return cause.nodes === undefined ? text : `${text} on ${cause.nodes} node${cause.nodes === 1 ? '' : 's'}`;
}
