// CronJobs that do not run: a schedule or time zone the controller cannot use, or a schedule that is
// fine while no run has started since one fell due. The controller records the start of every run
// in status.lastScheduleTime, so the first due time after it (or after the CronJob's creation)
// passing without a new run is a missed start. It gives up on a run startingDeadlineSeconds after
// it fell due, so a shorter deadline than the tolerance makes the run missed sooner.
import type { CronJob } from '../../model/apps.js';
import type { ClusterEvent } from '../../model/core.js';
import { eventEvidence, eventsWithReason, formatDuration, objectRef, recheckWhenAged } from '../evidence.js';
import type { AnalysisContext, Analyzer, Finding } from '../types.js';
import { parseCronJobSchedule } from './cron-schedule.js';
import type { CronSchedule } from './cron-schedule.js';

/** What the controller says when it cannot use a schedule or time zone. */
const INVALID_SCHEDULE_REASONS = ['UnparseableSchedule', 'InvalidSchedule', 'UnknownTimeZone', 'UnsupportedSchedule'];
/** What the controller says when it does not start a run. */
const NOT_STARTED_REASONS = ['MissSchedule', 'TooManyMissedTimes', 'JobAlreadyActive', 'FailedCreate', 'FailedGet', 'UnexpectedJob'];

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');

function describe(cronJob: CronJob): string {
  return `CronJob ${cronJob.metadata.namespace ?? ''}/${cronJob.metadata.name}`;
}

function controllerEvents(ctx: AnalysisContext, cronJob: CronJob, reasons: readonly string[]): readonly ClusterEvent[] {
  if (!ctx.view.has('Event')) return [];
  return eventsWithReason(ctx.view.eventsFor({ kind: 'CronJob', namespace: cronJob.metadata.namespace, name: cronJob.metadata.name }), reasons);
}

function specEvidence(cronJob: CronJob): string {
  const { spec } = cronJob;
  return [
    `schedule: "${spec.schedule}"`,
    `timeZone: ${spec.timeZone === undefined ? 'not set (the controller\'s, assumed UTC)' : `"${spec.timeZone}"`}`,
    ...(spec.suspend ? ['suspended'] : []),
  ].join(', ');
}

function invalidScheduleFinding(ctx: AnalysisContext, cronJob: CronJob, field: 'schedule' | 'timeZone', problem: string): Finding {
  const what = field === 'timeZone' ? `time zone "${cronJob.spec.timeZone ?? ''}"` : `schedule "${cronJob.spec.schedule}"`;
  return {
    check: 'CronJobScheduleInvalid',
    severity: 'critical',
    subject: objectRef(cronJob),
    object: objectRef(cronJob),
    message: `${describe(cronJob)} never runs: the controller cannot use its ${what} (${problem}).`,
    evidence: [specEvidence(cronJob), `${field}: ${problem}`, ...eventEvidence(controllerEvents(ctx, cronJob, INVALID_SCHEDULE_REASONS), ctx.settings.evidence.maxEvents)],
  };
}

/** How long after a due time a run may still start: the tolerance, or the starting deadline when shorter. */
function startGrace(ctx: AnalysisContext, cronJob: CronJob): number {
  const tolerance = ctx.settings.thresholds.cronJobStartTolerance;
  const deadline = cronJob.spec.startingDeadlineSeconds;
  return deadline === undefined ? tolerance : Math.min(tolerance, deadline * 1000);
}

function notSchedulingFinding(ctx: AnalysisContext, cronJob: CronJob, schedule: CronSchedule, due: number): Finding {
  const { now, settings } = ctx;
  const { status, spec } = cronJob;
  const last = status.lastScheduleTime;
  const latestDue = schedule.lastAtOrBefore(now);
  const active = status.active ?? [];
  const events = controllerEvents(ctx, cronJob, NOT_STARTED_REASONS);
  const since = last ? `since its last run at ${last}` : `since it was created at ${cronJob.metadata.creationTimestamp ?? '(unknown)'}`;
  const blockedBy = spec.concurrencyPolicy === 'Forbid' && active.length > 0 ? `; concurrencyPolicy Forbid and Job ${active.map((a) => a.name).join(', ')} still active` : '';
  return {
    check: 'CronJobNotScheduling',
    severity: 'warning',
    subject: objectRef(cronJob),
    object: objectRef(cronJob),
    message: `${describe(cronJob)} has started no Job ${since}: a run was due at ${iso(due)}, ${formatDuration(now - due)} ago${blockedBy}.`,
    evidence: [
      specEvidence(cronJob),
      `last schedule time: ${last ?? 'never'}, last successful time: ${status.lastSuccessfulTime ?? 'never'}`,
      `first run due after it: ${iso(due)}${latestDue !== undefined && latestDue > due ? `, most recent due: ${iso(latestDue)}` : ''}`,
      `concurrencyPolicy: ${spec.concurrencyPolicy ?? 'Allow'}, startingDeadlineSeconds: ${spec.startingDeadlineSeconds ?? 'not set'}`,
      ...(active.length ? [`active Jobs: ${active.map((a) => a.name).join(', ')}`] : []),
      ...eventEvidence(events, settings.evidence.maxEvents),
    ],
    firstSeen: iso(due),
  };
}

export const cronJobSchedules: Analyzer = {
  name: 'cronjob-schedules',
  description: 'CronJobs whose schedule or time zone the controller cannot use, or that have started no Job since a run fell due.',
  checks: ['CronJobScheduleInvalid', 'CronJobNotScheduling'],
  reads: ['CronJob'],
  optionalReads: ['Event'],
  scope: 'subject',
  subjectKinds: ['CronJob'],
  analyze(ctx) {
    const findings: Finding[] = [];
    for (const cronJob of ctx.view.list('CronJob')) {
      if (cronJob.metadata.deletionTimestamp) continue;
      const parsed = parseCronJobSchedule(cronJob.spec.schedule, cronJob.spec.timeZone);
      if (!parsed.valid) {
        findings.push(invalidScheduleFinding(ctx, cronJob, parsed.field, parsed.problem));
        continue;
      }
      if (cronJob.spec.suspend) continue;
      const from = Date.parse(cronJob.status.lastScheduleTime ?? cronJob.metadata.creationTimestamp ?? '');
      if (Number.isNaN(from)) continue;
      const due = parsed.schedule.nextAfter(from);
      if (due === undefined) {
        findings.push(invalidScheduleFinding(ctx, cronJob, 'schedule', 'it never fires'));
        continue;
      }
      const grace = startGrace(ctx, cronJob);
      // Missed a millisecond after due + grace.
      recheckWhenAged(ctx, iso(due), grace + 1, cronJob.metadata.namespace);
      if (ctx.now - due > grace) findings.push(notSchedulingFinding(ctx, cronJob, parsed.schedule, due));
    }
    return findings;
  },
};
