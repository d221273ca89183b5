// The informers' caches seen as one cluster: the snapshot the analyzers' view is built from.
import type { ClusterSnapshot } from '../cluster/view.js';
import type { KindName } from '../model/kinds.js';
import type { KubeObject } from '../model/meta.js';
import type { UnparseableObject } from '../model/parse.js';
import type { Informer } from './informer.js';

export class ClusterCache {
  private readonly informers = new Map<KindName, Informer>();

  add(informer: Informer): void {
    this.informers.set(informer.kind, informer);
  }

  remove(kind: KindName): Informer | undefined {
    const informer = this.informers.get(kind);
    this.informers.delete(kind);
    return informer;
  }

  informer(kind: KindName): Informer | undefined {
    return this.informers.get(kind);
  }

  all(): readonly Informer[] {
    return [...this.informers.values()];
  }

  /** Every informer has listed once (forbidden kinds count as settled: they stay dormant). */
  get synced(): boolean {
    return this.all().every((i) => i.state === 'synced' || i.state === 'forbidden');
  }

  snapshot(): ClusterSnapshot {
    const objects = new Map<KindName, readonly KubeObject[]>();
    const loadedKinds = new Set<KindName>();
    const unparseable: UnparseableObject[] = [];
    for (const [kind, informer] of this.informers) {
      if (!informer.synced) continue;
      objects.set(kind, [...informer.list()]);
      loadedKinds.add(kind);
      unparseable.push(...informer.unparseable());
    }
    return { objects, loadedKinds, unparseable };
  }
}
