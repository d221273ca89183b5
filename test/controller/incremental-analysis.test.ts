import { describe, expect, it } from 'vitest';
import { ANALYZERS } from '../../src/analyzers/registry.js';
import { defaultAnalysisSettings } from '../../src/analyzers/settings.js';
import { snapshotOf } from '../../src/cluster/snapshot.js';
import { IncrementalAnalysis } from '../../src/controller/incremental-analysis.js';
import { FIXTURE_NOW, loadFixture } from '../helpers/fixtures.js';

const SUBJECT = 'Deployment/shop/checkout';

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
    expect(analysis.run(snapshotOf(broken), FIXTURE_NOW).changed).toContain(SUBJECT);
    const again = analysis.run(snapshotOf(broken), FIXTURE_NOW + 60_000, new Set(['Pod']));
    expect(again.changed).toEqual([]);
  });

  it('re-runs only the analyzers that read a changed kind', () => {
    const analysis = new IncrementalAnalysis(ANALYZERS, defaultAnalysisSettings);
    const full = analysis.run(snapshotOf(broken), FIXTURE_NOW);
    const nodesOnly = analysis.run(snapshotOf(broken), FIXTURE_NOW, new Set(['StorageClass']));
    expect(nodesOnly.analyzersRun).toBeLessThan(full.analyzersRun);
  });

  it('marks a subject changed when its findings resolve, and keeps its identity for the Healthy report', () => {
    const analysis = new IncrementalAnalysis(ANALYZERS, defaultAnalysisSettings);
    analysis.run(snapshotOf(broken), FIXTURE_NOW);
    expect(analysis.subject(SUBJECT)?.findings.some((f) => f.check === 'PodCrashLooping')).toBe(true);
    const pass = analysis.run(snapshotOf(healed(broken)), FIXTURE_NOW, new Set(['Pod']));
    expect(pass.changed).toContain(SUBJECT);
    const after = analysis.subject(SUBJECT);
    expect(after?.subject).toMatchObject({ kind: 'Deployment', name: 'checkout' });
    expect(after?.findings.filter((f) => f.severity !== 'info').map((f) => f.check)).not.toContain('PodCrashLooping');
  });
});
