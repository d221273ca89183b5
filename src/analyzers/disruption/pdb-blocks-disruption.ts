// PodDisruptionBudgets that block every voluntary eviction. The disruption controller writes how many
// pods the budget expects (expectedPods), how many must stay healthy (desiredHealthy: minAvailable,
// or expectedPods - maxUnavailable) and how many are (currentHealthy); it allows
// currentHealthy - desiredHealthy disruptions. When desiredHealthy reaches expectedPods the budget
// itself forbids every eviction, healthy pods or not: node drains and cluster upgrades hang. When it
// is below, a budget at 0 means pods are unhealthy: a consequence of what ails the workload, linked
// to its finding. A budget that selects no pod protects nothing; a workload whose pod template its
// selector matches (scaled to zero, or failing to create pods) shows the selector is right.
import { matchesLabelSelector, formatLabelSelector } from '../../cluster/selectors.js';
import { ROLL_UP_KINDS, refKey } from '../../cluster/view.js';
import type { Pod } from '../../model/core.js';
import { findCondition } from '../../model/meta.js';
import type { ObjectRef } from '../../model/meta.js';
import type { PodDisruptionBudget } from '../../model/policy.js';
import { isPodTerminal, objectRef, olderThan } from '../evidence.js';
import { isPodReady } from '../network/service-backends.js';
import type { AnalysisContext, Analyzer, Finding } from '../types.js';

/** Workload kinds whose pod template a budget's selector is meant to match. */
const TEMPLATE_KINDS = ['Deployment', 'StatefulSet', 'ReplicaSet', 'DaemonSet'] as const;
/** Related objects listed on a finding: enough for root-cause linking without bloating the report. */
const MAX_RELATED = 20;

function describe(pdb: PodDisruptionBudget): string {
  return `PodDisruptionBudget ${pdb.metadata.namespace ?? ''}/${pdb.metadata.name}`;
}

function budgetEvidence(pdb: PodDisruptionBudget): string {
  const { minAvailable, maxUnavailable } = pdb.spec;
  return [
    ...(minAvailable !== undefined ? [`minAvailable: ${minAvailable}`] : []),
    ...(maxUnavailable !== undefined ? [`maxUnavailable: ${maxUnavailable}`] : []),
    `selector: ${formatLabelSelector(pdb.spec.selector)}`,
  ].join(', ');
}

function statusEvidence(pdb: PodDisruptionBudget): string {
  const s = pdb.status;
  return `disruptionsAllowed: ${s.disruptionsAllowed ?? '?'}, currentHealthy: ${s.currentHealthy ?? '?'}, desiredHealthy: ${s.desiredHealthy ?? '?'}, expectedPods: ${s.expectedPods ?? '?'}`;
}

/** Pods the budget counts: selected, not finished and not being deleted. */
function selectedPods(ctx: AnalysisContext, pdb: PodDisruptionBudget): readonly Pod[] {
  return ctx.view.podsMatching(pdb.metadata.namespace ?? '', pdb.spec.selector).filter((pod) => !isPodTerminal(pod) && !pod.metadata.deletionTimestamp);
}

/** Whether a workload of the namespace has a pod template the selector matches: then the selector is right. */
function matchesAWorkload(ctx: AnalysisContext, pdb: PodDisruptionBudget): boolean {
  const namespace = pdb.metadata.namespace ?? '';
  return TEMPLATE_KINDS.some((kind) => ctx.view.has(kind) && ctx.view.inNamespace(kind, namespace).some((w) => matchesLabelSelector(w.spec.template?.metadata.labels, pdb.spec.selector)));
}

function selectsNothingFinding(pdb: PodDisruptionBudget): Finding {
  return {
    check: 'PDBBlocksDisruption',
    severity: 'warning',
    subject: objectRef(pdb),
    object: objectRef(pdb),
    message: `${describe(pdb)} selects no pod, and no workload of its namespace has a pod template it matches: it protects nothing.`,
    evidence: [budgetEvidence(pdb), statusEvidence(pdb)],
  };
}

