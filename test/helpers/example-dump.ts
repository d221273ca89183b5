// The example dump (examples/broken-cluster: every family's failures and healthy workloads mixed)
// as raw objects, for the tests that check a property on a realistic cluster.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocuments } from '../../src/input/documents.js';

const EXAMPLES = join(import.meta.dirname, '..', '..', 'examples', 'broken-cluster');

export function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? yamlFiles(join(dir, e.name)) : e.name.endsWith('.yaml') ? [join(dir, e.name)] : []));
}

export function exampleDump(): unknown[] {
  return yamlFiles(EXAMPLES).flatMap((file) => parseDocuments(readFileSync(file, 'utf8'), file));
}
