import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_TIMER_DELAY_MS, systemClock } from '../../src/controller/clock.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('system clock', () => {
  it('fires a timer after its delay', () => {
    vi.useFakeTimers({ now: Date.parse('2026-11-25T12:00:00Z') });
    const fired: number[] = [];
    systemClock.schedule(() => fired.push(systemClock.now()), 5_000);
    vi.advanceTimersByTime(4_999);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual([Date.parse('2026-11-25T12:00:05Z')]);
  });

  it('waits out delays longer than setTimeout can (a certificate re-check 76 days ahead)', () => {
    vi.useFakeTimers({ now: Date.parse('2026-11-25T12:00:00Z') });
    const delay = 76 * 86_400_000;
    expect(delay).toBeGreaterThan(MAX_TIMER_DELAY_MS);
    let fired = false;
    systemClock.schedule(() => (fired = true), delay);
    vi.advanceTimersByTime(1_000);
    expect(fired).toBe(false);
    vi.advanceTimersByTime(delay - 1_001);
    expect(fired).toBe(false);
    vi.advanceTimersByTime(1);
    expect(fired).toBe(true);
  });

  it('cancels a chained timer', () => {
    vi.useFakeTimers({ now: Date.parse('2026-11-25T12:00:00Z') });
    let fired = false;
    const timer = systemClock.schedule(() => (fired = true), 2 * MAX_TIMER_DELAY_MS);
    vi.advanceTimersByTime(MAX_TIMER_DELAY_MS + 10);
    timer.cancel();
    vi.advanceTimersByTime(2 * MAX_TIMER_DELAY_MS);
    expect(fired).toBe(false);
  });
});
