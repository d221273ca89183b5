// Deployments whose rollout does not complete: the controller gave up (ProgressDeadlineExceeded), or
// the new ReplicaSet's pods fail while the old ones keep serving, so nobody notices until the old
// pods go away.
import type { Deployment, ReplicaSet, StatefulSet } from '../../model/apps.js';
import type { Pod } from '../../model/core.js';
import type { ObjectRef } from '../../model/meta.js';
import { findCondition } from '../../model/meta.js';
import { ageMs, formatDuration, objectRef, olderThan } from '../evidence.js';
import type { AnalysisContext, Analyzer, Finding } from '../types.js';
import { controlledPods, podFailure, podRef } from './workload-pods.js';

const REVISION = 'deployment.kubernetes.io/revision';

export interface StuckRollout {
  readonly deployment: Deployment;
  readonly deadlineExceeded: boolean;
  readonly newReplicaSet?: ReplicaSet;
  readonly oldServing: readonly ReplicaSet[];
  readonly failing: readonly { readonly pod: Pod; readonly failure: string }[];
  readonly since?: string;
}

function ownedReplicaSets(ctx: AnalysisContext, deployment: Deployment): ReplicaSet[] {
  if (!ctx.view.has('ReplicaSet') || !deployment.metadata.namespace) return [];
  return ctx.view.referencing('ReplicaSet', deployment).filter((rs) => {
    const owner = (rs.metadata.ownerReferences ?? []).find((o) => o.controller && o.kind === 'Deployment');
    if (!owner) return false;
    return owner.uid && deployment.metadata.uid ? owner.uid === deployment.metadata.uid : owner.name === deployment.metadata.name;
  });
}

/** The ReplicaSet of the Deployment's current revision, else the newest one. */
function newReplicaSet(deployment: Deployment, replicaSets: readonly ReplicaSet[]): ReplicaSet | undefined {
  const revision = deployment.metadata.annotations?.[REVISION];
  const byRevision = revision ? replicaSets.find((rs) => rs.metadata.annotations?.[REVISION] === revision) : undefined;
  if (byRevision) return byRevision;
  return [...replicaSets].sort((a, b) => (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''))[0];
}

export function stuckRollout(ctx: AnalysisContext, deployment: Deployment): StuckRollout | undefined {
  if (deployment.spec.paused || deployment.metadata.deletionTimestamp) return undefined;
  const progressing = findCondition(deployment.status.conditions, 'Progressing');
  const deadlineExceeded = progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded';
  const replicaSets = ownedReplicaSets(ctx, deployment);
  const newest = newReplicaSet(deployment, replicaSets);
  const oldServing = replicaSets.filter((rs) => rs !== newest && (rs.status.availableReplicas ?? 0) > 0);
  const failingPods = (): StuckRollout['failing'] =>
    newest && ctx.view.has('Pod')
      ? controlledPods(ctx.view, newest).flatMap((pod) => {
          const failure = podFailure(pod);
          return failure ? [{ pod, failure }] : [];
        })
      : [];
  const common = { deployment, oldServing, ...(newest ? { newReplicaSet: newest } : {}) };
  if (deadlineExceeded) {
    return { ...common, failing: failingPods(), deadlineExceeded: true, ...(progressing.lastTransitionTime ? { since: progressing.lastTransitionTime } : {}) };
  }
  // Before the deadline: only a rollout that has run longer than a healthy one needs, that old
  // pods cover, and whose new pods already fail (checked last: it reads the pods).
  if (!newest || oldServing.length === 0) return undefined;
  if ((newest.status.availableReplicas ?? 0) >= (newest.spec.replicas ?? 0)) return undefined;
  if (!olderThan(ctx, newest.metadata.creationTimestamp, ctx.settings.thresholds.replicasUnavailableAfter, deployment.metadata.namespace)) return undefined;
  const failing = failingPods();
  if (failing.length === 0) return undefined;
  return { ...common, failing, deadlineExceeded: false, ...(newest.metadata.creationTimestamp ? { since: newest.metadata.creationTimestamp } : {}) };
}

