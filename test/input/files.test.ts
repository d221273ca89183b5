import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/input/documents.js';
import { MAX_FILE_BYTES, loadDumpFiles } from '../../src/input/files.js';

const POD_LIST = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'shop' } }] });

describe('loadDumpFiles', () => {
  it('refuses, by name and with the way out, a file too large to read as one string', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dump-'));
    writeFileSync(join(dir, 'pods.json'), POD_LIST);
    const loading = loadDumpFiles([dir], { maxFileBytes: 10 });
    await expect(loading).rejects.toBeInstanceOf(InputError);
    await expect(loadDumpFiles([dir], { maxFileBytes: 10 })).rejects.toThrow(/pods\.json: \d+ bytes, too large to read as one string \(at most 10\); split the dump into several files/);
  });

  it('reads the same file under the limit, and the limit is the longest string V8 makes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dump-'));
    writeFileSync(join(dir, 'pods.json'), POD_LIST);
    const { objects } = await loadDumpFiles([dir], { maxFileBytes: POD_LIST.length });
    expect(objects).toHaveLength(1);
    expect(MAX_FILE_BYTES).toBe(2 ** 29 - 24);
  });
});
