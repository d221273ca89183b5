// The operator's version, from package.json (reported in logs and healthreport_build_info).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

function readVersion(): string {
  // src/cli and dist/src/cli both sit below the package root.
  for (const up of [['..', '..'], ['..', '..', '..']]) {
    try {
      const pkg = JSON.parse(readFileSync(join(import.meta.dirname, ...up, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'healthreport-operator' && pkg.version) return pkg.version;
    } catch {
      // try the next level up
    }
  }
  return '0.0.0-unknown';
}

export const VERSION = readVersion();
