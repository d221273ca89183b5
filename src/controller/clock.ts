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

/** The process clock. Timers do not keep the process alive: shutdown, not a pending re-check, ends it. */
export const systemClock: Clock = {
  now: () => Date.now(),
  schedule(callback, delayMs) {
    const handle = setTimeout(callback, Math.max(0, delayMs));
    handle.unref();
    return { cancel: () => clearTimeout(handle) };
  },
};