function revisionOf(rs: ReplicaSet): string {
  const revision = rs.metadata.annotations?.[REVISION];
  return revision ? ` (revision ${revision})` : '';
}

/** What changed in the template: images per container, which is what most rollouts change. */
function templateChanges(newRs: ReplicaSet, old: ReplicaSet | undefined): string[] {
  if (!old) return [];
  const before = new Map((old.spec.template?.spec.containers ?? []).map((c) => [c.name, c.image]));
  return (newRs.spec.template?.spec.containers ?? []).flatMap((c) => {
    const previous = before.get(c.name);
    if (previous === undefined) return [`container ${c.name} added (image ${c.image ?? '?'})`];
    return previous !== c.image ? [`container ${c.name} image: ${previous ?? '?'} -> ${c.image ?? '?'}`] : [];
  });
}

function describeStuck(stuck: StuckRollout, now: number): { message: string; evidence: string[] } {
  const { deployment: d, newReplicaSet: rs, oldServing, failing } = stuck;
  const name = `Deployment ${d.metadata.namespace ?? ''}/${d.metadata.name}`;
  const target = rs ? `ReplicaSet ${rs.metadata.name}${revisionOf(rs)}` : 'its new ReplicaSet';
  const servingPods = oldServing.reduce((sum, o) => sum + (o.status.availableReplicas ?? 0), 0);
  const serving = oldServing.length ? `; ${servingPods} pod${servingPods === 1 ? '' : 's'} of the previous template still serve` : '';
  const why = failing[0] ? ` (${failing[0].failure})` : '';
  const available = rs ? `${rs.status.availableReplicas ?? 0}/${rs.spec.replicas ?? 0} new pods available` : 'no new pods available';
  const progressing = findCondition(d.status.conditions, 'Progressing');
  const message = stuck.deadlineExceeded
    ? `${name} did not finish rolling out ${target} within its progress deadline of ${d.spec.progressDeadlineSeconds ?? 600}s: ${available}${why}${serving}.`
    : `${name} is stuck rolling out ${target}${stuck.since ? ` for ${formatDuration(ageMs(stuck.since, now) ?? 0)}` : ''}: its new pods fail${why}${serving}.`;
  const evidence = [
    ...(progressing ? [`condition Progressing=${progressing.status}${progressing.reason ? ` (${progressing.reason})` : ''}${progressing.message ? `: ${progressing.message}` : ''}`] : []),
    ...(rs ? [`new ${target}: ${available}`] : []),
    ...oldServing.map((o) => `old ReplicaSet ${o.metadata.name}${revisionOf(o)}: ${o.status.availableReplicas ?? 0} available`),
    ...(rs ? templateChanges(rs, oldServing[0]) : []),
    ...failing.map(({ pod, failure }) => `pod ${pod.metadata.name}: ${failure}`),
  ];
  return { message, evidence };
}

export interface StuckStatefulSetRollout {
  readonly statefulSet: StatefulSet;
  readonly failing: readonly { readonly pod: Pod; readonly failure: string }[];
  readonly serving: number;
  readonly since?: string;
}

/**
 * A StatefulSet updates its pods one at a time from the highest ordinal down and stops at the first
 * updated pod that does not become ready: pods of the update revision fail while the rest still run
 * the current revision, and nothing gives up by itself.
 */
export function stuckStatefulSetRollout(ctx: AnalysisContext, sts: StatefulSet): StuckStatefulSetRollout | undefined {
  const { currentRevision, updateRevision } = sts.status;
  if (!ctx.view.has('Pod') || !currentRevision || !updateRevision || currentRevision === updateRevision || sts.metadata.deletionTimestamp) return undefined;
  const pods = controlledPods(ctx.view, sts);
  const revisionOfPod = (pod: Pod): string | undefined => pod.metadata.labels?.['controller-revision-hash'];
  const failing = pods.flatMap((pod) => {
    if (revisionOfPod(pod) !== updateRevision) return [];
    const failure = podFailure(pod);
    return failure && olderThan(ctx, pod.metadata.creationTimestamp, ctx.settings.thresholds.replicasUnavailableAfter, pod.metadata.namespace) ? [{ pod, failure }] : [];
  });
  const serving = pods.filter((pod) => revisionOfPod(pod) === currentRevision && findCondition(pod.status.conditions, 'Ready')?.status === 'True').length;
  if (failing.length === 0 || serving === 0) return undefined;
  const since = failing.map(({ pod }) => pod.metadata.creationTimestamp ?? '').filter(Boolean).sort()[0];
  return { statefulSet: sts, failing, serving, ...(since ? { since } : {}) };
}

