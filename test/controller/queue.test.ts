import { describe, expect, it } from 'vitest';
import { WorkQueue } from '../../src/controller/queue.js';
import type { QueueItem } from '../../src/controller/queue.js';
import { controllerRateLimiter, exponentialBackoff, tokenBucket } from '../../src/controller/rate-limiter.js';
import { ManualClock } from './manual-clock.js';

const key = (item: QueueItem): string => (item.type === 'key' ? item.key : '<shutdown>');

/** Resolves to the item if get() settled within the current microtask queue, else to 'pending'. */
async function settled<T>(promise: Promise<T>): Promise<T | 'pending'> {
  return Promise.race([promise, new Promise<'pending'>((resolve) => setImmediate(() => resolve('pending')))]);
}

function queueWithClock(): { queue: WorkQueue; clock: ManualClock } {
  const clock = new ManualClock();
  return { queue: new WorkQueue({ clock }), clock };
}

describe('work queue', () => {
  it('coalesces duplicate adds and serves keys first in, first out', async () => {
    const { queue } = queueWithClock();
    queue.add('Deployment/shop/cart');
    queue.add('Service/shop/cart');
    queue.add('Deployment/shop/cart');
    expect(queue.depth()).toBe(2);
    expect(key(await queue.get())).toBe('Deployment/shop/cart');
    expect(key(await queue.get())).toBe('Service/shop/cart');
    expect(await settled(queue.get())).toBe('pending');
  });

  it('hands a key added later to a worker already waiting', async () => {
    const { queue } = queueWithClock();
    const waiting = queue.get();
    queue.add('a');
    expect(key(await waiting)).toBe('a');
    expect(queue.depth()).toBe(0);
    expect(queue.inFlight()).toBe(1);
  });

  it('never hands out a key being processed; re-adds it once after done()', async () => {
    const { queue } = queueWithClock();
    queue.add('a');
    const first = key(await queue.get());
    queue.add('a');
    queue.add('a');
    expect(queue.depth()).toBe(0);
    const second = queue.get();
    expect(await settled(second)).toBe('pending');
    queue.done(first);
    expect(key(await second)).toBe('a');
    queue.done('a');
    expect(queue.depth()).toBe(0);
    expect(await settled(queue.get())).toBe('pending');
  });

  it('processes a key added after done() again, but not when nothing was added', async () => {
    const { queue } = queueWithClock();
    queue.add('a');
    queue.done(key(await queue.get()));
    expect(queue.depth()).toBe(0);
    queue.add('a');
    expect(queue.depth()).toBe(1);
  });

  it('adds a scheduled key when its time comes, the earliest schedule winning', async () => {
    const { queue, clock } = queueWithClock();
    queue.addAfter('pod-pending', 10 * 60_000);
    queue.addAfter('pod-pending', 60_000);
    queue.addAfter('pod-pending', 5 * 60_000);
    expect(queue.scheduled()).toBe(1);
    clock.advance(59_999);
    expect(queue.depth()).toBe(0);
    clock.advance(1);
    expect(queue.depth()).toBe(1);
    expect(queue.scheduled()).toBe(0);
    queue.done(key(await queue.get()));
    clock.advance(60 * 60_000);
    expect(queue.depth()).toBe(0);
  });

  it('adds at once when the delay is not positive', () => {
    const { queue } = queueWithClock();
    queue.addAfter('a', 0);
    expect(queue.depth()).toBe(1);
  });

  it('backs a failing key off exponentially and resets after forget()', () => {
    const { queue, clock } = queueWithClock();
    const delays: number[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      const before = clock.now();
      queue.addRateLimited('a');
      let waited = 0;
      while (queue.depth() === 0) {
        clock.advance(10);
        waited += 10;
      }
      delays.push(clock.now() - before);
      expect(waited).toBeGreaterThan(0);
      // take it and fail again
      void queue.get();
      queue.done('a');
    }
    expect(delays).toEqual([100, 200, 400, 800]);
    expect(queue.failures('a')).toBe(4);
    queue.forget('a');
    expect(queue.failures('a')).toBe(0);
  });

  it('caps the backoff at five minutes', () => {
    const limiter = exponentialBackoff({ baseMs: 100, maxMs: 300_000 });
    const delays = Array.from({ length: 40 }, () => limiter.when('a'));
    expect(delays.at(-1)).toBe(300_000);
    expect(Math.max(...delays)).toBe(300_000);
    expect(limiter.when('b')).toBe(100);
  });

  it('spreads retries of many keys at the global rate once the burst is spent', () => {
    const clock = new ManualClock();
    const bucket = tokenBucket({ qps: 10, burst: 3 }, clock);
    const delays = ['a', 'b', 'c', 'd', 'e'].map((k) => bucket.when(k));
    expect(delays).toEqual([0, 0, 0, 100, 200]);
    clock.advance(1000);
    // 1 s at 10 qps refills the 2 reserved tokens and the bucket again up to its size.
    expect([bucket.when('f'), bucket.when('g'), bucket.when('h'), bucket.when('i')]).toEqual([0, 0, 0, 100]);
  });

  it('takes the longer of backoff and global rate', () => {
    const clock = new ManualClock();
    const limiter = controllerRateLimiter(clock, { qps: 1, burst: 1 });
    expect(limiter.when('a')).toBe(100);
    expect(limiter.when('b')).toBe(1000);
  });

  it('reports its depth on every change', async () => {
    const depths: number[] = [];
    const queue = new WorkQueue({ clock: new ManualClock(), onDepthChange: (d) => depths.push(d) });
    queue.add('a');
    queue.add('b');
    await queue.get();
    expect(depths).toEqual([1, 2, 1]);
  });

  describe('shutdown', () => {
    it('wakes waiting workers with the shutdown signal and ignores later adds', async () => {
      const { queue } = queueWithClock();
      const waiting = queue.get();
      await queue.shutdown();
      expect(await waiting).toEqual({ type: 'shutdown' });
      queue.add('a');
      queue.addAfter('b', 10);
      expect(queue.depth()).toBe(0);
      expect(await queue.get()).toEqual({ type: 'shutdown' });
    });

    it('lets in-flight work finish before it resolves, and drops what was queued or scheduled', async () => {
      const { queue, clock } = queueWithClock();
      queue.add('a');
      queue.add('b');
      queue.addAfter('c', 1000);
      await queue.get();
      let stopped = false;
      const stopping = queue.shutdown().then(() => (stopped = true));
      queue.add('a');
      expect(await settled(stopping)).toBe('pending');
      expect(stopped).toBe(false);
      expect(await queue.get()).toEqual({ type: 'shutdown' });
      queue.done('a');
      await stopping;
      expect(stopped).toBe(true);
      expect(queue.depth()).toBe(0);
      clock.advance(2000);
      expect(queue.depth()).toBe(0);
      expect(clock.pendingTimers()).toBe(0);
    });
  });
});

