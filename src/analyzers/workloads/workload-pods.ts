// What the workload checks read from a controller's pods: which ones fail to start or run, and
// since when a pod has not been ready.
import type { ClusterReader } from '../../cluster/view.js';
import type { Pod } from '../../model/core.js';
import type { KubeObject } from '../../model/meta.js';
import { findCondition } from '../../model/meta.js';
import { isPodTerminal } from '../evidence.js';

/** Waiting reasons after which a container will not come up without a change. */
const FAILING_REASONS: ReadonlySet<string> = new Set([
  'CrashLoopBackOff', 'ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull',
  'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError',
]);

/** `container app: ImagePullBackOff`, or why the pod is not scheduled; undefined for a healthy or merely starting pod. */
export function podFailure(pod: Pod): string | undefined {
  if (isPodTerminal(pod) || pod.metadata.deletionTimestamp) return undefined;
  const scheduled = findCondition(pod.status.conditions, 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') return 'unschedulable';
  for (const status of [...(pod.status.initContainerStatuses ?? []), ...(pod.status.containerStatuses ?? [])]) {
    const reason = status.state?.waiting?.reason;
    if (reason && FAILING_REASONS.has(reason)) return `container ${status.name}: ${reason}`;
  }
  return undefined;
}

/** When the pod stopped (or never started) being ready; undefined for a ready pod. */
export function unreadySince(pod: Pod): string | undefined {
  const ready = findCondition(pod.status.conditions, 'Ready');
  if (ready?.status === 'True') return undefined;
  return ready?.lastTransitionTime ?? pod.metadata.creationTimestamp;
}

/**
 * When a pod being deleted stopped counting as available: its Ready condition's turn to False (the
 * node controller sets it when the node is lost), else the deletion request (deletionTimestamp
 * minus the grace period), since a terminating pod counts as available for no controller.
 */
export function terminatingSince(pod: Pod): string | undefined {
  const due = pod.metadata.deletionTimestamp;
  if (!due) return undefined;
  const ready = findCondition(pod.status.conditions, 'Ready');
  if (ready?.status !== 'True' && ready?.lastTransitionTime) return ready.lastTransitionTime;
  const at = Date.parse(due);
  if (Number.isNaN(at)) return due;
  return new Date(at - (pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Live pods the object controls directly (owner uid, else owner name); with `terminating`, those being deleted too. */
export function controlledPods(view: ClusterReader, owner: KubeObject, options: { readonly terminating?: boolean } = {}): Pod[] {
  if (!owner.metadata.namespace) return [];
  return view.referencing('Pod', owner).filter((pod) => {
    if ((pod.metadata.deletionTimestamp && !options.terminating) || isPodTerminal(pod)) return false;
    const ref = (pod.metadata.ownerReferences ?? []).find((o) => o.controller);
    if (!ref || ref.kind !== owner.kind) return false;
    return ref.uid && owner.metadata.uid ? ref.uid === owner.metadata.uid : ref.name === owner.metadata.name;
  });
}

export function podRef(pod: Pod): { apiVersion: string; kind: string; namespace?: string; name: string } {
  return { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name, ...(pod.metadata.namespace ? { namespace: pod.metadata.namespace } : {}) };
}
