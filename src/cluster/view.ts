// The cluster view the analyzers run on: parsed objects indexed by kind, namespace/name, uid,
// labels, owner chain and events by involved object. Analyzers only read it (ClusterReader). The
// CLI builds it once from a snapshot; the controller keeps one alive and applies each watch event
// to it between analysis passes, because rebuilding every index of a large cluster on every change
// was most of the controller's CPU and garbage.
import type { ClusterEvent, Pod } from '../model/core.js';
import type { KindMap, KindName } from '../model/kinds.js';
import { KIND_DESCRIPTORS } from '../model/kinds.js';
import type { KubeObject, LabelSelector, ObjectRef, OwnerReference } from '../model/meta.js';
import type { UnparseableObject } from '../model/parse.js';
import { matchesEqualitySelector, matchesLabelSelector } from './selectors.js';

export interface ClusterSnapshot {
  /** Parsed objects by kind. */
  readonly objects: ReadonlyMap<KindName, readonly KubeObject[]>;
  /**
   * Kinds whose complete list is known (live: listed successfully; files: at least one object of
   * the kind present). An analyzer that needs a kind outside this set is skipped, so that "no
   * ConfigMap in the dump" never reads as "every ConfigMap is missing".
   */
  readonly loadedKinds: ReadonlySet<KindName>;
  readonly unparseable: readonly UnparseableObject[];
}

/** The read interface analyzers get; restricted to the kinds they declare. */
export interface ClusterReader {
  has(kind: KindName): boolean;
  list<K extends KindName>(kind: K): readonly KindMap[K][];
  inNamespace<K extends KindName>(kind: K, namespace: string): readonly KindMap[K][];
  get<K extends KindName>(kind: K, namespace: string | undefined, name: string): KindMap[K] | undefined;
  namespaces(): readonly string[];
  /** Pods of a namespace selected by a set-based selector (workloads, NetworkPolicies). */
  podsMatching(namespace: string, selector: LabelSelector | null | undefined): readonly Pod[];
  /** Pods of a namespace selected by an equality selector (Services, Istio); empty selects none. */
  podsWithLabels(namespace: string, labels: Readonly<Record<string, string>> | null | undefined): readonly Pod[];
  /**
   * Objects of a kind in a namespace that carry every one of these labels (an equality selector; an
   * empty or missing one selects none), in list order. From an index, not a scan of the namespace.
   */
  withLabels<K extends KindName>(kind: K, namespace: string, labels: Readonly<Record<string, string>> | null | undefined): readonly KindMap[K][];
  /**
   * Objects of a kind in the owner's namespace with an owner reference to the owner's kind that
   * carries the owner's uid or its name, in list order: the candidates, from an index, that each
   * caller narrows with its own rule (controller references only, uid before name, ...).
   */
  referencing<K extends KindName>(kind: K, owner: KubeObject): readonly KindMap[K][];
  podsOnNode(nodeName: string): readonly Pod[];
  /** Events whose involved object is this one, most recent first. */
  eventsFor(ref: { kind: string; namespace?: string | undefined; name: string }): readonly ClusterEvent[];
  /** The controller owner of an object, as an object when the view has it. */
  controllerOf(obj: KubeObject): { ref: OwnerReference; object?: KubeObject } | undefined;
  /** The thing a human fixes: a pod's top-level controller (Deployment via ReplicaSet, CronJob via Job, ...). */
  subjectOf(obj: KubeObject): ObjectRef;
  readonly unparseable: readonly UnparseableObject[];
}

const keyOf = (namespace: string | undefined, name: string): string => `${namespace ?? ''}/${name}`;
const uidKey = (kind: string, uid: string): string => `${kind}/${uid}`;
const EMPTY: readonly never[] = Object.freeze([]);

function byTimestampDesc(a: ClusterEvent, b: ClusterEvent): number {
  return (b.lastTimestamp ?? '').localeCompare(a.lastTimestamp ?? '');
}

const involvedKey = (event: ClusterEvent): string => `${event.involved.kind}/${keyOf(event.involved.namespace ?? event.metadata.namespace, event.involved.name)}`;

/**
 * A keyed bucket with its list form computed on first read after a change: analyzers read lists,
 * watch events change single entries, and several events usually arrive between two reads.
 */
