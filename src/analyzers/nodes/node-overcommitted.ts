// Nodes booked beyond what they can give, counted like `kubectl describe node` ("Allocated
// resources"): every non-terminated pod bound to the node. Memory limits far above allocatable mean
// the node OOM-kills under load; requests near allocatable leave no room to reschedule anything.
import type { Node, Pod } from '../../model/core.js';
import { formatBytes, formatCores, parseQuantity } from '../../model/quantity.js';
import { isPodTerminal, objectRef } from '../evidence.js';
import { ListMemo } from '../list-memo.js';
import type { Analyzer, Finding } from '../types.js';
import type { ResourceKind } from './pod-resources.js';
import { effectivePodResource } from './pod-resources.js';

const TOP_PODS = 3;

interface Booking {
  readonly resource: 'cpu' | 'memory';
  readonly kind: ResourceKind;
  readonly total: number;
  readonly allocatable: number;
  /** The share of allocatable beyond which the node counts as overcommitted. */
  readonly threshold: number;
}

const format = (resource: 'cpu' | 'memory', amount: number): string => (resource === 'cpu' ? formatCores(amount) : formatBytes(amount));
const percent = (amount: number, of: number): string => `${Math.round((amount / of) * 100)}%`;
/** One decimal, so that 95.3% never reads as the 95% threshold it exceeds. */
const precisePercent = (amount: number, of: number): string => `${Number(((amount / of) * 100).toFixed(1))}%`;

function sum(pods: readonly Pod[], kind: ResourceKind, resource: string): number {
  return pods.reduce((total, pod) => total + effectivePodResource(pod, kind, resource), 0);
}

function allocatedResources(node: Node, pods: readonly Pod[]): string[] {
  const lines: string[] = [];
  for (const resource of ['cpu', 'memory'] as const) {
    const allocatable = parseQuantity(node.status.allocatable?.[resource]);
    if (!allocatable) continue;
    const requests = sum(pods, 'requests', resource);
    const limits = sum(pods, 'limits', resource);
    lines.push(
      `${resource}: requests ${format(resource, requests)} (${percent(requests, allocatable)}), limits ${format(resource, limits)} (${percent(limits, allocatable)}) of allocatable ${format(resource, allocatable)}`,
    );
  }
  return lines;
}

interface Ranked {
  readonly pod: Pod;
  readonly amount: number;
}
const byAmountThenName = (a: Ranked, b: Ranked): number => b.amount - a.amount || a.pod.metadata.name.localeCompare(b.pod.metadata.name);

function topPods(pods: readonly Pod[], booking: Booking): string {
  // The first TOP_PODS in one pass, not a sort of every pod on the node: an overcommitted node holds
  // hundreds of pods, and with equal requests every comparison fell through to localeCompare.
  const top: Ranked[] = [];
  for (const pod of pods) {
    const amount = effectivePodResource(pod, booking.kind, booking.resource);
    if (amount <= 0) continue;
    const candidate = { pod, amount };
    // Where a stable sort would put it: after the pods it does not rank before.
    let at = top.length;
    while (at > 0 && byAmountThenName(candidate, top[at - 1]!) < 0) at -= 1;
    if (at >= TOP_PODS) continue;
    top.splice(at, 0, candidate);
    if (top.length > TOP_PODS) top.pop();
  }
  const ranked = top
    .map(({ pod, amount }) => `${pod.metadata.namespace ?? ''}/${pod.metadata.name} ${format(booking.resource, amount)}`);
  return `largest ${booking.resource} ${booking.kind}: ${ranked.join(', ')}`;
}

interface NodeLoad {
  /** The node's non-terminated pods. */
  readonly pods: readonly Pod[];
  readonly cpuRequests: number;
  readonly memoryRequests: number;
  readonly memoryLimits: number;
}

/** Per list of a node's pods: re-summed only for the nodes whose pods changed since the last pass. */
const loads = new ListMemo<Pod, NodeLoad>();

function loadOf(podsOnNode: readonly Pod[]): NodeLoad {
  return loads.get(podsOnNode, (all) => {
    const pods = all.filter((pod) => !isPodTerminal(pod));
    return { pods, cpuRequests: sum(pods, 'requests', 'cpu'), memoryRequests: sum(pods, 'requests', 'memory'), memoryLimits: sum(pods, 'limits', 'memory') };
  });
}

export const overcommittedNodes: Analyzer = {
  name: 'overcommitted-nodes',
  description: 'Nodes whose pods together reserve more than the allowed share of allocatable CPU or memory.',
  checks: ['NodeOvercommitted'],
  reads: ['Node', 'Pod'],
  analyze({ view, settings }) {
    const { nodeMemoryLimitsOvercommit, nodeRequestsOvercommit } = settings.thresholds;
    const findings: Finding[] = [];
    for (const node of view.list('Node')) {
      if (node.metadata.deletionTimestamp) continue;
      const load = loadOf(view.podsOnNode(node.metadata.name));
      const { pods } = load;
      const bookings: Booking[] = [];
      const cpu = parseQuantity(node.status.allocatable?.cpu);
      const memory = parseQuantity(node.status.allocatable?.memory);
      if (cpu) bookings.push({ resource: 'cpu', kind: 'requests', total: load.cpuRequests, allocatable: cpu, threshold: nodeRequestsOvercommit });
      if (memory) {
        bookings.push({ resource: 'memory', kind: 'requests', total: load.memoryRequests, allocatable: memory, threshold: nodeRequestsOvercommit });
        bookings.push({ resource: 'memory', kind: 'limits', total: load.memoryLimits, allocatable: memory, threshold: nodeMemoryLimitsOvercommit });
      }
      const exceeded = bookings.filter((b) => b.total > b.threshold * b.allocatable);
      if (exceeded.length === 0) continue;
      const causes = exceeded.map((b) => `${b.resource} ${b.kind} at ${precisePercent(b.total, b.allocatable)} of allocatable (threshold ${precisePercent(b.threshold, 1)})`);
      findings.push({
        check: 'NodeOvercommitted',
        severity: 'warning',
        subject: objectRef(node),
        object: objectRef(node),
        message: `Node ${node.metadata.name} is overcommitted: ${causes.join(', ')}.`,
        evidence: [`non-terminated pods: ${pods.length}`, ...allocatedResources(node, pods), ...exceeded.map((b) => topPods(pods, b))],
      });
    }
    return findings;
  },
};
