// Table-driven check tests. Each family folder under test/analyzers/ exports `cases` from cases.ts
// and runs them with runCases(); the meta-test reads every cases.ts to prove that each check in the
// catalogue has at least one positive row (expected contains it) and one negative row (it is among
// the checks of the row, and expected does not contain it).
import { describe, expect, it } from 'vitest';
import type { CheckId } from '../../src/analyzers/catalogue.js';
import type { KindName } from '../../src/model/kinds.js';
import { analyzeFixtures, findingKeys } from './fixtures.js';

export interface CheckCase {
  /** What the row shows, e.g. "a Deployment whose pod crash-loops". */
  readonly name: string;
  /** YAML files under test/fixtures/, as `kubectl get -o yaml` prints them. */
  readonly fixtures: readonly string[];
  /** The checks this row is about: findings of other checks are not compared. */
  readonly checks: readonly CheckId[];
  /** `CheckId Kind/namespace/name` of each expected finding's subject; [] means "no false positive". */
  readonly expected: readonly string[];
  /** Clock for the row (default: FIXTURE_NOW, 2026-11-25T12:00:00Z). */
  readonly now?: string;
  /** Analysis settings for the row (thresholds, overrides), as the config file would give them. */
  readonly settings?: unknown;
  readonly loadedKinds?: readonly KindName[];
}

export function runCases(family: string, cases: readonly CheckCase[]): void {
  describe(family, () => {
    it.each(cases.map((c) => ({ ...c, title: c.name })))('$title', (c) => {
      const run = analyzeFixtures(c.fixtures, {
        ...(c.now ? { now: Date.parse(c.now) } : {}),
        ...(c.settings ? { settings: c.settings } : {}),
        ...(c.loadedKinds ? { loadedKinds: c.loadedKinds } : {}),
      });
      expect(run.errors).toEqual([]);
      const relevant = findingKeys(run).filter((key) => c.checks.some((check) => key.startsWith(`${check} `)));
      expect(relevant).toEqual([...c.expected].sort());
    });
  });
}