class Bucket<T> {
  private readonly entries = new Map<string, T>();
  private listed: readonly T[] | undefined;
  /** Indexes derived from the list (by label, by owner), built on first read, dropped on a change. */
  private derived: Map<string, unknown> | undefined;

  constructor(private readonly order?: (a: T, b: T) => number) {}

  set(key: string, value: T): void {
    this.entries.set(key, value);
    this.listed = undefined;
    this.derived = undefined;
  }

  delete(key: string): void {
    if (this.entries.delete(key)) {
      this.listed = undefined;
      this.derived = undefined;
    }
  }

  /** An index computed from the list, kept until the bucket changes. */
  derive<R>(name: string, build: (list: readonly T[]) => R): R {
    this.derived ??= new Map();
    if (this.derived.has(name)) return this.derived.get(name) as R;
    const index = build(this.list());
    this.derived.set(name, index);
    return index;
  }

  get(key: string): T | undefined {
    return this.entries.get(key);
  }

  get size(): number {
    return this.entries.size;
  }

  list(): readonly T[] {
    if (!this.listed) {
      const values = [...this.entries.values()];
      this.listed = this.order ? values.sort(this.order) : values;
    }
    return this.listed;
  }
}

/** Buckets by a secondary key (namespace, node, involved object), dropped when they empty. */
class BucketIndex<T> {
  private readonly buckets = new Map<string, Bucket<T>>();

  constructor(private readonly order?: (a: T, b: T) => number) {}

  add(bucket: string, key: string, value: T): void {
    let found = this.buckets.get(bucket);
    if (!found) this.buckets.set(bucket, (found = new Bucket<T>(this.order)));
    found.set(key, value);
  }

  remove(bucket: string, key: string): void {
    const found = this.buckets.get(bucket);
    if (!found) return;
    found.delete(key);
    if (found.size === 0) this.buckets.delete(bucket);
  }

  list(bucket: string): readonly T[] {
    return this.buckets.get(bucket)?.list() ?? EMPTY;
  }

  bucket(bucket: string): Bucket<T> | undefined {
    return this.buckets.get(bucket);
  }

  keys(): IterableIterator<string> {
    return this.buckets.keys();
  }
}

export class ClusterView implements ClusterReader {
  private readonly byKind = new Map<KindName, Bucket<KubeObject>>();
  private readonly byNamespace = new Map<KindName, BucketIndex<KubeObject>>();
  /** By `Kind/uid`: an owner reference names a kind, and only an object of that kind can be its owner. */
  private readonly byUid = new Map<string, KubeObject>();
  private readonly podsByNode = new BucketIndex<Pod>();
  private readonly eventsByObject = new BucketIndex<ClusterEvent>(byTimestampDesc);
  private subjects = new WeakMap<KubeObject, ObjectRef>();
  private readonly loaded: Set<KindName>;
  private unparseableObjects: readonly UnparseableObject[];

  /** From a snapshot (the CLI), or empty, to be filled by `apply` (the controller). */
  constructor(snapshot?: ClusterSnapshot) {
    this.loaded = new Set(snapshot?.loadedKinds);
    this.unparseableObjects = snapshot?.unparseable ?? EMPTY;
    for (const [kind, objects] of snapshot?.objects ?? []) {
      if (!this.byKind.has(kind)) this.byKind.set(kind, new Bucket());
      for (const obj of objects) this.upsert(kind, obj);
    }
  }

  get unparseable(): readonly UnparseableObject[] {
    return this.unparseableObjects;
  }

  /** Kinds whose complete list the view holds. */
  loadedKinds(): ReadonlySet<KindName> {
    return this.loaded;
  }

  // --- Changes: the owner of the view applies them between analysis passes. ---

  setLoaded(kind: KindName, loaded: boolean): void {
    if (loaded) this.loaded.add(kind);
    else this.loaded.delete(kind);
  }

  setUnparseable(objects: readonly UnparseableObject[]): void {
    this.unparseableObjects = objects;
  }

