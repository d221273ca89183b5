import { describe, expect, it } from 'vitest';
import { ANALYZERS } from '../../src/analyzers/registry.js';
import { defaultAnalysisSettings } from '../../src/analyzers/settings.js';
import { snapshotOf } from '../../src/cluster/snapshot.js';
import { ClusterView } from '../../src/cluster/view.js';
import type { Analyzer } from '../../src/analyzers/types.js';
import { IncrementalAnalysis } from '../../src/controller/incremental-analysis.js';
import { FIXTURE_NOW, loadFixture } from '../helpers/fixtures.js';

const SUBJECT = 'Deployment/shop/checkout';
const viewOf = (objects: unknown[]): ClusterView => new ClusterView(snapshotOf(objects));

function healed(objects: unknown[]): unknown[] {
  return objects.map((o) => {
    const obj = o as { kind: string; status?: { containerStatuses?: unknown[] } };
    if (obj.kind !== 'Pod') return obj;
    return {
      ...obj,
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-11-25T11:59:00Z' }],
        containerStatuses: [{ name: 'app', ready: true, started: true, restartCount: 9, image: 'registry.example.com/shop/checkout:1.4.2', imageID: 'x', state: { running: { startedAt: '2026-11-25T11:59:00Z' } } }],
      },
    };
  });
}

describe('incremental analysis', () => {
  const broken = loadFixture('pods/crashloop.yaml');

  it('reports every subject on the first pass and nothing when nothing changed', () => {
    const analysis = new IncrementalAnalysis(ANALYZERS, defaultAnalysisSettings);
    expect(analysis.run(viewOf(broken), FIXTURE_NOW).changed).toContain(SUBJECT);
    const again = analysis.run(viewOf(broken), FIXTURE_NOW + 60_000, { kinds: new Set(['Pod']) });
    expect(again.changed).toEqual([]);
  });

  it('re-runs only the analyzers that read a changed kind', () => {
    const analysis = new IncrementalAnalysis(ANALYZERS, defaultAnalysisSettings);
    const full = analysis.run(viewOf(broken), FIXTURE_NOW);
    const nodesOnly = analysis.run(viewOf(broken), FIXTURE_NOW, { kinds: new Set(['StorageClass']) });
    expect(nodesOnly.analyzersRun).toBeLessThan(full.analyzersRun);
  });

  it('marks a subject changed when its findings resolve, and keeps its identity for the Healthy report', () => {
    const analysis = new IncrementalAnalysis(ANALYZERS, defaultAnalysisSettings);
    analysis.run(viewOf(broken), FIXTURE_NOW);
    expect(analysis.subject(SUBJECT)?.findings.some((f) => f.check === 'PodCrashLooping')).toBe(true);
    const pass = analysis.run(viewOf(healed(broken)), FIXTURE_NOW, { kinds: new Set(['Pod']) });
    expect(pass.changed).toContain(SUBJECT);
    const after = analysis.subject(SUBJECT);
    expect(after?.subject).toMatchObject({ kind: 'Deployment', name: 'checkout' });
    expect(after?.findings.filter((f) => f.severity !== 'info').map((f) => f.check)).not.toContain('PodCrashLooping');
  });

  it('does not count a later firstSeen as a change (the report keeps the earliest), but an earlier one', () => {
    // A crash loop dated by its latest exit (no back-off events) moves firstSeen on every restart.
    let firstSeen = '2026-11-25T11:00:00Z';
    const dated: Analyzer = {
      name: 'dated',
      description: 'one finding whose firstSeen the test moves',
      checks: ['PodCrashLooping'],
      reads: ['Pod'],
      analyze: () => [
        {
          check: 'PodCrashLooping',
          severity: 'critical',
          subject: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'checkout' },
          object: { apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'checkout-7d9f8-abcde', container: 'app' },
          message: 'The container app of pod shop/checkout-7d9f8-abcde is crash-looping.',
          evidence: [],
          firstSeen,
        },
      ],
    };
    const analysis = new IncrementalAnalysis([dated], defaultAnalysisSettings);
    expect(analysis.run(viewOf(broken), FIXTURE_NOW).changed).toEqual([SUBJECT]);
    firstSeen = '2026-11-25T11:00:20Z';
    expect(analysis.run(viewOf(broken), FIXTURE_NOW, { kinds: new Set(['Pod']) }).changed).toEqual([]);
    firstSeen = '2026-11-25T10:30:00Z';
    expect(analysis.run(viewOf(broken), FIXTURE_NOW, { kinds: new Set(['Pod']) }).changed).toEqual([SUBJECT]);
    firstSeen = '2026-11-25T10:45:00Z';
    expect(analysis.run(viewOf(broken), FIXTURE_NOW, { kinds: new Set(['Pod']) }).changed).toEqual([]);
  });
});

