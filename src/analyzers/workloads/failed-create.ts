// Controllers that cannot create their pods: the API server rejects them for a quota, a
// LimitRange, a missing ServiceAccount or an admission policy. The ReplicaSet, StatefulSet,
// DaemonSet or Job records FailedCreate; the finding goes to the top controller a human edits.
import type { ClusterReader } from '../../cluster/view.js';
import type { DaemonSet, Job, ReplicaSet, StatefulSet } from '../../model/apps.js';
import type { ClusterEvent } from '../../model/core.js';
import { findCondition } from '../../model/meta.js';
import type { ObjectRef } from '../../model/meta.js';
import type { CheckId } from '../catalogue.js';
import { ageMs, describeRef, eventEvidence, objectRef, recheckWhenAged, truncate } from '../evidence.js';
import type { Clock } from '../evidence.js';
import type { AnalysisContext, Analyzer, Finding } from '../types.js';

type PodCreator = ReplicaSet | StatefulSet | DaemonSet | Job;
type FailedCreateCheck = Extract<CheckId, 'WorkloadQuotaExceeded' | 'WorkloadLimitRangeViolation' | 'WorkloadServiceAccountMissing' | 'WorkloadAdmissionDenied'>;

const CREATOR_KINDS = ['ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job'] as const;

/** Which rejection a FailedCreate message reports; admission is tested first as policies may quote anything. */
export function classifyFailedCreate(message: string): FailedCreateCheck | undefined {
  if (/admission webhook "[^"]*" denied the request|failed calling webhook|violates PodSecurity|ValidatingAdmissionPolicy .* denied request/i.test(message)) return 'WorkloadAdmissionDenied';
  if (/error looking up service account|serviceaccounts? "[^"]+" not found/i.test(message)) return 'WorkloadServiceAccountMissing';
  if (/exceeded quota|failed quota/i.test(message)) return 'WorkloadQuotaExceeded';
  if (/(maximum|minimum) [\w.-]+ usage per (Container|Pod)|limit to request ratio per (Container|Pod)|LimitRange/i.test(message)) return 'WorkloadLimitRangeViolation';
  return undefined;
}

/** Whether the controller still has fewer pods than it wants: a FailedCreate is history otherwise. */
function stillShort(obj: PodCreator): boolean {
  switch (obj.kind) {
    case 'ReplicaSet':
      return (obj.status.replicas ?? 0) < (obj.spec.replicas ?? 1) || findCondition(obj.status.conditions, 'ReplicaFailure')?.status === 'True';
    case 'StatefulSet':
      return (obj.status.replicas ?? 0) < (obj.spec.replicas ?? 1);
    case 'DaemonSet':
      return (obj.status.currentNumberScheduled ?? 0) < (obj.status.desiredNumberScheduled ?? 0);
    case 'Job': {
      const finished = (obj.status.conditions ?? []).some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
      return !finished && !obj.spec.suspend && (obj.status.active ?? 0) < (obj.spec.parallelism ?? 1);
    }
  }
}

interface Rejection {
  readonly message: string;
  readonly events: readonly ClusterEvent[];
  readonly since?: string;
}

/**
 * Controllers retry a rejected create with exponential backoff capped at about 17 minutes, so a
 * rejection that persists repeats within this window; an older one is history, even when the
 * controller is short of pods for another reason (a scale-up a moment ago).
 */
const RECENT_FAILED_CREATE_MS = 30 * 60_000;

