// Keeping a report bounded: etcd refuses objects over 1.5 MiB, and large objects slow every watch
// of them. Items are cut to the CRD's lengths; when the whole report is still over its byte budget,
// evidence goes first (it is the bulkiest and the least essential), then the least severe findings.
// What was left out is counted, never silently lost.
import { CRD_LIMITS } from './healthreport-types.js';

export interface ReportBounds {
  /** At most CRD_LIMITS.maxFindings. */
  readonly maxFindingsPerReport: number;
  /** At most CRD_LIMITS.maxEvidenceItems; 0 drops evidence entirely. */
  readonly maxEvidencePerFinding: number;
  /** At most CRD_LIMITS.maxEvidenceItemLength. */
  readonly maxEvidenceItemLength?: number;
  /** Serialized size budget of the whole object (JSON bytes). */
  readonly maxReportBytes: number;
}

/** The most a report may weigh whatever the configuration says: well under etcd's 1.5 MiB. */
export const HARD_MAX_REPORT_BYTES = 1024 * 1024;

export function truncateText(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  return `${text.slice(0, Math.max(0, maxLength - 1))}…`;
}

export function omittedEvidenceNote(count: number): string {
  return `(${count} more evidence ${count === 1 ? 'item' : 'items'} omitted to keep the report small)`;
}

/**
 * At most `limit` items: when some must go, the first `limit - 1` are kept and the last item says
 * how many were left out (the first items are the most telling: reasons and exit codes, then events).
 */
export function boundEvidence(evidence: readonly string[], limit: number, itemLength: number): string[] {
  const items = evidence.map((item) => truncateText(item, itemLength));
  if (items.length <= limit) return items;
  if (limit <= 0) return [];
  return [...items.slice(0, limit - 1), omittedEvidenceNote(items.length - limit + 1)];
}

export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

export interface BoundedChoice {
  /** How many of the (sorted) findings to keep. */
  readonly findings: number;
  /** Evidence items per finding (including the omission note). */
  readonly evidencePerFinding: number;
}

/**
 * Picks the largest report within `bounds`: the full evidence limit if possible, else halving it
 * down to 1 (the omission note alone), then the longest prefix of findings that fits.
 * `build` renders the report for a choice; the findings passed in are sorted most important first.
 */
export function chooseReportBounds<T>(totalFindings: number, bounds: ReportBounds, build: (choice: BoundedChoice) => T): { readonly report: T; readonly choice: BoundedChoice } {
  const budget = Math.min(bounds.maxReportBytes, HARD_MAX_REPORT_BYTES);
  const findings = Math.min(totalFindings, bounds.maxFindingsPerReport, CRD_LIMITS.maxFindings);
  let evidencePerFinding = Math.max(0, Math.min(bounds.maxEvidencePerFinding, CRD_LIMITS.maxEvidenceItems));
  let choice: BoundedChoice = { findings, evidencePerFinding };
  let report = build(choice);
  while (jsonBytes(report) > budget && evidencePerFinding > 1) {
    evidencePerFinding = Math.floor(evidencePerFinding / 2);
    choice = { findings, evidencePerFinding };
    report = build(choice);
  }
  if (jsonBytes(report) <= budget) return { report, choice };
  // Binary search for the longest prefix of findings that fits (0 always fits: no findings, a summary).
  let fits = 0;
  let tooMany = findings;
  while (tooMany - fits > 1) {
    const middle = Math.floor((fits + tooMany) / 2);
    if (jsonBytes(build({ findings: middle, evidencePerFinding })) <= budget) fits = middle;
    else tooMany = middle;
  }
  choice = { findings: fits, evidencePerFinding };
  return { report: build(choice), choice };
}
