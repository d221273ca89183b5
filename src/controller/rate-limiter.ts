// How long a key waits before it is retried: per-key exponential backoff (a failing subject backs off
// alone) combined with a global token bucket (a storm of failures cannot flood the API server).
// The combination takes the longer of the two delays, as controller-runtime's default limiter does.
import type { Clock } from './clock.js';

export interface RateLimiter {
  /** The delay before `key` may be retried; each call counts one more failure of `key`. */
  when(key: string): number;
  /** Forgets the failures of `key` (after it succeeded). */
  forget(key: string): void;
  /** How many times `key` has failed since it was last forgotten. */
  failures(key: string): number;
}

export interface ExponentialBackoffOptions {
  readonly baseMs: number;
  readonly maxMs: number;
}

export function exponentialBackoff({ baseMs, maxMs }: ExponentialBackoffOptions): RateLimiter {
  const failures = new Map<string, number>();
  return {
    when(key) {
      const count = failures.get(key) ?? 0;
      failures.set(key, count + 1);
      // 2^count overflows to Infinity long before it matters; min() keeps the result finite.
      return Math.min(maxMs, baseMs * 2 ** count);
    },
    forget: (key) => void failures.delete(key),
    failures: (key) => failures.get(key) ?? 0,
  };
}

export interface TokenBucketOptions {
  /** Tokens added per second. */
  readonly qps: number;
  /** Bucket size: how many retries may pass at once after a quiet period. */
  readonly burst: number;
}

/**
 * A token bucket that hands out reservations: a retry that finds the bucket empty is not refused
 * but told how long to wait for its token, so retries spread out at `qps`.
 */
export function tokenBucket({ qps, burst }: TokenBucketOptions, clock: Clock): RateLimiter {
  let tokens = burst;
  let updatedAt = clock.now();
  return {
    when() {
      const now = clock.now();
      tokens = Math.min(burst, tokens + ((now - updatedAt) / 1000) * qps);
      updatedAt = now;
      tokens -= 1;
      return tokens >= 0 ? 0 : Math.ceil((-tokens / qps) * 1000);
    },
    forget: () => undefined,
    failures: () => 0,
  };
}

/** The longest delay of several limiters; every limiter sees every failure. */
export function maxOf(...limiters: readonly RateLimiter[]): RateLimiter {
  return {
    when: (key) => limiters.reduce((longest, limiter) => Math.max(longest, limiter.when(key)), 0),
    forget: (key) => limiters.forEach((limiter) => limiter.forget(key)),
    failures: (key) => limiters.reduce((most, limiter) => Math.max(most, limiter.failures(key)), 0),
  };
}

export interface ControllerRateLimiterOptions {
  readonly baseBackoffMs?: number;
  readonly maxBackoffMs?: number;
  readonly qps?: number;
  readonly burst?: number;
}

export const DEFAULT_RATE_LIMITS = { baseBackoffMs: 100, maxBackoffMs: 300_000, qps: 50, burst: 100 } as const;

export function controllerRateLimiter(clock: Clock, options: ControllerRateLimiterOptions = {}): RateLimiter {
  return maxOf(
    exponentialBackoff({
      baseMs: options.baseBackoffMs ?? DEFAULT_RATE_LIMITS.baseBackoffMs,
      maxMs: options.maxBackoffMs ?? DEFAULT_RATE_LIMITS.maxBackoffMs,
    }),
    tokenBucket({ qps: options.qps ?? DEFAULT_RATE_LIMITS.qps, burst: options.burst ?? DEFAULT_RATE_LIMITS.burst }, clock),
  );
}
