// What the pods-not-starting checks share about a pod: whether it is still trying to start, its
// events, the containers behind a status, the claims it mounts.
import type { ClusterReader } from '../../cluster/view.js';
import { ROLL_UP_KINDS } from '../../cluster/view.js';
import type { ClusterEvent, Container, Pod } from '../../model/core.js';
import type { ObjectRef } from '../../model/meta.js';
import { SEVERITY_RANK } from '../catalogue.js';
import { isPodTerminal } from '../evidence.js';
import type { Finding } from '../types.js';

/** Waiting reasons of a container that cannot get its image. */
export const IMAGE_PULL_REASONS: readonly string[] = ['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull'];

/** Events of node autoscalers (cluster-autoscaler, Karpenter) that provision a node for the pod. */
export const SCALE_UP_REASONS: readonly string[] = ['TriggeredScaleUp', 'Nominated'];

/** Not terminated and not being deleted: a pod whose start still matters. */
export function isActivePod(pod: Pod): boolean {
  return !isPodTerminal(pod) && !pod.metadata.deletionTimestamp;
}

/**
 * A pod that is not (yet) running all its containers: Pending, or a container waiting to be
 * created. Problems that only bite at the next start are latent for a pod that is not blocked.
 */
export function isPodBlocked(pod: Pod): boolean {
  if (pod.status.phase === 'Pending' || !pod.status.phase) return true;
  return [...(pod.status.initContainerStatuses ?? []), ...(pod.status.containerStatuses ?? [])].some(
    (s) => s.state?.waiting !== undefined && s.state.waiting.reason !== 'CrashLoopBackOff',
  );
}

/**
 * Events of this pod incarnation, most recent first. StatefulSet pods reuse names, so events of a
 * previous pod with the same name are dropped by uid (or, without one, by time).
 */
export function podEvents(view: ClusterReader, pod: Pod): readonly ClusterEvent[] {
  if (!view.has('Event')) return [];
  const { namespace, name, uid, creationTimestamp } = pod.metadata;
  const created = creationTimestamp ? Date.parse(creationTimestamp) : Number.NaN;
  return view.eventsFor({ kind: 'Pod', namespace, name }).filter((event) => {
    if (uid && event.involved.uid) return event.involved.uid === uid;
    const last = event.lastTimestamp ? Date.parse(event.lastTimestamp) : Number.NaN;
    return Number.isNaN(created) || Number.isNaN(last) || last >= created;
  });
}

/** Events about one container: the kubelet names it in fieldPath as `spec.containers{name}`. */
export function containerEvents(events: readonly ClusterEvent[], container: string): ClusterEvent[] {
  return events.filter((e) => !e.involved.fieldPath || e.involved.fieldPath.endsWith(`{${container}}`));
}

export function containerSpec(pod: Pod, name: string): Container | undefined {
  return pod.spec.containers.find((c) => c.name === name) ?? pod.spec.initContainers?.find((c) => c.name === name);
}

/** Every container of the spec, init containers first, as the kubelet starts them. */
export function specContainers(pod: Pod): { readonly container: Container; readonly init: boolean }[] {
  return [
    ...(pod.spec.initContainers ?? []).map((container) => ({ container, init: true })),
    ...pod.spec.containers.map((container) => ({ container, init: false })),
  ];
}

/** When the pod's Ready condition last turned False: when its current trouble began, at the latest. */
export function notReadySince(pod: Pod): string | undefined {
  const ready = pod.status.conditions?.find((c) => c.type === 'Ready');
  return ready?.status === 'False' ? ready.lastTransitionTime : undefined;
}

export function claimNames(pod: Pod): string[] {
  return (pod.spec.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : []));
}

export function claimRefs(pod: Pod): ObjectRef[] {
  const namespace = pod.metadata.namespace;
  return claimNames(pod).map((name) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', name, ...(namespace ? { namespace } : {}) }));
}

export function podName(pod: Pod): string {
  return `${pod.metadata.namespace ?? ''}/${pod.metadata.name}`;
}

/** The earliest firstTimestamp of the events, which is when the condition they report began. */
export function earliestEvent(events: readonly ClusterEvent[]): string | undefined {
  let earliest: string | undefined;
  for (const event of events) {
    const at = event.firstTimestamp ?? event.lastTimestamp;
    if (at && (!earliest || at < earliest)) earliest = at;
  }
  return earliest;
}

/**
 * One finding per subject and key for checks about the pod template (every replica says the same):
 * the most severe wins, then the first pod by name, so the output is stable.
 */
export function onePerSubject(findings: readonly Finding[], keyOf: (finding: Finding) => string): Finding[] {
  const rank = SEVERITY_RANK;
  const kept = new Map<string, Finding>();
  for (const finding of findings) {
    const key = `${finding.subject.kind}/${finding.subject.namespace ?? ''}/${finding.subject.name}|${keyOf(finding)}`;
    const current = kept.get(key);
    if (
      !current ||
      rank[finding.severity] > rank[current.severity] ||
      (rank[finding.severity] === rank[current.severity] && finding.object.name < current.object.name)
    ) {
      kept.set(key, finding);
    }
  }
  return [...kept.values()];
}

/** Kinds subjectOf walks through to roll a pod up to its top-level controller. */
/** What `subjectOf` reads to name a pod's subject (see ROLL_UP_KINDS). */
export const OWNER_KINDS = ROLL_UP_KINDS;
