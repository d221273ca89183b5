// The work queue between events and reconciles (controller-runtime's workqueue semantics). Events
// only name a key; the queue coalesces them, so a burst of changes to one subject costs one
// reconcile, and a key is never processed by two workers at once.
//
// A key is in at most one of three places: `ready` (waiting for a worker), `processing` (a worker
// holds it), or neither. `dirty` marks keys that must be (re)processed: a key added while it is being
// processed stays dirty and goes back to `ready` when its worker calls done().
import type { Clock, Timer } from './clock.js';
import { systemClock } from './clock.js';
import type { RateLimiter } from './rate-limiter.js';
import { controllerRateLimiter } from './rate-limiter.js';

export type QueueItem = { readonly type: 'key'; readonly key: string } | { readonly type: 'shutdown' };

export interface WorkQueueOptions {
  readonly clock?: Clock;
  /** Delays for addRateLimited(); defaults to controllerRateLimiter (100ms..5min per key, 50 qps, burst 100). */
  readonly rateLimiter?: RateLimiter;
  /** Called whenever depth() changes: feeds the healthreport_queue_depth gauge. */
  readonly onDepthChange?: (depth: number) => void;
}

interface ScheduledAdd {
  readonly dueAt: number;
  readonly timer: Timer;
}

const SHUTDOWN: QueueItem = { type: 'shutdown' };

export class WorkQueue {
  private readonly clock: Clock;
  private readonly rateLimiter: RateLimiter;
  private readonly onDepthChange: (depth: number) => void;
  /** Insertion-ordered, so keys are served first in, first out. */
  private readonly ready = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly scheduledAdds = new Map<string, ScheduledAdd>();
  private readonly waitingWorkers: ((item: QueueItem) => void)[] = [];
  private shuttingDown = false;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(options: WorkQueueOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.rateLimiter = options.rateLimiter ?? controllerRateLimiter(this.clock);
    this.onDepthChange = options.onDepthChange ?? (() => undefined);
  }

  /** Marks `key` for processing. Duplicates coalesce; a key being processed is processed again afterwards. */
  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.makeReady(key);
  }

  /**
   * Adds `key` after `delayMs`: a re-check at the moment a time-based threshold can change. Of several
   * pending schedules for one key the earliest wins; a later one is dropped, since the earlier
   * reconcile schedules again if it still needs to.
   */
  addAfter(key: string, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const dueAt = this.clock.now() + delayMs;
    const pending = this.scheduledAdds.get(key);
    if (pending && pending.dueAt <= dueAt) return;
    pending?.timer.cancel();
    const timer = this.clock.schedule(() => {
      this.scheduledAdds.delete(key);
      this.add(key);
    }, delayMs);
    this.scheduledAdds.set(key, { dueAt, timer });
  }

  /** Re-adds a key whose processing failed, after its backoff (and the global rate limit). */
  addRateLimited(key: string): void {
    this.addAfter(key, this.rateLimiter.when(key));
  }

  /** Resets the backoff of `key`: call after it was processed successfully. */
  forget(key: string): void {
    this.rateLimiter.forget(key);
  }

  /** How often `key` has failed since it was last forgotten. */
  failures(key: string): number {
    return this.rateLimiter.failures(key);
  }

  /** The next key to process (the caller must call done(key) afterwards), or the shutdown signal. */
  get(): Promise<QueueItem> {
    const next = this.takeReady();
    if (next !== undefined) return Promise.resolve({ type: 'key', key: next });
    if (this.shuttingDown) return Promise.resolve(SHUTDOWN);
    return new Promise((resolve) => this.waitingWorkers.push(resolve));
  }

  /** Ends the processing of `key`; if it was added meanwhile, it becomes ready again. */
  done(key: string): void {
    if (!this.processing.delete(key)) return;
    if (this.shuttingDown) {
      if (this.processing.size === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
      return;
    }
    if (this.dirty.has(key)) this.makeReady(key);
  }

  /**
   * Stops the queue: adds are ignored, waiting and future get() calls receive the shutdown signal,
   * queued and scheduled keys are dropped (a restarted controller reconciles everything anyway).
   * Resolves once every key in processing is done(), so in-flight writes can finish.
   */
  shutdown(): Promise<void> {
    if (!this.shuttingDown) {
      this.shuttingDown = true;
      for (const { timer } of this.scheduledAdds.values()) timer.cancel();
      this.scheduledAdds.clear();
      this.ready.clear();
      this.dirty.clear();
      this.onDepthChange(0);
      this.waitingWorkers.splice(0).forEach((resolve) => resolve(SHUTDOWN));
    }
    if (this.processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Keys waiting for a worker (not those in processing or scheduled for later). */
  depth(): number {
    return this.ready.size;
  }

  /** Keys with a pending addAfter()/addRateLimited(). */
  scheduled(): number {
    return this.scheduledAdds.size;
  }

  /** Keys held by workers right now. */
  inFlight(): number {
    return this.processing.size;
  }

  private makeReady(key: string): void {
    const worker = this.waitingWorkers.shift();
    if (worker) {
      this.startProcessing(key);
      worker({ type: 'key', key });
      return;
    }
    this.ready.add(key);
    this.onDepthChange(this.ready.size);
  }

  private takeReady(): string | undefined {
    const first = this.ready.values().next();
    if (first.done) return undefined;
    this.ready.delete(first.value);
    this.onDepthChange(this.ready.size);
    this.startProcessing(first.value);
    return first.value;
  }

  private startProcessing(key: string): void {
    this.dirty.delete(key);
    this.processing.add(key);
  }
}
