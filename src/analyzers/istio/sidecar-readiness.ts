// istio-proxy sidecars that crash, restart often, or stay not ready: the pod gets no traffic (or no
// egress), usually because the proxy cannot reach istiod for its certificate and configuration.
import type { ContainerStatus, Pod } from '../../model/core.js';
import type { ObjectRef } from '../../model/meta.js';
import { ageMs, describeRef, describeState, eventEvidence, formatDuration, objectRef, olderThan, recheckWhenAged } from '../evidence.js';
import { ListMemo } from '../list-memo.js';
import type { AnalysisContext, Analyzer, Finding } from '../types.js';
import { controlPlaneComponents } from './control-plane.js';
import { ISTIO_PROXY, injectedRevision, isGatewayPod, isLivePod, proxyContainerOf } from './mesh.js';

const HOUR_MS = 3_600_000;

interface ProxyTrouble {
  readonly pod: Pod;
  readonly status: ContainerStatus;
  readonly text: string;
  readonly since?: string;
}

function proxyStatus(pod: Pod, native: boolean): ContainerStatus | undefined {
  const statuses = native ? pod.status.initContainerStatuses : pod.status.containerStatuses;
  return statuses?.find((s) => s.name === ISTIO_PROXY);
}

function proxyTrouble(ctx: AnalysisContext, pod: Pod): ProxyTrouble | undefined {
  const proxy = proxyContainerOf(pod);
  if (!proxy || isGatewayPod(pod)) return undefined;
  const status = proxyStatus(pod, proxy.native);
  if (!status) return undefined;
  const { now } = ctx;
  const { podNotReadyAfter, restartsPerHour } = ctx.settings.thresholds;
  const last = status.lastState?.terminated;
  const exit = last ? ` (last exit code ${last.exitCode}${last.reason ? `, ${last.reason}` : ''})` : '';
  const waiting = status.state?.waiting;
  if (waiting?.reason === 'CrashLoopBackOff') {
    return { pod, status, text: `crash-looping after ${status.restartCount} restarts${exit}`, ...(last?.finishedAt ? { since: last.finishedAt } : {}) };
  }
  const lastRestartAgo = ageMs(last?.finishedAt, now);
  const namespace = pod.metadata.namespace;
  // Recent until an hour after the last restart.
  if (status.restartCount >= restartsPerHour) recheckWhenAged(ctx, last?.finishedAt, HOUR_MS, namespace);
  const recently = lastRestartAgo !== undefined && lastRestartAgo < HOUR_MS;
  // Only recent restarts: a ready proxy with restarts long ago is not a critical problem now.
  if (status.restartCount >= restartsPerHour && recently) {
    const when = lastRestartAgo !== undefined ? `, the last ${formatDuration(lastRestartAgo)} ago` : '';
    return { pod, status, text: `restarted ${status.restartCount} times${when}${exit}`, ...(last?.finishedAt ? { since: last.finishedAt } : {}) };
  }
  if (status.ready) return undefined;
  if (waiting) {
    const podAge = ageMs(pod.metadata.creationTimestamp, now);
    if (podAge === undefined || !olderThan(ctx, pod.metadata.creationTimestamp, podNotReadyAfter, namespace)) return undefined;
    return { pod, status, text: `waiting for ${formatDuration(podAge)}: ${waiting.reason ?? 'unknown reason'}`, ...(pod.metadata.creationTimestamp ? { since: pod.metadata.creationTimestamp } : {}) };
  }
  const startedAt = status.state?.running?.startedAt;
  const notReadyFor = ageMs(startedAt, now);
  if (!startedAt || notReadyFor === undefined || !olderThan(ctx, startedAt, podNotReadyAfter, namespace)) return undefined;
  return { pod, status, text: `running but not ready for ${formatDuration(notReadyFor)}`, since: startedAt };
}