describe('namespace-scoped passes', () => {
  const shop = loadFixture('pods/crashloop.yaml');
  const reports = loadFixture('general/malformed-pod.yaml');
  const findingsOf = (analysis: IncrementalAnalysis): string[] =>
    analysis.subjectKeys().sort().flatMap((key) => (analysis.subject(key)?.findings ?? []).map((f) => `${key} ${f.check} ${f.object.name}`));

  it('re-analyze only the changed namespace and end where a full pass would', () => {
    const incremental = new IncrementalAnalysis(ANALYZERS, defaultAnalysisSettings);
    incremental.run(viewOf([...shop, ...reports]), FIXTURE_NOW);
    const pass = incremental.run(viewOf([...healed(shop), ...reports]), FIXTURE_NOW, { kinds: new Set(['Pod']), namespaces: new Set(['shop']) });
    expect(pass.changed).toEqual([SUBJECT]);

    const fresh = new IncrementalAnalysis(ANALYZERS, defaultAnalysisSettings);
    fresh.run(viewOf([...healed(shop), ...reports]), FIXTURE_NOW);
    expect(findingsOf(incremental)).toEqual(findingsOf(fresh));
    expect(findingsOf(incremental).some((f) => f.startsWith('Deployment/reports/reporting PodCrashLooping'))).toBe(true);
  });

  it('keep the other namespaces\' findings even though their objects were not re-analyzed', () => {
    const incremental = new IncrementalAnalysis(ANALYZERS, defaultAnalysisSettings);
    incremental.run(viewOf([...shop, ...reports]), FIXTURE_NOW);
    incremental.run(viewOf([...shop, ...reports]), FIXTURE_NOW, { kinds: new Set(['Pod']), namespaces: new Set(['shop']) });
    expect(incremental.subject('Deployment/reports/reporting')?.findings.map((f) => f.check)).toContain('PodCrashLooping');
    expect(incremental.subject(SUBJECT)?.findings.map((f) => f.check)).toContain('PodCrashLooping');
  });
});

describe('a failing analyzer', () => {
  it('keeps its previous findings instead of reading as resolved', () => {
    let calls = 0;
    const flaky: Analyzer = {
      name: 'flaky', description: 'fails on its second run', checks: ['NodeCordoned'], reads: ['Pod'],
      analyze: () => {
        calls += 1;
        if (calls > 1) throw new Error('bug');
        return [{ check: 'NodeCordoned', severity: 'info', subject: { kind: 'Node', name: 'worker-1' }, object: { kind: 'Node', name: 'worker-1' }, message: 'cordoned', evidence: [] }];
      },
    };
    const analysis = new IncrementalAnalysis([flaky], defaultAnalysisSettings);
    analysis.run(viewOf(loadFixture('pods/crashloop.yaml')), FIXTURE_NOW);
    const pass = analysis.run(viewOf(loadFixture('pods/crashloop.yaml')), FIXTURE_NOW, { kinds: new Set(['Pod']) });
    expect(pass.errors.map((e) => e.analyzer)).toEqual(['flaky']);
    expect(pass.changed).toEqual([]);
    expect(analysis.subject('Node//worker-1')?.findings.map((f) => f.check)).toEqual(['NodeCordoned']);
  });
});

