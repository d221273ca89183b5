// Per-subject passes: the controller maps each watch event to the subjects it can affect (old
// object on the view before, new one after) and re-runs the analyzers of scope 'subject' on just
// those. Replayed here on the example dump with the controller's own mapper (SubjectChanges): after
// every pass of deletions, updates and re-creations, the held findings equal a full analysis.
import { describe, expect, it } from 'vitest';
import { ANALYZERS } from '../../src/analyzers/registry.js';
import { defaultAnalysisSettings } from '../../src/analyzers/settings.js';
import { snapshotOf } from '../../src/cluster/snapshot.js';
import { ClusterView } from '../../src/cluster/view.js';
import { IncrementalAnalysis } from '../../src/controller/incremental-analysis.js';
import type { PassRequest } from '../../src/controller/incremental-analysis.js';
import type { InformerEvent } from '../../src/controller/informer.js';
import { SubjectChanges } from '../../src/controller/subject-changes.js';
import type { Pod } from '../../src/model/core.js';
import type { KindName } from '../../src/model/kinds.js';
import { KIND_DESCRIPTORS } from '../../src/model/kinds.js';
import type { KubeObject } from '../../src/model/meta.js';
import { exampleDump } from '../helpers/example-dump.js';
import { FIXTURE_NOW, loadFixture } from '../helpers/fixtures.js';

const ROLL_UP = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);

/** Every finding of every subject, in full. */
function held(analysis: IncrementalAnalysis): string[] {
  return analysis
    .subjectKeys()
    .sort()
    .flatMap((key) => (analysis.subject(key)?.findings ?? []).map((f) => JSON.stringify([key, f.check, f.severity, f.object, f.message, f.evidence, f.firstSeen ?? null, f.related ?? null, f.rootCause ?? null])));
}

function fullAnalysis(view: ClusterView, now: number): string[] {
  const fresh = new IncrementalAnalysis(ANALYZERS, defaultAnalysisSettings);
  fresh.run(view, now);
  return held(fresh);
}

/** A pod that came back healthy: running, ready, no restarts. */
function healed(pod: Pod): Pod {
  return {
    ...pod,
    status: {
      ...pod.status,
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-11-25T11:59:00Z' }],
      containerStatuses: pod.spec.containers.map((c) => ({ name: c.name, ready: true, started: true, restartCount: 0, image: c.image ?? '', imageID: 'x', state: { running: { startedAt: '2026-11-25T11:59:00Z' } } })),
    },
  } as Pod;
}

/** The controller's side of one event: the mapper around the change, the kind and namespaces noted. */
class Controller {
  readonly changes = new SubjectChanges(ANALYZERS);
  kinds = new Set<KindName>();
  namespaces = new Set<string>();

  constructor(readonly view: ClusterView) {}

  event(kind: KindName, event: InformerEvent): void {
    this.changes.record(this.view, kind, event, () => (event.type === 'deleted' ? this.view.remove(kind, event.object) : this.view.upsert(kind, event.object)));
    this.kinds.add(kind);
    for (const obj of event.type === 'updated' ? [event.old, event.object] : [event.object]) if (obj.metadata.namespace !== undefined) this.namespaces.add(obj.metadata.namespace);
  }

  request(): PassRequest {
    const request = { kinds: this.kinds, namespaces: this.namespaces, ...this.changes.take() };
    this.kinds = new Set();
    this.namespaces = new Set();
    return request;
  }
}