function statefulSetFinding(ctx: AnalysisContext, stuck: StuckStatefulSetRollout): Finding {
  const { statefulSet: sts, failing, serving } = stuck;
  const name = `StatefulSet ${sts.metadata.namespace ?? ''}/${sts.metadata.name}`;
  const [first] = failing;
  const duration = stuck.since ? ` for ${formatDuration(ageMs(stuck.since, ctx.now) ?? 0)}` : '';
  return {
    check: 'WorkloadRolloutStuck',
    severity: 'critical',
    subject: ctx.view.subjectOf(sts),
    object: objectRef(sts),
    message: `${name} is stuck rolling out revision ${sts.status.updateRevision ?? ''}${duration}: ${first ? `pod ${first.pod.metadata.name} fails (${first.failure})` : 'its updated pods fail'}; ${serving} pod${serving === 1 ? '' : 's'} of revision ${sts.status.currentRevision ?? ''} still serve.`,
    evidence: [
      `currentRevision ${sts.status.currentRevision ?? ''}, updateRevision ${sts.status.updateRevision ?? ''}, updated ${sts.status.updatedReplicas ?? 0}/${sts.spec.replicas ?? 1}`,
      ...failing.slice(0, ctx.settings.evidence.maxEvents).map(({ pod, failure }) => `pod ${pod.metadata.name}: ${failure}`),
    ],
    ...(stuck.since ? { firstSeen: stuck.since } : {}),
    related: [...failing.map(({ pod }) => podRef(pod)), objectRef(sts)],
  };
}

export function findStuckRollouts(ctx: AnalysisContext): Finding[] {
  const findings: Finding[] = [];
  for (const sts of ctx.view.has('StatefulSet') ? ctx.view.list('StatefulSet') : []) {
    const stuck = stuckStatefulSetRollout(ctx, sts);
    if (stuck) findings.push(statefulSetFinding(ctx, stuck));
  }
  for (const deployment of ctx.view.has('Deployment') ? ctx.view.list('Deployment') : []) {
    const stuck = stuckRollout(ctx, deployment);
    if (!stuck) continue;
    const { message, evidence } = describeStuck(stuck, ctx.now);
    const related: ObjectRef[] = [...stuck.failing.map(({ pod }) => podRef(pod)), ...(stuck.newReplicaSet ? [objectRef(stuck.newReplicaSet)] : []), objectRef(deployment)];
    findings.push({
      check: 'WorkloadRolloutStuck',
      severity: 'critical',
      subject: ctx.view.subjectOf(deployment),
      object: objectRef(deployment),
      message,
      evidence: evidence.slice(0, ctx.settings.evidence.maxEvents + 4),
      ...(stuck.since ? { firstSeen: stuck.since } : {}),
      related,
    });
  }
  return findings;
}

export const stuckRollouts: Analyzer = {
  name: 'stuck-rollouts',
  description: 'Deployments past their progress deadline, and Deployments or StatefulSets whose updated pods fail while pods of the previous template still serve.',
  checks: ['WorkloadRolloutStuck'],
  // Deployments and StatefulSets are each read when loaded; neither alone is required.
  reads: [],
  scope: 'subject',
  subjectKinds: ['Deployment', 'StatefulSet'],
  optionalReads: ['Deployment', 'StatefulSet', 'ReplicaSet', 'Pod'],
  analyze: findStuckRollouts,
};