  /**
   * Adds an object or replaces the one with its namespace/name. A replaced object keeps its place
   * in every list whose bucket it stays in, so that lists read in the same order as a fresh build.
   */
  upsert(kind: KindName, obj: KubeObject): void {
    const { namespace, name, uid } = obj.metadata;
    const key = keyOf(namespace, name);
    let objects = this.byKind.get(kind);
    if (!objects) this.byKind.set(kind, (objects = new Bucket()));
    const old = objects.get(key);
    objects.set(key, obj);
    const oldUid = old?.metadata.uid;
    if (oldUid && oldUid !== uid && this.byUid.get(uidKey(kind, oldUid)) === old) this.byUid.delete(uidKey(kind, oldUid));
    if (uid) this.byUid.set(uidKey(kind, uid), obj);
    if (namespace !== undefined) {
      let namespaced = this.byNamespace.get(kind);
      if (!namespaced) this.byNamespace.set(kind, (namespaced = new BucketIndex()));
      namespaced.add(namespace, key, obj);
    }
    if (kind === 'Pod') this.move(this.podsByNode, key, old && (old as Pod).spec.nodeName, (obj as Pod).spec.nodeName, obj as Pod);
    if (kind === 'Event') this.move(this.eventsByObject, key, old && involvedKey(old as ClusterEvent), involvedKey(obj as ClusterEvent), obj as ClusterEvent);
    this.ownersChanged(kind);
  }

  private move<T>(index: BucketIndex<T>, key: string, from: string | undefined, to: string | undefined, value: T): void {
    if (from !== undefined && from !== to) index.remove(from, key);
    if (to) index.add(to, key, value);
  }

  remove(kind: KindName, obj: KubeObject): void {
    const { namespace, name } = obj.metadata;
    const key = keyOf(namespace, name);
    const objects = this.byKind.get(kind);
    const old = objects?.get(key);
    if (!objects || !old) return;
    objects.delete(key);
    const { uid } = old.metadata;
    if (uid && this.byUid.get(uidKey(kind, uid)) === old) this.byUid.delete(uidKey(kind, uid));
    if (namespace !== undefined) this.byNamespace.get(kind)?.remove(namespace, key);
    if (kind === 'Pod') this.move(this.podsByNode, key, (old as Pod).spec.nodeName, undefined, old as Pod);
    if (kind === 'Event') this.move(this.eventsByObject, key, involvedKey(old as ClusterEvent), undefined, old as ClusterEvent);
    this.ownersChanged(kind);
  }

  /** Forgets every object of a kind (its API is no longer served). */
  clear(kind: KindName): void {
    for (const obj of [...this.list(kind)]) this.remove(kind, obj);
    this.byKind.delete(kind);
    this.byNamespace.delete(kind);
    this.loaded.delete(kind);
  }

  /** Subjects are resolved through owners: a change of an owner kind can change any of them. */
  private ownersChanged(kind: KindName): void {
    if (ROLL_UP.has(kind)) this.subjects = new WeakMap();
  }

  has(kind: KindName): boolean {
    return this.loaded.has(kind);
  }

  list<K extends KindName>(kind: K): readonly KindMap[K][] {
    return (this.byKind.get(kind)?.list() ?? EMPTY) as readonly KindMap[K][];
  }

  inNamespace<K extends KindName>(kind: K, namespace: string): readonly KindMap[K][] {
    return (this.byNamespace.get(kind)?.list(namespace) ?? EMPTY) as readonly KindMap[K][];
  }

  get<K extends KindName>(kind: K, namespace: string | undefined, name: string): KindMap[K] | undefined {
    const scoped = KIND_DESCRIPTORS[kind].namespaced ? namespace : undefined;
    return this.byKind.get(kind)?.get(keyOf(scoped, name)) as KindMap[K] | undefined;
  }

  namespaces(): readonly string[] {
    const names = new Set<string>();
    for (const ns of this.list('Namespace')) names.add(ns.metadata.name);
    for (const namespaced of this.byNamespace.values()) for (const ns of namespaced.keys()) names.add(ns);
    return [...names].sort();
  }

  podsMatching(namespace: string, selector: LabelSelector | null | undefined): readonly Pod[] {
    if (!selector) return EMPTY;
    // The matchLabels part narrows through the label index; the expressions then filter the few left.
    const candidates = Object.keys(selector.matchLabels ?? {}).length > 0 ? this.withLabels('Pod', namespace, selector.matchLabels) : this.inNamespace('Pod', namespace);
    return candidates.filter((pod) => matchesLabelSelector(pod.metadata.labels, selector));
  }

  podsWithLabels(namespace: string, labels: Readonly<Record<string, string>> | null | undefined): readonly Pod[] {
    return this.withLabels('Pod', namespace, labels);
  }

