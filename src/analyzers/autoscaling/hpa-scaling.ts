// HorizontalPodAutoscalers that cannot scale, or that are held at their maximum. The HPA controller
// writes three conditions: AbleToScale (can it read and update the target's scale), ScalingActive
// (can it compute a replica count from the metrics; False with reason ScalingDisabled when the target
// is scaled to zero, which is a choice) and ScalingLimited (the computed count was clamped;
// TooManyReplicas: it wants more than maxReplicas). They flap for a minute after creation or a scale
// (metrics of new pods are not in yet), hence the thresholds. An HPA whose minReplicas equals its
// maxReplicas is pinned on purpose: always "at max", never short of a choice it was given.
import type { HorizontalPodAutoscaler, HPAMetric, HPAMetricStatus } from '../../model/autoscaling.js';
import { minReplicasOf } from '../../model/autoscaling.js';
import type { KindName } from '../../model/kinds.js';
import { findCondition } from '../../model/meta.js';
import type { Condition, ObjectRef } from '../../model/meta.js';
import { eventEvidence, objectRef, olderThan } from '../evidence.js';
import { METRICS_API_SERVICE } from '../nodes/metrics-server-unavailable.js';
import type { AnalysisContext, Analyzer, Finding } from '../types.js';

/** Targets whose existence the view can tell; others (custom resources with a scale subresource) are not judged. */
const TARGET_KINDS = ['Deployment', 'StatefulSet', 'ReplicaSet'] as const satisfies readonly KindName[];
type TargetKind = (typeof TARGET_KINDS)[number];
const isTargetKind = (kind: string): kind is TargetKind => (TARGET_KINDS as readonly string[]).includes(kind);

/** Reasons the HPA controller gives when the resource metrics API (metrics-server) does not answer. */
const RESOURCE_METRIC_REASONS = ['FailedGetResourceMetric', 'FailedGetContainerResourceMetric'];
const HPA_WARNING_REASONS = [
  'FailedGetResourceMetric', 'FailedGetContainerResourceMetric', 'FailedGetPodsMetric', 'FailedGetObjectMetric', 'FailedGetExternalMetric',
  'FailedComputeMetricsReplicas', 'FailedGetScale', 'FailedRescale', 'FailedUpdateScale', 'InvalidSelector', 'SelectorRequired', 'InvalidMetricSourceType',
];

function describe(hpa: HorizontalPodAutoscaler): string {
  return `HorizontalPodAutoscaler ${hpa.metadata.namespace ?? ''}/${hpa.metadata.name}`;
}

function describeTarget(hpa: HorizontalPodAutoscaler): string {
  return `${hpa.spec.scaleTargetRef.kind} ${hpa.spec.scaleTargetRef.name}`;
}

function describeCondition(c: Condition): string {
  return `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}${c.lastTransitionTime ? ` since ${c.lastTransitionTime}` : ''}${c.message ? `: ${c.message}` : ''}`;
}

type Value = { averageUtilization?: number | undefined; averageValue?: string | undefined; value?: string | undefined } | undefined;

function describeValue(value: Value): string {
  if (!value) return '?';
  if (value.averageUtilization !== undefined) return `${value.averageUtilization}%`;
  return value.averageValue ?? value.value ?? '?';
}

function metricName(metric: HPAMetric | HPAMetricStatus): string {
  if (metric.resource) return `${metric.resource.name}`;
  if (metric.containerResource) return `${metric.containerResource.name} of container ${metric.containerResource.container}`;
  return metric.pods?.metric.name ?? metric.object?.metric.name ?? metric.external?.metric.name ?? metric.type;
}

function sourceOf(metric: HPAMetric | HPAMetricStatus): { target?: Value; current?: Value } | undefined {
  return metric.resource ?? metric.containerResource ?? metric.pods ?? metric.object ?? metric.external;
}

/** "cpu: 92% (target 70%)", pairing each metric of the spec with its current value. */
function metricsEvidence(hpa: HorizontalPodAutoscaler): string[] {
  const current = hpa.status.currentMetrics ?? [];
  return (hpa.spec.metrics ?? []).map((metric) => {
    const name = metricName(metric);
    const now = current.find((c) => c.type === metric.type && metricName(c) === name);
    return `metric ${metric.type} ${name}: ${now ? describeValue(sourceOf(now)?.current) : 'no current value'} (target ${describeValue(sourceOf(metric)?.target)})`;
  });
}

function replicasEvidence(hpa: HorizontalPodAutoscaler): string {
  return `replicas: current ${hpa.status.currentReplicas ?? '?'}, desired ${hpa.status.desiredReplicas ?? '?'}, min ${minReplicasOf(hpa)}, max ${hpa.spec.maxReplicas}`;
}

function events(ctx: AnalysisContext, hpa: HorizontalPodAutoscaler): string[] {
  if (!ctx.view.has('Event')) return [];
  const found = ctx.view.eventsFor({ kind: 'HorizontalPodAutoscaler', namespace: hpa.metadata.namespace, name: hpa.metadata.name }).filter((e) => HPA_WARNING_REASONS.includes(e.reason));
  return eventEvidence(found, ctx.settings.evidence.maxEvents);
}

/** The target when the view can tell it is missing: its kind is one it lists, and it holds none of that name. */
function missingTarget(ctx: AnalysisContext, hpa: HorizontalPodAutoscaler): TargetKind | undefined {
  const { kind, name } = hpa.spec.scaleTargetRef;
  if (!isTargetKind(kind) || !ctx.view.has(kind)) return undefined;
  return ctx.view.get(kind, hpa.metadata.namespace, name) ? undefined : kind;
}

