// The operator's two HTTP endpoints: /metrics on one port (scraped by Prometheus) and the kubelet's
// probes, /healthz and /readyz, on another, so that a NetworkPolicy can open them separately.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export type Probe = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export interface HttpServersOptions {
  readonly registry: Registry;
  /** 0 picks a free port (tests). */
  readonly metricsPort: number;
  readonly healthPort: number;
  /** Interface to listen on; all interfaces when absent. */
  readonly host?: string;
  /** /readyz: ready once every informer has synced. */
  readonly readiness: () => Probe;
  /** /healthz: alive unless the callback says otherwise (e.g. an informer that cannot be restarted). */
  readonly liveness?: () => Probe;
  /** How long stop() waits for responses in flight before it cuts connections. */
  readonly closeGraceMs?: number;
}

export interface BoundPorts {
  readonly metricsPort: number;
  readonly healthPort: number;
}

export interface OperatorHttpServers {
  start(): Promise<BoundPorts>;
  stop(): Promise<void>;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> | void;

function send(res: http.ServerResponse, status: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function evaluate(probe: () => Probe): Probe {
  try {
    return probe();
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

function probeHandler(probe: () => Probe): Handler {
  return (_req, res) => {
    const result = evaluate(probe);
    if (result.ok) send(res, 200, 'ok\n');
    else send(res, 503, `not ok: ${result.reason}\n`);
  };
}

function router(routes: Readonly<Record<string, Handler>>): http.RequestListener {
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const handler = routes[path];
    if (!handler) return send(res, 404, 'not found\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return send(res, 405, 'method not allowed\n');
    }
    Promise.resolve(handler(req, res)).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, `error: ${error instanceof Error ? error.message : String(error)}\n`);
      else res.destroy();
    });
  };
}

function listen(server: http.Server, port: number, host: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function close(server: http.Server, graceMs: number): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    // Keep-alive connections with no request in flight would hold close() open until they time out.
    server.closeIdleConnections();
  });
}

export function createHttpServers(options: HttpServersOptions): OperatorHttpServers {
  const { registry } = options;
  const metricsServer = http.createServer(
    router({
      '/metrics': async (_req, res) => send(res, 200, await registry.metrics(), registry.contentType),
    }),
  );
  const healthServer = http.createServer(
    router({
      '/healthz': probeHandler(options.liveness ?? (() => ({ ok: true }))),
      '/readyz': probeHandler(options.readiness),
    }),
  );
  const graceMs = options.closeGraceMs ?? 5_000;

  return {
    async start() {
      const metricsPort = await listen(metricsServer, options.metricsPort, options.host);
      try {
        const healthPort = await listen(healthServer, options.healthPort, options.host);
        return { metricsPort, healthPort };
      } catch (error) {
        await close(metricsServer, 0);
        throw error;
      }
    },
    async stop() {
      await Promise.all([close(metricsServer, graceMs), close(healthServer, graceMs)]);
    },
  };
}