describe('re-checks at the moments time-based verdicts change', () => {
  // worker-84c6d5f7b-b4n6c has been unschedulable since 11:59:36, 24 s before FIXTURE_NOW: below
  // podUnschedulableAfter (60 s) until 12:00:36.
  const scheduling = loadFixture('pods-not-starting/scheduling.yaml');
  const WORKER = 'Deployment/sched/worker';
  const crossing = Date.parse('2026-11-25T12:00:36Z');

  it('schedules the crossing, and the pass at that moment reports the finding by re-running only the analyzers due', () => {
    const analysis = new IncrementalAnalysis(ANALYZERS, defaultAnalysisSettings);
    const view = viewOf(scheduling);
    analysis.run(view, FIXTURE_NOW);
    expect(analysis.subject(WORKER)?.findings.map((f) => f.check) ?? []).not.toContain('PodUnschedulable');
    const next = analysis.nextRecheckAt();
    expect(next).toBeDefined();
    expect(next).toBeGreaterThan(FIXTURE_NOW);
    expect(next).toBeLessThanOrEqual(crossing);
    // Walk the schedule as the controller does: nothing changed, only time passed.
    let now = next ?? Infinity;
    let pass = analysis.run(view, now, { kinds: new Set(), due: analysis.dueRechecks(now) });
    while (now < crossing) {
      expect(pass.analyzersRun).toBeLessThan(ANALYZERS.length);
      now = analysis.nextRecheckAt() ?? Infinity;
      pass = analysis.run(view, now, { kinds: new Set(), due: analysis.dueRechecks(now) });
    }
    expect(now).toBe(crossing);
    expect(pass.changed).toContain(WORKER);
    expect(analysis.subject(WORKER)?.findings.map((f) => f.check)).toContain('PodUnschedulable');
  });

  it('takes due re-checks out of the schedule, and keeps those still ahead', () => {
    const analysis = new IncrementalAnalysis(ANALYZERS, defaultAnalysisSettings);
    analysis.run(viewOf(scheduling), FIXTURE_NOW);
    const next = analysis.nextRecheckAt() ?? Infinity;
    expect(analysis.dueRechecks(next - 1)).toEqual([]);
    const due = analysis.dueRechecks(next);
    expect(due.length).toBeGreaterThan(0);
    expect(due.every((r) => r.at <= next)).toBe(true);
    expect(analysis.dueRechecks(next)).toEqual([]);
    expect(analysis.nextRecheckAt() ?? Infinity).toBeGreaterThan(next);
  });

  it('re-runs a namespace-scoped analyzer on the due namespace only', () => {
    const seen: string[][] = [];
    const timed: Analyzer = {
      name: 'timed', description: 'asks for a re-check per namespace', checks: ['PodUnschedulable'], reads: ['Pod'], scope: 'namespace',
      analyze: (ctx) => {
        const namespaces = [...new Set(ctx.view.list('Pod').map((p) => p.metadata.namespace ?? ''))].sort();
        seen.push(namespaces);
        for (const namespace of namespaces) ctx.recheckAt(ctx.now + (namespace === 'shop' ? 1000 : 5000), namespace);
        return [];
      },
    };
    const analysis = new IncrementalAnalysis([timed], defaultAnalysisSettings);
    const view = viewOf([...loadFixture('pods/crashloop.yaml'), ...scheduling]);
    analysis.run(view, FIXTURE_NOW);
    expect(seen[0]).toEqual(['sched', 'shop']);
    expect(analysis.nextRecheckAt()).toBe(FIXTURE_NOW + 1000);
    analysis.run(view, FIXTURE_NOW + 1000, { kinds: new Set(), due: analysis.dueRechecks(FIXTURE_NOW + 1000) });
    expect(seen[1]).toEqual(['shop']);
    // 'sched' still waits for its own moment; 'shop' asked again from its new run.
    expect(analysis.nextRecheckAt()).toBe(FIXTURE_NOW + 2000);
    expect(analysis.dueRechecks(FIXTURE_NOW + 5000).map((r) => r.namespace).sort()).toEqual(['sched', 'shop']);
  });
});
