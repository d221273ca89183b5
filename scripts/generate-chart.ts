// Writes the Helm chart's generated files: files/rbac/rules.yaml (RBAC from the kind registry), the
// `config` property of values.schema.json (from the operator's zod schema), and the values and
// Secrets sections of its README (from values.schema.json and the analyzers).
// Run by `npm run generate` / `npm run docs`; after adding a kind, run it and commit the result.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { README_FILE, RULES_FILE, SCHEMA_FILE, VALUES_FILE, renderChartReadme, renderRulesFile, renderValuesSchema } from '../src/delivery/chart-files.js';

export function writeChartFiles(root: string): string[] {
  const at = (file: string): string => join(root, file);
  writeFileSync(at(RULES_FILE), renderRulesFile());
  writeFileSync(at(SCHEMA_FILE), renderValuesSchema(readFileSync(at(SCHEMA_FILE), 'utf8')));
  writeFileSync(at(README_FILE), renderChartReadme(readFileSync(at(README_FILE), 'utf8'), readFileSync(at(SCHEMA_FILE), 'utf8'), readFileSync(at(VALUES_FILE), 'utf8')));
  return [at(RULES_FILE), at(SCHEMA_FILE), at(README_FILE)];
}

if (import.meta.filename === process.argv[1]) {
  for (const file of writeChartFiles(join(import.meta.dirname, '..'))) process.stdout.write(`wrote ${file}\n`);
}
