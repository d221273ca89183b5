// Analyzers that declare scope 'subject' are re-run by the controller on just the subjects a change
// can affect. Two claims make that sound, checked on every fixture file and on the example dump:
// (1) focus: for every subject S, running the analyzer on a view whose lists of its subjectKinds
//     hold only S's objects gives exactly the full run's findings about S;
// (2) mapping: removing any one object (or replacing a pod's labels, or any object's status) changes the findings of no
//     subject that subjectsAffectedBy does not name, unless it said it was not exact.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAnalyzers } from '../../src/analyzers/engine.js';
import { ANALYZERS } from '../../src/analyzers/registry.js';
import { defaultAnalysisSettings } from '../../src/analyzers/settings.js';
import type { Analyzer, Finding } from '../../src/analyzers/types.js';
import { keepsOwnership, subjectsAffectedBy } from '../../src/cluster/dependents.js';
import { snapshotOf } from '../../src/cluster/snapshot.js';
import { ClusterView, focusOnSubjects, refKey, scopeToNamespaces } from '../../src/cluster/view.js';
import { parseDocuments } from '../../src/input/documents.js';
import type { KindName } from '../../src/model/kinds.js';
import { KIND_DESCRIPTORS } from '../../src/model/kinds.js';
import { kindIdentityOf } from '../../src/model/kind-identity.js';
import type { KubeObject } from '../../src/model/meta.js';
import { exampleDump, yamlFiles } from '../helpers/example-dump.js';
import { FIXTURES, FIXTURE_NOW } from '../helpers/fixtures.js';

const BY_SUBJECT = ANALYZERS.filter((a) => a.scope === 'subject');
const OPTIONS = { settings: defaultAnalysisSettings(), now: FIXTURE_NOW };

/** The same key as namespace-scope.test.ts: everything a finding says. */
const key = (f: Finding): string => JSON.stringify([f.check, f.severity, f.subject, f.object, f.message, f.evidence, f.firstSeen ?? null, f.related ?? null]);

/** Findings keys by subject key. */
function bySubject(findings: readonly Finding[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of findings) out.set(refKey(f.subject), [...(out.get(refKey(f.subject)) ?? []), key(f)]);
  for (const list of out.values()) list.sort();
  return out;
}

/** Subjects whose findings differ between two runs. */
function differingSubjects(before: readonly Finding[], after: readonly Finding[]): string[] {
  const a = bySubject(before);
  const b = bySubject(after);
  return [...new Set([...a.keys(), ...b.keys()])].filter((s) => JSON.stringify(a.get(s) ?? []) !== JSON.stringify(b.get(s) ?? [])).sort();
}

/** Where the focused run of each analyzer disagrees with the full run on one subject. */
function focusMismatches(objects: readonly unknown[], analyzers: readonly Analyzer[] = BY_SUBJECT): string[] {
  const view = new ClusterView(snapshotOf(objects));
  const out: string[] = [];
  for (const analyzer of analyzers) {
    const kinds = analyzer.subjectKinds ?? [];
    const full = bySubject(runAnalyzers(view, [analyzer], OPTIONS).findings);
    const subjects = new Set<string>(full.keys());
    const namespaceOf = new Map<string, string>();
    for (const kind of kinds) {
      for (const obj of view.list(kind)) {
        const subject = view.subjectOf(obj);
        subjects.add(refKey(subject));
        namespaceOf.set(refKey(subject), obj.metadata.namespace ?? '');
      }
    }
    for (const subject of subjects) {
      const namespace = namespaceOf.get(subject) ?? subject.split('/')[1] ?? '';
      const focused = focusOnSubjects(scopeToNamespaces(view, new Set([namespace])), new Set([subject]), kinds);
      const found = runAnalyzers(focused, [analyzer], OPTIONS).findings.map(key).sort();
      const expected = full.get(subject) ?? [];
      if (JSON.stringify(found) !== JSON.stringify(expected)) out.push(`${analyzer.name} on ${subject}: focused ${found.length} findings, full ${expected.length}`);
    }
  }
  return out;
}

function kindOf(raw: unknown): KindName | undefined {
  const { kind, apiVersion } = raw as { kind?: unknown; apiVersion?: unknown };
  if (typeof kind !== 'string') return undefined;
  // The registry's identity: the apiVersion tells Istio's Gateway from the Gateway API's.
  const identity = kindIdentityOf(kind, typeof apiVersion === 'string' ? apiVersion : undefined);
  return Object.hasOwn(KIND_DESCRIPTORS, identity) ? (identity as KindName) : undefined;
}