/** The last log lines of the crashed proxy instance, when the caller fetched them (live mode). */
function previousLogs(ctx: AnalysisContext, pod: Pod): string[] {
  const lines = ctx.extra.previousLogs?.get(`${pod.metadata.namespace ?? ''}/${pod.metadata.name}/${ISTIO_PROXY}`) ?? [];
  return lines.length > 0 ? ['last log lines of the previous istio-proxy instance:', ...lines.slice(-ctx.settings.evidence.maxLogLines).map((line) => `  ${line}`)] : [];
}

/** Per namespace's pods: the live pods with an istio-proxy sidecar, redone only where pods changed. */
const podsWithSidecar = new ListMemo<Pod, readonly Pod[]>();
const livePodsWithSidecar = (pods: readonly Pod[]): Pod[] => pods.filter((pod) => isLivePod(pod) && proxyContainerOf(pod) !== undefined && !isGatewayPod(pod));

export const istioSidecarReadiness: Analyzer = {
  name: 'istio-sidecar-readiness',
  description: 'istio-proxy sidecars (regular or native) that crash-loop, restart often, or stay not ready.',
  checks: ['IstioSidecarNotReady'],
  reads: ['Pod'],
  optionalReads: ['Event', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'],
  analyze(ctx) {
    const { view } = ctx;
    const bySubject = new Map<string, { subject: ObjectRef; troubles: ProxyTrouble[] }>();
    for (const pod of view.namespaces().flatMap((ns) => podsWithSidecar.get(view.inNamespace('Pod', ns), livePodsWithSidecar))) {
      const trouble = proxyTrouble(ctx, pod);
      if (!trouble) continue;
      const subject = view.subjectOf(pod);
      const key = `${subject.kind}/${subject.namespace ?? ''}/${subject.name}`;
      const entry = bySubject.get(key);
      if (entry) entry.troubles.push(trouble);
      else bySubject.set(key, { subject, troubles: [trouble] });
    }
    if (bySubject.size === 0) return [];
    const istiods = controlPlaneComponents(view).filter((c) => c.role === 'istiod');
    return [...bySubject.values()].flatMap(({ subject, troubles }): Finding[] => {
      const first = troubles[0];
      if (!first) return [];
      const revision = injectedRevision(first.pod);
      const sameRevision = istiods.filter((c) => c.revision === revision);
      // The sidecar's own istiod when known; otherwise any istiod could be the one it waits for.
      const related = (sameRevision.length > 0 ? sameRevision : istiods).map((c) => c.subject);
      const events = view.has('Event')
        ? view.eventsFor({ kind: 'Pod', namespace: first.pod.metadata.namespace, name: first.pod.metadata.name }).filter((e) => e.type === 'Warning' && (e.message.includes(ISTIO_PROXY) || e.involved.fieldPath?.includes(ISTIO_PROXY)))
        : [];
      const others = troubles.length > 1 ? ` (and ${troubles.length - 1} more pod${troubles.length > 2 ? 's' : ''})` : '';
      const since = troubles.map((t) => t.since).filter((t): t is string => Boolean(t)).sort()[0];
      return [{
        check: 'IstioSidecarNotReady',
        severity: 'critical',
        subject,
        object: objectRef(first.pod, ISTIO_PROXY),
        message: `The istio-proxy sidecar of pod ${first.pod.metadata.namespace ?? ''}/${first.pod.metadata.name}${others} is ${first.text}.`,
        evidence: [
          ...troubles.slice(0, 5).map((t) => `${t.pod.metadata.name}: ${t.text}`),
          ...[describeState(first.status.lastState), describeState(first.status.state)].filter((s): s is string => Boolean(s)),
          ...eventEvidence(events, ctx.settings.evidence.maxEvents),
          ...previousLogs(ctx, first.pod),
          ...(related.length > 0 ? [`control plane: ${related.map(describeRef).join(', ')}`] : []),
        ],
        ...(since ? { firstSeen: since } : {}),
        ...(related.length > 0 ? { related } : {}),
      }];
    });
  },
};
