import { describe, expect, it } from 'vitest';
import { StringPool } from '../../src/model/intern.js';
import { fullCollection } from '../../src/controller/heap-budget.js';
import { parseObject } from '../../src/model/parse.js';
import { loadFixture } from '../helpers/fixtures.js';

/**
 * Pods as the informer caches them: a realistic fixture pod copied under other names through
 * JSON (every string value a fresh copy, as JSON.parse makes them), then parsed into the model.
 */
function parsedPods(count: number): unknown[] {
  const template = loadFixture('pods/crashloop.yaml').find((o) => (o as { kind?: string }).kind === 'Pod') as { metadata: Record<string, unknown> };
  const text = JSON.stringify(template);
  return Array.from({ length: count }, (_, i) => {
    const copy = JSON.parse(text) as { metadata: Record<string, unknown> };
    copy.metadata = { ...copy.metadata, name: `checkout-7d9f8-${i}`, uid: `uid-${i}` };
    const parsed = parseObject(copy);
    if (parsed.type !== 'parsed') throw new Error('fixture pod does not parse');
    return parsed.object;
  });
}

describe('the string pool', () => {
  it('leaves every value as it was', () => {
    const pods = parsedPods(50);
    const before = structuredClone(pods);
    new StringPool().internAll(pods);
    expect(pods).toEqual(before);
  });

  it('holds one copy of repeated short strings, so the cache takes far less heap', () => {
    const gc = fullCollection();
    gc();
    const base = process.memoryUsage().heapUsed;
    const plain = parsedPods(5000);
    gc();
    const plainBytes = process.memoryUsage().heapUsed - base;
    expect(plain).toHaveLength(5000);
    const pool = new StringPool();
    const interned = pool.internAll(parsedPods(5000));
    gc();
    const bothBytes = process.memoryUsage().heapUsed - base;
    const internedBytes = bothBytes - plainBytes;
    expect(interned).toHaveLength(5000);
    console.log(`string pool: ${(plainBytes / 1e6).toFixed(1)} MB plain, ${(internedBytes / 1e6).toFixed(1)} MB interned`);
    // About a quarter less for copies of this pod (its name and uid differ, little else). A pool that
    // shared nothing would cost more than the plain copies, not less.
    expect(internedBytes).toBeLessThan(plainBytes * 0.9);
  });

  it('forgets unique values after two generations instead of growing for ever', () => {
    const pool = new StringPool(1000);
    for (let i = 0; i < 10_000; i += 1) pool.string(`uid-${i}`);
    expect(pool.size).toBeLessThanOrEqual(2000);
  });

  it('does not pool long values, and leaves frozen constants alone', () => {
    const pool = new StringPool();
    pool.internAll({ message: 'x'.repeat(500), empty: Object.freeze([]), fixed: Object.freeze({ a: 'b' }) });
    expect(pool.size).toBe(0);
  });
});
