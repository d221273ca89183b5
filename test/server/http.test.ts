import http from 'node:http';
import { Counter, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServers } from '../../src/server/http.js';
import type { OperatorHttpServers, Probe } from '../../src/server/http.js';

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly contentType: string | undefined;
}

function request(port: number, path: string, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), contentType: res.headers['content-type'] }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

let servers: OperatorHttpServers | undefined;
afterEach(async () => {
  await servers?.stop();
  servers = undefined;
});

async function start(readiness: () => Probe, liveness?: () => Probe) {
  const registry = new Registry();
  new Counter({ name: 'healthreport_watch_events_total', help: 'test', labelNames: ['resource'], registers: [registry] }).inc({ resource: 'pods' }, 3);
  servers = createHttpServers({ registry, metricsPort: 0, healthPort: 0, host: '127.0.0.1', readiness, ...(liveness ? { liveness } : {}) });
  return servers.start();
}

describe('metrics and probe servers', () => {
  it('serves the registry on /metrics in the Prometheus text format', async () => {
    const { metricsPort, healthPort } = await start(() => ({ ok: true }));
    expect(metricsPort).not.toBe(healthPort);
    const answer = await request(metricsPort, '/metrics');
    expect(answer.status).toBe(200);
    expect(answer.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(answer.body).toContain('healthreport_watch_events_total{resource="pods"} 3');
  });

  it('keeps metrics and probes on their own ports', async () => {
    const { metricsPort, healthPort } = await start(() => ({ ok: true }));
    expect((await request(healthPort, '/metrics')).status).toBe(404);
    expect((await request(metricsPort, '/readyz')).status).toBe(404);
  });

  it('answers /readyz from the readiness callback at each request', async () => {
    let synced = false;
    const { healthPort } = await start(() => (synced ? { ok: true } : { ok: false, reason: 'informers not synced: pods, services' }));
    const before = await request(healthPort, '/readyz');
    expect(before).toMatchObject({ status: 503, body: 'not ok: informers not synced: pods, services\n' });
    synced = true;
    expect(await request(healthPort, '/readyz')).toMatchObject({ status: 200, body: 'ok\n' });
    expect((await request(healthPort, '/healthz')).status).toBe(200);
  });

  it('reports a probe that throws as failing, and /healthz from its own callback', async () => {
    const { healthPort } = await start(
      () => {
        throw new Error('cache closed');
      },
      () => ({ ok: false, reason: 'informer pods cannot restart' }),
    );
    expect(await request(healthPort, '/readyz')).toMatchObject({ status: 503, body: 'not ok: cache closed\n' });
    expect(await request(healthPort, '/healthz')).toMatchObject({ status: 503, body: 'not ok: informer pods cannot restart\n' });
  });

  it('refuses other methods and answers HEAD without a body', async () => {
    const { healthPort } = await start(() => ({ ok: true }));
    expect((await request(healthPort, '/readyz', 'POST')).status).toBe(405);
    expect(await request(healthPort, '/readyz', 'HEAD')).toMatchObject({ status: 200, body: '' });
    expect((await request(healthPort, '/readyz?verbose=1')).status).toBe(200);
  });

  it('stops listening on stop(), also with an idle keep-alive connection open', async () => {
    const { metricsPort } = await start(() => ({ ok: true }));
    const agent = new http.Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: metricsPort, path: '/metrics', agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      }).on('error', reject);
    });
    const started = Date.now();
    await servers?.stop();
    servers = undefined;
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect(request(metricsPort, '/metrics')).rejects.toThrow(/ECONNREFUSED/);
    agent.destroy();
  });

  it('fails start() when a port is taken', async () => {
    const { metricsPort } = await start(() => ({ ok: true }));
    const second = createHttpServers({ registry: new Registry(), metricsPort, healthPort: 0, host: '127.0.0.1', readiness: () => ({ ok: true }) });
    await expect(second.start()).rejects.toThrow(/EADDRINUSE/);
  });
});
