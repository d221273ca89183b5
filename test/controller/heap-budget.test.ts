import { describe, expect, it } from 'vitest';
import { HeapBudget, fullCollection } from '../../src/controller/heap-budget.js';

const MB = 1e6;

/** A heap that grows by `garbage` between checks; a collection brings it back to `live`. */
function fakeHeap(live: number) {
  const state = { used: live, live, clock: 0 };
  return {
    state,
    options: {
      heapUsed: () => state.used,
      collect: () => {
        state.used = state.live;
        state.clock += 50;
      },
      now: () => state.clock,
    },
  };
}

describe('the heap budget', () => {
  it('collects when the heap passes the budget, not before', () => {
    const heap = fakeHeap(80 * MB);
    const budget = new HeapBudget({ budgetBytes: 128 * MB, minIntervalMs: 1000, ...heap.options });
    heap.state.used = 120 * MB;
    expect(budget.check()).toBe(false);
    heap.state.used = 130 * MB;
    expect(budget.check()).toBe(true);
    expect(heap.state.used).toBe(80 * MB);
    expect(budget.collections).toBe(1);
    expect(budget.collectionMs).toBe(50);
  });

  it('collects no more often than the minimum interval', () => {
    const heap = fakeHeap(80 * MB);
    const budget = new HeapBudget({ budgetBytes: 128 * MB, minIntervalMs: 2000, ...heap.options });
    heap.state.used = 200 * MB;
    expect(budget.check()).toBe(true);
    heap.state.used = 200 * MB;
    heap.state.clock += 1000;
    expect(budget.check()).toBe(false);
    heap.state.clock += 1000;
    expect(budget.check()).toBe(true);
  });

  it('warns once and leaves headroom when the live set itself outgrows the budget', () => {
    const heap = fakeHeap(150 * MB);
    const warnings: number[] = [];
    const budget = new HeapBudget({ budgetBytes: 128 * MB, minIntervalMs: 0, onOverBudget: (live) => warnings.push(live), ...heap.options });
    heap.state.used = 160 * MB;
    expect(budget.check()).toBe(true);
    expect(warnings).toEqual([150 * MB]);
    // 150 MB live: the next collection waits for a quarter more (187.5 MB), not the next check.
    heap.state.clock += 1000;
    heap.state.used = 180 * MB;
    expect(budget.check()).toBe(false);
    heap.state.used = 190 * MB;
    expect(budget.check()).toBe(true);
    expect(warnings).toHaveLength(1);
  });

  it('spends at most its share of the time collecting: a slow collection spaces out the next ones', () => {
    const heap = fakeHeap(80 * MB);
    // Each collection takes 50 ms on this clock: at a 10 % share the next may start 450 ms after it ends.
    const budget = new HeapBudget({ budgetBytes: 128 * MB, minIntervalMs: 100, maxTimeShare: 0.1, ...heap.options });
    heap.state.used = 200 * MB;
    expect(budget.check()).toBe(true);
    heap.state.used = 200 * MB;
    heap.state.clock += 449;
    expect(budget.check()).toBe(false);
    heap.state.clock += 1;
    expect(budget.check()).toBe(true);
    expect(budget.collectionMs / (heap.state.clock - 0)).toBeLessThanOrEqual(0.2);
    // A share of 1 leaves only the minimum interval.
    const eager = new HeapBudget({ budgetBytes: 128 * MB, minIntervalMs: 100, maxTimeShare: 1, ...heap.options });
    heap.state.used = 200 * MB;
    expect(eager.check()).toBe(true);
    heap.state.used = 200 * MB;
    heap.state.clock += 100;
    expect(eager.check()).toBe(true);
  });

  it('runs a real full collection without --expose-gc', () => {
    const collect = fullCollection();
    let garbage: unknown[] | undefined = Array.from({ length: 200_000 }, (_, i) => ({ i, text: `object ${i}` }));
    expect(garbage.length).toBe(200_000);
    garbage = undefined;
    const before = process.memoryUsage().heapUsed;
    collect();
    expect(process.memoryUsage().heapUsed).toBeLessThan(before);
  });
});
