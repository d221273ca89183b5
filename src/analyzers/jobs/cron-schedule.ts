// A CronJob's schedule as the CronJob controller reads it. The controller parses with robfig/cron's
// standard parser: exactly five fields (no seconds), the macros @yearly, @annually, @monthly,
// @weekly, @daily, @midnight, @hourly and `@every <Go duration>`, an optional `TZ=`/`CRON_TZ=`
// prefix (which then overrides spec.timeZone), and day of month OR day of week when both are
// restricted. The cron-parser library does the field parsing and the time arithmetic (time zones,
// DST); it accepts more than the controller does (seconds, L, W, #, H, day of week 7, @weekdays), so
// the grammar is narrowed to the controller's first. Without a time zone the controller uses its
// own, which in the usual kube-controller-manager image is UTC: so is assumed here.
import { CronExpressionParser } from 'cron-parser';
import type { CronExpression } from 'cron-parser';

export interface CronSchedule {
  /** The first time (ms) the schedule fires strictly after `after`; undefined when it never does. */
  nextAfter(after: number): number | undefined;
  /** The last time (ms) the schedule fired at or before `at`; undefined when it never did. */
  lastAtOrBefore(at: number): number | undefined;
  /** The time zone the schedule is read in. */
  readonly timeZone: string;
}

export type ScheduleParse =
  | { readonly valid: true; readonly schedule: CronSchedule }
  | { readonly valid: false; readonly field: 'schedule' | 'timeZone'; readonly problem: string };

const MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const FIELD_NAMES = ['minute', 'hour', 'day of month', 'month', 'day of week'] as const;
/** What robfig/cron accepts in one comma-separated part: `*` or `?` or a value or a range, then an optional step. */
const FIELD_PART = /^(\*|\?|[0-9]+|[a-z]+)(-([0-9]+|[a-z]+))?(\/[0-9]+)?$/i;
/** The names robfig/cron knows, by field index (month, day of week); no other field takes names. */
const FIELD_VALUE_NAMES: Readonly<Record<number, readonly string[]>> = {
  3: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
  4: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'],
};
/** The IANA naming rules the API server checks a timeZone's components against (pkg/apis/batch/validation). */
const TIME_ZONE_COMPONENT = /^[A-Za-z.\-_0-9+]{1,14}$/;

/** Why the controller would not load this time zone, or undefined when it would. */
export function timeZoneProblem(zone: string): string | undefined {
  if (zone === '') return 'timeZone must not be empty';
  if (zone.toLowerCase() === 'local') return 'timeZone must be an explicit IANA time zone, not Local';
  if (zone.split('/').some((part) => part === '.' || part === '..' || part.startsWith('-') || !TIME_ZONE_COMPONENT.test(part))) return `unknown time zone ${zone}`;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return `unknown time zone ${zone}`;
  }
  // Intl matches names case-insensitively; the controller's time zone database does not.
  if (resolved !== zone && resolved.toLowerCase() === zone.toLowerCase()) return `unknown time zone ${zone} (names are case-sensitive: ${resolved})`;
  return undefined;
}

