// The view's label and owner indexes answer what a scan of the namespace would, in list order, and
// follow the view's changes (the controller applies watch events to one long-lived view).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { matchesEqualitySelector, matchesLabelSelector } from '../../src/cluster/selectors.js';
import { snapshotOf } from '../../src/cluster/snapshot.js';
import { ClusterView, focusOnSubjects, refKey } from '../../src/cluster/view.js';
import { parseDocuments } from '../../src/input/documents.js';
import type { Pod } from '../../src/model/core.js';
import { KIND_DESCRIPTORS, KIND_NAMES } from '../../src/model/kinds.js';
import type { KubeObject, LabelSelector } from '../../src/model/meta.js';
import { parseObject } from '../../src/model/parse.js';

const EXAMPLES = join(import.meta.dirname, '..', '..', 'examples', 'broken-cluster');
const raws = readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml')).flatMap((f) => parseDocuments(readFileSync(join(EXAMPLES, f), 'utf8'), f));
const view = new ClusterView(snapshotOf(raws));
const names = (list: readonly KubeObject[]): string[] => list.map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`);

function pod(name: string, labels: Record<string, string>, owners: { kind: string; name: string; uid?: string; controller?: boolean }[] = []): Pod {
  const outcome = parseObject({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'shop', uid: `uid-${name}`, labels, ownerReferences: owners.map((o) => ({ apiVersion: 'apps/v1', ...o })) },
    spec: { containers: [{ name: 'app', image: 'shop:1' }] },
    status: { phase: 'Running' },
  });
  if (outcome.type !== 'parsed') throw new Error(`fixture pod ${name} does not parse`);
  return outcome.object as Pod;
}

const owner = (kind: string, name: string, uid?: string): KubeObject => ({ apiVersion: 'apps/v1', kind, metadata: { name, namespace: 'shop', ...(uid ? { uid } : {}) } });

describe('withLabels', () => {
  const namespacedKinds = KIND_NAMES.filter((kind) => KIND_DESCRIPTORS[kind].namespaced);

  it('selects what a scan of the namespace selects, for every label, label pair and kind of the example cluster', () => {
    let checked = 0;
    for (const kind of namespacedKinds) {
      for (const namespace of view.namespaces()) {
        const objects = view.inNamespace(kind, namespace);
        const selectors: Record<string, string>[] = [{}, { 'no-such-label': 'x' }];
        for (const obj of objects) {
          const entries = Object.entries(obj.metadata.labels ?? {});
          for (const [key, value] of entries) selectors.push({ [key]: value }, { [key]: `${value}-other` });
          if (entries.length >= 2) selectors.push(Object.fromEntries(entries.slice(0, 2)), { ...Object.fromEntries(entries.slice(0, 1)), 'no-such-label': 'x' });
        }
        for (const selector of selectors) {
          const scanned = objects.filter((o) => matchesEqualitySelector(o.metadata.labels, selector));
          expect(names(view.withLabels(kind, namespace, selector)), `${kind} in ${namespace} with ${JSON.stringify(selector)}`).toEqual(names(scanned));
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('selects nothing with an empty or missing selector, and nothing in a namespace it does not know', () => {
    const [first] = view.list('Pod');
    expect(first).toBeDefined();
    expect(view.withLabels('Pod', first!.metadata.namespace!, {})).toEqual([]);
    expect(view.withLabels('Pod', first!.metadata.namespace!, undefined)).toEqual([]);
    expect(view.withLabels('Pod', 'no-such-namespace', first!.metadata.labels)).toEqual([]);
  });

  it('follows upserts and removals of the view', () => {
    const live = new ClusterView();
    const web1 = pod('web-1', { app: 'web', tier: 'front' });
    const web2 = pod('web-2', { app: 'web', tier: 'back' });
    live.upsert('Pod', web1);
    live.upsert('Pod', web2);
    expect(names(live.withLabels('Pod', 'shop', { app: 'web' }))).toEqual(['shop/web-1', 'shop/web-2']);
    expect(names(live.podsWithLabels('shop', { app: 'web', tier: 'back' }))).toEqual(['shop/web-2']);
    live.upsert('Pod', pod('web-2', { app: 'api', tier: 'back' }));
    expect(names(live.withLabels('Pod', 'shop', { app: 'web' }))).toEqual(['shop/web-1']);
    expect(names(live.withLabels('Pod', 'shop', { app: 'api' }))).toEqual(['shop/web-2']);
    live.remove('Pod', web1);
    expect(live.withLabels('Pod', 'shop', { app: 'web' })).toEqual([]);
  });
});

describe('podsMatching', () => {
  it('applies matchLabels and matchExpressions exactly as a scan does', () => {
    const selectors: LabelSelector[] = [];
    for (const p of view.list('Pod')) {
      const [entry] = Object.entries(p.metadata.labels ?? {});
      if (!entry) continue;
      const [key, value] = entry;
      selectors.push(
        { matchLabels: { [key]: value } },
        { matchLabels: { [key]: value }, matchExpressions: [{ key: 'pod-template-hash', operator: 'Exists' }] },
        { matchLabels: { [key]: value }, matchExpressions: [{ key, operator: 'NotIn', values: [value] }] },
        { matchExpressions: [{ key, operator: 'In', values: [value, 'other'] }] },
        {},
      );
    }
    expect(selectors.length).toBeGreaterThan(10);
    for (const namespace of view.namespaces()) {
      for (const selector of selectors) {
        const scanned = view.inNamespace('Pod', namespace).filter((p) => matchesLabelSelector(p.metadata.labels, selector));
        expect(names(view.podsMatching(namespace, selector)), `${namespace} ${JSON.stringify(selector)}`).toEqual(names(scanned));
      }
    }
  });
});

describe('referencing', () => {
  const live = new ClusterView();
  const pods = [
    pod('by-uid', {}, [{ kind: 'ReplicaSet', name: 'web-abc', uid: 'rs-uid', controller: true }]),
    pod('by-name', {}, [{ kind: 'ReplicaSet', name: 'web-abc' }]),
    pod('other-uid', {}, [{ kind: 'ReplicaSet', name: 'web-abc', uid: 'older-rs-uid', controller: true }]),
    pod('other-kind', {}, [{ kind: 'StatefulSet', name: 'web-abc', uid: 'rs-uid', controller: true }]),
    pod('unowned', {}),
    pod('two-owners', {}, [{ kind: 'ReplicaSet', name: 'web-abc', uid: 'rs-uid' }, { kind: 'ReplicaSet', name: 'web-def', uid: 'other' }]),
  ];
  for (const p of pods) live.upsert('Pod', p);

  it("returns, in list order, the objects naming the owner's kind with its uid or its name", () => {
    // other-uid names the owner by name (an older ReplicaSet of that name): a candidate, which a
    // caller preferring uids rules out; other-kind names a StatefulSet; unowned names nothing.
    expect(names(live.referencing('Pod', owner('ReplicaSet', 'web-abc', 'rs-uid')))).toEqual(['shop/by-uid', 'shop/by-name', 'shop/other-uid', 'shop/two-owners']);
    expect(names(live.referencing('Pod', owner('ReplicaSet', 'web-def', 'other')))).toEqual(['shop/two-owners']);
    expect(names(live.referencing('Pod', owner('ReplicaSet', 'web-xyz')))).toEqual([]);
    expect(names(live.referencing('Pod', owner('StatefulSet', 'web-abc', 'sts-uid')))).toEqual(['shop/other-kind']);
  });

  it('is a superset of every owner rule of the analyzers, on the example cluster', () => {
    for (const kind of KIND_NAMES.filter((k) => KIND_DESCRIPTORS[k].namespaced)) {
      for (const obj of view.list(kind)) {
        for (const ref of obj.metadata.ownerReferences ?? []) {
          const ownerKind = ref.kind as (typeof KIND_NAMES)[number];
          const found = Object.hasOwn(KIND_DESCRIPTORS, ownerKind) ? view.get(ownerKind, obj.metadata.namespace, ref.name) : undefined;
          if (!found) continue;
          expect(view.referencing(kind, found), `${kind} ${obj.metadata.name} owned by ${ref.kind} ${ref.name}`).toContain(obj);
        }
      }
    }
  });

  it('follows changes of the owner references', () => {
    const changing = new ClusterView();
    changing.upsert('Pod', pod('p', {}, [{ kind: 'ReplicaSet', name: 'a', uid: 'a-uid' }]));
    expect(names(changing.referencing('Pod', owner('ReplicaSet', 'a', 'a-uid')))).toEqual(['shop/p']);
    changing.upsert('Pod', pod('p', {}, [{ kind: 'ReplicaSet', name: 'b', uid: 'b-uid' }]));
    expect(changing.referencing('Pod', owner('ReplicaSet', 'a', 'a-uid'))).toEqual([]);
    expect(names(changing.referencing('Pod', owner('ReplicaSet', 'b', 'b-uid')))).toEqual(['shop/p']);
  });

  it('keeps to the focused subjects on a focused view', () => {
    // two-owners has no controller reference: it is its own subject.
    const focused = focusOnSubjects(live, new Set([refKey({ kind: 'Pod', namespace: 'shop', name: 'two-owners' })]), ['Pod']);
    expect(names(focused.referencing('Pod', owner('ReplicaSet', 'web-abc', 'rs-uid')))).toEqual(['shop/two-owners']);
  });
});
