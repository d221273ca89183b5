// Which subjects' findings a change of one object can alter: the mapper between a watch event and
// the report keys to re-analyze (for the analyzers of scope 'subject'). The controller runs it on
// the old object against the view before the change and on the new one after, so that a pod that
// changes labels or owner updates the reports it leaves as well as those it joins. When the
// mapping cannot be sure it says so (exact: false) and the caller re-analyzes the namespace (or
// the cluster) instead. test/analyzers/subject-scope.test.ts removes every object of the fixtures
// and the example dump in turn and checks that every subject whose findings moved was named.
import type { ClusterEvent, Pod } from '../model/core.js';
import { SERVICE_NAME_LABEL } from '../model/discovery.js';
import type { KindName } from '../model/kinds.js';
import { KIND_DESCRIPTORS } from '../model/kinds.js';
import type { KubeObject } from '../model/meta.js';
import { matchesEqualitySelector, matchesLabelSelector } from './selectors.js';
import type { ClusterReader } from './view.js';
import { ROLL_UP_KINDS, refKey } from './view.js';

export interface AffectedSubjects {
  /** Subject keys (refKey of subjectOf) whose findings the change can alter. */
  readonly subjects: string[];
  /** False: the change can alter findings of subjects not listed; re-analyze its namespace. */
  readonly exact: boolean;
}

export interface MappingOptions {
  /**
   * The change keeps the object's identity (uid) and its owner references: objects that resolve
   * their subject through it (a Deployment's ReplicaSets and pods) still resolve to the same one.
   * True for the two sides of an update that does not touch them, and for an Event's involved object.
   */
  readonly ownershipKept?: boolean;
}

/** Owner kinds that a pod's subject rolls up through (as in the view's subjectOf). */
const ROLL_UP: ReadonlySet<KindName> = new Set<KindName>(ROLL_UP_KINDS);
/** Kinds whose objects can own (control) a roll-up kind or a pod. */
const OWNED_KINDS: readonly KindName[] = ['Pod', 'ReplicaSet', 'Job'];
/** Kinds that pick pods by a set-based selector. */
const SELECTING_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'] as const satisfies readonly KindName[];

/** Does the pod's spec mention this name anywhere (volumes, env, envFrom, projections, pull secrets)? */
function mentions(value: unknown, name: string): boolean {
  if (value === name) return true;
  if (Array.isArray(value)) return value.some((v) => mentions(v, name));
  if (value !== null && typeof value === 'object') return Object.values(value).some((v) => mentions(v, name));
  return false;
}

/** Same uid and owner references: the view resolves every subject through the object as before. */
export function keepsOwnership(old: KubeObject, current: KubeObject): boolean {
  return old.metadata.uid === current.metadata.uid && JSON.stringify(old.metadata.ownerReferences ?? []) === JSON.stringify(current.metadata.ownerReferences ?? []);
}

/**
 * The subjects whose findings (of the analyzers of scope 'subject') a change of `obj` can alter,
 * read on a view that holds `obj`: its own subject, and those that reach it by an event's involved
 * object, a selector, a reference by name, a node or an owner. References are over-approximated
 * (a pod whose spec mentions the name anywhere): a subject too many costs a little work, one too
 * few a stale report.
 */
