// The engine's side of re-checks: what analyzers ask for through ctx.recheckAt, kept per analyzer
// and namespace at the earliest future moment; a failing analyzer's requests go with its findings.
import { describe, expect, it } from 'vitest';
import { olderThan, withinLast } from '../../../src/analyzers/evidence.js';
import type { Analyzer } from '../../../src/analyzers/types.js';
import { FIXTURE_NOW, analyzeObjects, loadFixture } from '../../helpers/fixtures.js';

const objects = loadFixture('pods/crashloop.yaml');
const MINUTE = 60_000;

function asking(name: string, requests: readonly [number, string | undefined][], fail = false): Analyzer {
  return {
    name, description: '', checks: ['PodProbesMissing'], reads: ['Pod'],
    analyze: (ctx) => {
      for (const [offset, namespace] of requests) ctx.recheckAt(ctx.now + offset, namespace);
      if (fail) throw new Error('boom');
      return [];
    },
  };
}

describe('re-checks in the analysis run', () => {
  it('keeps the earliest future moment per analyzer and namespace; cluster-scoped objects under \'\'', () => {
    const run = analyzeObjects(objects, {
      analyzers: [
        asking('a', [[10 * MINUTE, 'shop'], [5 * MINUTE, 'shop'], [7 * MINUTE, 'shop'], [3 * MINUTE, 'billing'], [20 * MINUTE, undefined], [9 * MINUTE, undefined]]),
        asking('b', [[MINUTE, 'shop']]),
      ],
    });
    expect(run.errors).toEqual([]);
    expect([...run.rechecks].sort((x, y) => `${x.analyzer}${x.namespace}`.localeCompare(`${y.analyzer}${y.namespace}`))).toEqual([
      { analyzer: 'a', namespace: '', at: FIXTURE_NOW + 9 * MINUTE },
      { analyzer: 'a', namespace: 'billing', at: FIXTURE_NOW + 3 * MINUTE },
      { analyzer: 'a', namespace: 'shop', at: FIXTURE_NOW + 5 * MINUTE },
      { analyzer: 'b', namespace: 'shop', at: FIXTURE_NOW + MINUTE },
    ]);
  });

  it('ignores moments not after now and moments that are not finite', () => {
    const past: Analyzer = {
      name: 'past', description: '', checks: ['PodProbesMissing'], reads: ['Pod'],
      analyze: (ctx) => {
        ctx.recheckAt(ctx.now, 'shop');
        ctx.recheckAt(ctx.now - MINUTE, 'shop');
        ctx.recheckAt(Number.NaN, 'shop');
        ctx.recheckAt(Infinity, 'shop');
        ctx.recheckAt(ctx.now + 1, 'later');
        return [];
      },
    };
    expect(analyzeObjects(objects, { analyzers: [past] }).rechecks).toEqual([{ analyzer: 'past', namespace: 'later', at: FIXTURE_NOW + 1 }]);
  });

  it('drops the re-checks of an analyzer that throws and reports its error', () => {
    const run = analyzeObjects(objects, { analyzers: [asking('fails', [[MINUTE, 'shop']], true), asking('works', [[2 * MINUTE, 'shop']])] });
    expect(run.errors.map((e) => e.analyzer)).toEqual(['fails']);
    expect(run.rechecks).toEqual([{ analyzer: 'works', namespace: 'shop', at: FIXTURE_NOW + 2 * MINUTE }]);
  });

  it('olderThan and withinLast ask for the moment their answer flips, only while it is ahead', () => {
    const asked: [number, string | undefined][] = [];
    const clock = { now: FIXTURE_NOW, recheckAt: (at: number, namespace: string | undefined) => void asked.push([at, namespace]) };
    const ago = (ms: number): string => new Date(FIXTURE_NOW - ms).toISOString();
    expect(olderThan(clock, ago(3 * MINUTE), 10 * MINUTE, 'shop')).toBe(false);
    expect(olderThan(clock, ago(10 * MINUTE), 10 * MINUTE, 'shop')).toBe(true);
    expect(olderThan(clock, undefined, 10 * MINUTE, 'shop')).toBe(false);
    expect(withinLast(clock, ago(50 * MINUTE), 60 * MINUTE, undefined)).toBe(true);
    expect(withinLast(clock, ago(60 * MINUTE), 60 * MINUTE, undefined)).toBe(false);
    expect(withinLast(clock, 'not a time', 60 * MINUTE, undefined)).toBe(false);
    expect(asked).toEqual([[FIXTURE_NOW + 7 * MINUTE, 'shop'], [FIXTURE_NOW + 10 * MINUTE, undefined]]);
  });
});