describe('per-subject passes', () => {
  it('end where a full analysis would, over deletions, updates and re-creations of the example dump', () => {
    const view = new ClusterView(snapshotOf(exampleDump()));
    const objects: { kind: KindName; obj: KubeObject }[] = (Object.keys(KIND_DESCRIPTORS) as KindName[]).flatMap((kind) => view.list(kind).map((obj) => ({ kind, obj })));
    expect(objects.length).toBeGreaterThan(300);
    const analysis = new IncrementalAnalysis(ANALYZERS, defaultAnalysisSettings);
    analysis.run(view, FIXTURE_NOW);
    const controller = new Controller(view);
    const deleted: typeof objects = [];
    const mismatches: string[] = [];
    let subjectPasses = 0;
    const pass = (what: string): void => {
      const result = analysis.run(view, FIXTURE_NOW, controller.request());
      if (result.subjectsRun > 0) subjectPasses += 1;
      const expected = fullAnalysis(view, FIXTURE_NOW);
      const actual = held(analysis);
      if (JSON.stringify(actual) !== JSON.stringify(expected)) {
        mismatches.push(`after ${what}: held ${actual.filter((f) => !expected.includes(f)).join(' | ')} ; missing ${expected.filter((f) => !actual.includes(f)).join(' | ')}`);
      }
    };
    // Pods one per pass, three other events a pass: pods relabelled, healed or orphaned, owners' status changed, the rest deleted.
    objects.forEach(({ kind, obj }, index) => {
      const label = `${kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
      if (kind === 'Pod' && index % 4 !== 3) {
        // Labels gone (it leaves its Services), healed, or released by its workload (no owner, no
        // labels: only the old object leads to the report it leaves).
        const changed = index % 4 === 0 ? { ...obj, metadata: { ...obj.metadata, labels: {} } } : index % 4 === 1 ? healed(obj as Pod) : { ...obj, metadata: { ...obj.metadata, labels: {}, ownerReferences: [] } };
        controller.event(kind, { type: 'updated', old: obj, object: changed });
      } else if (ROLL_UP.has(kind) && index % 2 === 0) {
        controller.event(kind, { type: 'updated', old: obj, object: { ...obj, status: {} } as KubeObject });
      } else {
        controller.event(kind, { type: 'deleted', object: obj });
        deleted.push({ kind, obj });
      }
      // Pods one at a time: a pod's neighbours usually share its subject and would hide a miss.
      if (kind === 'Pod' || index % 3 === 2) pass(`${label} (and the objects before it since the last pass)`);
    });
    pass('the last changes');
    // Everything deleted comes back, five at a time.
    deleted.forEach(({ kind, obj }, index) => {
      controller.event(kind, { type: 'added', object: obj });
      if (index % 5 === 4) pass(`re-creating ${kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`);
    });
    pass('the last re-creations');
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(subjectPasses).toBeGreaterThan(50);
  }, 120_000);

  it('re-analyze just the mapped subjects, keeping the rest of the namespace as it was', () => {
    const shop = loadFixture('pods/crashloop.yaml');
    const view = new ClusterView(snapshotOf(shop));
    const analysis = new IncrementalAnalysis(ANALYZERS, defaultAnalysisSettings);
    analysis.run(view, FIXTURE_NOW);
    expect(analysis.subject('Deployment/shop/checkout')?.findings.map((f) => f.check)).toContain('PodCrashLooping');
    const controller = new Controller(view);
    for (const pod of view.list('Pod').filter((p) => p.metadata.namespace === 'shop')) controller.event('Pod', { type: 'updated', old: pod, object: healed(pod) });
    const request = controller.request();
    expect([...(request.subjects ?? [])]).toContain('Deployment/shop/checkout');
    expect([...(request.inexactKinds ?? [])]).toEqual([]);
    const result = analysis.run(view, FIXTURE_NOW, request);
    expect(result.subjectsRun).toBe(request.subjects?.size);
    expect(result.changed).toContain('Deployment/shop/checkout');
    expect(analysis.subject('Deployment/shop/checkout')?.findings.map((f) => f.check) ?? []).not.toContain('PodCrashLooping');
    expect(held(analysis)).toEqual(fullAnalysis(view, FIXTURE_NOW));
  });

  it('fall back to the namespace when a change does not map exactly', () => {
    const view = new ClusterView(snapshotOf(loadFixture('pods/crashloop.yaml')));
    const analysis = new IncrementalAnalysis(ANALYZERS, defaultAnalysisSettings);
    analysis.run(view, FIXTURE_NOW);
    const controller = new Controller(view);
    const event = view.list('Event').find((e) => e.metadata.namespace === 'shop');
    expect(event).toBeDefined();
    if (!event) return;
    // An event whose pod is gone: the subject its name implies is a guess.
    const orphan = { ...event, involved: { ...event.involved, name: 'checkout-gone-abcde' } };
    controller.event('Event', { type: 'updated', old: event, object: orphan });
    const request = controller.request();
    expect([...(request.inexactKinds ?? [])]).toEqual(['Event']);
    const result = analysis.run(view, FIXTURE_NOW, request);
    expect(held(analysis)).toEqual(fullAnalysis(view, FIXTURE_NOW));
    // The Event readers re-ran their namespace; the Event-free pod analyzers were not touched.
    expect(result.subjectsRun).toBe(0);
  });
});
