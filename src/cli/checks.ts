// `healthreport checks [-o table|json]`: the catalogue.
import { CATALOGUE } from '../analyzers/catalogue.js';

export function renderChecksJson(): string {
  return `${JSON.stringify(
    CATALOGUE.map((c) => ({ id: c.id, severity: c.severity, area: c.area, title: c.title, description: c.description, runbook: c.runbook })),
    null,
    2,
  )}\n`;
}

export function renderChecksTable(): string {
  const lines: string[] = [];
  let area = '';
  const idWidth = Math.max(...CATALOGUE.map((c) => c.id.length));
  for (const check of CATALOGUE) {
    if (check.area !== area) {
      area = check.area;
      lines.push('', area.toUpperCase());
    }
    lines.push(`  ${check.id.padEnd(idWidth)}  ${check.severity.padEnd(8)}  ${check.title}`);
  }
  return `${lines.join('\n').trimStart()}\n`;
}

/** The anchor of a check in docs/checks.md (alert rules link to it as runbook_url). */
export function checkAnchor(id: string): string {
  return id.toLowerCase();
}

/** docs/checks.md: generated from the catalogue by `npm run docs`; a test fails when it is stale. */
export function renderChecksMarkdown(): string {
  const lines: string[] = [
    '<!-- Generated from src/analyzers/catalogue by `npm run docs`. Do not edit by hand. -->',
    '# Checks',
    '',
    'Every check has a stable ID, used in reports, metrics (`check` label), alert rules and the',
    '`sre.otomi.io/ignore-checks` suppression annotation. Severities are defaults; the configuration',
    'can override them (`severityOverrides`) or disable checks (`disabledChecks`).',
    '',
  ];
  const areas = [...new Set(CATALOGUE.map((c) => c.area))];
  for (const area of areas) {
    lines.push(`## ${area}`, '', '| ID | Severity | Title |', '|---|---|---|');
    for (const c of CATALOGUE.filter((check) => check.area === area)) lines.push(`| [${c.id}](#${checkAnchor(c.id)}) | ${c.severity} | ${c.title} |`);
    lines.push('');
  }
  for (const c of CATALOGUE) {
    lines.push(`### ${c.id}`, '', `**Severity:** ${c.severity} · **Area:** ${c.area}`, '', `**${c.title}.** ${c.description}`, '');
    if (c.runbook.length) {
      lines.push('What to do:', '');
      c.runbook.forEach((step, i) => lines.push(`${i + 1}. ${step}`));
      lines.push('');
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
