// A minimal GET client on top of a KubeConnection's TLS and auth settings.
// Used where client-node's typed APIs do not fit: listing kinds generically with pagination and
// requesting PartialObjectMetadata (Secrets: names only, their data never reaches this process).
import http from 'node:http';
import https from 'node:https';
import type { KubeConnection } from './connection.js';

export { connectionFromKubeConfig } from './connection.js';
export type { KubeConnection } from './connection.js';

export const PARTIAL_METADATA_LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1beta1';

export class KubeRequestError extends Error {
  constructor(readonly status: number, readonly path: string, readonly reason: string, readonly method = 'GET') {
    super(`${method} ${path}: ${status} ${reason}`);
    this.name = 'KubeRequestError';
  }
}

export interface KubeGetter {
  getJson(path: string, accept?: string): Promise<unknown>;
  getText(path: string): Promise<string>;
  /** A write (POST, PUT, PATCH, DELETE) with a JSON body; the answer parsed. */
  send(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body: unknown, contentType?: string): Promise<unknown>;
  /** A long-lived GET (a watch): lines of the body as they arrive. */
  stream(path: string, accept: string, onLine: (line: string) => void, options?: WatchStreamOptions): WatchStream;
  readonly server: string;
}

export interface WatchStreamOptions {
  /** The idle guard of this watch (WATCH_IDLE_TIMEOUT_MS by default). */
  readonly idleTimeoutMs?: number;
}

export interface WatchStream {
  /** Settles when the server ends the stream (resolves) or the connection fails (rejects). */
  readonly done: Promise<void>;
  abort(): void;
}

/** The Kubernetes verb of a request, as the API server's audit log and metrics name it. */
export type RequestVerb = 'list' | 'get' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'discovery';

