// Deployments, StatefulSets and DaemonSets with fewer available pods than desired for longer than
// the threshold, whatever state the missing pods are in: not ready, failing, or terminating on a
// node that was lost (the taint manager deletes them, but only the lost kubelet could confirm it,
// and a StatefulSet does not replace a pod before the old one is gone). Rollouts are left to
// WorkloadRolloutStuck, and DaemonSet pods on nodes that are down or cordoned to the node checks.
import type { Node, Pod } from '../../model/core.js';
import type { KubeObject, ObjectRef } from '../../model/meta.js';
import { findCondition, refOf } from '../../model/meta.js';
import { ageMs, formatDuration, objectRef, olderThan } from '../evidence.js';
import type { AnalysisContext, Analyzer, Finding } from '../types.js';
import { stuckRollout, stuckStatefulSetRollout } from './rollout-stuck.js';
import { controlledPods, unreadySince, podFailure, podRef, terminatingSince } from './workload-pods.js';

const ROLLOUT_IN_PROGRESS = ['ReplicaSetUpdated', 'NewReplicaSetCreated', 'FoundNewReplicaSet'];

interface Shortfall {
  readonly workload: KubeObject;
  readonly desired: number;
  readonly available: number;
  /** Pods of the workload that are not ready, oldest first. */
  readonly unready: readonly Pod[];
  /** When the shortfall began, as far as the data shows. */
  readonly since: string;
  readonly notes: readonly string[];
}

function earliest(times: readonly (string | undefined)[]): string | undefined {
  return times.filter((t): t is string => Boolean(t)).sort()[0];
}

function latest(times: readonly (string | undefined)[]): string | undefined {
  return times.filter((t): t is string => Boolean(t)).sort().at(-1);
}

/** Since when a pod has not counted as available: not ready, or being deleted. */
function unavailableSince(pod: Pod): string | undefined {
  return terminatingSince(pod) ?? unreadySince(pod);
}

/** The workload's pods that do not count as available (not ready, or terminating), oldest first. */
function unreadyPods(pods: readonly Pod[]): Pod[] {
  return pods.filter((pod) => unavailableSince(pod) !== undefined).sort((a, b) => (unavailableSince(a) ?? '').localeCompare(unavailableSince(b) ?? ''));
}

/** The pod's node when it is not Ready: the lost node is the cause to fix (NodeNotReady). */
function notReadyNode(ctx: AnalysisContext, pod: Pod): Node | undefined {
  const nodeName = pod.spec.nodeName;
  if (!nodeName || !ctx.view.has('Node')) return undefined;
  const node = ctx.view.get('Node', undefined, nodeName);
  return node && findCondition(node.status.conditions, 'Ready')?.status !== 'True' ? node : undefined;
}

/** Why a pod is not available, for the message and evidence. */
function describeUnavailable(ctx: AnalysisContext, pod: Pod): string {
  const node = notReadyNode(ctx, pod);
  const onNode = node ? ` on node ${node.metadata.name}, which is not Ready` : '';
  if (pod.metadata.deletionTimestamp) return `terminating since ${terminatingSince(pod) ?? '?'}${onNode}`;
  return `${podFailure(pod) ?? `not ready since ${unreadySince(pod) ?? '?'}`}${onNode}`;
}

function isGenerationObserved(obj: { metadata: { generation?: number | undefined }; status: { observedGeneration?: number | undefined } }): boolean {
  return obj.metadata.generation === undefined || obj.status.observedGeneration === undefined || obj.status.observedGeneration >= obj.metadata.generation;
}

function deploymentShortfalls(ctx: AnalysisContext): Shortfall[] {
  const { view } = ctx;
  const out: Shortfall[] = [];
  for (const d of view.list('Deployment')) {
    const desired = d.spec.replicas ?? 1;
    const available = d.status.availableReplicas ?? 0;
    if (d.metadata.deletionTimestamp || desired === 0 || available >= desired || !isGenerationObserved(d)) continue;
    const progressing = findCondition(d.status.conditions, 'Progressing');
    // A rollout under way, or one past its deadline, is WorkloadRolloutStuck's to judge.
    if (progressing?.status === 'False') continue;
    if (progressing?.status === 'True' && ROLLOUT_IN_PROGRESS.includes(progressing.reason ?? '')) continue;
    if (stuckRollout(ctx, d)) continue;
    const unready = view.has('Pod') ? unreadyPods(view.podsMatching(d.metadata.namespace ?? '', d.spec.selector).filter((p) => p.status.phase !== 'Succeeded' && p.status.phase !== 'Failed')) : [];
    const availableCondition = findCondition(d.status.conditions, 'Available');
    const replicaFailure = findCondition(d.status.conditions, 'ReplicaFailure');
    const podsSince = earliest(unready.map(unavailableSince));
    // When the not-ready pods account for the whole shortfall, it cannot be older than the first of
    // them turning not ready; the later of that and the Available condition is the safe estimate.
    const podsExplainAll = unready.length >= desired - available;
    const since =
      availableCondition?.status === 'False'
        ? latest([availableCondition.lastTransitionTime, podsExplainAll ? podsSince : undefined])
        : earliest([podsSince, replicaFailure?.status === 'True' ? replicaFailure.lastTransitionTime : undefined]);
    if (!since) continue;
    out.push({ workload: d, desired, available, unready, since, notes: availableCondition ? [`condition Available=${availableCondition.status}${availableCondition.reason ? ` (${availableCondition.reason})` : ''}`] : [] });
  }
  return out;
}

