// Jobs that failed: the Job controller set Failed=True (BackoffLimitExceeded, DeadlineExceeded,
// PodFailurePolicy, ...). A Job whose pods failed and were retried until one succeeded is Complete,
// not Failed. A CronJob runs its Job again at the next schedule, so a failed run is history once a
// later run of the same CronJob succeeded; the CronJob keeps only a few finished Jobs
// (successful/failedJobsHistoryLimit), so its lastSuccessfulTime stands in for a success whose Job
// is gone. The finding goes to the CronJob when there is one: that is what a human edits.
import type { ClusterReader } from '../../cluster/view.js';
import { ROLL_UP_KINDS, refKey } from '../../cluster/view.js';
import type { CronJob, Job } from '../../model/apps.js';
import type { ContainerState, Pod } from '../../model/core.js';
import { findCondition } from '../../model/meta.js';
import { containerStatuses, describeRef, objectRef, truncate } from '../evidence.js';
import type { AnalysisContext, Analyzer, Finding } from '../types.js';

const isTrue = (job: Job, type: string): boolean => findCondition(job.status.conditions, type)?.status === 'True';

/** When the run started: what "a later run" compares. */
function startOf(job: Job): string {
  return job.status.startTime ?? job.metadata.creationTimestamp ?? '';
}

const later = (a: string | undefined, b: string | undefined): boolean => Boolean(a && b) && Date.parse(a ?? '') > Date.parse(b ?? '');

/** The CronJob that created the Job, by its controller reference. */
function cronJobOf(view: ClusterReader, job: Job): { name: string; uid?: string; object?: CronJob } | undefined {
  const owner = view.controllerOf(job);
  if (owner?.ref.kind !== 'CronJob') return undefined;
  const object = owner.object?.kind === 'CronJob' ? (owner.object as CronJob) : undefined;
  return { name: owner.ref.name, ...(owner.ref.uid ? { uid: owner.ref.uid } : {}), ...(object ? { object } : {}) };
}

function sameCronJob(view: ClusterReader, job: Job, cronJob: { name: string; uid?: string }): boolean {
  const owner = view.controllerOf(job)?.ref;
  return owner?.kind === 'CronJob' && (cronJob.uid && owner.uid ? owner.uid === cronJob.uid : owner.name === cronJob.name);
}

/** Whether a run of the same CronJob that started after this one succeeded, or the CronJob says one did since it failed. */
function supersededBySuccess(view: ClusterReader, job: Job, cronJob: { name: string; uid?: string; object?: CronJob }): boolean {
  const failedAt = findCondition(job.status.conditions, 'Failed')?.lastTransitionTime ?? job.status.completionTime;
  if (later(cronJob.object?.status.lastSuccessfulTime, failedAt ?? startOf(job))) return true;
  return view
    .inNamespace('Job', job.metadata.namespace ?? '')
    .some((other) => other !== job && isTrue(other, 'Complete') && sameCronJob(view, other, cronJob) && later(startOf(other), startOf(job)));
}

/** The Job's pods, by their controller reference. */
function podsOf(view: ClusterReader, job: Job): readonly Pod[] {
  if (!view.has('Pod')) return [];
  return view.referencing('Pod', job).filter((pod) =>
    (pod.metadata.ownerReferences ?? []).some((ref) => ref.kind === 'Job' && (ref.uid && job.metadata.uid ? ref.uid === job.metadata.uid : ref.name === job.metadata.name)),
  );
}

interface ContainerFailure {
  readonly pod: Pod;
  readonly container?: string;
  readonly terminated?: NonNullable<ContainerState['terminated']>;
  readonly at: string;
}

/** The most recent failure among the Job's pods: a container that exited non-zero, or a pod that failed as a whole. */
function lastFailure(pods: readonly Pod[]): ContainerFailure | undefined {
  let last: ContainerFailure | undefined;
  for (const pod of pods) {
    const candidates: ContainerFailure[] = [];
    for (const { name, status } of containerStatuses(pod)) {
      for (const state of [status.state, status.lastState]) {
        const terminated = state?.terminated;
        if (terminated && terminated.exitCode !== 0) candidates.push({ pod, container: name, terminated, at: terminated.finishedAt ?? pod.status.startTime ?? '' });
      }
    }
    if (candidates.length === 0 && pod.status.phase === 'Failed') candidates.push({ pod, at: pod.status.startTime ?? pod.metadata.creationTimestamp ?? '' });
    for (const candidate of candidates) if (!last || candidate.at > last.at) last = candidate;
  }
  return last;
}

