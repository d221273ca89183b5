// Temporary files for tests (config files, kubeconfigs), removed after each test file by the
// setup file that both vitest configs load, so that test runs leave nothing behind in /tmp.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const created: string[] = [];

/** Writes `text` to a file named `name` in a fresh temporary directory; returns its path. */
export function writeTempFile(prefix: string, name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

export function removeTempFiles(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}
