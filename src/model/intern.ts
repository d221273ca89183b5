// One copy of each short string value for the whole cache. JSON.parse makes a fresh string for every
// value it reads, so the namespace, labels, image, node name, condition types and reasons of 10,000
// pods exist tens of thousands of times over: measured on the 10,000-pod benchmark dump, the parsed
// cache takes 95 MB of heap as parsed and 40-44 MB once its short strings are shared, for ~110 ms of
// interning at start-up.

/** Longer values (messages, certificates' names of many hosts) rarely repeat: not worth a lookup. */
const MAX_INTERNED_LENGTH = 64;

/**
 * A pool of two generations: values are looked up in both and added to the young one; when it is
 * full it becomes the old one and the previous old one is dropped. Values that are unique (uids,
 * resourceVersions) thus leave the pool after two generations instead of accumulating for ever,
 * while the repeated ones are found again and again.
 */
export class StringPool {
  private young = new Map<string, string>();
  private old = new Map<string, string>();

  constructor(private readonly generationSize = 100_000) {}

  string(value: string): string {
    if (value.length > MAX_INTERNED_LENGTH) return value;
    const known = this.young.get(value) ?? this.old.get(value);
    if (known !== undefined) return known;
    this.young.set(value, value);
    if (this.young.size >= this.generationSize) {
      this.old = this.young;
      this.young = new Map();
    }
    return value;
  }

  /** Replaces, in place, every short string inside a freshly parsed value by the pool's copy. */
  internAll<T>(value: T): T {
    return this.visit(value) as T;
  }

  private visit(value: unknown): unknown {
    if (typeof value === 'string') return this.string(value);
    // Shared constants (frozen) are left alone: they are one copy already.
    if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i += 1) value[i] = this.visit(value[i]);
      return value;
    }
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) record[key] = this.visit(record[key]);
    return value;
  }

  get size(): number {
    return this.young.size + this.old.size;
  }
}
