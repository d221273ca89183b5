// Pods that request more than any node they may run on can allocate: waiting for capacity to free
// up does not help, only smaller requests or bigger nodes do.
import type { Node, Pod } from '../../model/core.js';
import { formatBytes, formatCores, parseQuantity } from '../../model/quantity.js';
import { effectivePodResource } from '../nodes/pod-resources.js';
import { eventsWithReason, objectRef, olderThan } from '../evidence.js';
import type { AnalysisContext, Analyzer, Finding } from '../types.js';
import { hasNodeConstraints, nodeMatchesPod } from './node-affinity.js';
import { OWNER_KINDS, SCALE_UP_REASONS, isActivePod, podEvents, podName, specContainers } from './pod-state.js';

function formatAmount(resource: string, amount: number): string {
  if (resource === 'cpu') return formatCores(amount);
  if (resource === 'memory' || resource === 'ephemeral-storage' || resource.startsWith('hugepages-')) return formatBytes(amount);
  return String(Number(amount.toFixed(3)));
}

function requestedResources(pod: Pod): string[] {
  const names = new Set<string>();
  for (const { container } of specContainers(pod)) for (const name of Object.keys(container.resources?.requests ?? {})) names.add(name);
  return [...names].sort();
}

function allocatable(node: Node, resource: string): number {
  return parseQuantity(node.status.allocatable?.[resource]) ?? 0;
}

interface Shortfall {
  readonly resource: string;
  readonly requested: number;
  readonly largest: number;
  readonly largestNode?: string;
  /** Containers that alone request more than the largest node. */
  readonly containers: readonly string[];
}

export function findRequestsExceedingNodes(ctx: AnalysisContext): Finding[] {
  const { view } = ctx;
  // Nodes without allocatable (a trimmed dump) cannot be judged, so they are left out entirely.
  const nodes = view.list('Node').filter((node) => node.status.allocatable !== undefined);
  if (nodes.length === 0) return [];
  const findings: Finding[] = [];
  // The pods of one workload share their node constraints and requests: nodes are matched once per
  // distinct constraint set and request, not once per pod (pods x nodes: 1,500 pending pods of a
  // 150,000-pod cluster against 5,000 nodes would be 7.5 million affinity checks).
  const candidatesByConstraints = new Map<string, Node[]>();
  const fitsByRequest = new Map<string, boolean>();
  for (const pod of view.list('Pod')) {
    if (!isActivePod(pod) || pod.spec.nodeName) continue;
    if (!olderThan(ctx, pod.metadata.creationTimestamp, ctx.settings.thresholds.podUnschedulableAfter, pod.metadata.namespace)) continue;
    const resources = requestedResources(pod);
    if (resources.length === 0) continue;
    // A node autoscaler that scales up for the pod knows a node group whose nodes can hold it.
    if (eventsWithReason(podEvents(view, pod), SCALE_UP_REASONS).length > 0) continue;
    const constraints = JSON.stringify([pod.spec.nodeSelector ?? null, pod.spec.affinity ?? null]);
    let candidates = candidatesByConstraints.get(constraints);
    if (!candidates) candidatesByConstraints.set(constraints, (candidates = nodes.filter((node) => nodeMatchesPod(pod, node))));
    // No candidate at all is a selector problem, which PodUnschedulable reports.
    if (candidates.length === 0) continue;
    const requested = new Map(resources.map((r) => [r, effectivePodResource(pod, 'requests', r)]));
    const fits = (node: Node): boolean => resources.every((r) => (requested.get(r) ?? 0) <= allocatable(node, r));
    const request = `${constraints} ${[...requested].map(([r, amount]) => `${r}=${amount}`).join(',')}`;
    let fitsSomewhere = fitsByRequest.get(request);
    if (fitsSomewhere === undefined) fitsByRequest.set(request, (fitsSomewhere = candidates.some(fits)));
    if (fitsSomewhere) continue;
    const shortfalls: Shortfall[] = [];
    for (const resource of resources) {
      const amount = requested.get(resource) ?? 0;
      let largest = 0;
      let largestNode: string | undefined;
      for (const node of candidates) {
        const value = allocatable(node, resource);
        if (largestNode === undefined || value > largest) [largest, largestNode] = [value, node.metadata.name];
      }
      if (amount <= largest) continue;
      const containers = specContainers(pod)
        .filter(({ container }) => (parseQuantity(container.resources?.requests?.[resource]) ?? 0) > largest)
        .map(({ container }) => container.name);
      shortfalls.push({ resource, requested: amount, largest, ...(largestNode ? { largestNode } : {}), containers });
    }
    const only = candidates.length === 1 ? candidates[0]?.metadata.name : undefined;
    const allowed = hasNodeConstraints(pod) ? ' its node selector and affinity allow' : '';
    const scope = only ? `the only node${allowed} (${only})` : `any of the ${candidates.length} nodes${allowed}`;
    const first = shortfalls[0];
    const container = first?.containers.length === 1 ? first.containers[0] : undefined;
    const largest = first && !only ? ` (largest: ${formatAmount(first.resource, first.largest)} on ${first.largestNode ?? '?'})` : first ? ` (${formatAmount(first.resource, first.largest)})` : '';
    const message = first
      ? `Pod ${podName(pod)} requests ${first.resource} ${formatAmount(first.resource, first.requested)}${container ? ` (container ${container} alone)` : ''}, more than ${scope} can allocate${largest}, so it can never be scheduled.`
      : `Pod ${podName(pod)} requests ${resources.map((r) => `${r} ${formatAmount(r, requested.get(r) ?? 0)}`).join(', ')}, which ${only ? `the only node${allowed} (${only}) cannot` : `none of the ${candidates.length} nodes${allowed} can`} allocate together, so it can never be scheduled.`;
    findings.push({
      check: 'PodRequestsExceedNodeCapacity',
      severity: 'critical',
      subject: view.subjectOf(pod),
      object: objectRef(pod, container),
      message,
      evidence: [
        ...shortfalls.map(
          (s) => `${s.resource}: the pod requests ${formatAmount(s.resource, s.requested)}, the largest allocatable is ${formatAmount(s.resource, s.largest)}${s.largestNode ? ` (${s.largestNode})` : ''}${s.containers.length ? `; requesting more than that alone: ${s.containers.join(', ')}` : ''}`,
        ),
        ...(shortfalls.length === 0
          ? candidates.map((node) => `${node.metadata.name} allocatable: ${resources.map((r) => `${r} ${formatAmount(r, allocatable(node, r))}`).join(', ')}`)
          : []),
        `candidate nodes: ${candidates.map((n) => n.metadata.name).sort().join(', ')}`,
        ...(pod.spec.nodeSelector ? [`nodeSelector: ${Object.entries(pod.spec.nodeSelector).map(([k, v]) => `${k}=${v}`).join(',')}`] : []),
      ],
      ...(pod.metadata.creationTimestamp ? { firstSeen: pod.metadata.creationTimestamp } : {}),
    });
  }
  return findings;
}

export const podsRequestingMoreThanNodes: Analyzer = {
  name: 'pods-requesting-more-than-nodes',
  description: 'Unscheduled pods whose resource requests exceed the allocatable of every node they may run on.',
  checks: ['PodRequestsExceedNodeCapacity'],
  reads: ['Pod', 'Node'],
  scope: 'subject',
  subjectKinds: ['Pod'],
  optionalReads: ['Event', ...OWNER_KINDS],
  analyze: findRequestsExceedingNodes,
};