const WRITE_VERBS = { POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' } as const;

/**
 * The verb of a GET from its path: a collection is a LIST, a named object (or its subresource) a
 * GET, /api and /apis paths without a resource discovery.
 */
export function readVerb(path: string): RequestVerb {
  const segments = (path.split('?')[0] ?? '').split('/').filter(Boolean);
  let rest = segments[0] === 'api' ? segments.slice(2) : segments[0] === 'apis' ? segments.slice(3) : [];
  if (rest.length === 0) return 'discovery';
  if (rest[0] === 'namespaces' && rest.length >= 3) rest = rest.slice(2);
  return rest.length === 1 ? 'list' : 'get';
}

/**
 * A watch that sent nothing, not even a bookmark, for this long is taken for a dead connection (a
 * peer gone without a FIN or RST, a proxy that dropped it). The API server's watch cache sends a
 * watch that asked for bookmarks and has a timeout one BOOKMARK about every minute (and one 2 s
 * before its timeout; measured on the local v1.36 API server: every 60-61 s on a quiet resource),
 * so 3 minutes is three missed bookmarks. It is independent of the watch's timeoutSeconds (30 to
 * 60 minutes, controller/informer.ts): the timeout is the server's to keep, this guard is ours.
 * A resource the watch cache does not serve (Events, by default) gets no bookmarks: the informer
 * then gives its watches a longer guard of their own (WatchStreamOptions).
 */
export const WATCH_IDLE_TIMEOUT_MS = 3 * 60_000;

/** A watch ended by the idle guard: no byte for WATCH_IDLE_TIMEOUT_MS. */
export class WatchIdleError extends Error {
  constructor(readonly path: string, readonly idleMs: number) {
    super(`watch ${path}: no data (not even a bookmark) for ${Math.round(idleMs / 1000)}s: taken for a dead connection`);
    this.name = 'WatchIdleError';
  }
}

export interface KubeGetterOptions {
  /** Told of every request as it is sent (a request counter for the operator's metrics). */
  readonly onRequest?: (verb: RequestVerb) => void;
  /** The watch idle guard; WATCH_IDLE_TIMEOUT_MS unless a test needs it shorter. */
  readonly watchIdleTimeoutMs?: number;
}

export function kubeGetter(connection: KubeConnection, timeoutMs = 30_000, getterOptions: KubeGetterOptions = {}): KubeGetter {
  const base = new URL(connection.server);
  // URL keeps the brackets of an IPv6 address; a request's hostname must not have them.
  const hostname = base.hostname.startsWith('[') ? base.hostname.slice(1, -1) : base.hostname;

  async function requestOptions(path: string, accept: string, timeout: number): Promise<https.RequestOptions> {
    const options: https.RequestOptions = {
      method: 'GET',
      protocol: base.protocol,
      hostname,
      port: base.port || (base.protocol === 'https:' ? 443 : 80),
      path: `${base.pathname.replace(/\/$/, '')}${path}`,
      headers: { Accept: accept },
      timeout,
    };
    await connection.apply(options);
    return options;
  }
  const transport = base.protocol === 'https:' ? https : http;

  async function request(path: string, accept: string, write?: { method: string; body: string; contentType: string }): Promise<{ status: number; body: string }> {
    const options = await requestOptions(path, accept, timeoutMs);
    getterOptions.onRequest?.(write ? WRITE_VERBS[write.method as keyof typeof WRITE_VERBS] : readVerb(path));
    if (write) {
      options.method = write.method;
      options.headers = { ...options.headers, 'Content-Type': write.contentType, 'Content-Length': Buffer.byteLength(write.body) };
    }
    return new Promise((resolve, reject) => {
      const req = transport.request(options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`GET ${path}: no answer from ${connection.server} within ${timeoutMs / 1000}s`)));
      req.on('error', reject);
      req.end(write?.body);
    });
  }

  function failure(status: number, path: string, body: string, method = 'GET'): KubeRequestError {
    let reason = body.slice(0, 300);
    try {
      const parsed = JSON.parse(body) as { message?: unknown };
      if (typeof parsed.message === 'string') reason = parsed.message;
    } catch {
      // not a Status object: keep the raw text
    }
    return new KubeRequestError(status, path, reason, method);
  }

  function stream(path: string, accept: string, onLine: (line: string) => void, streamOptions: WatchStreamOptions = {}): WatchStream {
    let request: http.ClientRequest | undefined;
    let aborted = false;
    const done = (async () => {
      // The socket timeout is the idle guard (see WATCH_IDLE_TIMEOUT_MS): it fires after that long
      // without a byte, however long the watch's own timeoutSeconds.
      const idleMs = streamOptions.idleTimeoutMs ?? getterOptions.watchIdleTimeoutMs ?? WATCH_IDLE_TIMEOUT_MS;
      const options = await requestOptions(path, accept, idleMs);
      if (aborted) return;
      getterOptions.onRequest?.('watch');
      await new Promise<void>((resolve, reject) => {
        const req = transport.request(options, (res) => {
          if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) >= 300) {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => reject(failure(res.statusCode ?? 0, path, Buffer.concat(chunks).toString('utf8'))));
            return;
          }
          let pending = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            pending += chunk;
            let newline = pending.indexOf('\n');
            while (newline >= 0) {
              const line = pending.slice(0, newline).trim();
              pending = pending.slice(newline + 1);
              if (line) onLine(line);
              newline = pending.indexOf('\n');
            }
          });
          res.on('end', () => {
            if (pending.trim()) onLine(pending.trim());
            resolve();
          });
          res.on('error', (error) => (aborted ? resolve() : reject(error)));
        });
        request = req;
        req.on('timeout', () => req.destroy(new WatchIdleError(path, idleMs)));
        req.on('error', (error) => (aborted ? resolve() : reject(error)));
        req.end();
      });
    })();
    return {
      done,
      abort() {
        aborted = true;
        request?.destroy();
      },
    };
  }

  return {
    server: connection.server,
    stream,
    async getJson(path, accept = 'application/json') {
      const { status, body } = await request(path, accept);
      if (status < 200 || status >= 300) throw failure(status, path, body);
      return JSON.parse(body) as unknown;
    },
    async send(method, path, body, contentType = 'application/json') {
      const { status, body: text } = await request(path, 'application/json', { method, body: JSON.stringify(body), contentType });
      if (status < 200 || status >= 300) throw failure(status, path, text, method);
      return text ? (JSON.parse(text) as unknown) : undefined;
    },
    async getText(path) {
      const { status, body } = await request(path, 'text/plain, */*');
      if (status < 200 || status >= 300) throw failure(status, path, body);
      return body;
    },
  };
}
