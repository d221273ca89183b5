// Loads dumps from files and directories (recursively: *.yaml, *.yml, *.json).
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, parseDocuments } from './documents.js';

const DUMP_FILE = /\.(ya?ml|json)$/i;

async function filesUnder(path: string): Promise<string[]> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new InputError(path, 'no such file or directory');
  }
  if (info.isFile()) return [path];
  if (!info.isDirectory()) throw new InputError(path, 'not a file or directory');
  const entries = await readdir(path, { withFileTypes: true });
  const out: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full)));
    else if (entry.isFile() && DUMP_FILE.test(entry.name)) out.push(full);
  }
  return out;
}

export async function loadDumpFiles(paths: readonly string[]): Promise<{ objects: unknown[]; files: string[] }> {
  const files: string[] = [];
  for (const path of paths) files.push(...(await filesUnder(path)));
  const objects: unknown[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new InputError(file, `cannot read: ${error instanceof Error ? error.message : String(error)}`);
    }
    for (const obj of parseDocuments(text, file)) objects.push(obj);
  }
  return { objects, files };
}
