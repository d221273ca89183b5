// Small pure helpers analyzers share to build findings: timestamps, events, container states.
import type { ClusterEvent, ContainerState, ContainerStatus, Pod } from '../model/core.js';
import type { KubeObject, ObjectRef } from '../model/meta.js';
import type { AnalysisContext, FindingObject } from './types.js';

/** Milliseconds since an RFC 3339 timestamp, or undefined when absent or unparseable. */
export function ageMs(timestamp: string | null | undefined, now: number): number | undefined {
  if (!timestamp) return undefined;
  const at = Date.parse(timestamp);
  return Number.isNaN(at) ? undefined : now - at;
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 120) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${m % 60 ? `${m % 60}m` : ''}`;
  return `${Math.floor(h / 24)}d`;
}

export function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** `Warning FailedMount (x3, last 2026-11-25T10:00:00Z): message` — absolute time keeps output stable. */
export function describeEvent(event: ClusterEvent, maxLength = 512): string {
  const count = event.count > 1 ? `x${event.count}, ` : '';
  const when = event.lastTimestamp ? `last ${event.lastTimestamp}` : 'time unknown';
  return truncate(`${event.type} ${event.reason} (${count}${when}): ${event.message}`, maxLength);
}

export function eventEvidence(events: readonly ClusterEvent[], max: number, maxLength = 512): string[] {
  return events.slice(0, max).map((event) => describeEvent(event, maxLength));
}

/** Events of the given reasons, most recent first. */
export function eventsWithReason(events: readonly ClusterEvent[], reasons: readonly string[]): ClusterEvent[] {
  return events.filter((event) => reasons.includes(event.reason));
}

export function describeState(state: ContainerState | undefined): string | undefined {
  if (!state) return undefined;
  if (state.waiting) return `waiting: ${state.waiting.reason ?? 'unknown'}${state.waiting.message ? ` (${state.waiting.message})` : ''}`;
  if (state.terminated) {
    const t = state.terminated;
    const signal = t.signal ? `, signal ${t.signal}` : '';
    return `terminated: ${t.reason ?? 'unknown'} (exit code ${t.exitCode}${signal})${t.finishedAt ? ` at ${t.finishedAt}` : ''}${t.message ? `: ${t.message}` : ''}`;
  }
  if (state.running) return `running since ${state.running.startedAt ?? 'unknown'}`;
  return undefined;
}

export interface ContainerWithStatus {
  readonly pod: Pod;
  readonly name: string;
  readonly init: boolean;
  /** A native sidecar: an init container with restartPolicy Always. */
  readonly sidecar: boolean;
  readonly status: ContainerStatus;
}

/** Every container status of a pod, init containers first, paired with what its spec says. */
export function containerStatuses(pod: Pod): ContainerWithStatus[] {
  const out: ContainerWithStatus[] = [];
  const initSpecs = new Map((pod.spec.initContainers ?? []).map((c) => [c.name, c]));
  for (const status of pod.status.initContainerStatuses ?? []) {
    const spec = initSpecs.get(status.name);
    out.push({ pod, name: status.name, init: true, sidecar: spec?.restartPolicy === 'Always', status });
  }
  for (const status of pod.status.containerStatuses ?? []) {
    out.push({ pod, name: status.name, init: false, sidecar: false, status });
  }
  return out;
}

export function objectRef(obj: KubeObject, container?: string): FindingObject {
  const { name, namespace, uid } = obj.metadata;
  return { apiVersion: obj.apiVersion, kind: obj.kind, name, ...(namespace ? { namespace } : {}), ...(uid ? { uid } : {}), ...(container ? { container } : {}) };
}

export function describeRef(ref: ObjectRef): string {
  return ref.namespace ? `${ref.kind} ${ref.namespace}/${ref.name}` : `${ref.kind} ${ref.name}`;
}

/** "pod shop/cart-7d9f-abcde container app" — how messages name a container. */
export function describeContainer(pod: Pod, container: string): string {
  return `container ${container} of pod ${pod.metadata.namespace ?? ''}/${pod.metadata.name}`;
}

export function isPodTerminal(pod: Pod): boolean {
  return pod.status.phase === 'Succeeded' || pod.status.phase === 'Failed';
}

/** The subject of findings about the cluster as a whole (a missing add-on or StorageClass); its report lives in the operator's namespace. */
export const CLUSTER_SUBJECT: ObjectRef = Object.freeze({ kind: 'Cluster', name: 'cluster' });

/** What the time helpers below need of the analysis context. */
export type Clock = Pick<AnalysisContext, 'now' | 'recheckAt'>;

/**
 * Asks for a re-check at the moment `since` becomes `thresholdMs` old: a verdict that compares the
 * age with the threshold changes then with no object changing. A no-op when `since` is absent or
 * unparseable, or the moment is past (the engine drops those). For comparisons the helpers below do
 * not fit; a strict `age > threshold` turns one millisecond later, so pass `threshold + 1`.
 */
export function recheckWhenAged(ctx: Clock, since: string | null | undefined, thresholdMs: number, namespace: string | undefined): void {
  if (!since) return;
  const at = Date.parse(since);
  if (!Number.isNaN(at)) ctx.recheckAt(at + thresholdMs, namespace);
}

/**
 * Whether `since` is at least `thresholdMs` ago ("pending for 10 min or more"). While it is not yet,
 * schedules a re-check at the moment it will be, so the controller need not poll for the crossing.
 * False when `since` is absent or unparseable.
 */
export function olderThan(ctx: Clock, since: string | null | undefined, thresholdMs: number, namespace: string | undefined): boolean {
  const age = ageMs(since, ctx.now);
  if (age === undefined) return false;
  if (age < thresholdMs) recheckWhenAged(ctx, since, thresholdMs, namespace);
  return age >= thresholdMs;
}

/**
 * Whether `at` is less than `windowMs` ago ("an event within the last hour"): the counterpart of
 * olderThan for windows that end. While it is within, schedules a re-check at the moment it falls
 * out of the window, when what it turned on turns off. False when `at` is absent or unparseable.
 */
export function withinLast(ctx: Clock, at: string | null | undefined, windowMs: number, namespace: string | undefined): boolean {
  return !olderThan(ctx, at, windowMs, namespace) && ageMs(at, ctx.now) !== undefined;
}
