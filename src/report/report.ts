// Findings -> the analysis result users see: root causes linked, remediation attached, filtered,
// deterministically sorted and summarised.
import type { CheckId, Severity } from '../analyzers/catalogue.js';
import { SEVERITY_RANK } from '../analyzers/catalogue.js';
import type { Finding } from '../analyzers/types.js';
import { refKey } from '../cluster/view.js';
import { remediationFor } from './remediation.js';
import type { LinkedFinding, RootCauseRule } from './root-causes.js';
import { ROOT_CAUSE_RULES, linkRootCauses } from './root-causes.js';

export interface ReportFinding extends LinkedFinding {
  readonly remediation: readonly string[];
}

export interface Summary {
  readonly critical: number;
  readonly warning: number;
  readonly info: number;
  readonly total: number;
}

export interface AnalysisReport {
  readonly findings: readonly ReportFinding[];
  readonly summary: Summary;
}

export interface ReportOptions {
  readonly minSeverity?: Severity;
  /** Only findings whose subject is in this namespace. */
  readonly namespace?: string;
  readonly rules?: readonly RootCauseRule[];
}

/** A subject's report key; defined with the cluster view, which selects objects by subject. */
export { refKey };

export function compareFindings(a: Finding, b: Finding): number {
  return (
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    refKey(a.subject).localeCompare(refKey(b.subject)) ||
    a.check.localeCompare(b.check) ||
    refKey(a.object).localeCompare(refKey(b.object)) ||
    (a.object.container ?? '').localeCompare(b.object.container ?? '') ||
    a.message.localeCompare(b.message)
  );
}

export function summarize(findings: readonly Pick<Finding, 'severity'>[]): Summary {
  const summary = { critical: 0, warning: 0, info: 0, total: findings.length };
  for (const finding of findings) summary[finding.severity] += 1;
  return summary;
}

export function buildAnalysisReport(findings: readonly Finding[], options: ReportOptions = {}): AnalysisReport {
  // Root causes are linked before filtering, so that a root outside the filter still explains.
  const linked = linkRootCauses(findings, options.rules ?? ROOT_CAUSE_RULES);
  const min = options.minSeverity ? SEVERITY_RANK[options.minSeverity] : 0;
  const kept = linked
    .filter((f) => SEVERITY_RANK[f.severity] >= min)
    .filter((f) => options.namespace === undefined || (f.subject.namespace ?? f.object.namespace) === options.namespace)
    .map((f): ReportFinding => ({ ...f, remediation: remediationFor(f) }))
    .sort(compareFindings);
  return { findings: kept, summary: summarize(kept) };
}

export function highestSeverity(findings: readonly Pick<Finding, 'severity'>[]): Severity | undefined {
  let best: Severity | undefined;
  for (const f of findings) if (!best || SEVERITY_RANK[f.severity] > SEVERITY_RANK[best]) best = f.severity;
  return best;
}

/** Whether any finding reaches the severity (for `--fail-on`). */
export function reaches(findings: readonly Pick<Finding, 'severity'>[], severity: Severity): boolean {
  return findings.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[severity]);
}

export type { CheckId };