export function subjectsAffectedBy(view: ClusterReader, kind: KindName, obj: KubeObject, options: MappingOptions = {}): AffectedSubjects {
  const subjects = new Set<string>([refKey(view.subjectOf(obj))]);
  const namespace = obj.metadata.namespace;
  const name = obj.metadata.name;
  let exact = true;
  const addPods = (pods: Iterable<Pod>): void => {
    for (const pod of pods) subjects.add(refKey(view.subjectOf(pod)));
  };
  const addWorkloads = (): void => {
    if (namespace === undefined) return;
    for (const workload of ROLL_UP_KINDS) {
      if (view.has(workload)) for (const owner of view.inNamespace(workload, namespace)) subjects.add(refKey(view.subjectOf(owner)));
    }
  };
  const podsOfNamespace = (): readonly Pod[] => (namespace !== undefined && view.has('Pod') ? view.inNamespace('Pod', namespace) : []);
  // Analyzers skip a namespace that has none of a kind at all ("not listed" is not "missing"): the
  // first or last object of the kind in a namespace changes the verdict about every reference.
  const onlyOneInNamespace = (): boolean => namespace === undefined || view.inNamespace(kind, namespace).length <= 1;

  switch (kind) {
    case 'Event': {
      const event = obj as ClusterEvent;
      const involvedKind = event.involved.kind as KindName;
      const involved = Object.hasOwn(KIND_DESCRIPTORS, involvedKind) ? view.get(involvedKind, event.involved.namespace ?? namespace, event.involved.name) : undefined;
      // An event about an object the view does not hold (gone, or of a kind not modelled): the
      // subject its name implies (a pod's hash suffix) is a guess, not a proof.
      if (!involved) return { subjects: [...subjects], exact: false };
      const through = subjectsAffectedBy(view, involvedKind, involved, { ownershipKept: true });
      for (const s of through.subjects) subjects.add(s);
      exact = through.exact;
      break;
    }
    case 'Pod': {
      const pod = obj as Pod;
      if (namespace === undefined) break;
      // Services choose their backends by equality selector; EndpointSlices name the pods they hold.
      if (view.has('Service')) {
        for (const service of view.inNamespace('Service', namespace)) {
          if (matchesEqualitySelector(pod.metadata.labels, service.spec.selector)) subjects.add(refKey(view.subjectOf(service)));
        }
      }
      if (view.has('EndpointSlice')) {
        for (const slice of view.inNamespace('EndpointSlice', namespace)) {
          const service = slice.metadata.labels?.[SERVICE_NAME_LABEL];
          if (service && slice.endpoints.some((e) => e.targetRef?.kind === 'Pod' && e.targetRef.name === name)) subjects.add(refKey({ kind: 'Service', namespace, name: service }));
        }
      }
      // Workloads count the pods their selector picks, not only the ones they own.
      for (const workload of SELECTING_KINDS) {
        if (!view.has(workload)) continue;
        for (const owner of view.inNamespace(workload, namespace)) {
          if (matchesLabelSelector(pod.metadata.labels, owner.spec.selector)) subjects.add(refKey(view.subjectOf(owner)));
        }
      }
      // Claims the pod mounts (by name, or generic ephemeral volumes the pod owns): their users.
      if (view.has('PersistentVolumeClaim')) {
        const claims = new Set((pod.spec.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : [])));
        for (const claim of view.inNamespace('PersistentVolumeClaim', namespace)) {
          const owned = (claim.metadata.ownerReferences ?? []).some((o) => o.kind === 'Pod' && o.name === name);
          if (owned || claims.has(claim.metadata.name)) subjects.add(refKey(view.subjectOf(claim)));
        }
        for (const claim of claims) subjects.add(refKey({ kind: 'PersistentVolumeClaim', namespace, name: claim }));
      }
      break;
    }
    case 'EndpointSlice': {
      const service = obj.metadata.labels?.[SERVICE_NAME_LABEL];
      if (service && namespace !== undefined) subjects.add(refKey({ kind: 'Service', namespace, name: service }));
      break;
    }
    case 'ConfigMap':
    case 'Secret':
    case 'PersistentVolumeClaim': {
      if (onlyOneInNamespace()) exact = false;
      addPods(podsOfNamespace().filter((pod) => mentions(pod.spec, name)));
      // Workload templates are judged too (a CronJob between runs has no pod that mentions it).
      if (namespace !== undefined) {
        for (const workload of ROLL_UP_KINDS) {
          if (view.has(workload)) for (const owner of view.inNamespace(workload, namespace)) if (mentions(owner.spec, name)) subjects.add(refKey(view.subjectOf(owner)));
        }
      }
      if (kind === 'Secret' && namespace !== undefined && view.has('ServiceAccount')) {
        // Pull secrets also come from the pod's service account.
        const accounts = new Set(view.inNamespace('ServiceAccount', namespace).filter((sa) => (sa.imagePullSecrets ?? []).some((s) => s.name === name)).map((sa) => sa.metadata.name));
        addPods(podsOfNamespace().filter((pod) => accounts.has(pod.spec.serviceAccountName ?? 'default')));
      }
      break;
    }
    case 'ServiceAccount':
      addPods(podsOfNamespace().filter((pod) => (pod.spec.serviceAccountName ?? 'default') === name || mentions(pod.spec, name)));
      // Workloads whose pods were rejected for a missing account name it only in their events.
      addWorkloads();
      break;
    case 'ResourceQuota':
    case 'LimitRange':
      // They decide whether any workload of the namespace can create its pods.
      addWorkloads();
      break;
    case 'Node':
      // Pods on the node, and the pods not yet scheduled, which may fit (or not) on any node.
      if (view.has('Pod')) {
        addPods(view.podsOnNode(name));
        addPods(view.list('Pod').filter((pod) => !pod.spec.nodeName));
      }
      break;
    default:
      if (ROLL_UP.has(kind) && !options.ownershipKept && namespace !== undefined) {
        // Added or removed (or re-owned), it changes the subject of whatever it controls.
        const controls = OWNED_KINDS.some((owned) => view.has(owned) && view.inNamespace(owned, namespace).some((o) => (o.metadata.ownerReferences ?? []).some((ref) => ref.kind === kind && (ref.name === name || (ref.uid !== undefined && ref.uid === obj.metadata.uid)))));
        if (controls) exact = false;
      } else if (!KIND_DESCRIPTORS[kind].namespaced) {
        // A cluster-scoped object not mapped above (StorageClass, PersistentVolume, ...): read by
        // whole-list lookups (the default class), so no subject is safe to single out.
        exact = false;
      }
  }
  return { subjects: [...subjects].sort(), exact };
}