/** FailedCreate messages by check, the most recent first, from recent events or the ReplicaFailure condition. */
function rejections(view: ClusterReader, obj: PodCreator, clock: Clock): Map<FailedCreateCheck, Rejection> {
  const out = new Map<FailedCreateCheck, Rejection>();
  const events = view.has('Event')
    ? view.eventsFor({ kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name }).filter((e) => {
        if (e.reason !== 'FailedCreate') return false;
        const age = ageMs(e.lastTimestamp, clock.now);
        // History (age > the window) a millisecond after lastTimestamp + the window.
        recheckWhenAged(clock, e.lastTimestamp, RECENT_FAILED_CREATE_MS + 1, obj.metadata.namespace);
        return age !== undefined && age <= RECENT_FAILED_CREATE_MS;
      })
    : [];
  for (const event of events) {
    const check = classifyFailedCreate(event.message);
    if (!check) continue;
    const current = out.get(check);
    const since = [current?.since, event.firstTimestamp].filter((t): t is string => Boolean(t)).sort()[0];
    out.set(check, { message: current?.message ?? event.message, events: [...(current?.events ?? []), event], ...(since ? { since } : {}) });
  }
  const failure = obj.kind === 'ReplicaSet' ? findCondition(obj.status.conditions, 'ReplicaFailure') : undefined;
  if (failure?.status === 'True' && failure.message) {
    const check = classifyFailedCreate(failure.message);
    if (check && !out.has(check)) out.set(check, { message: failure.message, events: [], ...(failure.lastTransitionTime ? { since: failure.lastTransitionTime } : {}) });
  }
  return out;
}

/** `pods "web-x" is forbidden: exceeded quota: q, ...` without the boilerplate before the cause. */
function reasonText(message: string): string {
  return message.replace(/^Error creating: /, '').replace(/^pods "[^"]*" is forbidden: /, '').replace(/^pods is forbidden: /, '');
}

function quotaEvidence(ctx: AnalysisContext, namespace: string, message: string): string[] {
  const name = /(?:exceeded|failed) quota: ([^,\s]+)/.exec(message)?.[1];
  if (!name || !ctx.view.has('ResourceQuota')) return [];
  const quota = ctx.view.get('ResourceQuota', namespace, name);
  if (!quota) return [];
  const hard = quota.status.hard ?? quota.spec.hard ?? {};
  const used = quota.status.used ?? {};
  return [`ResourceQuota ${name}: ${Object.keys(hard).sort().map((r) => `${r} ${used[r] ?? '0'}/${hard[r] ?? ''}`).join(', ')}`];
}

function limitRangeEvidence(ctx: AnalysisContext, namespace: string): string[] {
  if (!ctx.view.has('LimitRange')) return [];
  return ctx.view.inNamespace('LimitRange', namespace).map((lr) => {
    const limits = lr.spec.limits.map((l) => {
      const max = Object.entries(l.max ?? {}).map(([r, v]) => `max ${r}=${v}`);
      const min = Object.entries(l.min ?? {}).map(([r, v]) => `min ${r}=${v}`);
      return `${l.type}: ${[...max, ...min].join(', ') || 'defaults only'}`;
    });
    return `LimitRange ${lr.metadata.name}: ${limits.join('; ')}`;
  });
}

function admissionEvidence(message: string): string[] {
  const webhook = /admission webhook "([^"]+)"/.exec(message)?.[1];
  const policy = /denied the request:\s*([\s\S]*)$/.exec(message)?.[1] ?? /violates PodSecurity "[^"]+":\s*([\s\S]*)$/.exec(message)?.[1];
  return [...(webhook ? [`webhook: ${webhook}`] : []), ...(policy ? [`policy: ${policy.trim()}`] : [])];
}

/**
 * The webhook configuration holding the webhook a FailedCreate could not call
 * (`failed calling webhook "<name>"`): its AdmissionWebhookUnavailable finding explains this one.
 */
function unreachableWebhookConfigurations(view: ClusterReader, message: string): ObjectRef[] {
  const name = /failed calling webhook "([^"]+)"/i.exec(message)?.[1];
  if (!name) return [];
  const kinds = ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'] as const;
  return kinds.flatMap((kind) => (view.has(kind) ? view.list(kind) : []).filter((config) => (config.webhooks ?? []).some((hook) => hook.name === name)).map((config) => objectRef(config)));
}

function missingAccount(message: string): string | undefined {
  return /serviceaccounts? "([^"]+)" not found/.exec(message)?.[1] ?? /error looking up service account [^/\s]+\/([^:\s]+)/.exec(message)?.[1];
}

