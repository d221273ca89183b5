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
