// istiod, the istio-operator and the default ingress gateway: crash-looping, failing to start, not
// ready for longer than the threshold, or a Deployment left without any available replica.
import type { Deployment } from '../../model/apps.js';
import type { Pod } from '../../model/core.js';
import { findCondition } from '../../model/meta.js';
import type { ObjectRef } from '../../model/meta.js';
import { ageMs, containerStatuses, describeRef, eventEvidence, formatDuration, objectRef, olderThan, recheckWhenAged } from '../evidence.js';
import type { AnalysisContext, Analyzer, Finding, FindingObject } from '../types.js';
import type { ControlPlaneComponent } from './control-plane.js';
import { controlPlaneComponents } from './control-plane.js';

/** Waiting reasons that mean the container will not start without a change (or is already backing off). */
const STUCK_WAITING = new Set(['CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);

interface Problem {
  readonly text: string;
  readonly object: FindingObject;
  readonly since?: string;
}

function podProblems(ctx: AnalysisContext, pod: Pod): Problem[] {
  const { now } = ctx;
  const threshold = ctx.settings.thresholds.podNotReadyAfter;
  const podAge = ageMs(pod.metadata.creationTimestamp, now) ?? Infinity;
  const namespace = pod.metadata.namespace;
  const name = `pod ${pod.metadata.name}`;
  const problems: Problem[] = [];
  for (const c of containerStatuses(pod)) {
    const reason = c.status.state?.waiting?.reason;
    if (!reason || !STUCK_WAITING.has(reason)) continue;
    // A first pull failure is retried at once; only its persistence is a problem.
    if (reason === 'ErrImagePull') recheckWhenAged(ctx, pod.metadata.creationTimestamp, threshold, namespace);
    if (reason === 'ErrImagePull' && podAge < threshold) continue;
    const last = c.status.lastState?.terminated;
    const exit = last ? `, last exit code ${last.exitCode}${last.reason ? ` (${last.reason})` : ''}` : '';
    problems.push({
      text: `${name} container ${c.name} is ${reason} after ${c.status.restartCount} restarts${exit}`,
      object: objectRef(pod, c.name),
      ...(last?.finishedAt ? { since: last.finishedAt } : pod.metadata.creationTimestamp ? { since: pod.metadata.creationTimestamp } : {}),
    });
  }
  if (problems.length > 0) return problems;
  const scheduled = findCondition(pod.status.conditions, 'PodScheduled');
  if (scheduled?.status === 'False') recheckWhenAged(ctx, pod.metadata.creationTimestamp, ctx.settings.thresholds.podUnschedulableAfter, namespace);
  if (scheduled?.status === 'False' && podAge >= ctx.settings.thresholds.podUnschedulableAfter) {
    return [{ text: `${name} cannot be scheduled: ${scheduled.message ?? scheduled.reason ?? 'unknown reason'}`, object: objectRef(pod), ...(pod.metadata.creationTimestamp ? { since: pod.metadata.creationTimestamp } : {}) }];
  }
  const ready = findCondition(pod.status.conditions, 'Ready');
  if (ready?.status !== 'True') recheckWhenAged(ctx, pod.metadata.creationTimestamp, threshold, namespace);
  if (ready?.status !== 'True' && podAge >= threshold) {
    const since = ready?.lastTransitionTime ?? pod.metadata.creationTimestamp;
    const notReadyFor = ageMs(since, now);
    recheckWhenAged(ctx, since, threshold, namespace);
    if (notReadyFor !== undefined && notReadyFor >= threshold) {
      const detail = ready?.reason ? ` (${ready.reason}${ready.message ? `: ${ready.message}` : ''})` : '';
      return [{ text: `${name} has not been ready for ${formatDuration(notReadyFor)}${detail}`, object: objectRef(pod), ...(since ? { since } : {}) }];
    }
  }
  return [];
}

function deploymentProblem(ctx: AnalysisContext, deployment: Deployment): Problem | undefined {
  const desired = deployment.spec.replicas ?? 1;
  const available = deployment.status.availableReplicas ?? 0;
  if (desired === 0 || available > 0) return undefined;
  const condition = findCondition(deployment.status.conditions, 'Available');
  const since = condition?.status === 'False' ? condition.lastTransitionTime : deployment.metadata.creationTimestamp;
  const downFor = ageMs(since, ctx.now);
  if (downFor === undefined || !olderThan(ctx, since, ctx.settings.thresholds.podNotReadyAfter, deployment.metadata.namespace)) return undefined;
  return {
    text: `0 of ${desired} replicas available for ${formatDuration(downFor)}`,
    object: objectRef(deployment),
    ...(since ? { since } : {}),
  };
}

function earliest(times: readonly (string | undefined)[]): string | undefined {
  return times.filter((t): t is string => Boolean(t)).sort()[0];
}

function componentFinding(ctx: AnalysisContext, component: ControlPlaneComponent, istiods: readonly ObjectRef[]): Finding | undefined {
  const problems = component.pods.flatMap((pod) => podProblems(ctx, pod));
  const fromDeployment = component.deployment ? deploymentProblem(ctx, component.deployment) : undefined;
  const all = fromDeployment ? [fromDeployment, ...problems] : problems;
  if (all.length === 0) return undefined;
  const [first] = problems.length > 0 ? problems : all;
  if (!first) return undefined;
  const events = ctx.view.has('Event') && first.object.kind === 'Pod'
    ? ctx.view.eventsFor(first.object).filter((e) => e.type === 'Warning')
    : [];
  const firstSeen = earliest(all.map((p) => p.since));
  const summary = fromDeployment ? `${fromDeployment.text}${problems[0] ? `; ${problems[0].text}` : ''}` : first.text;
  return {
    check: 'IstioControlPlaneUnhealthy',
    severity: 'critical',
    subject: component.subject,
    object: first.object,
    message: `Istio ${component.role} (${describeRef(component.subject)}) is unhealthy: ${summary}.`,
    evidence: [
      ...(component.role === 'istiod' ? [`revision: ${component.revision}`] : []),
      `pods: ${component.pods.length}`,
      ...all.map((p) => p.text),
      ...eventEvidence(events, ctx.settings.evidence.maxEvents),
    ],
    ...(firstSeen ? { firstSeen } : {}),
    // The pods' own findings (crash loop, image pull, scheduling) explain the component's; a
    // gateway's proxy also depends on istiod for its configuration.
    related: [
      component.subject,
      ...component.pods.slice(0, 20).map((pod) => objectRef(pod)),
      ...(component.role === 'istiod' ? [] : istiods),
    ],
  };
}

export const istioControlPlaneHealth: Analyzer = {
  name: 'istio-control-plane-health',
  description: 'istiod, the istio-operator and the default ingress gateway: crash-looping, not starting, not ready, or without any available replica.',
  checks: ['IstioControlPlaneUnhealthy'],
  reads: ['Pod'],
  optionalReads: ['Deployment', 'ReplicaSet', 'Event'],
  analyze(ctx) {
    const components = controlPlaneComponents(ctx.view);
    const istiods = components.filter((c) => c.role === 'istiod').map((c) => c.subject);
    return components
      .map((component) => componentFinding(ctx, component, istiods))
      .filter((finding): finding is Finding => finding !== undefined);
  },
};
