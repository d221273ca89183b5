// The informers' caches seen as one cluster: the snapshot the analyzers' view is built from.
import type { ClusterSnapshot } from '../cluster/view.js';
import type { KindName } from '../model/kinds.js';
import type { KubeObject } from '../model/meta.js';
import type { UnparseableObject } from '../model/parse.js';
import type { Informer } from './informer.js';

export class ClusterCache {
  /** One informer per kind, or one per watched namespace of a namespaced kind. */
  private readonly informers = new Map<KindName, readonly Informer[]>();

  set(kind: KindName, informers: readonly Informer[]): void {
    this.informers.set(kind, informers);
  }

  remove(kind: KindName): readonly Informer[] {
    const informers = this.informers.get(kind) ?? [];
    this.informers.delete(kind);
    return informers;
  }

  has(kind: KindName): boolean {
    return this.informers.has(kind);
  }

  kinds(): KindName[] {
    return [...this.informers.keys()];
  }

  all(): Informer[] {
    return [...this.informers.values()].flat();
  }

  /** Every informer has listed once (forbidden kinds count as settled: they stay dormant). */
  get synced(): boolean {
    return this.all().every((i) => i.state === 'synced' || i.state === 'forbidden');
  }

  count(kind: KindName): number {
    return (this.informers.get(kind) ?? []).reduce((sum, i) => sum + i.size, 0);
  }

  /** A kind is loaded when all of its informers have synced: a partial list would read as deletions. */
  snapshot(): ClusterSnapshot {
    const objects = new Map<KindName, readonly KubeObject[]>();
    const loadedKinds = new Set<KindName>();
    const unparseable: UnparseableObject[] = [];
    for (const [kind, informers] of this.informers) {
      if (informers.length === 0 || !informers.every((i) => i.synced)) continue;
      objects.set(kind, informers.flatMap((i) => [...i.list()]));
      loadedKinds.add(kind);
      for (const informer of informers) unparseable.push(...informer.unparseable());
    }
    return { objects, loadedKinds, unparseable };
  }
}