const GO_DURATION_UNITS_MS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration, which `@every` uses: `90s`, `1h30m`, `1.5h`. */
function parseGoDuration(text: string): number | undefined {
  const match = /^([-+]?)((?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+|0)$/.exec(text);
  if (!match) return undefined;
  let total = 0;
  for (const part of (match[2] ?? '').matchAll(/(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) total += Number(part[1]) * (GO_DURATION_UNITS_MS[part[2] ?? ''] ?? 0);
  return match[1] === '-' ? -total : total;
}

/** robfig/cron's Every: a constant delay of at least one second, in whole seconds. */
function everySchedule(delayMs: number, timeZone: string): CronSchedule {
  const delay = Math.max(1000, delayMs - (delayMs % 1000));
  return {
    timeZone,
    nextAfter: (after) => after - (after % 1000) + delay,
    // A constant delay counts from the last run, not from a fixed origin: there is no "last due time" without it.
    lastAtOrBefore: () => undefined,
  };
}

/** One parsed expression, moved to each asked time: parsing costs far more than stepping. */
function cronSchedule(expression: CronExpression, timeZone: string): CronSchedule {
  const from = (time: number, step: (e: CronExpression) => { getTime(): number }): number | undefined => {
    try {
      expression.reset(new Date(time));
      return step(expression).getTime();
    } catch {
      return undefined;
    }
  };
  return {
    timeZone,
    nextAfter: (after) => from(after, (e) => e.next()),
    lastAtOrBefore: (at) => from(at + 1, (e) => e.prev()),
  };
}

/** Narrows the five fields to the controller's grammar; returns them normalised, or the problem. */
function checkFields(fields: readonly string[]): { fields: string[] } | { problem: string } {
  if (fields.length !== 5) return { problem: `expected exactly 5 fields (minute hour day-of-month month day-of-week), found ${fields.length}` };
  const out: string[] = [];
  for (const [index, field] of fields.entries()) {
    const name = FIELD_NAMES[index] ?? 'field';
    // The controller splits on commas and skips empty parts.
    const parts = field.split(',').filter((part) => part !== '');
    if (parts.length === 0) return { problem: `${name} field "${field}" is empty` };
    for (const part of parts) {
      const unknownName = (part.match(/[a-z]+/gi) ?? []).find((word) => !(FIELD_VALUE_NAMES[index] ?? []).includes(word.toLowerCase()));
      if (!FIELD_PART.test(part) || unknownName) return { problem: `${name} field "${field}": "${part}" is not a value, range, list, step or name the controller knows (no L, W, # or H)` };
      if (index === 4 && /(^|-)7(\/|-|$)/.test(part)) return { problem: `day of week "${part}": 7 is out of range 0-6 (Sunday is 0)` };
    }
    out.push(parts.join(','));
  }
  return { fields: out };
}

/** Explains cron-parser's message for a date that never comes, as the controller would meet it. */
function describeLibraryError(message: string): string {
  if (/Invalid explicit day of month definition/i.test(message)) return 'it names a day that no month it allows has, so it never fires';
  return message;
}

function parse(schedule: string, timeZone: string | undefined): ScheduleParse {
  let spec = schedule;
  let zone = 'UTC';
  if (schedule.includes('TZ')) {
    // The controller then passes the schedule as it is and ignores spec.timeZone.
    if (schedule.startsWith('TZ=') || schedule.startsWith('CRON_TZ=')) {
      const space = schedule.indexOf(' ');
      if (space < 0) return { valid: false, field: 'schedule', problem: 'a TZ= prefix must be followed by the schedule' };
      zone = schedule.slice(schedule.indexOf('=') + 1, space);
      const problem = timeZoneProblem(zone);
      if (problem) return { valid: false, field: 'schedule', problem: `bad location in the schedule's TZ prefix: ${problem}` };
      spec = schedule.slice(space).trim();
    }
  } else if (timeZone !== undefined) {
    const problem = timeZoneProblem(timeZone);
    if (problem) return { valid: false, field: 'timeZone', problem };
    zone = timeZone;
  }
  if (spec === '') return { valid: false, field: 'schedule', problem: 'the schedule is empty' };
  if (spec.startsWith('@')) {
    if (spec.startsWith('@every ')) {
      const delay = parseGoDuration(spec.slice('@every '.length));
      if (delay === undefined) return { valid: false, field: 'schedule', problem: `"${spec}": not a Go duration such as 90s, 15m or 1h30m` };
      return { valid: true, schedule: everySchedule(delay, zone) };
    }
    const expanded = MACROS[spec];
    if (!expanded) return { valid: false, field: 'schedule', problem: `unrecognized macro ${spec} (the controller knows ${[...Object.keys(MACROS), '@every <duration>'].join(', ')})` };
    spec = expanded;
  }
  const checked = checkFields(spec.split(/\s+/).filter(Boolean));
  if ('problem' in checked) return { valid: false, field: 'schedule', problem: checked.problem };
  try {
    return { valid: true, schedule: cronSchedule(CronExpressionParser.parse(checked.fields.join(' '), { tz: zone, currentDate: new Date(0) }), zone) };
  } catch (error) {
    return { valid: false, field: 'schedule', problem: describeLibraryError(error instanceof Error ? error.message : String(error)) };
  }
}

/**
 * Parses are remembered by schedule and time zone: a CronJob is re-analyzed on every change of it
 * or its Jobs and a parse costs milliseconds, while schedules seldom change. Bounded, so that a
 * cluster whose schedules churn cannot grow it without end.
 */
const PARSED = new Map<string, ScheduleParse>();
const MAX_PARSED = 2048;

/**
 * Parses a CronJob's schedule and timeZone as the controller does. Invalid when the controller
 * cannot parse them, or when the schedule never fires (the controller then reports InvalidSchedule).
 */
export function parseCronJobSchedule(schedule: string, timeZone: string | undefined): ScheduleParse {
  const key = `${timeZone ?? ''}\u0000${schedule}`;
  let parsed = PARSED.get(key);
  if (!parsed) {
    if (PARSED.size >= MAX_PARSED) PARSED.clear();
    PARSED.set(key, (parsed = parse(schedule, timeZone)));
  }
  return parsed;
}
