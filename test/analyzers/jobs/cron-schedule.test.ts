// The schedule grammar and arithmetic of the CronJob controller (robfig/cron's standard parser), as
// parseCronJobSchedule reproduces it on top of cron-parser.
import { describe, expect, it } from 'vitest';
import { parseCronJobSchedule, timeZoneProblem } from '../../../src/analyzers/jobs/cron-schedule.js';

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

function next(schedule: string, after: string, timeZone?: string): string | undefined {
  const parsed = parseCronJobSchedule(schedule, timeZone);
  if (!parsed.valid) throw new Error(`${schedule}: ${parsed.problem}`);
  return iso(parsed.schedule.nextAfter(at(after)));
}

describe('parseCronJobSchedule', () => {
  it.each([
    '*/5 * * * *', '0 2 * * *', '5/15 * * * *', '0 0 1,15 * *', '0 0 1,,15 * *', '0 9 * jan-mar mon-fri', '0 0 ? * SUN', '0-59/10 * * * *', '0 0 29 2 *',
    '@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly', '@every 90s', '@every 1h30m', 'TZ=Europe/Berlin 0 4 * * *', 'CRON_TZ=UTC 0 4 * * *',
  ])('accepts %s, as the controller does', (schedule) => {
    expect(parseCronJobSchedule(schedule, undefined)).toMatchObject({ valid: true });
  });

  it.each([
    ['0 3 * * 7', 'day of week "7": 7 is out of range 0-6 (Sunday is 0)'],
    ['0 3 * * 5-7', 'day of week "5-7": 7 is out of range 0-6 (Sunday is 0)'],
    ['0 0 12 * * ?', 'expected exactly 5 fields (minute hour day-of-month month day-of-week), found 6'],
    ['* * *', 'expected exactly 5 fields (minute hour day-of-month month day-of-week), found 3'],
    ['0 23 L * *', 'day of month field "L": "L" is not a value, range, list, step or name the controller knows (no L, W, # or H)'],
    ['0 0 * * 1#2', 'day of week field "1#2": "1#2" is not a value, range, list, step or name the controller knows (no L, W, # or H)'],
    ['H * * * *', 'minute field "H": "H" is not a value, range, list, step or name the controller knows (no L, W, # or H)'],
    ['0 jan * * *', 'hour field "jan": "jan" is not a value, range, list, step or name the controller knows (no L, W, # or H)'],
    ['61 * * * *', 'Constraint error, got value 61 expected range 0-59'],
    ['*/0 * * * *', 'Constraint error, cannot repeat at every 0 time.'],
    ['0 0 30 2 *', 'it names a day that no month it allows has, so it never fires'],
    ['0 0 31 4,6 *', 'it names a day that no month it allows has, so it never fires'],
    ['@weekdays', 'unrecognized macro @weekdays (the controller knows @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, @every <duration>)'],
    ['@every soon', '"@every soon": not a Go duration such as 90s, 15m or 1h30m'],
    ['TZ=Mars/Olympus 0 4 * * *', 'bad location in the schedule\'s TZ prefix: unknown time zone Mars/Olympus'],
    ['', 'the schedule is empty'],
  ])('rejects %j: %s', (schedule, problem) => {
    expect(parseCronJobSchedule(schedule, undefined)).toEqual({ valid: false, field: 'schedule', problem });
  });

  it('checks the timeZone as the API server and the controller load it', () => {
    expect(parseCronJobSchedule('0 4 * * *', 'Europe/Amsterdm')).toEqual({ valid: false, field: 'timeZone', problem: 'unknown time zone Europe/Amsterdm' });
    expect(parseCronJobSchedule('0 4 * * *', '')).toEqual({ valid: false, field: 'timeZone', problem: 'timeZone must not be empty' });
    expect(timeZoneProblem('Local')).toBe('timeZone must be an explicit IANA time zone, not Local');
    expect(timeZoneProblem('+01:00')).toBe('unknown time zone +01:00');
    expect(timeZoneProblem('europe/amsterdam')).toBe('unknown time zone europe/amsterdam (names are case-sensitive: Europe/Amsterdam)');
    for (const zone of ['UTC', 'Etc/UTC', 'Europe/Amsterdam', 'America/New_York', 'US/Eastern', 'Asia/Kolkata']) expect(timeZoneProblem(zone), zone).toBeUndefined();
    // A TZ prefix in the schedule wins over spec.timeZone, as in the controller.
    expect(parseCronJobSchedule('TZ=UTC 0 4 * * *', 'Mars/Olympus')).toMatchObject({ valid: true });
  });

  it('fires strictly after the given time', () => {
    expect(next('*/5 * * * *', '2026-11-25T12:00:00Z')).toBe('2026-11-25T12:05:00.000Z');
    expect(next('5/15 * * * *', '2026-11-25T12:06:00Z')).toBe('2026-11-25T12:20:00.000Z');
    expect(next('@hourly', '2026-11-25T12:00:00Z')).toBe('2026-11-25T13:00:00.000Z');
    expect(next('@weekly', '2026-11-25T12:00:00Z')).toBe('2026-11-29T00:00:00.000Z');
  });

  it('fires on the day of month OR the day of week when both are restricted, as Vixie cron and the controller do', () => {
    // 2026-11-25 is a Wednesday: the next 1st of a month or Monday is Monday the 30th.
    expect(next('0 0 1 * mon', '2026-11-25T12:00:00Z')).toBe('2026-11-30T00:00:00.000Z');
    // Only the day of week restricted: Mondays.
    expect(next('0 0 * * 1', '2026-11-25T12:00:00Z')).toBe('2026-11-30T00:00:00.000Z');
    // Only the day of month restricted.
    expect(next('0 0 1 * *', '2026-11-25T12:00:00Z')).toBe('2026-12-01T00:00:00.000Z');
  });

  it('reads the schedule in its time zone, across a change of daylight saving time', () => {
    expect(next('30 6 * * 1-5', '2026-11-25T12:00:00Z', 'America/New_York')).toBe('2026-11-26T11:30:00.000Z');
    // Amsterdam leaves summer time on 2026-10-25: 04:00 is 02:00 UTC before, 03:00 UTC after.
    expect(next('0 4 * * *', '2026-10-24T12:00:00Z', 'Europe/Amsterdam')).toBe('2026-10-25T03:00:00.000Z');
    expect(next('0 4 * * *', '2026-10-23T12:00:00Z', 'Europe/Amsterdam')).toBe('2026-10-24T02:00:00.000Z');
    expect(next('TZ=Asia/Kolkata 0 9 * * *', '2026-11-25T00:00:00Z')).toBe('2026-11-25T03:30:00.000Z');
  });

  it('runs @every at a constant delay from the last run, in whole seconds', () => {
    expect(next('@every 2h', '2026-11-25T10:15:00Z')).toBe('2026-11-25T12:15:00.000Z');
    expect(next('@every 1.5s', '2026-11-25T10:15:00Z')).toBe('2026-11-25T10:15:01.000Z');
    expect(next('@every 100ms', '2026-11-25T10:15:00Z')).toBe('2026-11-25T10:15:01.000Z');
  });

  it('finds the most recent due time', () => {
    const parsed = parseCronJobSchedule('*/10 * * * *', undefined);
    if (!parsed.valid) throw new Error(parsed.problem);
    expect(iso(parsed.schedule.lastAtOrBefore(at('2026-11-25T12:00:00Z')))).toBe('2026-11-25T12:00:00.000Z');
    expect(iso(parsed.schedule.lastAtOrBefore(at('2026-11-25T11:59:59Z')))).toBe('2026-11-25T11:50:00.000Z');
  });
});
