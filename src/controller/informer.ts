// A resilient informer for one kind: LIST once, then WATCH from the list's resourceVersion with
// bookmarks; on a dropped connection resume from the last resourceVersion (backoff with jitter); on
// 410 Gone re-list and turn the difference into events. It never dies silently: every failure is
// retried, counted and logged, and a kind that RBAC forbids is reported once and retried slowly.
import type { Logger } from 'pino';
import type { KindVariant } from '../model/kinds.js';
import { apiVersionOf } from '../model/kinds.js';
import type { KubeObject } from '../model/meta.js';
import type { UnparseableObject } from '../model/parse.js';
import { parseObject } from '../model/parse.js';
import type { StringPool } from '../model/intern.js';
import type { KubeGetter, WatchStream } from '../kube/http.js';
import { KubeRequestError, PARTIAL_METADATA_LIST, WatchIdleError } from '../kube/http.js';
import { listPath } from '../input/live.js';

export type InformerEvent =
  | { readonly type: 'added'; readonly object: KubeObject }
  | { readonly type: 'updated'; readonly old: KubeObject; readonly object: KubeObject }
  | { readonly type: 'deleted'; readonly object: KubeObject };

export type InformerState = 'starting' | 'synced' | 'forbidden' | 'stopped';

export interface InformerHooks {
  onEvent(kind: string, event: InformerEvent): void;
  /** Unparseable objects change the analysis too (ResourceUnparseable findings). */
  onUnparseableChange?(kind: string): void;
  onWatchEvent?(kind: string): void;
  onRestart?(kind: string, reason: string): void;
  onStateChange?(kind: string, state: InformerState): void;
}

export type CacheEntry =
  | { readonly type: 'object'; readonly object: KubeObject }
  | { readonly type: 'unparseable'; readonly error: UnparseableObject }
  | { readonly type: 'ignored' };

/** The model's parser: trimmed, typed objects of the kinds the analyzers read. */
export function parseModelObject(raw: unknown): CacheEntry {
  const outcome = parseObject(raw);
  if (outcome.type === 'parsed') return { type: 'object', object: outcome.object };
  return outcome.type === 'unparseable' ? outcome : { type: 'ignored' };
}

/** What an informer needs to know of the resource it watches (a KindDescriptor fits). */
export interface WatchedResource {
  readonly name: string;
  readonly plural: string;
  readonly namespaced: boolean;
  readonly metadataOnly?: boolean;
}

export interface InformerOptions {
  readonly api: KubeGetter;
  readonly descriptor: WatchedResource;
  readonly variant: Pick<KindVariant, 'group' | 'version'>;
  /** How raw objects become cached ones; the model's parser by default. */
  readonly parse?: (raw: unknown) => CacheEntry;
  readonly namespace?: string;
  readonly hooks: InformerHooks;
  readonly log: Logger;
  readonly pageSize?: number;
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  /**
   * The shortest server-side watch timeout; each watch asks for a random one between this and twice
   * this (see watchTimeoutSeconds), then resumes from the last resourceVersion.
   */
  readonly watchTimeoutSeconds?: number;
  readonly forbiddenRetryMs?: number;
  /** Shares the cached objects' short strings with the other informers' (see model/intern.ts). */
  readonly strings?: StringPool;
}

/**
 * 30 minutes: the API server's own --min-request-timeout default, the shortest timeout it gives a
 * watch that names none. Each re-open is a request the API server authenticates, authorizes and
 * registers a watcher for; at client-go's 5-10 minutes (ours was 270-330 s) our ~31 watches re-opened
 * ~370 times an hour at rest, at 30-60 minutes ~41 times. Safe for three reasons:
 * - bookmarks (allowWatchBookmarks; about one a minute, and one just before the timeout) keep our
 *   resourceVersion current, so a watch re-opened after an hour on a quiet kind resumes instead of
 *   asking for a compacted revision (410 Gone) and re-listing;
 * - a dead connection is found by the idle guard of kube/http.ts (no byte for 3 minutes), not by
 *   the timeout, so a longer timeout does not leave us blind for longer;
 * - the API server honours the client's timeoutSeconds as given; 30-60 minutes is what it chooses
 *   itself for a watch without one, so it is within what its operators expect of long requests.
 */
