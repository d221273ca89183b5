// Time as a dependency: the queue's delays and the leader elector's deadlines read this clock, so
// tests drive them with a manual clock instead of waiting.

export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `callback` once after `delayMs` (0 or less: on the next turn of the event loop). */
  schedule(callback: () => void, delayMs: number): Timer;
}

/**
 * setTimeout fires at once (after a warning) for delays above 2^31-1 ms, about 24.8 days, and
 * re-checks that far ahead are real: a certificate that expires in 90 days is re-checked when it
 * enters the 14-day warning window. Longer delays are chained.
 */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** The process clock. Timers do not keep the process alive: shutdown, not a pending re-check, ends it. */
export const systemClock: Clock = {
  now: () => Date.now(),
  schedule(callback, delayMs) {
    const dueAt = Date.now() + Math.max(0, delayMs);
    let handle: ReturnType<typeof setTimeout>;
    const arm = (delay: number) => {
      handle = setTimeout(() => {
        const remaining = dueAt - Date.now();
        if (remaining > 0) arm(remaining);
        else callback();
      }, Math.min(delay, MAX_TIMER_DELAY_MS));
      handle.unref();
    };
    arm(Math.max(0, delayMs));
    return { cancel: () => clearTimeout(handle) };
  },
};
