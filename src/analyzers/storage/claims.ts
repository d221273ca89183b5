// What the storage checks share about claims: which class a claim asks for, which pods use it, and
// the access modes that decide whether a volume may be attached to more than one node.
import type { ClusterReader } from '../../cluster/view.js';
import type { PersistentVolumeClaim, Pod } from '../../model/core.js';
import { isPodTerminal } from '../evidence.js';

/** The pre-1.6 annotation still wins over spec.storageClassName when both are set. */
const LEGACY_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

/** Set by the scheduler on a WaitForFirstConsumer claim once a consuming pod has a node. */
export const SELECTED_NODE_ANNOTATION = 'volume.kubernetes.io/selected-node';

/**
 * The class a claim asks for: a name, `''` for static binding to class-less volumes, or undefined
 * when the field is absent (the cluster's default class applies, also retroactively).
 */
export function requestedStorageClass(claim: PersistentVolumeClaim): string | undefined {
  const legacy = claim.metadata.annotations?.[LEGACY_CLASS_ANNOTATION];
  if (legacy !== undefined) return legacy;
  return claim.spec.storageClassName ?? undefined;
}

export function isLivePod(pod: Pod): boolean {
  return !isPodTerminal(pod) && !pod.metadata.deletionTimestamp;
}

/**
 * Non-terminated pods that mount the claim, by name in their volumes or as the owner of a generic
 * ephemeral volume's claim (whose volume source the pod model does not keep).
 */
export function podsUsingClaim(view: ClusterReader, claim: PersistentVolumeClaim): Pod[] {
  const namespace = claim.metadata.namespace;
  if (!namespace) return [];
  const users = view
    .inNamespace('Pod', namespace)
    .filter((pod) => (pod.spec.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === claim.metadata.name));
  for (const owner of claim.metadata.ownerReferences ?? []) {
    if (owner.kind !== 'Pod') continue;
    const pod = view.get('Pod', namespace, owner.name);
    if (pod && !users.includes(pod)) users.push(pod);
  }
  return users.filter(isLivePod).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
}

/** Modes of the bound volume when known (status), else what the claim asked for. */
export function accessModesOf(claim: PersistentVolumeClaim): readonly string[] {
  return claim.status.accessModes?.length ? claim.status.accessModes : (claim.spec.accessModes ?? []);
}

/**
 * Like the attach/detach controller: a volume whose modes include ReadWriteMany or ReadOnlyMany may
 * be attached to several nodes; one that is only ReadWriteOnce may not.
 */
export function isSingleNodeOnly(modes: readonly string[]): boolean {
  return modes.includes('ReadWriteOnce') && !modes.includes('ReadWriteMany') && !modes.includes('ReadOnlyMany');
}

export function claimName(claim: PersistentVolumeClaim): string {
  return `${claim.metadata.namespace ?? ''}/${claim.metadata.name}`;
}
