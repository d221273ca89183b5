// The controller keeps one live view, changed object by object by watch events, and analyzers may
// keep work derived from its lists (analyzers/list-memo.ts) between passes. Whatever they keep, a
// pass on the live view after a change must say exactly what a pass on a view built afresh from the
// same objects says: checked on every fixture file and the example dump, for every pod and Namespace
// changed (labels emptied, status emptied, removed) one at a time, with every analyzer warm.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ListMemo } from '../../src/analyzers/list-memo.js';
import { runAnalyzers } from '../../src/analyzers/engine.js';
import { ANALYZERS } from '../../src/analyzers/registry.js';
import { defaultAnalysisSettings } from '../../src/analyzers/settings.js';
import type { Finding } from '../../src/analyzers/types.js';
import { snapshotOf } from '../../src/cluster/snapshot.js';
import { ClusterView } from '../../src/cluster/view.js';
import { parseDocuments } from '../../src/input/documents.js';
import type { KindName } from '../../src/model/kinds.js';
import { exampleDump, yamlFiles } from '../helpers/example-dump.js';
import { FIXTURES, FIXTURE_NOW } from '../helpers/fixtures.js';

const OPTIONS = { settings: defaultAnalysisSettings(), now: FIXTURE_NOW };
const CHANGED_KINDS: readonly KindName[] = ['Pod', 'Namespace'];

const keys = (findings: readonly Finding[]): string[] => findings.map((f) => JSON.stringify([f.check, f.severity, f.subject, f.object, f.message, f.evidence, f.related ?? null])).sort();

type Raw = Record<string, unknown> & { kind?: string; metadata?: Record<string, unknown> };
const CHANGES: readonly [string, (o: Raw) => Raw | undefined][] = [
  ['emptying the labels of', (o) => ({ ...o, metadata: { ...o.metadata, labels: {} } })],
  ['emptying the status of', (o) => ({ ...o, status: {} })],
  ['removing', () => undefined],
];

/**
 * For each pod and Namespace and each change: a live view of the objects, every analyzer run once on
 * it (so whatever they keep is warm), the change applied as a watch event would, a second pass;
 * compared with a pass on a view built afresh from the changed objects.
 */
function disagreements(objects: readonly unknown[]): string[] {
  const snapshot = snapshotOf(objects);
  const loaded = [...snapshot.loadedKinds];
  const out: string[] = [];
  objects.forEach((raw, index) => {
    const original = raw as Raw;
    const kind = original.kind as KindName | undefined;
    if (!kind || !CHANGED_KINDS.includes(kind)) return;
    for (const [what, change] of CHANGES) {
      const live = new ClusterView(snapshot);
      const before = live.get(kind, original.metadata?.namespace as string | undefined, String(original.metadata?.name));
      if (!before) return;
      runAnalyzers(live, ANALYZERS, OPTIONS);
      const changed = change(original);
      const fresh = new ClusterView(snapshotOf(objects.flatMap((o, i) => (i !== index ? [o] : changed ? [changed] : [])), loaded));
      const after = changed ? fresh.get(kind, before.metadata.namespace, before.metadata.name) : undefined;
      if (changed && !after) continue;
      if (after) live.upsert(kind, after);
      else live.remove(kind, before);
      const got = keys(runAnalyzers(live, ANALYZERS, OPTIONS).findings);
      const want = keys(runAnalyzers(fresh, ANALYZERS, OPTIONS).findings);
      if (JSON.stringify(got) !== JSON.stringify(want)) out.push(`${what} ${kind} ${String(before.metadata.namespace ?? '')}/${before.metadata.name}: live ${JSON.stringify(got.filter((k) => !want.includes(k))).slice(0, 300)}, fresh ${JSON.stringify(want.filter((k) => !got.includes(k))).slice(0, 300)}`);
    }
  });
  return out;
}

describe('analyzers on the live view', () => {
  it('keep a result for as long as the list it came from, and recompute for a new list or a new companion object', () => {
    const memo = new ListMemo<{ n: number }, number>();
    let computed = 0;
    const sum = (list: readonly { n: number }[]): number => (computed += 1, list.reduce((s, o) => s + o.n, 0));
    const list = [{ n: 1 }, { n: 2 }];
    const namespace = {};
    expect(memo.get(list, sum, namespace)).toBe(3);
    expect(memo.get(list, sum, namespace)).toBe(3);
    expect(computed).toBe(1);
    expect(memo.get([...list, { n: 4 }], sum, namespace)).toBe(7);
    expect(memo.get(list, sum, {})).toBe(3);
    expect(computed).toBe(3);
  });

  const files = yamlFiles(FIXTURES).filter((file) => !file.includes('/cli/'));
  it.each(files.map((file) => [file.slice(FIXTURES.length + 1), file]))('agree with a fresh view after each pod and Namespace change: %s', (_name, file) => {
    expect(disagreements(parseDocuments(readFileSync(file, 'utf8'), file))).toEqual([]);
  });

  it('agree with a fresh view after each pod and Namespace change of the example dump', { timeout: 600_000 }, () => {
    expect(disagreements(exampleDump())).toEqual([]);
  });
});
