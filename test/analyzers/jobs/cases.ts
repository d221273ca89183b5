import type { CheckCase } from '../../helpers/cases.js';

const JOB_CHECKS = ['JobFailed', 'CronJobScheduleInvalid', 'CronJobNotScheduling'] as const;

export const cases: readonly CheckCase[] = [
  {
    name: 'a CronJob whose last run failed (the subject is the CronJob); a Job past its activeDeadlineSeconds',
    fixtures: ['jobs/failed-runs.yaml'],
    checks: [...JOB_CHECKS],
    expected: ['JobFailed CronJob/batch-reports/nightly-report', 'JobFailed Job/batch-reports/reindex-search'],
  },
  {
    name: 'failures that are history: a later run succeeded (its Job kept, or only lastSuccessfulTime); a Job that failed twice then succeeded',
    fixtures: ['jobs/recovered-runs.yaml'],
    checks: [...JOB_CHECKS],
    expected: [],
  },
  {
    name: 'schedules the controller cannot use: day of week 7, 30 February, a misspelt time zone, six fields, L, @weekdays',
    fixtures: ['jobs/schedules-invalid.yaml'],
    checks: [...JOB_CHECKS],
    expected: [
      'CronJobScheduleInvalid CronJob/batch-schedules/eu-billing',
      'CronJobScheduleInvalid CronJob/batch-schedules/leap-report',
      'CronJobScheduleInvalid CronJob/batch-schedules/month-end',
      'CronJobScheduleInvalid CronJob/batch-schedules/quartz-export',
      'CronJobScheduleInvalid CronJob/batch-schedules/weekday-digest',
      'CronJobScheduleInvalid CronJob/batch-schedules/weekly-cleanup',
    ],
  },
  {
    name: 'CronJobs that run: steps, macros, @every, a time zone, a late run within tolerance, a new one, one suspended on purpose',
    fixtures: ['jobs/schedules-healthy.yaml'],
    checks: [...JOB_CHECKS],
    expected: [],
  },
  {
    name: 'CronJobs that start no run: Forbid behind a stuck Job, startingDeadlineSeconds too short; one due now is fine',
    fixtures: ['jobs/not-scheduling.yaml'],
    checks: [...JOB_CHECKS],
    expected: ['CronJobNotScheduling CronJob/batch-stuck/hourly-sync', 'CronJobNotScheduling CronJob/batch-stuck/ledger-close'],
  },
  {
    name: 'a run five minutes late is missed with a tolerance of two minutes',
    fixtures: ['jobs/schedules-healthy.yaml'],
    checks: ['CronJobNotScheduling'],
    settings: { thresholds: { cronJobStartTolerance: '2m' } },
    expected: ['CronJobNotScheduling CronJob/batch-healthy/feed-import'],
  },
  {
    name: 'the stuck hourly CronJob is not yet missed an hour earlier, within the tolerance of its first due run',
    fixtures: ['jobs/not-scheduling.yaml'],
    checks: ['CronJobNotScheduling'],
    now: '2026-11-25T09:05:00Z',
    expected: [],
  },
];
