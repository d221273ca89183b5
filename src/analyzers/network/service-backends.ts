// What stands behind a Service: the pods its selector picks and whether any of them receives
// traffic. Shared by the Service, Ingress and cluster-DNS analyzers so they agree on "no backend".
import type { ClusterReader } from '../../cluster/view.js';
import type { DaemonSet, Deployment, StatefulSet } from '../../model/apps.js';
import { matchesEqualitySelector } from '../../cluster/selectors.js';
import type { Container, Pod, Service } from '../../model/core.js';
import { SERVICE_NAME_LABEL } from '../../model/discovery.js';
import type { EndpointSlice } from '../../model/discovery.js';
import { findCondition } from '../../model/meta.js';
import type { ObjectRef } from '../../model/meta.js';
import { describeState, isPodTerminal, objectRef } from '../evidence.js';

export const CLUSTER_DNS_NAMESPACE = 'kube-system';
export const CLUSTER_DNS_LABEL = { key: 'k8s-app', value: 'kube-dns' } as const;

/** The cluster DNS Service has its own check (ClusterDNSUnhealthy), so the generic Service checks leave it alone. */
export function isClusterDnsService(service: Service): boolean {
  if (service.metadata.namespace !== CLUSTER_DNS_NAMESPACE) return false;
  return service.metadata.name === 'kube-dns' || service.metadata.labels?.[CLUSTER_DNS_LABEL.key] === CLUSTER_DNS_LABEL.value;
}

/**
 * Services whose endpoints the control plane derives from a selector. Without a selector the
 * endpoints are managed by hand (or by another controller), and ExternalName Services are a DNS
 * CNAME with no endpoints at all: neither can "select nothing".
 */
export function selectsPods(service: Service): service is Service & { spec: { selector: Record<string, string> } } {
  if (service.spec.type === 'ExternalName') return false;
  return Object.keys(service.spec.selector ?? {}).length > 0;
}

export function isPodReady(pod: Pod): boolean {
  return findCondition(pod.status.conditions, 'Ready')?.status === 'True';
}

/** Pods that can back a Service: selected, not finished and not being deleted. */
export function backendPods(view: ClusterReader, service: Service): readonly Pod[] {
  const namespace = service.metadata.namespace ?? '';
  return view.podsWithLabels(namespace, service.spec.selector).filter((pod) => !isPodTerminal(pod) && !pod.metadata.deletionTimestamp);
}

/**
 * The Services the generic Service checks look at (live, selector-based, not cluster DNS), each with
 * the pods that can back it.
 */
export function* selectorServicesWithBackends(view: ClusterReader): Generator<{ readonly service: Service; readonly pods: readonly Pod[] }> {
  for (const service of view.list('Service')) {
    if (service.metadata.deletionTimestamp || !selectsPods(service) || isClusterDnsService(service)) continue;
    yield { service, pods: backendPods(view, service) };
  }
}

/** EndpointSlices the control plane (or a person) made for the Service, found by their service-name label. */
export function endpointSlicesOf(view: ClusterReader, service: Service): readonly EndpointSlice[] {
  if (!view.has('EndpointSlice')) return [];
  const namespace = service.metadata.namespace ?? '';
  return view.withLabels('EndpointSlice', namespace, { [SERVICE_NAME_LABEL]: service.metadata.name });
}

/** The API says a nil ready condition is to be read as ready. */
export function readyEndpointCount(slices: readonly EndpointSlice[]): number {
  return slices.reduce((sum, slice) => sum + slice.endpoints.filter((e) => e.conditions.ready !== false && e.addresses.length > 0).length, 0);
}

export type ServiceBackendState =
  /** No selector, or ExternalName: the control plane does not manage its endpoints. */
  | { readonly type: 'unmanaged' }
  /** The selector picks no running pod; `reason` when that is expected (terminating or finished pods, scaled to zero). */
  | { readonly type: 'selects-nothing'; readonly reason?: 'terminating' | 'completed' | 'scaled-to-zero'; readonly scaledToZero?: ObjectRef }
  /** Pods are selected but none receives traffic; `since` is when the last of them stopped (or started) being ready. */
  | { readonly type: 'no-ready-endpoints'; readonly pods: readonly Pod[]; readonly since?: string; readonly fromSlices: boolean }
  /**
   * No pod, while workloads whose pod template the selector matches want some: the selector is
   * right, the workload cannot create its pods (quota, admission, missing ServiceAccount, ...).
   */
  | { readonly type: 'no-pods'; readonly workloads: readonly PodController[]; readonly since?: string }
  | { readonly type: 'serving'; readonly pods: readonly Pod[]; readonly ready: number };

export function serviceBackendState(view: ClusterReader, service: Service): ServiceBackendState {
  if (!selectsPods(service)) return { type: 'unmanaged' };
  const namespace = service.metadata.namespace ?? '';
  const pods = backendPods(view, service);
  if (pods.length === 0) {
    const matching = view.podsWithLabels(namespace, service.spec.selector);
    if (matching.some((pod) => pod.metadata.deletionTimestamp && !isPodTerminal(pod))) return { type: 'selects-nothing', reason: 'terminating' };
    // Finished pods (a Job's) do carry the labels: the selector is right, there is just nothing running now.
    if (matching.some(isPodTerminal)) return { type: 'selects-nothing', reason: 'completed' };
    const controllers = controllersMatching(view, namespace, service.spec.selector);
    const wanting = controllers.filter((w) => desiredPods(w) > 0);
    if (wanting.length > 0) {
      const since = latestTimestamp([service.metadata.creationTimestamp, ...wanting.map(unavailableSince)]);
      return { type: 'no-pods', workloads: wanting, ...(since ? { since } : {}) };
    }
    const [scaled] = controllers;
    return scaled ? { type: 'selects-nothing', reason: 'scaled-to-zero', scaledToZero: objectRef(scaled) } : { type: 'selects-nothing' };
  }
  const slices = endpointSlicesOf(view, service);
  const fromSlices = slices.length > 0;
  const ready = fromSlices ? readyEndpointCount(slices) : pods.filter((pod) => isPodReady(pod) || (service.spec.publishNotReadyAddresses === true && Boolean(pod.status.podIP))).length;
  if (ready > 0) return { type: 'serving', pods, ready };
  const since = latestTimestamp([service.metadata.creationTimestamp, ...pods.map(notReadySince)]);
  return { type: 'no-ready-endpoints', pods, fromSlices, ...(since ? { since } : {}) };
}

