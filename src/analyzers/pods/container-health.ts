// What the pod checks agree on about a pod's containers, so that one problem is reported once, by
// its most specific check: a failing sidecar before a crash loop, before a failing liveness probe,
// before a bare restart count; readiness only for containers that run. An OOM kill is reported next
// to the crash loop it causes, which names it as its root cause.
import type { ObjectRef } from '../../model/meta.js';
import type { ClusterEvent, Container, ContainerState, ContainerStatus, Pod, PodSpec } from '../../model/core.js';
import { ageMs, recheckWhenAged } from '../evidence.js';
import type { Clock } from '../evidence.js';
import type { AnalysisContext } from '../types.js';

/** Containers that, next to another container, are proxies or agents rather than the application. */
export const KNOWN_SIDECAR_NAMES: ReadonlySet<string> = new Set([
  'istio-proxy', 'linkerd-proxy', 'envoy', 'envoy-sidecar', 'daprd', 'vault-agent', 'cloud-sql-proxy', 'cloudsql-proxy', 'consul-dataplane',
]);

export const DEFAULT_CONTAINER_ANNOTATION = 'kubectl.kubernetes.io/default-container';

/** Waiting reasons of a container that is simply on its way up. Any other reason is a problem of its own. */
const STARTING_REASONS: ReadonlySet<string> = new Set(['ContainerCreating', 'PodInitializing']);

export function podEvents(ctx: AnalysisContext, pod: Pod): readonly ClusterEvent[] {
  if (!ctx.view.has('Event')) return [];
  return ctx.view.eventsFor({ kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name });
}

/** Events the kubelet attributed to one container (fieldPath `spec.containers{name}` or `spec.initContainers{name}`). */
export function eventsOfContainer(events: readonly ClusterEvent[], container: string): ClusterEvent[] {
  return events.filter((event) => event.involved.fieldPath?.endsWith(`{${container}}`) === true);
}

/**
 * Events that happened within `windowMs` of now (by their last occurrence). Each falls out of the
 * window (age > windowMs) a millisecond after lastTimestamp + windowMs: a re-check is asked for then.
 */
export function recentEvents(events: readonly ClusterEvent[], clock: Clock, windowMs: number): ClusterEvent[] {
  return events.filter((event) => {
    const age = ageMs(event.lastTimestamp, clock.now);
    recheckWhenAged(clock, event.lastTimestamp, windowMs + 1, event.involved.namespace);
    return age !== undefined && age <= windowMs;
  });
}

export function earliestFirstTimestamp(events: readonly ClusterEvent[]): string | undefined {
  let earliest: string | undefined;
  for (const event of events) {
    const at = event.firstTimestamp;
    if (at && !Number.isNaN(Date.parse(at)) && (!earliest || Date.parse(at) < Date.parse(earliest))) earliest = at;
  }
  return earliest;
}

export function isCrashLooping(status: ContainerStatus): boolean {
  return status.state?.waiting?.reason === 'CrashLoopBackOff';
}

/** Waiting for a reason other than being created: image pulls, config errors, crash loops (other checks' business). */
export function isWaitingOnError(status: ContainerStatus): boolean {
  const reason = status.state?.waiting?.reason;
  return status.state?.waiting !== undefined && !STARTING_REASONS.has(reason ?? '');
}

/**
 * The OOM kill worth reporting: the last or current termination was OOMKilled and it is recent, or
 * the container is crash-looping on it (then it is still going on, however long ago it began).
 */
export function reportableOomKill(status: ContainerStatus, clock: Clock, withinMs: number, namespace: string | undefined): NonNullable<ContainerState['terminated']> | undefined {
  for (const terminated of [status.state?.terminated, status.lastState?.terminated]) {
    if (terminated?.reason !== 'OOMKilled') continue;
    if (isCrashLooping(status)) return terminated;
    const age = ageMs(terminated.finishedAt, clock.now);
    // No longer recent (age > withinMs) a millisecond after finishedAt + withinMs.
    recheckWhenAged(clock, terminated.finishedAt, withinMs + 1, namespace);
    if (age !== undefined && age <= withinMs) return terminated;
  }
  return undefined;
}

