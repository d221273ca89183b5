// Turns raw API objects into a snapshot the view is built from. Pure: the callers do the I/O.
import type { KindName } from '../model/kinds.js';
import type { KubeObject } from '../model/meta.js';
import type { UnparseableObject } from '../model/parse.js';
import { parseObject } from '../model/parse.js';
import type { ClusterSnapshot } from './view.js';

export interface SnapshotBuilder {
  add(raw: unknown): void;
  /** Marks a kind as completely listed even when it has no object (live mode). */
  markLoaded(kind: KindName): void;
  build(): ClusterSnapshot & { readonly ignoredKinds: ReadonlyMap<string, number> };
}

export function snapshotBuilder(): SnapshotBuilder {
  const objects = new Map<KindName, KubeObject[]>();
  const loaded = new Set<KindName>();
  const unparseable: UnparseableObject[] = [];
  const ignoredKinds = new Map<string, number>();
  const seen = new Set<string>();
  return {
    add(raw) {
      const outcome = parseObject(raw);
      switch (outcome.type) {
        case 'parsed': {
          const { metadata } = outcome.object;
          // The same object twice (overlapping dumps) is kept once; the later copy wins.
          const key = `${outcome.kind}/${metadata.namespace ?? ''}/${metadata.name}`;
          const list = objects.get(outcome.kind) ?? [];
          if (seen.has(key)) {
            const at = list.findIndex((o) => o.metadata.name === metadata.name && o.metadata.namespace === metadata.namespace);
            if (at >= 0) list[at] = outcome.object;
          } else {
            seen.add(key);
            list.push(outcome.object);
          }
          objects.set(outcome.kind, list);
          loaded.add(outcome.kind);
          break;
        }
        case 'unparseable':
          unparseable.push(outcome.error);
          break;
        case 'ignored': {
          const key = `${outcome.apiVersion} ${outcome.kind}`;
          ignoredKinds.set(key, (ignoredKinds.get(key) ?? 0) + 1);
          break;
        }
      }
    },
    markLoaded(kind) {
      loaded.add(kind);
    },
    build() {
      return { objects, loadedKinds: loaded, unparseable, ignoredKinds };
    },
  };
}

export function snapshotOf(raws: readonly unknown[], loadedKinds: readonly KindName[] = []): ClusterSnapshot {
  const builder = snapshotBuilder();
  for (const raw of raws) builder.add(raw);
  for (const kind of loadedKinds) builder.markLoaded(kind);
  return builder.build();
}