function describeCause(check: FailedCreateCheck, message: string): string {
  const text = reasonText(message);
  switch (check) {
    case 'WorkloadQuotaExceeded': {
      const quota = /(?:exceeded|failed) quota: ([^,\s]+)/.exec(text)?.[1];
      return `the namespace quota${quota ? ` ${quota}` : ''} is exhausted (${text})`;
    }
    case 'WorkloadLimitRangeViolation':
      return `the namespace LimitRange rejects the pod (${text})`;
    case 'WorkloadServiceAccountMissing':
      return `ServiceAccount ${missingAccount(text) ?? '(unknown)'} does not exist`;
    case 'WorkloadAdmissionDenied':
      return /failed calling webhook/i.test(text) ? `an admission webhook cannot be reached and fails closed (${truncate(text, 200)})` : `admission denied them: ${truncate(text, 200)}`;
  }
}

export function findFailedPodCreation(ctx: AnalysisContext): Finding[] {
  const { view } = ctx;
  const best = new Map<string, Finding>();
  for (const kind of CREATOR_KINDS) {
    if (!view.has(kind)) continue;
    for (const obj of view.list(kind) as readonly PodCreator[]) {
      if (obj.metadata.deletionTimestamp || !stillShort(obj)) continue;
      const namespace = obj.metadata.namespace ?? '';
      for (const [check, rejection] of rejections(view, obj, ctx)) {
        // The ServiceAccount may exist by now; the controller then creates the pods on its next try.
        const account = check === 'WorkloadServiceAccountMissing' ? missingAccount(rejection.message) : undefined;
        if (account && view.has('ServiceAccount') && view.get('ServiceAccount', namespace, account)) continue;
        const subject = view.subjectOf(obj);
        const evidence = [
          ...(check === 'WorkloadQuotaExceeded' ? quotaEvidence(ctx, namespace, rejection.message) : []),
          ...(check === 'WorkloadLimitRangeViolation' ? limitRangeEvidence(ctx, namespace) : []),
          ...(check === 'WorkloadAdmissionDenied' ? admissionEvidence(rejection.message) : []),
          ...(rejection.events.length ? eventEvidence(rejection.events, ctx.settings.evidence.maxEvents) : [`condition ReplicaFailure: ${rejection.message}`]),
        ];
        const owner = subject.kind === obj.kind && subject.name === obj.metadata.name ? '' : ` (of ${describeRef(subject)})`;
        const webhooks = check === 'WorkloadAdmissionDenied' ? unreachableWebhookConfigurations(view, rejection.message) : [];
        const finding: Finding = {
          check,
          severity: 'critical',
          subject,
          object: objectRef(obj),
          message: `${obj.kind} ${namespace}/${obj.metadata.name}${owner} cannot create pods: ${describeCause(check, rejection.message)}.`,
          evidence,
          ...(rejection.since ? { firstSeen: rejection.since } : {}),
          ...(webhooks.length ? { related: webhooks } : {}),
        };
        // Old and new ReplicaSets of one Deployment fail alike: one finding per subject and check.
        const key = `${check}|${subject.kind}/${subject.namespace ?? ''}/${subject.name}`;
        const current = best.get(key);
        if (!current || (finding.firstSeen ?? '') > (current.firstSeen ?? '')) best.set(key, finding);
      }
    }
  }
  return [...best.values()];
}

export const failedPodCreation: Analyzer = {
  name: 'failed-pod-creation',
  description: 'Workload controllers whose pods the API server rejects: quota, LimitRange, missing ServiceAccount, admission policy.',
  checks: ['WorkloadQuotaExceeded', 'WorkloadLimitRangeViolation', 'WorkloadServiceAccountMissing', 'WorkloadAdmissionDenied'],
  // Events or a ReplicaSet's ReplicaFailure condition tell it; either alone is enough.
  reads: [],
  scope: 'subject',
  subjectKinds: ['ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job'],
  optionalReads: [
    'Event', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'Deployment', 'CronJob', 'ResourceQuota', 'LimitRange', 'ServiceAccount',
    'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration',
  ],
  analyze: findFailedPodCreation,
};
