// The controller keeps one ClusterView alive and applies watch events to it instead of rebuilding
// it per pass. That is only sound if a view changed object by object reads exactly like a view built
// fresh from the final objects. Checked on the example dump (every family mixed), reached through
// detours: objects first added in another shape (another node, another involved object, another
// uid, other owners), and objects added and removed again.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAnalyzers } from '../../src/analyzers/engine.js';
import { ANALYZERS } from '../../src/analyzers/registry.js';
import { defaultAnalysisSettings } from '../../src/analyzers/settings.js';
import { snapshotOf } from '../../src/cluster/snapshot.js';
import { ClusterView } from '../../src/cluster/view.js';
import type { ClusterReader } from '../../src/cluster/view.js';
import { parseDocuments } from '../../src/input/documents.js';
import type { KindName } from '../../src/model/kinds.js';
import { KIND_NAMES } from '../../src/model/kinds.js';
import type { KubeObject } from '../../src/model/meta.js';
import { FIXTURE_NOW } from '../helpers/fixtures.js';

const EXAMPLES = join(import.meta.dirname, '..', '..', 'examples', 'broken-cluster');
const raws = readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml')).flatMap((f) => parseDocuments(readFileSync(join(EXAMPLES, f), 'utf8'), f));
const fresh = new ClusterView(snapshotOf(raws));
const snapshot = snapshotOf(raws);
const objects: [KindName, KubeObject][] = [...snapshot.objects].flatMap(([kind, list]) => list.map((o): [KindName, KubeObject] => [kind, o]));

const names = (list: readonly KubeObject[]): string[] => list.map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort();

/** Another shape of the same object: every field an index is keyed by is different. */
function decoy(kind: KindName, obj: KubeObject): KubeObject {
  const metadata = { ...obj.metadata, uid: `decoy-${obj.metadata.uid ?? obj.metadata.name}`, ownerReferences: [] };
  if (kind === 'Pod') return { ...obj, metadata, spec: { ...(obj as unknown as { spec: object }).spec, nodeName: 'decoy-node' } } as KubeObject;
  if (kind === 'Event') return { ...obj, metadata, involved: { kind: 'Pod', namespace: 'decoy', name: 'decoy' } } as KubeObject;
  return { ...obj, metadata } as KubeObject;
}

/** A copy under another name in another namespace: added, then removed again. */
function passing(obj: KubeObject): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, name: `${obj.metadata.name}-passing`, uid: `passing-${obj.metadata.uid ?? obj.metadata.name}`, ...(obj.metadata.namespace ? { namespace: 'passing' } : {}) } } as KubeObject;
}

function liveView(): ClusterView {
  const view = new ClusterView();
  for (const kind of snapshot.loadedKinds) view.setLoaded(kind, true);
  view.setUnparseable(snapshot.unparseable);
  // Detours first: a shape of each object that must leave no trace once it is replaced, and
  // objects that come and go. Lists keep the order objects first arrived in (the dump's order
  // here), as a fresh build from the same arrivals would.
  for (const [kind, obj] of objects) view.upsert(kind, decoy(kind, obj));
  for (const [kind, obj] of objects) view.upsert(kind, passing(decoy(kind, obj)));
  for (const [kind, obj] of [...objects].reverse()) view.remove(kind, passing(obj));
  for (const [kind, obj] of objects) view.upsert(kind, obj);
  return view;
}

function readEverything(view: ClusterReader): unknown {
  const out: Record<string, unknown> = {};
  for (const kind of KIND_NAMES) {
    out[`list ${kind}`] = names(view.list(kind));
    for (const namespace of view.namespaces()) out[`in ${namespace} ${kind}`] = names(view.inNamespace(kind, namespace));
  }
  for (const node of [...view.list('Node').map((n) => n.metadata.name), 'decoy-node']) out[`node ${node}`] = names(view.podsOnNode(node));
  for (const [kind, obj] of objects) {
    const ref = { kind, namespace: obj.metadata.namespace, name: obj.metadata.name };
    out[`events ${kind} ${obj.metadata.namespace ?? ''}/${obj.metadata.name}`] = view.eventsFor(ref).map((e) => e.metadata.name);
    out[`subject ${kind} ${obj.metadata.namespace ?? ''}/${obj.metadata.name}`] = view.subjectOf(view.get(kind, obj.metadata.namespace, obj.metadata.name) ?? obj);
    out[`controller ${kind} ${obj.metadata.namespace ?? ''}/${obj.metadata.name}`] = view.controllerOf(obj)?.object?.metadata.uid;
  }
  out['events decoy'] = view.eventsFor({ kind: 'Pod', namespace: 'decoy', name: 'decoy' }).length;
  out.namespaces = view.namespaces();
  return out;
}

describe('a ClusterView kept up to date change by change', () => {
  it('reads like one built fresh from the final objects', () => {
    expect(objects.length).toBeGreaterThan(200);
    expect(readEverything(liveView())).toEqual(readEverything(fresh));
  });

  it('gives the analyzers exactly the findings of a fresh build', () => {
    const options = { settings: defaultAnalysisSettings(), now: FIXTURE_NOW };
    const expected = runAnalyzers(fresh, ANALYZERS, options);
    expect(expected.findings.length).toBeGreaterThan(50);
    expect(runAnalyzers(liveView(), ANALYZERS, options).findings).toEqual(expected.findings);
  });

  it('forgets a kind whose API is no longer served', () => {
    const view = liveView();
    expect(view.list('Pod').length).toBeGreaterThan(0);
    view.clear('Pod');
    expect(view.list('Pod')).toEqual([]);
    expect(view.has('Pod')).toBe(false);
    expect(view.podsOnNode(view.list('Node')[0]?.metadata.name ?? '')).toEqual([]);
    expect(view.namespaces()).toEqual(fresh.namespaces().filter((ns) => view.list('Namespace').some((n) => n.metadata.name === ns) || KIND_NAMES.some((k) => k !== 'Pod' && view.inNamespace(k, ns).length > 0)));
  });
});