function describeFailure(failure: ContainerFailure, maxLength: number): string[] {
  const { pod, container, terminated } = failure;
  const where = `last failed pod ${pod.metadata.name}${container ? `, container ${container}` : ''}`;
  const podReason = pod.status.reason ? `; pod ${pod.status.phase ?? ''} (${pod.status.reason})${pod.status.message ? `: ${pod.status.message}` : ''}` : '';
  if (!terminated) return [truncate(`${where}: phase ${pod.status.phase ?? 'unknown'}${podReason}`, maxLength)];
  const signal = terminated.signal ? `, signal ${terminated.signal}` : '';
  const out = [truncate(`${where}: exit code ${terminated.exitCode}${signal}, reason ${terminated.reason ?? 'unknown'}${terminated.finishedAt ? ` at ${terminated.finishedAt}` : ''}${podReason}`, maxLength)];
  if (terminated.message) out.push(truncate(`termination message: ${terminated.message}`, maxLength));
  return out;
}

function failedJobFinding(ctx: AnalysisContext, job: Job, failedRuns: number): Finding {
  const { view, settings } = ctx;
  const failed = findCondition(job.status.conditions, 'Failed');
  const subject = view.subjectOf(job);
  const name = `${job.metadata.namespace ?? ''}/${job.metadata.name}`;
  const of = refKey(subject) === refKey(objectRef(job)) ? '' : ` of ${describeRef(subject)}`;
  const why = failed?.reason ? `${failed.reason}${failed.message ? `: ${failed.message.replace(/\.$/, '')}` : ''}` : (failed?.message ?? 'no reason given');
  const failure = lastFailure(podsOf(view, job));
  const limit = job.spec.backoffLimit ?? 6;
  return {
    check: 'JobFailed',
    severity: 'critical',
    subject,
    object: objectRef(job),
    message: `Job ${name}${of} failed (${why})${failure?.terminated ? `; its last failed pod exited with code ${failure.terminated.exitCode}` : ''}.`,
    evidence: [
      `condition Failed=True${failed?.reason ? ` (${failed.reason})` : ''}${failed?.lastTransitionTime ? ` since ${failed.lastTransitionTime}` : ''}${failed?.message ? `: ${failed.message}` : ''}`,
      `pods failed: ${job.status.failed ?? 0}, succeeded: ${job.status.succeeded ?? 0}, backoffLimit: ${limit}${job.spec.activeDeadlineSeconds !== undefined ? `, activeDeadlineSeconds: ${job.spec.activeDeadlineSeconds}` : ''}`,
      ...(failure ? describeFailure(failure, settings.evidence.maxItemLength) : ['no failed pod of the Job is left to show an exit code']),
      ...(failedRuns > 1 ? [`${failedRuns} failed runs of ${describeRef(subject)} since its last success`] : []),
    ],
    ...(failed?.lastTransitionTime ? { firstSeen: failed.lastTransitionTime } : {}),
    // The pod whose log tells why (the controller's log evidence reads it).
    ...(failure ? { related: [objectRef(failure.pod)] } : {}),
  };
}

export const failedJobs: Analyzer = {
  name: 'failed-jobs',
  description: 'Jobs with condition Failed=True, unless a later run of their CronJob succeeded.',
  checks: ['JobFailed'],
  reads: ['Job'],
  optionalReads: ['Pod', ...ROLL_UP_KINDS],
  scope: 'subject',
  subjectKinds: ['Job'],
  analyze(ctx) {
    const { view } = ctx;
    // The newest unsuperseded failed run per subject, and how many such runs it has.
    const newest = new Map<string, { job: Job; runs: number }>();
    for (const job of view.list('Job')) {
      if (job.metadata.deletionTimestamp || !isTrue(job, 'Failed')) continue;
      const cronJob = cronJobOf(view, job);
      if (cronJob && supersededBySuccess(view, job, cronJob)) continue;
      const key = refKey(view.subjectOf(job));
      const current = newest.get(key);
      if (!current) newest.set(key, { job, runs: 1 });
      else {
        const newer = startOf(job) > startOf(current.job) || (startOf(job) === startOf(current.job) && job.metadata.name > current.job.metadata.name);
        newest.set(key, { job: newer ? job : current.job, runs: current.runs + 1 });
      }
    }
    return [...newest.values()].map(({ job, runs }) => failedJobFinding(ctx, job, runs));
  },
};
