// Keeps the controller's heap near a budget. V8 sizes its heap for throughput: with a live set of
// ~100 MB (a 10,000-pod cluster) and the steady trickle of short-lived objects an analysis pass
// leaves, it lets the old generation grow to several times the live set before collecting, so the
// process sits at 500-700 MB RSS while needing a third of that. A full collection when the heap
// passes the budget (no more often than `minIntervalMs`) holds RSS near budget + code, at a few
// tens of milliseconds per collection. `--max-old-space-size` would need every deployment to set
// NODE_OPTIONS, and turns an undersized limit into a crash instead of a warning.
import v8 from 'node:v8';
import vm from 'node:vm';

export interface HeapBudgetOptions {
  /** Heap in use (bytes) above which a full collection runs. */
  readonly budgetBytes: number;
  /** Collections are at least this far apart, so that CPU spent on them stays bounded. */
  readonly minIntervalMs: number;
  /**
   * At most this share of the time goes to the budget's collections (0.1 by default): after one
   * that took d ms, the next waits at least d * (1 / share - 1). A full collection is atomic and
   * its cost grows with the live set: at 50,000 pods one took 0.3-0.8 s, and while the start-up
   * LIST grew the heap, collections every 0.5-2.5 s took 12 of its 47 s (V8's own, concurrent
   * collector needed 7 s for the same objects in `analyze`).
   */
  readonly maxTimeShare?: number;
  readonly heapUsed?: () => number;
  readonly collect?: () => void;
  readonly now?: () => number;
  /** Told once when the live heap alone exceeds the budget: collecting more cannot help. */
  readonly onOverBudget?: (liveBytes: number) => void;
}

/** V8's full collection, without starting node with --expose-gc (the flag is read when `gc` is looked up). */
export function fullCollection(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

export class HeapBudget {
  private readonly heapUsed: () => number;
  private readonly collect: () => void;
  private readonly now: () => number;
  private lastAt = -Infinity;
  /** The least time between the end of the last collection and the next one. */
  private gapMs = 0;
  /** Raised above the budget when the live set itself outgrew it, so as not to collect in a loop. */
  private threshold: number;
  private warned = false;
  collections = 0;
  collectionMs = 0;

  constructor(private readonly options: HeapBudgetOptions) {
    // V8's own figure: process.memoryUsage() also reads the RSS from /proc (7.5 µs against 0.35 µs),
    // and this runs between every two analyzers of a pass.
    this.heapUsed = options.heapUsed ?? (() => v8.getHeapStatistics().used_heap_size);
    this.collect = options.collect ?? fullCollection();
    this.now = options.now ?? (() => performance.now());
    this.threshold = options.budgetBytes;
  }

  /** Collects if the heap is over the threshold and the last collection is old enough; true if it did. */
  check(): boolean {
    if (this.heapUsed() <= this.threshold) return false;
    const started = this.now();
    if (started - this.lastAt < Math.max(this.options.minIntervalMs, this.gapMs)) return false;
    this.collect();
    const finished = this.now();
    this.lastAt = finished;
    const share = this.options.maxTimeShare ?? 0.1;
    this.gapMs = (finished - started) * (1 / share - 1);
    this.collections += 1;
    this.collectionMs += finished - started;
    const live = this.heapUsed();
    // What survives a full collection is live: with the live set near or over the budget, leave a
    // quarter of headroom above it instead of collecting on every check.
    this.threshold = Math.max(this.options.budgetBytes, live * 1.25);
    if (live > this.options.budgetBytes && !this.warned) {
      this.warned = true;
      this.options.onOverBudget?.(live);
    }
    return true;
  }
}