function forbidsFinding(pdb: PodDisruptionBudget, since: string | undefined): Finding {
  const { expectedPods = 0, desiredHealthy = 0 } = pdb.status;
  const { maxUnavailable } = pdb.spec;
  const why = maxUnavailable !== undefined && (maxUnavailable === 0 || maxUnavailable === '0%') ? `maxUnavailable is ${maxUnavailable}` : `it requires ${desiredHealthy} healthy of ${expectedPods} pod${expectedPods === 1 ? '' : 's'}`;
  return {
    check: 'PDBBlocksDisruption',
    severity: 'warning',
    subject: objectRef(pdb),
    object: objectRef(pdb),
    message: `${describe(pdb)} allows no disruption although its pods are healthy: ${why}, so every eviction is refused and node drains hang.`,
    evidence: [budgetEvidence(pdb), statusEvidence(pdb)],
    ...(since ? { firstSeen: since } : {}),
  };
}

function unhealthyFinding(ctx: AnalysisContext, pdb: PodDisruptionBudget, since: string | undefined): Finding {
  const { currentHealthy = 0, desiredHealthy = 0, expectedPods = 0 } = pdb.status;
  const unhealthy = ctx.view.has('Pod') ? selectedPods(ctx, pdb).filter((pod) => !isPodReady(pod)) : [];
  const related = new Map<string, ObjectRef>();
  for (const pod of unhealthy.slice(0, MAX_RELATED)) {
    const subject = ctx.view.subjectOf(pod);
    related.set(refKey(subject), subject);
    related.set(refKey(objectRef(pod)), objectRef(pod));
  }
  return {
    check: 'PDBBlocksDisruption',
    severity: 'warning',
    subject: objectRef(pdb),
    object: objectRef(pdb),
    message: `${describe(pdb)} allows no disruption because only ${currentHealthy} of its ${expectedPods} pods are healthy (it requires ${desiredHealthy}).`,
    evidence: [
      budgetEvidence(pdb),
      statusEvidence(pdb),
      ...(unhealthy.length ? [`pods not ready: ${unhealthy.slice(0, ctx.settings.evidence.maxEvents).map((p) => p.metadata.name).join(', ')}`] : []),
    ],
    ...(since ? { firstSeen: since } : {}),
    ...(related.size ? { related: [...related.values()] } : {}),
  };
}

export const blockingDisruptionBudgets: Analyzer = {
  name: 'blocking-disruption-budgets',
  description: 'PodDisruptionBudgets that allow no eviction while their pods are healthy, that select no pod, or that are at 0 because their pods are unhealthy.',
  checks: ['PDBBlocksDisruption'],
  reads: ['PodDisruptionBudget'],
  optionalReads: ['Pod', ...ROLL_UP_KINDS],
  scope: 'namespace',
  analyze(ctx) {
    const threshold = ctx.settings.thresholds.pdbDisruptionsBlockedAfter;
    const findings: Finding[] = [];
    for (const pdb of ctx.view.list('PodDisruptionBudget')) {
      if (pdb.metadata.deletionTimestamp) continue;
      const namespace = pdb.metadata.namespace;
      if (ctx.view.has('Pod') && selectedPods(ctx, pdb).length === 0) {
        if (!matchesAWorkload(ctx, pdb) && olderThan(ctx, pdb.metadata.creationTimestamp, threshold, namespace)) findings.push(selectsNothingFinding(pdb));
        continue;
      }
      const { disruptionsAllowed, expectedPods, desiredHealthy, currentHealthy } = pdb.status;
      // Without the controller's counts (a dump of specs only) the budget cannot be judged.
      if (disruptionsAllowed !== 0 || expectedPods === undefined || desiredHealthy === undefined || currentHealthy === undefined || expectedPods === 0) continue;
      const blocked = findCondition(pdb.status.conditions, 'DisruptionAllowed');
      const since = (blocked?.status === 'False' ? blocked.lastTransitionTime : undefined) ?? pdb.metadata.creationTimestamp;
      if (!olderThan(ctx, since, threshold, namespace)) continue;
      if (desiredHealthy >= expectedPods) findings.push(forbidsFinding(pdb, since));
      else findings.push(unhealthyFinding(ctx, pdb, since));
    }
    return findings;
  },
};