/** The parsed form of a raw object, as the view holds it. */
function parsedIn(view: ClusterView, raw: unknown): { kind: KindName; obj: KubeObject } | undefined {
  const kind = kindOf(raw);
  const meta = (raw as { metadata?: { namespace?: string; name?: string } }).metadata;
  if (!kind || !meta?.name) return undefined;
  const obj = view.get(kind, meta.namespace, meta.name);
  return obj ? { kind, obj } : undefined;
}

/**
 * Subjects whose findings moved when one object went (or a pod's labels were replaced) that the
 * mapping did not name while claiming to be exact.
 */
function unmappedChanges(objects: readonly unknown[], analyzers: readonly Analyzer[] = BY_SUBJECT, map = subjectsAffectedBy): string[] {
  const snapshot = snapshotOf(objects);
  const loaded = [...snapshot.loadedKinds];
  const view = new ClusterView(snapshot);
  const full = runAnalyzers(view, analyzers, OPTIONS).findings;
  const out: string[] = [];
  objects.forEach((raw, index) => {
    const found = parsedIn(view, raw);
    if (!found) return;
    const { kind, obj } = found;
    const label = `${kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
    const without = new ClusterView(snapshotOf(objects.filter((_, i) => i !== index), loaded));
    const differing = differingSubjects(full, runAnalyzers(without, analyzers, OPTIONS).findings);
    const mapped = map(view, kind, obj);
    const missed = differing.filter((s) => !mapped.subjects.includes(s));
    if (mapped.exact && missed.length) out.push(`removing ${label} changes ${missed.join(', ')}`);
    // Updates: a pod's labels replaced, any object's status emptied (its owner references and
    // uid kept); the old object mapped on the view before the change, the new one after.
    const updates: [string, (o: Record<string, unknown>) => Record<string, unknown>][] = [];
    if (kind === 'Pod') updates.push(['relabelling', (o) => ({ ...o, metadata: { ...(o.metadata as object), labels: {} } })]);
    if ((raw as { status?: unknown }).status !== undefined) updates.push(['emptying the status of', (o) => ({ ...o, status: {} })]);
    for (const [what, update] of updates) {
      const changed = objects.map((o, i) => (i === index ? update(o as Record<string, unknown>) : o));
      const after = new ClusterView(snapshotOf(changed, loaded));
      const changedAfter = parsedIn(after, changed[index]);
      if (!changedAfter) continue;
      const ownershipKept = keepsOwnership(obj, changedAfter.obj);
      const before = map(view, kind, obj, { ownershipKept });
      const mappedAfter = map(after, kind, changedAfter.obj, { ownershipKept });
      const union = new Set([...before.subjects, ...mappedAfter.subjects]);
      const missedUpdate = differingSubjects(full, runAnalyzers(after, analyzers, OPTIONS).findings).filter((s) => !union.has(s));
      if (before.exact && mappedAfter.exact && missedUpdate.length) out.push(`${what} ${label} changes ${missedUpdate.join(', ')}`);
    }
  });
  return out;
}

const families = readdirSync(FIXTURES).filter((d) => d !== 'cli');
const fixtureFiles = (family: string): string[] => yamlFiles(join(FIXTURES, family));
const load = (file: string): unknown[] => parseDocuments(readFileSync(file, 'utf8'), file);

describe('subject-scoped analyzers', () => {
  it('are the pod and pods-not-starting analyzers and more, each naming the kinds it iterates', () => {
    expect(BY_SUBJECT.length).toBeGreaterThan(15);
    for (const analyzer of BY_SUBJECT) {
      expect(analyzer.subjectKinds?.length, analyzer.name).toBeGreaterThan(0);
      for (const kind of analyzer.subjectKinds ?? []) expect([...analyzer.reads, ...(analyzer.optionalReads ?? [])], analyzer.name).toContain(kind);
    }
  });

  it('give per subject exactly the full run\'s findings on the example dump', () => {
    expect(focusMismatches(exampleDump())).toEqual([]);
  });

  it.each(families)('give per subject exactly the full run\'s findings on the %s fixtures', (family) => {
    expect(fixtureFiles(family).flatMap((file) => focusMismatches(load(file)).map((m) => `${file.slice(FIXTURES.length + 1)}: ${m}`))).toEqual([]);
  });
});

describe('subjectsAffectedBy', () => {
  it('names every subject whose findings a removed or updated object changes, on the example dump', () => {
    expect(unmappedChanges(exampleDump())).toEqual([]);
  }, 120_000);

  it.each(families)('names every subject whose findings a removed or updated object changes, on the %s fixtures', (family) => {
    expect(fixtureFiles(family).flatMap((file) => unmappedChanges(load(file)).map((m) => `${file.slice(FIXTURES.length + 1)}: ${m}`))).toEqual([]);
  }, 60_000);
});