  withLabels<K extends KindName>(kind: K, namespace: string, labels: Readonly<Record<string, string>> | null | undefined): readonly KindMap[K][] {
    const entries = Object.entries(labels ?? {});
    const bucket = this.byNamespace.get(kind)?.bucket(namespace);
    if (entries.length === 0 || !bucket) return EMPTY;
    const index = bucket.derive('labels', labelIndexOf);
    let smallest: readonly KubeObject[] | undefined;
    for (const [key, value] of entries) {
      const found = index.get(labelKey(key, value));
      if (!found) return EMPTY;
      if (!smallest || found.length < smallest.length) smallest = found;
    }
    const list = smallest ?? EMPTY;
    if (entries.length === 1) return list as readonly KindMap[K][];
    return list.filter((obj) => matchesEqualitySelector(obj.metadata.labels, labels)) as KindMap[K][];
  }

  referencing<K extends KindName>(kind: K, owner: KubeObject): readonly KindMap[K][] {
    const { namespace, name, uid } = owner.metadata;
    const bucket = namespace === undefined ? undefined : this.byNamespace.get(kind)?.bucket(namespace);
    if (!bucket) return EMPTY;
    const { positions, list } = bucket.derive('owners', ownerIndexOf);
    const byUid = uid ? positions.get(ownerKey(owner.kind, 'uid', uid)) : undefined;
    const byName = positions.get(ownerKey(owner.kind, 'name', name));
    if (!byUid && !byName) return EMPTY;
    const at = !byUid ? byName! : !byName ? byUid : [...new Set([...byUid, ...byName])].sort((a, b) => a - b);
    return at.map((i) => list[i]!) as KindMap[K][];
  }

  podsOnNode(nodeName: string): readonly Pod[] {
    return this.podsByNode.list(nodeName);
  }

  eventsFor(ref: { kind: string; namespace?: string | undefined; name: string }): readonly ClusterEvent[] {
    return this.eventsByObject.list(`${ref.kind}/${keyOf(ref.namespace, ref.name)}`);
  }

  controllerOf(obj: KubeObject): { ref: OwnerReference; object?: KubeObject } | undefined {
    const owners = obj.metadata.ownerReferences ?? [];
    const ref = owners.find((o) => o.controller) ?? (owners.length === 1 ? owners[0] : undefined);
    if (!ref) return undefined;
    // A dump or a broken object can hold a uid that belongs to an object of another kind: the
    // reference's kind decides, so the lookup is by kind and uid, then by kind and name.
    const byUid = ref.uid ? this.byUid.get(uidKey(ref.kind, ref.uid)) : undefined;
    const object = byUid ?? this.findOwner(ref, obj.metadata.namespace);
    return object && object.kind === ref.kind ? { ref, object } : { ref };
  }

  subjectOf(obj: KubeObject): ObjectRef {
    const cached = this.subjects.get(obj);
    if (cached) return cached;
    const subject = this.resolveSubject(obj);
    this.subjects.set(obj, subject);
    return subject;
  }

  private findOwner(ref: OwnerReference, namespace: string | undefined): KubeObject | undefined {
    const kind = ref.kind as KindName;
    if (!Object.hasOwn(KIND_DESCRIPTORS, kind)) return undefined;
    return this.get(kind, namespace, ref.name);
  }

  private resolveSubject(obj: KubeObject): ObjectRef {
    const namespace = obj.metadata.namespace;
    let current: ObjectRef = refWithoutApi(obj);
    let currentObject: KubeObject | undefined = obj;
    // Follow controller owners up to the top (bounded: owner chains are short, cycles are possible in bad data).
    for (let depth = 0; depth < 5 && currentObject; depth += 1) {
      const owner = this.controllerOf(currentObject);
      if (!owner || !ROLL_UP.has(owner.ref.kind)) break;
      if (owner.object) {
        current = refWithoutApi(owner.object);
        currentObject = owner.object;
        continue;
      }
      // The owner is not in the view (a partial dump): name it from the reference, and infer a
      // ReplicaSet's Deployment from the pod-template-hash suffix that the Deployment controller adds.
      current = { apiVersion: owner.ref.apiVersion, kind: owner.ref.kind, name: owner.ref.name, ...(namespace ? { namespace } : {}), ...(owner.ref.uid ? { uid: owner.ref.uid } : {}) };
      if (owner.ref.kind === 'ReplicaSet') {
        const hash = currentObject.metadata.labels?.['pod-template-hash'];
        if (hash && owner.ref.name.endsWith(`-${hash}`)) {
          current = { apiVersion: 'apps/v1', kind: 'Deployment', name: owner.ref.name.slice(0, -hash.length - 1), ...(namespace ? { namespace } : {}) };
        }
      }
      break;
    }
    return current;
  }
}

