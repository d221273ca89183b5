// Reads the live cluster for a one-shot analysis: one paginated LIST per kind the analyzers read,
// in the version the cluster serves; kinds that are absent or forbidden are skipped with a note.
import type { ClusterSnapshot } from '../cluster/view.js';
import { snapshotBuilder } from '../cluster/snapshot.js';
import { containerStatuses } from '../analyzers/evidence.js';
import type { KindDescriptor, KindName, KindVariant } from '../model/kinds.js';
import { KIND_DESCRIPTORS, KIND_NAMES, apiVersionOf } from '../model/kinds.js';
import type { Pod } from '../model/core.js';
import type { KubeGetter } from '../kube/http.js';
import { KubeRequestError, PARTIAL_METADATA_LIST } from '../kube/http.js';
import { redactSecrets } from './redact.js';

export interface LiveOptions {
  /** Namespaced kinds are listed in this namespace only. */
  readonly namespace?: string;
  readonly kinds?: readonly KindName[];
  readonly pageSize?: number;
  readonly concurrency?: number;
}

export interface LiveSnapshot {
  readonly snapshot: ClusterSnapshot;
  /** What was skipped and why, for stderr. */
  readonly notes: readonly string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The group/versions the API server serves, from discovery. */
export async function servedGroupVersions(api: KubeGetter): Promise<Set<string>> {
  const served = new Set<string>(['v1']);
  const groups = await api.getJson('/apis');
  if (isRecord(groups) && Array.isArray(groups.groups)) {
    for (const group of groups.groups) {
      if (!isRecord(group) || !Array.isArray(group.versions)) continue;
      for (const version of group.versions) {
        if (isRecord(version) && typeof version.groupVersion === 'string') served.add(version.groupVersion);
      }
    }
  }
  return served;
}

export function listPath(descriptor: Pick<KindDescriptor, 'plural' | 'namespaced'>, variant: Pick<KindVariant, 'group' | 'version'>, namespace?: string): string {
  const root = variant.group ? `/apis/${variant.group}/${variant.version}` : `/api/${variant.version}`;
  const scope = descriptor.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${root}${scope}/${descriptor.plural}`;
}

async function listAll(api: KubeGetter, descriptor: KindDescriptor, variant: KindVariant, options: LiveOptions, add: (raw: unknown) => void): Promise<void> {
  const base = listPath(descriptor, variant, options.namespace);
  const accept = descriptor.metadataOnly ? PARTIAL_METADATA_LIST : 'application/json';
  let token: string | undefined;
  do {
    const query = new URLSearchParams({ limit: String(options.pageSize ?? 500) });
    if (token) query.set('continue', token);
    const page = await api.getJson(`${base}?${query}`, accept);
    if (!isRecord(page)) throw new Error(`${base}: the answer is not a list`);
    for (const item of Array.isArray(page.items) ? page.items : []) {
      if (!isRecord(item)) continue;
      // List items carry no apiVersion/kind; PartialObjectMetadata items carry their own: restore the kind's.
      if (descriptor.metadataOnly) add({ apiVersion: apiVersionOf(variant), kind: descriptor.name, metadata: item.metadata });
      else add({ ...item, apiVersion: apiVersionOf(variant), kind: descriptor.name });
    }
    const metadata = isRecord(page.metadata) ? page.metadata : {};
    token = typeof metadata.continue === 'string' && metadata.continue ? metadata.continue : undefined;
  } while (token);
}

export async function loadLiveSnapshot(api: KubeGetter, options: LiveOptions = {}): Promise<LiveSnapshot> {
  const served = await servedGroupVersions(api);
  const builder = snapshotBuilder();
  const notes: string[] = [];
  const kinds = options.kinds ?? KIND_NAMES;
  const queue = [...kinds];
  const worker = async (): Promise<void> => {
    for (let kind = queue.shift(); kind; kind = queue.shift()) {
      const descriptor: KindDescriptor = KIND_DESCRIPTORS[kind];
      const variant = descriptor.variants.find((candidate) => served.has(apiVersionOf(candidate)));
      if (!variant) {
        notes.push(`${kind}: skipped, ${descriptor.variants.map(apiVersionOf).join(' / ')} not served by this cluster${descriptor.optional ? ' (add-on not installed)' : ''}`);
        continue;
      }
      try {
        const objects: unknown[] = [];
        await listAll(api, descriptor, variant, options, (raw) => objects.push(raw));
        for (const raw of objects) builder.add(raw);
        builder.markLoaded(kind);
      } catch (error) {
        if (error instanceof KubeRequestError && (error.status === 403 || error.status === 404)) {
          notes.push(`${kind}: skipped, ${error.status === 403 ? 'forbidden by RBAC' : 'not found'} (${error.reason})`);
          continue;
        }
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  return { snapshot: builder.build(), notes: notes.sort() };
}

/** Containers whose previous instance's logs explain a crash: crash-looping or restarted after an error. */
export function crashedContainers(pods: readonly Pod[]): LogTarget[] {
  const out: LogTarget[] = [];
  for (const pod of pods) {
    for (const c of containerStatuses(pod)) {
      const crashing = c.status.state?.waiting?.reason === 'CrashLoopBackOff';
      const lastFailed = (c.status.lastState?.terminated?.exitCode ?? 0) !== 0;
      if (crashing || (lastFailed && c.status.restartCount > 0)) {
        out.push({ namespace: pod.metadata.namespace ?? 'default', pod: pod.metadata.name, container: c.name });
      }
    }
  }
  return out;
}

export interface LogTarget {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
}

/** What reading one container's log gave: its last lines (redacted), or why there are none. */
export type ContainerLog =
  | { readonly type: 'lines'; readonly lines: readonly string[] }
  /** The API server answered with an error (no previous instance, rotated, forbidden, kubelet unreachable). */
  | { readonly type: 'unavailable'; readonly status: number; readonly reason: string }
  /** No answer at all (connection refused, timeout). */
  | { readonly type: 'error'; readonly reason: string };

export interface ContainerLogOptions {
  /** The previous instance's log (the one that crashed while the container restarts). */
  readonly previous: boolean;
  readonly tailLines: number;
  /** Stops reading after this many bytes of the tail (one huge line must not fill memory). */
  readonly limitBytes?: number;
}

/** The status message of an API error body (a metav1.Status), else the body's first line. */
function apiErrorReason(error: KubeRequestError): string {
  try {
    const status = JSON.parse(error.reason) as { message?: unknown };
    if (typeof status.message === 'string' && status.message) return status.message;
  } catch {
    // not JSON: the text as it came
  }
  return error.reason.split('\n')[0] ?? '';
}

/** The last lines of one container's log, obvious secrets redacted. Never throws. */
export async function readContainerLog(api: Pick<KubeGetter, 'getText'>, target: LogTarget, options: ContainerLogOptions): Promise<ContainerLog> {
  const query = new URLSearchParams({ container: target.container, tailLines: String(options.tailLines) });
  if (options.previous) query.set('previous', 'true');
  if (options.limitBytes !== undefined) query.set('limitBytes', String(options.limitBytes));
  try {
    const text = await api.getText(`/api/v1/namespaces/${encodeURIComponent(target.namespace)}/pods/${encodeURIComponent(target.pod)}/log?${query}`);
    return { type: 'lines', lines: text.split('\n').filter((line) => line.trim()).slice(-options.tailLines).map(redactSecrets) };
  } catch (error) {
    if (error instanceof KubeRequestError) return { type: 'unavailable', status: error.status, reason: apiErrorReason(error) };
    return { type: 'error', reason: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The last lines of each container's log (the previous instance's with `previous`), redacted and
 * keyed `namespace/pod/container`. A missing log (no previous instance, rotated, forbidden) is not
 * an error: the finding stands without log lines.
 */
export async function fetchLogs(api: KubeGetter, targets: readonly LogTarget[], options: { readonly previous: boolean; readonly tailLines: number }): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const queue = targets.slice(0, 50);
  const worker = async (): Promise<void> => {
    for (let t = queue.shift(); t; t = queue.shift()) {
      const log = await readContainerLog(api, t, options);
      // see above: absent logs only leave the evidence shorter
      if (log.type === 'lines' && log.lines.length) out.set(`${t.namespace}/${t.pod}/${t.container}`, [...log.lines]);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return out;
}