export const MIN_WATCH_TIMEOUT_SECONDS = 1800;

/**
 * For a resource whose watches bring no bookmarks (the API server's watch cache does not serve it:
 * Events, by default): client-go's reflector range, 5 to 10 minutes, with an idle guard one minute
 * past the timeout (silence is normal there, so only the timeout tells a dead connection). Shorter
 * than 30 minutes because without bookmarks nothing else bounds how long a dead connection goes
 * unnoticed. A quiet watch of such a kind can still resume from a compacted resourceVersion (410
 * Gone) and re-list it, as it did before; for Events that list is short when they are quiet, since
 * Events expire after an hour (the API server's --event-ttl).
 */
export const NO_BOOKMARK_MIN_WATCH_TIMEOUT_SECONDS = 300;
const NO_BOOKMARK_IDLE_SLACK_MS = 60_000;

/**
 * A watch's timeoutSeconds: uniform between `minimum` and twice it (as the API server draws its
 * own), so the watches opened together at start-up re-open at different moments, not in step.
 */
export function watchTimeoutSeconds(minimum = MIN_WATCH_TIMEOUT_SECONDS, random: () => number = Math.random): number {
  return Math.min(2 * minimum - 1, Math.floor(minimum * (1 + random())));
}

class GoneError extends Error {}

