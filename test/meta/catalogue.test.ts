// Meta-tests: the catalogue, the analyzers, the tests and the docs stay consistent with each other.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../src/analyzers/catalogue.js';
import type { CheckDefinition } from '../../src/analyzers/catalogue.js';
import { ANALYZERS } from '../../src/analyzers/registry.js';
import { renderChecksMarkdown } from '../../src/cli/checks.js';
import { KIND_DESCRIPTORS } from '../../src/model/kinds.js';
import type { CheckCase } from '../helpers/cases.js';

const ROOT = join(import.meta.dirname, '..', '..');
const ids = CATALOGUE.map((c) => c.id);

async function allCases(): Promise<CheckCase[]> {
  const dir = join(ROOT, 'test', 'analyzers');
  const out: CheckCase[] = [];
  for (const family of readdirSync(dir, { withFileTypes: true })) {
    const file = join(dir, family.name, 'cases.ts');
    if (!family.isDirectory() || !existsSync(file)) continue;
    const mod = (await import(file)) as { cases: readonly CheckCase[] };
    out.push(...mod.cases);
  }
  return out;
}

describe('the check catalogue', () => {
  it('has unique IDs', () => {
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('holds every check of the runbook catalogue (../shared/CHECKS.md), with its severity', () => {
    const shared = join(ROOT, '..', 'shared', 'CHECKS.md');
    if (!existsSync(shared)) return;
    const letters = { C: 'critical', W: 'warning', I: 'info' } as const;
    const rows = [...readFileSync(shared, 'utf8').matchAll(/^\| (\w+) \| ([CWI]) \|/gm)].map((m) => [m[1], letters[m[2] as 'C' | 'W' | 'I']]);
    expect(rows.length).toBeGreaterThan(70);
    const ours = new Map<string, string>(CATALOGUE.map((c) => [c.id, c.severity]));
    expect(rows.filter(([id, sev]) => ours.get(id!) !== sev)).toEqual([]);
  });

  it('gives every check a title, a description and runbook steps', () => {
    // Widened to the interface: once every entry has steps, the literal types rule out an empty list.
    const entries: readonly CheckDefinition[] = CATALOGUE;
    const incomplete = entries.filter((c) => !c.title || !c.description || c.runbook.length === 0);
    expect(incomplete.map((c) => c.id)).toEqual([]);
  });

  it('has docs/checks.md generated from the current catalogue (run `npm run docs`)', () => {
    expect(readFileSync(join(ROOT, 'docs', 'checks.md'), 'utf8')).toBe(renderChecksMarkdown());
  });
});

describe('the analyzers', () => {
  it('have unique names', () => {
    const names = ANALYZERS.map((a) => a.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('cover every check of the catalogue, each check from exactly one analyzer', () => {
    const owners = new Map<string, string[]>();
    for (const analyzer of ANALYZERS) for (const check of analyzer.checks) owners.set(check, [...(owners.get(check) ?? []), analyzer.name]);
    expect(ids.filter((id) => !owners.has(id))).toEqual([]);
    expect([...owners].filter(([, names]) => names.length > 1)).toEqual([]);
  });

  it('declare only kinds the model knows', () => {
    for (const analyzer of ANALYZERS) {
      for (const kind of [...analyzer.reads, ...(analyzer.optionalReads ?? [])]) expect(Object.hasOwn(KIND_DESCRIPTORS, kind), `${analyzer.name}: ${kind}`).toBe(true);
    }
  });
});

describe('the check tests', () => {
  it('have a positive and a negative table row for every check', async () => {
    const cases = await allCases();
    const positive = new Set<string>();
    const negative = new Set<string>();
    for (const c of cases) {
      for (const check of c.checks) {
        if (c.expected.some((key) => key.startsWith(`${check} `))) positive.add(check);
        else negative.add(check);
      }
    }
    expect(ids.filter((id) => !positive.has(id)), 'checks without a positive row').toEqual([]);
    expect(ids.filter((id) => !negative.has(id)), 'checks without a negative row').toEqual([]);
  });
});
