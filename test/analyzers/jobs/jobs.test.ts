import { describe, expect, it } from 'vitest';
import { runCases } from '../../helpers/cases.js';
import { analyzeFixtures } from '../../helpers/fixtures.js';
import { cases } from './cases.js';

runCases('job and CronJob checks', cases);

function findingsOf(check: string, fixtures: string[], options: { now?: string; settings?: unknown } = {}) {
  return analyzeFixtures(fixtures, { ...(options.now ? { now: Date.parse(options.now) } : {}), ...(options.settings ? { settings: options.settings } : {}) }).findings.filter((f) => f.check === check);
}

describe('JobFailed evidence', () => {
  it('names the failed run, its reason and the last failed pod\'s exit code and termination message', () => {
    const finding = findingsOf('JobFailed', ['jobs/failed-runs.yaml']).find((f) => f.subject.kind === 'CronJob');
    expect(finding?.object).toMatchObject({ kind: 'Job', namespace: 'batch-reports', name: 'nightly-report-29926200' });
    expect(finding?.message).toBe(
      'Job batch-reports/nightly-report-29926200 of CronJob batch-reports/nightly-report failed (BackoffLimitExceeded: Job has reached the specified backoff limit); its last failed pod exited with code 1.',
    );
    expect(finding?.evidence).toEqual([
      'condition Failed=True (BackoffLimitExceeded) since 2026-11-25T02:04:12Z: Job has reached the specified backoff limit',
      'pods failed: 3, succeeded: 0, backoffLimit: 2',
      'last failed pod nightly-report-29926200-w8c2n, container nightly-report: exit code 1, reason Error at 2026-11-25T02:03:53Z',
      'termination message: psycopg.OperationalError: connection to server at "pg-finance.batch-reports.svc" (10.96.4.12), port 5432 failed: FATAL: password authentication failed for user "reporter"',
    ]);
    expect(finding?.firstSeen).toBe('2026-11-25T02:04:12Z');
  });

  it('says a Job ran past its deadline, with the pod\'s own reason', () => {
    const finding = findingsOf('JobFailed', ['jobs/failed-runs.yaml']).find((f) => f.subject.kind === 'Job');
    expect(finding?.message).toContain('DeadlineExceeded');
    expect(finding?.evidence).toContain(
      'last failed pod reindex-search-x4l9z, container reindex-search: exit code 137, reason Error at 2026-11-25T09:40:00Z; pod Failed (DeadlineExceeded): Pod was active on the node longer than the specified deadline',
    );
    expect(finding?.evidence[1]).toBe('pods failed: 1, succeeded: 0, backoffLimit: 6, activeDeadlineSeconds: 600');
  });
});

describe('CronJobScheduleInvalid evidence', () => {
  it('says why the controller cannot use the schedule and quotes its events', () => {
    const findings = findingsOf('CronJobScheduleInvalid', ['jobs/schedules-invalid.yaml']);
    const byName = new Map(findings.map((f) => [f.subject.name, f]));
    expect(byName.get('weekly-cleanup')?.message).toContain('day of week "7": 7 is out of range 0-6 (Sunday is 0)');
    expect(byName.get('eu-billing')?.message).toBe('CronJob batch-schedules/eu-billing never runs: the controller cannot use its time zone "Europe/Amsterdm" (unknown time zone Europe/Amsterdm).');
    expect(byName.get('quartz-export')?.message).toContain('expected exactly 5 fields');
    expect(byName.get('leap-report')?.message).toContain('never fires');
    expect(byName.get('leap-report')?.evidence).toContain(
      'Warning InvalidSchedule (x312, last 2026-11-25T11:58:40Z): invalid schedule: 0 0 30 2 * : time difference between two schedules is less than 1 second',
    );
  });
});

describe('CronJobNotScheduling evidence', () => {
  it('names the run that was due, the active Job a Forbid policy waits for and the controller\'s events', () => {
    const finding = findingsOf('CronJobNotScheduling', ['jobs/not-scheduling.yaml']).find((f) => f.subject.name === 'hourly-sync');
    expect(finding?.message).toBe(
      'CronJob batch-stuck/hourly-sync has started no Job since its last run at 2026-11-25T08:00:00Z: a run was due at 2026-11-25T09:00:00Z, 3h ago; concurrencyPolicy Forbid and Job hourly-sync-29926560 still active.',
    );
    expect(finding?.evidence).toContain('active Jobs: hourly-sync-29926560');
    expect(finding?.evidence).toContain('first run due after it: 2026-11-25T09:00:00Z, most recent due: 2026-11-25T12:00:00Z');
    expect(finding?.evidence.some((e) => e.startsWith('Normal JobAlreadyActive (x4'))).toBe(true);
    expect(finding?.firstSeen).toBe('2026-11-25T09:00:00Z');
  });

  it('counts a run missed once its startingDeadlineSeconds passed, when shorter than the tolerance', () => {
    // ledger-close: due 11:30, startingDeadlineSeconds 30.
    expect(findingsOf('CronJobNotScheduling', ['jobs/not-scheduling.yaml'], { now: '2026-11-25T11:30:29Z' }).map((f) => f.subject.name)).toEqual(['hourly-sync']);
    expect(findingsOf('CronJobNotScheduling', ['jobs/not-scheduling.yaml'], { now: '2026-11-25T11:30:31Z' }).map((f) => f.subject.name).sort()).toEqual(['hourly-sync', 'ledger-close']);
  });

  it('reads the schedule in the CronJob\'s time zone', () => {
    // us-open-prices: 06:30 in New York on weekdays; it ran at 11:30 UTC on Wednesday, next due Thursday 11:30 UTC.
    expect(findingsOf('CronJobNotScheduling', ['jobs/schedules-healthy.yaml'], { now: '2026-11-26T11:40:00Z' }).map((f) => f.subject.name)).not.toContain('us-open-prices');
    expect(findingsOf('CronJobNotScheduling', ['jobs/schedules-healthy.yaml'], { now: '2026-11-26T11:40:01Z' }).map((f) => f.subject.name)).toContain('us-open-prices');
  });
});
