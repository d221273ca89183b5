// The human output of `healthreport analyze`: findings grouped by subject, subjects sorted by their
// most severe finding, dependents shown under the finding that explains them. Fits 100 columns.
import type { Severity } from '../analyzers/catalogue.js';
import { SEVERITY_RANK } from '../analyzers/catalogue.js';
import type { ObjectRef } from '../model/meta.js';
import type { AnalysisReport, ReportFinding } from '../report/report.js';
import { refKey } from '../report/report.js';

export interface TableOptions {
  readonly color: boolean;
  readonly width?: number;
  /** Evidence lines shown per finding (the JSON output has all of them). */
  readonly evidenceLines?: number;
}

const ANSI = { reset: '\u001b[0m', bold: '\u001b[1m', dim: '\u001b[2m', red: '\u001b[31m', yellow: '\u001b[33m', cyan: '\u001b[36m' };
const SEVERITY_COLOR: { readonly [S in Severity]: string } = { critical: ANSI.red, warning: ANSI.yellow, info: ANSI.cyan };

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function describeSubject(ref: ObjectRef): string {
  return ref.namespace ? `${ref.kind} ${ref.namespace}/${ref.name}` : `${ref.kind} ${ref.name}`;
}

function wrap(text: string, width: number, indent: string, firstIndent = indent): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = firstIndent;
  let empty = true;
  for (const word of words) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent;
      empty = true;
    }
    // A single word longer than the line (a URL, an image digest) is cut rather than overflowing.
    const room = width - line.length - (empty ? 0 : 1);
    const piece = word.length > room && empty ? `${word.slice(0, Math.max(room - 1, 8))}…` : word;
    line += (empty ? '' : ' ') + piece;
    empty = false;
  }
  if (!empty) lines.push(line);
  return lines;
}

export function renderTable(report: AnalysisReport, options: TableOptions): string {
  const width = options.width ?? 100;
  const evidenceLines = options.evidenceLines ?? 3;
  const paint = (color: string, text: string): string => (options.color ? `${color}${text}${ANSI.reset}` : text);
  const label = (s: Severity): string => paint(SEVERITY_COLOR[s], s.toUpperCase().padEnd(8));

  const { findings, summary } = report;
  if (findings.length === 0) return 'No findings: every check passed.\n';

  // A dependent is shown under its root when the root is among the shown findings.
  const shownRoots = new Map<string, ReportFinding>();
  for (const f of findings) shownRoots.set(`${f.check}|${refKey(f.subject)}`, f);
  const dependents = new Map<ReportFinding, ReportFinding[]>();
  const nested = new Set<ReportFinding>();
  for (const f of findings) {
    if (!f.rootCause) continue;
    const root = shownRoots.get(`${f.rootCause.check}|${refKey(f.rootCause.subject)}`);
    if (!root || root === f) continue;
    const list = dependents.get(root) ?? [];
    list.push(f);
    dependents.set(root, list);
    nested.add(f);
  }

  const groups = new Map<string, ReportFinding[]>();
  for (const f of findings) {
    if (nested.has(f)) continue;
    const key = refKey(f.subject);
    const list = groups.get(key) ?? [];
    list.push(f);
    groups.set(key, list);
  }
  const ordered = [...groups.values()].sort(
    (a, b) => SEVERITY_RANK[b[0]!.severity] - SEVERITY_RANK[a[0]!.severity] || refKey(a[0]!.subject).localeCompare(refKey(b[0]!.subject)),
  );

  const out: string[] = [];
  const subjects = new Set(findings.map((f) => refKey(f.subject))).size;
  out.push(
    `${paint(ANSI.bold, 'healthreport')}: ${summary.critical} critical, ${summary.warning} warning, ${summary.info} info ` +
      `(${plural(summary.total, 'finding')} on ${plural(subjects, 'subject')})`,
    '',
  );

  const renderFinding = (f: ReportFinding, depth: number): void => {
    const pad = '  '.repeat(depth + 1);
    const object = f.object.kind === f.subject.kind && f.object.name === f.subject.name ? '' : `  ${f.object.kind.toLowerCase()} ${f.object.name}`;
    const container = f.object.container ? ` [${f.object.container}]` : '';
    const arrow = depth > 0 ? '↳ ' : '';
    out.push(`${pad}${arrow}${label(f.severity)} ${paint(ANSI.bold, f.check)}${paint(ANSI.dim, `${object}${container}`)}`);
    const textPad = `${pad}${depth > 0 ? '  ' : ''}  `;
    if (depth > 0) out.push(...wrap(`on ${describeSubject(f.subject)}`, width, textPad).map((l) => paint(ANSI.dim, l)));
    out.push(...wrap(f.message, width, textPad));
    for (const item of f.evidence.slice(0, evidenceLines)) out.push(...wrap(item, width, `${textPad}    `, `${textPad}  · `).map((l) => paint(ANSI.dim, l)));
    if (f.evidence.length > evidenceLines) out.push(paint(ANSI.dim, `${textPad}  · (${f.evidence.length - evidenceLines} more: -o json)`));
    const step = f.remediation[0];
    if (step && depth === 0) out.push(...wrap(step, width, `${textPad}       `, `${textPad}  fix: `));
    for (const child of dependents.get(f) ?? []) renderFinding(child, depth + 1);
  };

  for (const group of ordered) {
    const first = group[0]!;
    out.push(`${label(first.severity)} ${paint(ANSI.bold, describeSubject(first.subject))}`);
    for (const f of group) renderFinding(f, 0);
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
