// Writes docs/checks.md from the catalogue (`npm run docs`).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderChecksMarkdown } from '../src/cli/checks.js';

const target = join(import.meta.dirname, '..', 'docs', 'checks.md');
writeFileSync(target, renderChecksMarkdown());
process.stdout.write(`wrote ${target}\n`);
