// Runs the analyzers over a view: skips those whose inputs are not loaded, isolates their failures,
// and applies configuration (disabled checks, severity overrides, suppression annotations, bounds).
import type { ClusterReader } from '../cluster/view.js';
import { restrictView } from '../cluster/view.js';
import type { KindName } from '../model/kinds.js';
import type { ObjectRef } from '../model/meta.js';
import type { CheckId } from './catalogue.js';
import { truncate } from './evidence.js';
import type { AnalysisSettings } from './settings.js';
import type { Analyzer, ExtraEvidence, Finding } from './types.js';

export const IGNORE_CHECKS_ANNOTATION = 'sre.otomi.io/ignore-checks';

export interface AnalysisRun {
  readonly findings: readonly Finding[];
  /** Analyzers that did not run, with the kinds that were not loaded. */
  readonly skipped: readonly { readonly analyzer: string; readonly missing: readonly KindName[] }[];
  /** Analyzers that threw: the rest of the analysis went on. */
  readonly errors: readonly { readonly analyzer: string; readonly message: string }[];
  /**
   * When an analyzer's time-based verdicts can change with no object changing (a pod pending past a
   * threshold, an event falling out of a window): the earliest such moment after `now` per analyzer
   * and namespace ('' for cluster-scoped objects). The controller re-runs the analyzer then.
   */
  readonly rechecks: readonly Recheck[];
}

export interface Recheck {
  readonly analyzer: string;
  /** '' for a cluster-scoped object. */
  readonly namespace: string;
  /** Milliseconds since the epoch, after the run's `now`. */
  readonly at: number;
}

export interface AnalysisOptions {
  readonly settings: AnalysisSettings;
  readonly now: number;
  readonly extra?: ExtraEvidence;
  /** Only these analyzers (the controller re-runs those that read a changed kind). */
  readonly only?: ReadonlySet<string>;
  /**
   * Called after each analyzer: the controller checks its heap budget there, since a full pass
   * over a large cluster allocates far more than the budget before it returns.
   */
  readonly afterEach?: () => void;
}

export function runAnalyzers(view: ClusterReader, analyzers: readonly Analyzer[], options: AnalysisOptions): AnalysisRun {
  const { settings, now } = options;
  const disabled = new Set<string>(settings.disabledChecks);
  const findings: Finding[] = [];
  const skipped: { analyzer: string; missing: KindName[] }[] = [];
  const errors: { analyzer: string; message: string }[] = [];
  const rechecks: Recheck[] = [];
  for (const analyzer of analyzers) {
    if (options.only && !options.only.has(analyzer.name)) continue;
    if (analyzer.checks.every((check) => disabled.has(check))) continue;
    const missing = analyzer.reads.filter((kind) => !view.has(kind));
    if (missing.length > 0) {
      skipped.push({ analyzer: analyzer.name, missing });
      continue;
    }
    const allowed = new Set<KindName>([...analyzer.reads, ...(analyzer.optionalReads ?? [])]);
    const declared = new Set<string>(analyzer.checks);
    // Kept apart until the analyzer returns: a failing analyzer's re-checks are dropped with its findings.
    const earliest = new Map<string, number>();
    const recheckAt = (at: number, namespace: string | undefined): void => {
      if (!Number.isFinite(at) || at <= now) return;
      const ns = namespace ?? '';
      const known = earliest.get(ns);
      if (known === undefined || at < known) earliest.set(ns, at);
    };
    try {
      const produced = analyzer.analyze({ view: restrictView(view, allowed, analyzer.name), settings, now, extra: options.extra ?? {}, recheckAt });
      for (const finding of produced) {
        if (!declared.has(finding.check)) throw new Error(`analyzer ${analyzer.name} reported ${finding.check}, which it does not declare`);
        if (disabled.has(finding.check) || isSuppressed(view, finding)) continue;
        findings.push(bound(finding, settings));
      }
      for (const [namespace, at] of earliest) rechecks.push({ analyzer: analyzer.name, namespace, at });
    } catch (error) {
      errors.push({ analyzer: analyzer.name, message: error instanceof Error ? error.message : String(error) });
    }
    options.afterEach?.();
  }
  return { findings, skipped, errors, rechecks };
}

function bound(finding: Finding, settings: AnalysisSettings): Finding {
  const override = settings.severityOverrides[finding.check];
  const max = settings.evidence.maxItemLength;
  const limit = settings.evidence.maxEvents + settings.evidence.maxLogLines + 4;
  const evidence = finding.evidence.slice(0, limit).map((item) => truncate(item, max));
  if (finding.evidence.length > limit) evidence.push(`(${finding.evidence.length - limit} more evidence items left out)`);
  return { ...finding, ...(override ? { severity: override } : {}), message: truncate(finding.message, 1024), evidence };
}

function ignoredChecks(annotations: Readonly<Record<string, string>> | undefined): string[] {
  const value = annotations?.[IGNORE_CHECKS_ANNOTATION];
  return value ? value.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

/** The suppression annotation on the subject, the concrete object, or their Namespace. */
function isSuppressed(view: ClusterReader, finding: Finding): boolean {
  const candidates: ObjectRef[] = [finding.subject, finding.object];
  const namespace = finding.subject.namespace ?? finding.object.namespace;
  for (const ref of candidates) {
    const annotations = annotationsOf(view, ref);
    if (ignoredChecks(annotations).includes(finding.check)) return true;
  }
  if (namespace && view.has('Namespace')) {
    const ns = view.get('Namespace', undefined, namespace);
    if (ignoredChecks(ns?.metadata.annotations).includes(finding.check)) return true;
  }
  return false;
}

function annotationsOf(view: ClusterReader, ref: ObjectRef): Readonly<Record<string, string>> | undefined {
  const kind = ref.kind as KindName;
  if (!view.has(kind)) return undefined;
  return view.get(kind, ref.namespace, ref.name)?.metadata.annotations;
}

export type { CheckId };
