// Loads dumps from files and directories (recursively: *.yaml, *.yml, *.json).
import { constants } from 'node:buffer';
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

/**
 * A file is read as one string, and V8 caps a string at 2^29 - 24 characters (512 MiB): a single
 * `kubectl get -o json` of more than ~60,000 pods is larger. Said plainly, before reading.
 */
export const MAX_FILE_BYTES = constants.MAX_STRING_LENGTH;

export async function loadDumpFiles(paths: readonly string[], options: { readonly maxFileBytes?: number } = {}): Promise<{ objects: unknown[]; files: string[] }> {
  const maxFileBytes = options.maxFileBytes ?? MAX_FILE_BYTES;
  const files: string[] = [];
  for (const path of paths) files.push(...(await filesUnder(path)));
  const objects: unknown[] = [];
  for (const file of files) {
    let text: string;
    try {
      const { size } = await stat(file);
      if (size > maxFileBytes) {
        throw new InputError(
          file,
          `${size} bytes, too large to read as one string (at most ${maxFileBytes}); split the dump into several files, e.g. one \`kubectl get -o json\` per namespace, and pass their directory`,
        );
      }
      text = await readFile(file, 'utf8');
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new InputError(file, `cannot read: ${error instanceof Error ? error.message : String(error)}`);
    }
    for (const obj of parseDocuments(text, file)) objects.push(obj);
  }
  return { objects, files };
}