const keyOf = (obj: { metadata: { namespace?: string | undefined; name: string } }): string => `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class Informer {
  readonly kind: string;
  private readonly objects = new Map<string, KubeObject>();
  private readonly bad = new Map<string, UnparseableObject>();
  private resourceVersion: string | undefined;
  private current: WatchStream | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;
  private stateValue: InformerState = 'starting';
  private loop: Promise<void> | undefined;
  /** Whether the API server sends this resource's watches bookmarks: unknown until one arrives or the idle guard fires without one. */
  private bookmarks: 'unknown' | 'yes' | 'no' = 'unknown';

  constructor(private readonly options: InformerOptions) {
    this.kind = options.descriptor.name;
  }

  get state(): InformerState {
    return this.stateValue;
  }

  get synced(): boolean {
    return this.stateValue === 'synced';
  }

  list(): IterableIterator<KubeObject> {
    return this.objects.values();
  }

  get size(): number {
    return this.objects.size;
  }

  unparseable(): IterableIterator<UnparseableObject> {
    return this.bad.values();
  }

  get(namespace: string | undefined, name: string): KubeObject | undefined {
    return this.objects.get(`${namespace ?? ''}/${name}`);
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.current?.abort();
    this.wake?.();
    await this.loop;
    this.setState('stopped');
  }

  private setState(state: InformerState): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    this.options.hooks.onStateChange?.(this.kind, state);
  }

  private async run(): Promise<void> {
    const { initialMs, maxMs } = this.options.backoff ?? { initialMs: 500, maxMs: 30_000 };
    let delay = initialMs;
    let forbiddenLogged = false;
    while (!this.stopped) {
      try {
        if (this.resourceVersion === undefined) await this.relist();
        this.setState('synced');
        forbiddenLogged = false;
        delay = initialMs;
        await this.watch();
        // A watch that ends normally (server timeout) resumes at once from the last resourceVersion.
      } catch (error) {
        if (this.stopped) break;
        if (error instanceof GoneError || (error instanceof KubeRequestError && error.status === 410)) {
          this.options.log.info({ resource: this.kind }, 'resourceVersion too old (410 Gone): re-listing');
          this.options.hooks.onRestart?.(this.kind, 'gone');
          this.resourceVersion = undefined;
          continue;
        }
        if (error instanceof WatchIdleError) {
          // A new connection at once, from the last resourceVersion.
          if (this.bookmarks !== 'yes') {
            // Never a bookmark: the API server sends none for this resource, silence is normal.
            if (this.bookmarks === 'unknown') this.options.log.info({ resource: this.kind }, 'the API server sends no watch bookmarks for this resource (not in its watch cache): watching it with 5-10 minute timeouts');
            this.bookmarks = 'no';
            continue;
          }
          // Bookmarks stopped: most likely a dead connection. A restart, counted.
          this.options.log.info({ resource: this.kind, idleSeconds: Math.round(error.idleMs / 1000) }, 'watch silent (no event or bookmark): re-opening it');
          this.options.hooks.onRestart?.(this.kind, 'idle');
          continue;
        }
        if (error instanceof KubeRequestError && error.status === 403) {
          if (!forbiddenLogged) this.options.log.warn({ resource: this.kind, reason: error.reason }, 'listing or watching is forbidden by RBAC: analyzers that need it stay dormant');
          forbiddenLogged = true;
          this.setState('forbidden');
          await this.sleep(this.options.forbiddenRetryMs ?? 300_000);
          continue;
        }
        this.options.hooks.onRestart?.(this.kind, 'error');
        const jittered = delay / 2 + Math.random() * delay;
        this.options.log.warn({ resource: this.kind, err: error instanceof Error ? error.message : String(error), retryInMs: Math.round(jittered) }, 'watch failed: resuming');
        await this.sleep(jittered);
        delay = Math.min(delay * 2, maxMs);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private normalise(raw: unknown): unknown {
    if (!isRecord(raw)) return raw;
    const apiVersion = apiVersionOf(this.options.variant);
    if (this.options.descriptor.metadataOnly) return { apiVersion, kind: this.options.descriptor.name, metadata: raw.metadata };
    return { ...raw, apiVersion, kind: this.options.descriptor.name };
  }

  /** Applies one object; returns the event to emit, if any. */
  private apply(raw: unknown, deleted: boolean): InformerEvent | undefined {
    const outcome = (this.options.parse ?? parseModelObject)(this.normalise(raw));
    if (outcome.type === 'ignored') return undefined;
    if (outcome.type === 'unparseable') {
      const key = `${outcome.error.namespace ?? ''}/${outcome.error.name}`;
      const old = this.objects.get(key);
      if (deleted) this.bad.delete(key);
      else this.bad.set(key, outcome.error);
      this.options.hooks.onUnparseableChange?.(this.kind);
      if (old) {
        this.objects.delete(key);
        return { type: 'deleted', object: old };
      }
      return undefined;
    }
    const object = this.options.strings ? this.options.strings.internAll(outcome.object) : outcome.object;
    const key = keyOf(object);
    const old = this.objects.get(key);
    if (this.bad.delete(key)) this.options.hooks.onUnparseableChange?.(this.kind);
    if (deleted) {
      this.objects.delete(key);
      return { type: 'deleted', object: old ?? object };
    }
    this.objects.set(key, object);
    return old ? { type: 'updated', old, object } : { type: 'added', object };
  }

  private emit(event: InformerEvent | undefined): void {
    if (event) this.options.hooks.onEvent(this.kind, event);
  }

  private async relist(): Promise<void> {
    const { api, descriptor, variant, namespace } = this.options;
    const base = listPath(descriptor, variant, namespace);
    const accept = descriptor.metadataOnly ? PARTIAL_METADATA_LIST : 'application/json';
    const seen = new Set<string>();
    let token: string | undefined;
    let resourceVersion: string | undefined;
    const badBefore = this.bad.size;
    let badCleared = false;
    const fetchPage = (continueToken: string | undefined): Promise<unknown> => {
      const query = new URLSearchParams({ limit: String(this.options.pageSize ?? 500) });
      if (continueToken) query.set('continue', continueToken);
      const page = api.getJson(`${base}?${query}`, accept);
      // Awaited below; until then a failure must not count as unhandled.
      page.catch(() => undefined);
      return page;
    };
    let next: Promise<unknown> | undefined = fetchPage(undefined);
    while (next) {
      const page: unknown = await next;
      if (!isRecord(page)) throw new Error(`${base}: the answer is not a list`);
      const metadata: Record<string, unknown> = isRecord(page.metadata) ? page.metadata : {};
      token = typeof metadata.continue === 'string' && metadata.continue ? metadata.continue : undefined;
      if (typeof metadata.resourceVersion === 'string') resourceVersion = metadata.resourceVersion;
      // The next page is asked for before this one is parsed: the API server encodes it while we
      // parse, which took the list of 10,000 pods from ~2.2 s to ~1.6 s.
      next = token ? fetchPage(token) : undefined;
      if (!badCleared) {
        this.bad.clear();
        badCleared = true;
      }
      // Applied page by page: holding every raw page until the end (all kinds list at once at
      // start-up) made the start-up memory peak several times the size of the trimmed cache.
      for (const item of Array.isArray(page.items) ? (page.items as unknown[]) : []) {
        const event = this.apply(item, false);
        const meta = isRecord(item) && isRecord(item.metadata) ? item.metadata : {};
        seen.add(`${typeof meta.namespace === 'string' ? meta.namespace : ''}/${typeof meta.name === 'string' ? meta.name : ''}`);
        // An unchanged object (same resourceVersion) after a re-list is not a change.
        if (event?.type === 'updated' && event.old.metadata.resourceVersion === event.object.metadata.resourceVersion) continue;
        this.emit(event);
      }
    }
    // Objects missing from the new list were deleted while we were not watching.
    for (const [key, object] of [...this.objects]) {
      if (seen.has(key)) continue;
      this.objects.delete(key);
      this.emit({ type: 'deleted', object });
    }
    if (badBefore !== this.bad.size || this.bad.size > 0) this.options.hooks.onUnparseableChange?.(this.kind);
    this.resourceVersion = resourceVersion;
    this.options.log.debug({ resource: this.kind, objects: this.objects.size, resourceVersion }, 'listed');
  }

  private async watch(): Promise<void> {
    const { api, descriptor, variant, namespace } = this.options;
    const withoutBookmarks = this.bookmarks === 'no';
    const timeoutSeconds = withoutBookmarks ? watchTimeoutSeconds(NO_BOOKMARK_MIN_WATCH_TIMEOUT_SECONDS) : watchTimeoutSeconds(this.options.watchTimeoutSeconds);
    const query = new URLSearchParams({
      watch: 'true',
      // Bookmarks are what make long timeouts safe (MIN_WATCH_TIMEOUT_SECONDS) and feed the idle guard.
      allowWatchBookmarks: 'true',
      resourceVersion: this.resourceVersion ?? '',
      timeoutSeconds: String(timeoutSeconds),
    });
    const accept = descriptor.metadataOnly ? PARTIAL_METADATA_LIST.replaceAll('PartialObjectMetadataList', 'PartialObjectMetadata') : 'application/json';
    let gone = false;
    let failure: string | undefined;
    const stream = api.stream(`${listPath(descriptor, variant, namespace)}?${query}`, accept, (line) => {
      let event: unknown;
      try {
        event = JSON.parse(line);
      } catch {
        this.options.log.warn({ resource: this.kind, line: line.slice(0, 200) }, 'unreadable watch event: ignored');
        return;
      }
      if (!isRecord(event) || typeof event.type !== 'string') return;
      this.options.hooks.onWatchEvent?.(this.kind);
      const object = event.object;
      const rv = isRecord(object) && isRecord(object.metadata) && typeof object.metadata.resourceVersion === 'string' ? object.metadata.resourceVersion : undefined;
      switch (event.type) {
        case 'ADDED':
        case 'MODIFIED':
          this.emit(this.apply(object, false));
          break;
        case 'DELETED':
          this.emit(this.apply(object, true));
          break;
        case 'BOOKMARK':
          this.bookmarks = 'yes';
          break;
        case 'ERROR': {
          const code = isRecord(object) ? object.code : undefined;
          if (code === 410) gone = true;
          else failure = isRecord(object) && typeof object.message === 'string' ? object.message : 'watch error event';
          stream.abort();
          return;
        }
      }
      if (rv) this.resourceVersion = rv;
    }, withoutBookmarks ? { idleTimeoutMs: timeoutSeconds * 1000 + NO_BOOKMARK_IDLE_SLACK_MS } : {});
    this.current = stream;
    await stream.done;
    if (gone) throw new GoneError('410 Gone');
    // Any other error event goes through the backoff, so a persistent error cannot spin.
    if (failure) throw new Error(failure);
  }
}
