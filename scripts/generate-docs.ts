// Writes docs/checks.md from the catalogue and the Helm chart's generated files (`npm run docs`,
// `npm run generate`).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderChecksMarkdown } from '../src/cli/checks.js';
import { writeChartFiles } from './generate-chart.js';

const root = join(import.meta.dirname, '..');
const target = join(root, 'docs', 'checks.md');
writeFileSync(target, renderChecksMarkdown());
process.stdout.write(`wrote ${target}\n`);
for (const file of writeChartFiles(root)) process.stdout.write(`wrote ${file}\n`);
