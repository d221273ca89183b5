// The informers' caches seen as one cluster: a ClusterView kept up to date by their events, which
// the analyzers read between two changes. Building a view per analysis pass cost a full index
// build of the cluster (and its garbage) on every change.
import { ClusterView } from '../cluster/view.js';
import type { KindName } from '../model/kinds.js';
import type { Informer, InformerEvent } from './informer.js';

export class ClusterCache {
  /** One informer per kind, or one per watched namespace of a namespaced kind. */
  private readonly informers = new Map<KindName, readonly Informer[]>();
  readonly view = new ClusterView();

  set(kind: KindName, informers: readonly Informer[]): void {
    this.informers.set(kind, informers);
    this.refreshLoaded(kind);
  }

  remove(kind: KindName): readonly Informer[] {
    const informers = this.informers.get(kind) ?? [];
    this.informers.delete(kind);
    this.view.clear(kind);
    this.refreshUnparseable();
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

  /** An informer's object changed: the view follows. */
  apply(kind: KindName, event: InformerEvent): void {
    if (event.type === 'deleted') this.view.remove(kind, event.object);
    else this.view.upsert(kind, event.object);
  }

  /**
   * A kind counts as loaded when all of its informers have synced: until then its partial list
   * would read as deletions, so the analyzers that need it are skipped.
   */
  refreshLoaded(kind: KindName): void {
    const informers = this.informers.get(kind) ?? [];
    this.view.setLoaded(kind, informers.length > 0 && informers.every((i) => i.synced));
    this.refreshUnparseable();
  }

  /** Objects that do not parse, of the loaded kinds (ResourceUnparseable findings). */
  refreshUnparseable(): void {
    const loaded = this.view.loadedKinds();
    this.view.setUnparseable([...this.informers].filter(([kind]) => loaded.has(kind)).flatMap(([, informers]) => informers.flatMap((i) => [...i.unparseable()])));
  }
}