interface Inability {
  readonly cause: string;
  readonly since: string | undefined;
  readonly conditions: readonly Condition[];
  readonly metricsApi: boolean;
}

/** Why the HPA cannot scale, per its conditions and its target, or undefined when it can. */
function inability(ctx: AnalysisContext, hpa: HorizontalPodAutoscaler): Inability | undefined {
  const conditions = hpa.status.conditions;
  const able = findCondition(conditions, 'AbleToScale');
  const active = findCondition(conditions, 'ScalingActive');
  const failing = [able, active].filter((c): c is Condition => c?.status === 'False' && c.reason !== 'ScalingDisabled');
  const missing = missingTarget(ctx, hpa);
  if (!missing && failing.length === 0) return undefined;
  // "missing request for cpu" comes with the same reason as an unanswered metrics API, but metrics-server is not why.
  const missingRequest = active?.status === 'False' && /missing request for/i.test(active.message ?? '');
  const metricsApi = active?.status === 'False' && !missingRequest && (RESOURCE_METRIC_REASONS.includes(active.reason ?? '') || /metrics\.k8s\.io|resource metrics API/i.test(active.message ?? ''));
  let cause: string;
  if (missing) cause = `its target ${missing} ${hpa.spec.scaleTargetRef.name} does not exist`;
  else if (missingRequest) cause = `containers of its target have no resource request to compute utilization from (${/missing request for .*$/i.exec(active?.message ?? '')?.[0] ?? ''})`;
  else if (metricsApi) cause = 'it cannot read resource metrics from the metrics API (metrics-server)';
  else if (active?.status === 'False') cause = `it cannot compute a replica count (${active.reason ?? 'no reason'}${active.message ? `: ${active.message.replace(/\.$/, '')}` : ''})`;
  else cause = `it cannot read or update the target's scale (${able?.reason ?? 'no reason'}${able?.message ? `: ${able.message.replace(/\.$/, '')}` : ''})`;
  // Since when: the earliest failing condition, else (a target missing in a dump without status) the HPA's creation.
  const since = failing.map((c) => c.lastTransitionTime).filter((t): t is string => Boolean(t)).sort()[0] ?? hpa.metadata.creationTimestamp;
  return { cause, since, conditions: failing, metricsApi };
}

function unableFinding(ctx: AnalysisContext, hpa: HorizontalPodAutoscaler, why: Inability): Finding {
  const related: ObjectRef[] = why.metricsApi ? [{ apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', name: METRICS_API_SERVICE }] : [];
  return {
    check: 'HPAUnableToScale',
    severity: 'critical',
    subject: objectRef(hpa),
    object: objectRef(hpa),
    message: `${describe(hpa)} cannot scale ${describeTarget(hpa)}: ${why.cause}.`,
    evidence: [
      `scaleTargetRef: ${hpa.spec.scaleTargetRef.apiVersion ? `${hpa.spec.scaleTargetRef.apiVersion} ` : ''}${describeTarget(hpa)}`,
      ...why.conditions.map(describeCondition),
      replicasEvidence(hpa),
      ...metricsEvidence(hpa),
      ...events(ctx, hpa),
    ],
    ...(why.since ? { firstSeen: why.since } : {}),
    ...(related.length ? { related } : {}),
  };
}

function atMaxFinding(ctx: AnalysisContext, hpa: HorizontalPodAutoscaler, limited: Condition): Finding {
  return {
    check: 'HPAAtMaxReplicas',
    severity: 'warning',
    subject: objectRef(hpa),
    object: objectRef(hpa),
    message: `${describe(hpa)} has been held at its maximum of ${hpa.spec.maxReplicas} replicas of ${describeTarget(hpa)} while its metrics ask for more${limited.lastTransitionTime ? ` since ${limited.lastTransitionTime}` : ''}.`,
    evidence: [replicasEvidence(hpa), describeCondition(limited), ...metricsEvidence(hpa)],
    ...(limited.lastTransitionTime ? { firstSeen: limited.lastTransitionTime } : {}),
  };
}

export const horizontalPodAutoscalers: Analyzer = {
  name: 'horizontal-pod-autoscalers',
  description: 'HorizontalPodAutoscalers that cannot compute or apply a scale, or that are held at maxReplicas while they want more.',
  checks: ['HPAUnableToScale', 'HPAAtMaxReplicas'],
  reads: ['HorizontalPodAutoscaler'],
  optionalReads: ['Deployment', 'StatefulSet', 'ReplicaSet', 'Event'],
  scope: 'namespace',
  analyze(ctx) {
    const { settings } = ctx;
    const findings: Finding[] = [];
    for (const hpa of ctx.view.list('HorizontalPodAutoscaler')) {
      if (hpa.metadata.deletionTimestamp) continue;
      const namespace = hpa.metadata.namespace;
      const why = inability(ctx, hpa);
      if (why) {
        if (olderThan(ctx, why.since, settings.thresholds.hpaUnableToScaleAfter, namespace)) findings.push(unableFinding(ctx, hpa, why));
        continue;
      }
      if (minReplicasOf(hpa) >= hpa.spec.maxReplicas) continue;
      const limited = findCondition(hpa.status.conditions, 'ScalingLimited');
      if (limited?.status !== 'True' || limited.reason !== 'TooManyReplicas') continue;
      if ((hpa.status.currentReplicas ?? hpa.status.desiredReplicas ?? 0) < hpa.spec.maxReplicas) continue;
      if (olderThan(ctx, limited.lastTransitionTime, settings.thresholds.hpaAtMaxReplicasAfter, namespace)) findings.push(atMaxFinding(ctx, hpa, limited));
    }
    return findings;
  },
};