function statefulSetShortfalls(ctx: AnalysisContext): Shortfall[] {
  const { view } = ctx;
  if (!view.has('Pod')) return [];
  const out: Shortfall[] = [];
  for (const sts of view.list('StatefulSet')) {
    const desired = sts.spec.replicas ?? 1;
    const available = sts.status.availableReplicas ?? sts.status.readyReplicas ?? 0;
    if (sts.metadata.deletionTimestamp || desired === 0 || available >= desired || !isGenerationObserved(sts)) continue;
    if (stuckStatefulSetRollout(ctx, sts)) continue;
    // Ordered pod management creates pod N+1 only once pod N is ready, and a pod is replaced only once
    // it is gone: the not-ready and the terminating pods date the shortfall.
    const unready = unreadyPods(controlledPods(view, sts, { terminating: true }));
    const since = earliest(unready.map(unavailableSince));
    if (!since) continue;
    const rolling = sts.status.updateRevision && sts.status.currentRevision && sts.status.updateRevision !== sts.status.currentRevision;
    out.push({ workload: sts, desired, available, unready, since, notes: rolling ? [`rolling update from ${sts.status.currentRevision ?? ''} to ${sts.status.updateRevision ?? ''} in progress`] : [] });
  }
  return out;
}

function daemonSetShortfalls(ctx: AnalysisContext): Shortfall[] {
  const { view } = ctx;
  if (!view.has('Pod')) return [];
  const out: Shortfall[] = [];
  for (const ds of view.list('DaemonSet')) {
    const desired = ds.status.desiredNumberScheduled ?? 0;
    const available = ds.status.numberAvailable ?? 0;
    if (ds.metadata.deletionTimestamp || desired === 0 || available >= desired || !isGenerationObserved(ds)) continue;
    const unready = unreadyPods(controlledPods(view, ds));
    // A pod on a node that is down or being drained is the node's problem, which the node checks report.
    const onBadNodes = unready.filter((pod) => {
      const node = pod.spec.nodeName && view.has('Node') ? view.get('Node', undefined, pod.spec.nodeName) : undefined;
      return node !== undefined && (node.spec.unschedulable === true || findCondition(node.status.conditions, 'Ready')?.status !== 'True');
    });
    const own = unready.filter((pod) => !onBadNodes.includes(pod));
    if (desired - available - onBadNodes.length <= 0 || own.length === 0) continue;
    const since = earliest(own.map(unreadySince));
    if (!since) continue;
    const notes = onBadNodes.length ? [`${onBadNodes.length} more pod(s) on not-ready or cordoned nodes not counted`] : [];
    out.push({ workload: ds, desired: desired - onBadNodes.length, available, unready: own, since, notes });
  }
  return out;
}

export function findUnavailableReplicas(ctx: AnalysisContext): Finding[] {
  const { view, now } = ctx;
  const shortfalls = [
    ...(view.has('Deployment') ? deploymentShortfalls(ctx) : []),
    ...(view.has('StatefulSet') ? statefulSetShortfalls(ctx) : []),
    ...(view.has('DaemonSet') ? daemonSetShortfalls(ctx) : []),
  ];
  const findings: Finding[] = [];
  for (const s of shortfalls) {
    const age = ageMs(s.since, now);
    if (age === undefined || !olderThan(ctx, s.since, ctx.settings.thresholds.replicasUnavailableAfter, s.workload.metadata.namespace)) continue;
    const { kind, metadata } = s.workload;
    const failures = s.unready.map((pod) => ({ pod, failure: describeUnavailable(ctx, pod) }));
    const lostNodes = [...new Map(s.unready.flatMap((pod) => notReadyNode(ctx, pod) ?? []).map((node) => [node.metadata.name, refOf(node)])).values()];
    const why = failures[0] ? ` (${failures.length === 1 ? `pod ${failures[0].pod.metadata.name}` : `${failures.length} pods not ready, e.g. ${failures[0].pod.metadata.name}`}: ${failures[0].failure})` : '';
    const related: ObjectRef[] = [...s.unready.map(podRef), objectRef(s.workload), ...lostNodes];
    findings.push({
      check: 'WorkloadReplicasUnavailable',
      severity: 'warning',
      subject: view.subjectOf(s.workload),
      object: objectRef(s.workload),
      message: `${kind} ${metadata.namespace ?? ''}/${metadata.name} has had ${s.available}/${s.desired} replicas available for ${formatDuration(age)}${why}.`,
      evidence: [
        `desired ${s.desired}, available ${s.available}`,
        ...s.notes,
        ...failures.slice(0, ctx.settings.evidence.maxEvents).map(({ pod, failure }) => `pod ${pod.metadata.name}: ${failure}`),
      ],
      firstSeen: s.since,
      related,
    });
  }
  return findings;
}

export const unavailableReplicas: Analyzer = {
  name: 'unavailable-replicas',
  description: 'Deployments, StatefulSets and DaemonSets with fewer available replicas than desired for longer than the threshold.',
  checks: ['WorkloadReplicasUnavailable'],
  // Each workload kind is read when loaded; none of them alone is required.
  reads: [],
  scope: 'subject',
  subjectKinds: ['Deployment', 'StatefulSet', 'DaemonSet'],
  optionalReads: ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Pod', 'Node'],
  analyze: findUnavailableReplicas,
};