const labelKey = (key: string, value: string): string => `${key}\u0000${value}`;

/** Objects by `key\0value` of each of their labels, in list order. */
function labelIndexOf(list: readonly KubeObject[]): Map<string, KubeObject[]> {
  const index = new Map<string, KubeObject[]>();
  for (const obj of list) {
    const labels = obj.metadata.labels;
    if (!labels) continue;
    for (const key in labels) {
      const k = labelKey(key, labels[key]!);
      const found = index.get(k);
      if (found) found.push(obj);
      else index.set(k, [obj]);
    }
  }
  return index;
}

const ownerKey = (kind: string, by: 'uid' | 'name', value: string): string => `${kind}\u0000${by}\u0000${value}`;

/** Positions in the list of the objects naming an owner, by the owner's kind and uid, and by its kind and name. */
function ownerIndexOf(list: readonly KubeObject[]): { positions: Map<string, number[]>; list: readonly KubeObject[] } {
  const positions = new Map<string, number[]>();
  const add = (key: string, i: number): void => {
    const found = positions.get(key);
    if (!found) positions.set(key, [i]);
    else if (found[found.length - 1] !== i) found.push(i);
  };
  list.forEach((obj, i) => {
    for (const ref of obj.metadata.ownerReferences ?? []) {
      if (ref.uid) add(ownerKey(ref.kind, 'uid', ref.uid), i);
      add(ownerKey(ref.kind, 'name', ref.name), i);
    }
  });
  return { positions, list };
}

/**
 * Owner kinds that findings roll up to; anything else (e.g. a custom operator's CR) stops the roll-up.
 * `subjectOf` reads them, so an analyzer that names subjects declares them among its inputs.
 */
