import { describe, expect, it } from 'vitest';
import type { Analyzer } from '../../src/analyzers/types.js';
import { analyzeFixtures, analyzeObjects, loadFixture } from '../helpers/fixtures.js';

const crashloop = loadFixture('pods/crashloop.yaml');
const checksOf = (run: { findings: readonly { check: string }[] }) => run.findings.map((f) => f.check);

function annotate(objects: unknown[], kind: string, annotations: Record<string, string>): unknown[] {
  return objects.map((o) => {
    const obj = o as { kind: string; metadata: Record<string, unknown> };
    return obj.kind === kind ? { ...obj, metadata: { ...obj.metadata, annotations: { ...(obj.metadata.annotations as object), ...annotations } } } : obj;
  });
}

describe('the analysis engine', () => {
  it('suppresses checks named in sre.otomi.io/ignore-checks on the subject', () => {
    const run = analyzeObjects(annotate(crashloop, 'Deployment', { 'sre.otomi.io/ignore-checks': 'PodOOMKilled, PodCrashLooping' }));
    expect(checksOf(run)).not.toContain('PodCrashLooping');
  });

  it('suppresses checks named on the subject namespace', () => {
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', uid: 'ns-shop', annotations: { 'sre.otomi.io/ignore-checks': 'PodCrashLooping' } }, status: { phase: 'Active' } };
    expect(checksOf(analyzeObjects([...crashloop, ns]))).not.toContain('PodCrashLooping');
    const other = annotate([ns], 'Namespace', { 'sre.otomi.io/ignore-checks': 'PodOOMKilled' });
    expect(checksOf(analyzeObjects([...crashloop, ...other]))).toContain('PodCrashLooping');
  });

  it('applies severity overrides and disabled checks', () => {
    const overridden = analyzeFixtures(['pods/crashloop.yaml'], { settings: { severityOverrides: { PodCrashLooping: 'warning' } } });
    expect(overridden.findings.find((f) => f.check === 'PodCrashLooping')?.severity).toBe('warning');
    const disabled = analyzeFixtures(['pods/crashloop.yaml'], { settings: { disabledChecks: ['PodCrashLooping'] } });
    expect(checksOf(disabled)).not.toContain('PodCrashLooping');
  });

  const throwing: Analyzer = { name: 'throws', description: '', checks: ['NodeCordoned'], reads: ['Pod'], analyze: () => { throw new Error('boom'); } };
  const undeclaredKind: Analyzer = { name: 'reads-nodes', description: '', checks: ['NodeCordoned'], reads: ['Pod'], analyze: ({ view }) => (view.list('Node'), []) };
  const undeclaredCheck: Analyzer = {
    name: 'wrong-check', description: '', checks: ['NodeCordoned'], reads: ['Pod'],
    analyze: () => [{ check: 'NodeNotReady', severity: 'critical', subject: { kind: 'Node', name: 'n' }, object: { kind: 'Node', name: 'n' }, message: 'x', evidence: [] }],
  };
  const needsNodes: Analyzer = { name: 'needs-nodes', description: '', checks: ['NodeCordoned'], reads: ['Node'], analyze: () => { throw new Error('must not run'); } };
  const good: Analyzer = {
    name: 'good', description: '', checks: ['PodProbesMissing'], reads: ['Pod'],
    analyze: () => [{ check: 'PodProbesMissing', severity: 'info', subject: { kind: 'Pod', name: 'p' }, object: { kind: 'Pod', name: 'p' }, message: 'x', evidence: Array.from({ length: 100 }, (_, i) => `line ${i}`) }],
  };

  it('isolates a failing analyzer, an undeclared kind and an undeclared check; the rest runs', () => {
    const run = analyzeObjects(crashloop, { analyzers: [throwing, undeclaredKind, undeclaredCheck, needsNodes, good] });
    expect(run.errors.map((e) => e.analyzer)).toEqual(['throws', 'reads-nodes', 'wrong-check']);
    expect(run.errors[1]?.message).toContain('reads Node but does not declare it');
    expect(run.skipped).toEqual([{ analyzer: 'needs-nodes', missing: ['Node'] }]);
    expect(checksOf(run)).toEqual(['PodProbesMissing']);
  });

  it('bounds evidence and says how much was left out', () => {
    const [finding] = analyzeObjects(crashloop, { analyzers: [good] }).findings;
    expect(finding?.evidence.length).toBeLessThan(40);
    expect(finding?.evidence.at(-1)).toMatch(/^\(\d+ more evidence items left out\)$/);
  });
});