export function specOf(pod: Pod, container: string): Container | undefined {
  return pod.spec.containers.find((c) => c.name === container) ?? pod.spec.initContainers?.find((c) => c.name === container);
}

/**
 * The pod's sidecars: native sidecars (init containers with restartPolicy Always); and, among the
 * regular containers of a multi-container pod, every container but the one the default-container
 * annotation names, or else the containers with a well-known proxy or agent name. A pod whose only
 * regular container is called `envoy` runs Envoy as its application, not as a sidecar.
 */
export function sidecarNames(pod: Pod): ReadonlySet<string> {
  return sidecarNamesOf(pod.spec, pod.metadata.annotations);
}

/** sidecarNames for a pod spec and its annotations: a pod's, or a workload template's. */
export function sidecarNamesOf(spec: Pick<PodSpec, 'containers' | 'initContainers'>, annotations: Readonly<Record<string, string>> | undefined): ReadonlySet<string> {
  const names = new Set<string>();
  for (const init of spec.initContainers ?? []) if (init.restartPolicy === 'Always') names.add(init.name);
  const regular = spec.containers.map((c) => c.name);
  if (regular.length < 2) return names;
  const main = annotations?.[DEFAULT_CONTAINER_ANNOTATION];
  if (main && regular.includes(main)) {
    for (const name of regular) if (name !== main) names.add(name);
    return names;
  }
  const known = regular.filter((name) => KNOWN_SIDECAR_NAMES.has(name));
  if (known.length < regular.length) for (const name of known) names.add(name);
  return names;
}

const ISTIO_PROXY = 'istio-proxy';

/**
 * An istio-proxy next to an application: IstioSidecarNotReady reports its crash loops, restarts and
 * unreadiness (with the control plane as the likely cause), so the generic checks leave it alone.
 */
export function isIstioSidecar(pod: Pod, container: string): boolean {
  return container === ISTIO_PROXY && sidecarNames(pod).has(container);
}

export const subjectKey = (ref: ObjectRef): string => `${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;

/** The previous instance's last log lines, when the caller (live mode) fetched them. */
export function previousLogEvidence(ctx: AnalysisContext, pod: Pod, container: string): string[] {
  const lines = ctx.extra.previousLogs?.get(`${pod.metadata.namespace ?? ''}/${pod.metadata.name}/${container}`) ?? [];
  if (lines.length === 0) return [];
  return ['last log lines of the previous instance:', ...lines.slice(-ctx.settings.evidence.maxLogLines).map((line) => `  ${line}`)];
}

/** Back-off events of a container restarting (the kubelet also says BackOff for image pulls). */
export function restartBackOffEvents(events: readonly ClusterEvent[], container: string): ClusterEvent[] {
  return eventsOfContainer(events, container).filter((event) => event.reason === 'BackOff' && /restarting/i.test(event.message));
}

/** "2/3 containers ready" as kubectl's READY column counts it (regular containers and native sidecars). */
export function readyCount(pod: Pod): string {
  const sidecars = new Set((pod.spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  const statuses = [...(pod.status.initContainerStatuses ?? []).filter((s) => sidecars.has(s.name)), ...(pod.status.containerStatuses ?? [])];
  const total = pod.spec.containers.length + sidecars.size;
  return `${statuses.filter((s) => s.ready).length}/${total} containers ready`;
}

/** Static pods mirrored by the kubelet (control plane): their manifests live on the node, not in the API. */
export function isMirrorPod(pod: Pod): boolean {
  return (pod.metadata.ownerReferences ?? []).some((o) => o.kind === 'Node') || pod.metadata.annotations?.['kubernetes.io/config.mirror'] !== undefined;
}