export const ROLL_UP_KINDS = ['ReplicaSet', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'] as const satisfies readonly KindName[];
const ROLL_UP: ReadonlySet<string> = new Set(ROLL_UP_KINDS);

function refWithoutApi(obj: KubeObject): ObjectRef {
  const { name, namespace, uid } = obj.metadata;
  return { apiVersion: obj.apiVersion, kind: obj.kind, name, ...(namespace ? { namespace } : {}), ...(uid ? { uid } : {}) };
}

/**
 * A view whose lists of namespaced kinds hold only the given namespaces' objects (cluster-scoped
 * kinds and lookups by name are untouched): what a namespace-scoped analyzer needs to re-analyze
 * just the namespaces a change touched.
 */
export function scopeToNamespaces(view: ClusterReader, namespaces: ReadonlySet<string>): ClusterReader {
  const inScope = [...namespaces].sort();
  return {
    has: (kind) => view.has(kind),
    list: (kind) => (KIND_DESCRIPTORS[kind].namespaced ? inScope.flatMap((ns) => view.inNamespace(kind, ns)) : view.list(kind)),
    inNamespace: (kind, namespace) => view.inNamespace(kind, namespace),
    get: (kind, namespace, name) => view.get(kind, namespace, name),
    namespaces: () => view.namespaces().filter((ns) => namespaces.has(ns)),
    podsMatching: (namespace, selector) => view.podsMatching(namespace, selector),
    podsWithLabels: (namespace, labels) => view.podsWithLabels(namespace, labels),
    withLabels: (kind, namespace, labels) => view.withLabels(kind, namespace, labels),
    referencing: (kind, owner) => view.referencing(kind, owner),
    podsOnNode: (nodeName) => view.podsOnNode(nodeName).filter((pod) => namespaces.has(pod.metadata.namespace ?? '')),
    eventsFor: (ref) => view.eventsFor(ref),
    controllerOf: (obj) => view.controllerOf(obj),
    subjectOf: (obj) => view.subjectOf(obj),
    unparseable: view.unparseable.filter((u) => u.namespace !== undefined && namespaces.has(u.namespace)),
  };
}

/**
 * A view that lets an analyzer read only the kinds it declared, so that the declared inputs (used
 * to skip analyzers and, in the controller, to map changes to subjects) cannot drift from the code.
 */
export function restrictView(view: ClusterReader, allowed: ReadonlySet<KindName>, analyzer: string): ClusterReader {
  const guard = (kind: KindName): void => {
    if (!allowed.has(kind)) throw new Error(`analyzer ${analyzer} reads ${kind} but does not declare it`);
  };
  return {
    has: (kind) => view.has(kind),
    list: (kind) => (guard(kind), view.list(kind)),
    inNamespace: (kind, namespace) => (guard(kind), view.inNamespace(kind, namespace)),
    get: (kind, namespace, name) => (guard(kind), view.get(kind, namespace, name)),
    namespaces: () => view.namespaces(),
    podsMatching: (namespace, selector) => (guard('Pod'), view.podsMatching(namespace, selector)),
    podsWithLabels: (namespace, labels) => (guard('Pod'), view.podsWithLabels(namespace, labels)),
    withLabels: (kind, namespace, labels) => (guard(kind), view.withLabels(kind, namespace, labels)),
    referencing: (kind, owner) => (guard(kind), view.referencing(kind, owner)),
    podsOnNode: (nodeName) => (guard('Pod'), view.podsOnNode(nodeName)),
    eventsFor: (ref) => (guard('Event'), view.eventsFor(ref)),
    controllerOf: (obj) => view.controllerOf(obj),
    subjectOf: (obj) => view.subjectOf(obj),
    unparseable: view.unparseable,
  };
}

/**
 * The key of an object reference (`Kind/namespace/name`): a subject's report key. It lives here,
 * not in report/, so that the view can select objects by subject (report re-exports it).
 */
export function refKey(ref: { readonly kind: string; readonly namespace?: string | undefined; readonly name: string }): string {
  return `${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

/**
 * A view whose lists of `kinds` hold only the objects whose subject is one of `subjectKeys`; every
 * lookup (get, selectors, events, owners) and the lists of other kinds are untouched. An analyzer
 * of scope 'subject' iterates those kinds to produce its findings, so on this view it produces
 * exactly its findings about those subjects, for a fraction of the work.
 */
export function focusOnSubjects(view: ClusterReader, subjectKeys: ReadonlySet<string>, kinds: readonly KindName[]): ClusterReader {
  const focused = new Set<KindName>(kinds);
  const lists = new Map<string, readonly KubeObject[]>();
  const keep = (objects: readonly KubeObject[]): readonly KubeObject[] => objects.filter((obj) => subjectKeys.has(refKey(view.subjectOf(obj))));
  const cached = (key: string, objects: () => readonly KubeObject[]): readonly KubeObject[] => {
    let found = lists.get(key);
    if (!found) lists.set(key, (found = keep(objects())));
    return found;
  };
  return {
    has: (kind) => view.has(kind),
    list: <K extends KindName>(kind: K) => (focused.has(kind) ? (cached(kind, () => view.list(kind)) as readonly KindMap[K][]) : view.list(kind)),
    inNamespace: <K extends KindName>(kind: K, namespace: string) =>
      focused.has(kind) ? (cached(`${kind} ${namespace}`, () => view.inNamespace(kind, namespace)) as readonly KindMap[K][]) : view.inNamespace(kind, namespace),
    get: (kind, namespace, name) => view.get(kind, namespace, name),
    namespaces: () => view.namespaces(),
    podsMatching: (namespace, selector) => view.podsMatching(namespace, selector),
    podsWithLabels: (namespace, labels) => view.podsWithLabels(namespace, labels),
    withLabels: <K extends KindName>(kind: K, namespace: string, labels: Readonly<Record<string, string>> | null | undefined) =>
      focused.has(kind) ? (keep(view.withLabels(kind, namespace, labels)) as readonly KindMap[K][]) : view.withLabels(kind, namespace, labels),
    referencing: <K extends KindName>(kind: K, owner: KubeObject) => (focused.has(kind) ? (keep(view.referencing(kind, owner)) as readonly KindMap[K][]) : view.referencing(kind, owner)),
    podsOnNode: (nodeName) => view.podsOnNode(nodeName),
    eventsFor: (ref) => view.eventsFor(ref),
    controllerOf: (obj) => view.controllerOf(obj),
    subjectOf: (obj) => view.subjectOf(obj),
    unparseable: view.unparseable,
  };
}
