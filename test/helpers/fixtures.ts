// Test helpers: run analyzers on YAML fixtures exactly as `healthreport analyze -f` would.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { snapshotOf } from '../../src/cluster/snapshot.js';
import { ClusterView } from '../../src/cluster/view.js';
import { runAnalyzers } from '../../src/analyzers/engine.js';
import type { AnalysisRun } from '../../src/analyzers/engine.js';
import { ANALYZERS } from '../../src/analyzers/registry.js';
import { analysisSettingsSchema } from '../../src/analyzers/settings.js';
import type { Analyzer, ExtraEvidence } from '../../src/analyzers/types.js';
import type { KindName } from '../../src/model/kinds.js';
import { parseDocuments } from '../../src/input/documents.js';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

/** The fixed "now" of every fixture: timestamps in fixtures are written relative to it. */
export const FIXTURE_NOW = Date.parse('2026-11-25T12:00:00Z');

export function loadFixture(...names: string[]): unknown[] {
  return names.flatMap((name) => parseDocuments(readFileSync(join(FIXTURES, name), 'utf8'), name));
}

export interface AnalyzeOptions {
  now?: number;
  settings?: unknown;
  analyzers?: readonly Analyzer[];
  /** Kinds to treat as listed even when the fixture has none of them. */
  loadedKinds?: readonly KindName[];
  extra?: ExtraEvidence;
}

export function analyzeObjects(objects: readonly unknown[], options: AnalyzeOptions = {}): AnalysisRun {
  const view = new ClusterView(snapshotOf(objects, options.loadedKinds ?? []));
  return runAnalyzers(view, options.analyzers ?? ANALYZERS, {
    settings: analysisSettingsSchema.parse(options.settings ?? {}),
    now: options.now ?? FIXTURE_NOW,
    ...(options.extra ? { extra: options.extra } : {}),
  });
}

export function analyzeFixtures(names: readonly string[], options: AnalyzeOptions = {}): AnalysisRun {
  return analyzeObjects(loadFixture(...names), options);
}

/** `CheckId kind/namespace/name` of the subject, sorted: what table rows compare against. */
export function findingKeys(run: AnalysisRun, severities: readonly string[] = ['critical', 'warning', 'info']): string[] {
  return run.findings
    .filter((f) => severities.includes(f.severity))
    .map((f) => `${f.check} ${f.subject.kind}/${f.subject.namespace ? `${f.subject.namespace}/` : ''}${f.subject.name}`)
    .sort();
}
