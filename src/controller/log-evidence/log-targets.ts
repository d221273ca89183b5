// Which container instance's log explains a finding. The runbook's first move for a container that
// crashed or failed is "read its logs": the log of the instance that died, i.e. the previous one
// while the kubelet restarts the container (`kubectl logs --previous`), or the current one when the
// container has exited for good (a failed Job's pod, restartPolicy Never). Pure: it reads the
// cluster view, the caller does the I/O.
import { containerStatuses } from '../../analyzers/evidence.js';
import type { ContainerWithStatus } from '../../analyzers/evidence.js';
import type { ClusterReader } from '../../cluster/view.js';
import type { Pod } from '../../model/core.js';
import type { FindingObject } from '../../analyzers/types.js';

/**
 * Checks about a crashed or failed container, by ID string: some come from other families and
 * other branches (JobFailed), and an ID that is not (yet) in the catalogue simply never matches.
 */
export const LOG_EVIDENCE_CHECKS: ReadonlySet<string> = new Set([
  'PodCrashLooping',
  'PodStartCommandFailed',
  'PodExecFormatError',
  'PodOOMKilled',
  'PodRestartingOften',
  'PodLivenessProbeFailing',
  'PodSidecarNotReady',
  'JobFailed',
  'IstioSidecarNotReady',
  'IstioControlPlaneUnhealthy',
  'ExternalDNSUnhealthy',
  'ClusterDNSUnhealthy',
  'CertManagerUnhealthy',
]);

/** The part of a finding that says which object it is about. */
export interface LogFindingRef {
  readonly check: string;
  readonly object: FindingObject;
  readonly related?: readonly { readonly kind: string; readonly namespace?: string; readonly name: string }[];
}

/** One container instance whose log is wanted. */
export interface LogTarget {
  readonly namespace: string;
  readonly pod: string;
  readonly podUid: string;
  readonly container: string;
  /** The container's restart count when the target was chosen: one log read per restart. */
  readonly restartCount: number;
  /** The previous instance (the container restarted since it died), or the current one (it stays exited). */
  readonly previous: boolean;
}

/** One key per container of one pod (a StatefulSet's pod of the same name is another pod). */
export const containerKey = (t: Pick<LogTarget, 'namespace' | 'pod' | 'podUid' | 'container'>): string => `${t.namespace}/${t.pod}/${t.podUid}/${t.container}`;

/** The instance of a container that died, if one did: previous while restarting, current once exited. */
export function crashedInstance(status: ContainerWithStatus['status']): { previous: boolean } | undefined {
  const current = status.state?.terminated;
  if (current) return current.exitCode !== 0 ? { previous: false } : undefined;
  const last = status.lastState?.terminated;
  if (last && status.restartCount > 0) return { previous: true };
  return undefined;
}

function failedContainer(c: ContainerWithStatus): boolean {
  const terminated = c.status.state?.terminated ?? c.status.lastState?.terminated;
  return c.status.state?.waiting?.reason === 'CrashLoopBackOff' || (terminated !== undefined && terminated.exitCode !== 0);
}

function targetIn(pod: Pod, container: string | undefined): LogTarget | undefined {
  const statuses = containerStatuses(pod);
  // Without a container named, the one that failed (a workload-level check on a pod: external-dns).
  const chosen = container === undefined ? statuses.find(failedContainer) : statuses.find((c) => c.name === container);
  if (!chosen) return undefined;
  const instance = crashedInstance(chosen.status);
  if (!instance) return undefined;
  return {
    namespace: pod.metadata.namespace ?? '',
    pod: pod.metadata.name,
    podUid: pod.metadata.uid ?? '',
    container: chosen.name,
    restartCount: chosen.status.restartCount,
    previous: instance.previous,
  };
}

const startedAt = (pod: Pod): string => pod.status.startTime ?? pod.metadata.creationTimestamp ?? '';

/** The pods a workload-level finding (JobFailed on a Job) is about: its related pods, else those it controls. */
function podsOf(view: ClusterReader, object: FindingObject, related: LogFindingRef['related']): Pod[] {
  const namespace = object.namespace;
  if (namespace === undefined || !view.has('Pod')) return [];
  const named = (related ?? []).filter((r) => r.kind === 'Pod' && (r.namespace ?? namespace) === namespace);
  if (named.length > 0) return named.map((r) => view.get('Pod', namespace, r.name)).filter((p): p is Pod => p !== undefined);
  return view.inNamespace('Pod', namespace).filter((pod) => {
    const owner = view.controllerOf(pod)?.ref;
    return owner?.kind === object.kind && owner.name === object.name;
  });
}

/**
 * The container instance whose log explains this finding: its pod and container, or for a
 * workload-level finding the latest-started pod with a failed container. Undefined when the check
 * is not about a crash, or no instance has died (nothing to read yet).
 */
export function logTargetOf(finding: LogFindingRef, view: ClusterReader): LogTarget | undefined {
  if (!LOG_EVIDENCE_CHECKS.has(finding.check) || !view.has('Pod')) return undefined;
  const { object } = finding;
  if (object.kind === 'Pod') {
    const pod = view.get('Pod', object.namespace, object.name);
    return pod ? targetIn(pod, object.container) : undefined;
  }
  const candidates = podsOf(view, object, finding.related).sort((a, b) => startedAt(b).localeCompare(startedAt(a)) || a.metadata.name.localeCompare(b.metadata.name));
  for (const pod of candidates) {
    const target = targetIn(pod, undefined);
    if (target) return target;
  }
  return undefined;
}