function notReadySince(pod: Pod): string | undefined {
  return findCondition(pod.status.conditions, 'Ready')?.lastTransitionTime ?? pod.metadata.creationTimestamp;
}

function latestTimestamp(timestamps: readonly (string | undefined)[]): string | undefined {
  let latest: string | undefined;
  let latestMs = -Infinity;
  for (const t of timestamps) {
    const ms = t ? Date.parse(t) : NaN;
    if (!Number.isNaN(ms) && ms > latestMs) {
      latest = t;
      latestMs = ms;
    }
  }
  return latest;
}

export type PodController = Deployment | StatefulSet | DaemonSet;

/** Deployments, StatefulSets and DaemonSets whose pod template the selector matches. */
function controllersMatching(view: ClusterReader, namespace: string, selector: Readonly<Record<string, string>>): PodController[] {
  const workloads: PodController[] = [
    ...(view.has('Deployment') ? view.inNamespace('Deployment', namespace) : []),
    ...(view.has('StatefulSet') ? view.inNamespace('StatefulSet', namespace) : []),
    ...(view.has('DaemonSet') ? view.inNamespace('DaemonSet', namespace) : []),
  ];
  return workloads.filter((w) => !w.metadata.deletionTimestamp && matchesEqualitySelector(w.spec.template.metadata.labels, selector));
}

/** How many pods a controller wants; a DaemonSet that fits no node wants none, like a Deployment scaled to zero. */
function desiredPods(w: PodController): number {
  if (w.kind === 'DaemonSet') return w.status.desiredNumberScheduled ?? 1;
  return w.spec.replicas ?? 1;
}

function unavailableSince(w: PodController): string | undefined {
  const available = findCondition(w.status.conditions, 'Available');
  return (available?.status === 'False' ? available.lastTransitionTime : undefined) ?? w.metadata.creationTimestamp;
}

/** Why a controller has no pods, as its status says it (a ReplicaFailure condition carries the FailedCreate message). */
export function describeControllerTrouble(w: PodController): string {
  const failing = (w.status.conditions ?? []).filter((c) => (c.type === 'ReplicaFailure' && c.status === 'True') || (c.type !== 'ReplicaFailure' && c.status === 'False'));
  const conditions = failing.map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message.replace(/\.$/, '')}` : ''}`);
  return `${w.kind} ${w.metadata.namespace ?? ''}/${w.metadata.name}: wants ${desiredPods(w)} pod${desiredPods(w) === 1 ? '' : 's'}, has none${conditions.length ? `; ${conditions.join('; ')}` : ''}`;
}

/** "pod shop/cart-1: Running, 1/2 containers ready (app: waiting: CrashLoopBackOff)" */
export function describePodReadiness(pod: Pod): string {
  const statuses = pod.status.containerStatuses ?? [];
  const readyCount = statuses.filter((s) => s.ready).length;
  const notReady = statuses.filter((s) => !s.ready).map((s) => `${s.name}: ${describeState(s.state) ?? 'not ready'}`);
  const containers = statuses.length ? `, ${readyCount}/${statuses.length} containers ready` : '';
  const detail = notReady.length ? ` (${notReady.join('; ')})` : '';
  return `pod ${pod.metadata.namespace ?? ''}/${pod.metadata.name}: ${pod.status.phase ?? 'Unknown'}${containers}${detail}`;
}

/**
 * Containers that take part in a pod's networking: the regular ones and native sidecars (init
 * containers with restartPolicy Always), whose ports the endpoint controller also resolves.
 */
export function servingContainers(pod: Pod): readonly Container[] {
  return [...pod.spec.containers, ...(pod.spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')];
}

export interface ResolvedPort {
  readonly number: number;
  readonly name?: string;
  readonly container: string;
}

/** The container port a Service port's targetPort designates in one pod, as the endpoint controller resolves it. */
export function resolveTargetPort(pod: Pod, targetPort: number | string, protocol: string): ResolvedPort | undefined {
  for (const container of servingContainers(pod)) {
    for (const port of container.ports ?? []) {
      if ((port.protocol ?? 'TCP') !== protocol) continue;
      const matches = typeof targetPort === 'number' ? port.containerPort === targetPort : port.name === targetPort;
      if (matches) return { number: port.containerPort, container: container.name, ...(port.name ? { name: port.name } : {}) };
    }
  }
  return undefined;
}

export function describeDeclaredPorts(pods: readonly Pod[]): string {
  const seen = new Set<string>();
  for (const pod of pods) {
    for (const container of servingContainers(pod)) {
      for (const port of container.ports ?? []) seen.add(`${container.name}:${port.name ? `${port.name}/` : ''}${port.containerPort}/${port.protocol ?? 'TCP'}`);
    }
  }
  return seen.size ? [...seen].sort().join(', ') : 'none';
}