describe('work queue under concurrent workers', () => {
  it('never runs one key twice at once and processes every key after its last add', async () => {
    const queue = new WorkQueue({ clock: new ManualClock() });
    const keys = ['a', 'b', 'c', 'd', 'e'];
    const running = new Set<string>();
    const startedAfterAdd = new Map<string, boolean>();
    let overlaps = 0;
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const tick = () => new Promise((resolve) => setImmediate(resolve));

    const worker = async () => {
      for (;;) {
        const item = await queue.get();
        if (item.type === 'shutdown') return;
        if (running.has(item.key)) overlaps += 1;
        running.add(item.key);
        startedAfterAdd.set(item.key, true);
        for (let i = random() * 3; i > 0; i--) await tick();
        running.delete(item.key);
        queue.done(item.key);
      }
    };
    const workers = [worker(), worker(), worker()];
    for (let round = 0; round < 300; round++) {
      const key = keys[Math.floor(random() * keys.length)]!;
      startedAfterAdd.set(key, false);
      queue.add(key);
      if (random() < 0.5) await tick();
    }
    while (queue.depth() > 0 || queue.inFlight() > 0) await tick();
    await queue.shutdown();
    await Promise.all(workers);
    expect(overlaps).toBe(0);
    expect([...startedAfterAdd.values()].every(Boolean)).toBe(true);
  });
});
