// The informer's watch requests over a real HTTP connection (a local server playing the API
// server's watch protocol): the timeout it asks for, bookmarks, and the idle guard that re-opens a
// silent watch from the last resourceVersion.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Informer, MIN_WATCH_TIMEOUT_SECONDS, watchTimeoutSeconds } from '../../src/controller/informer.js';
import { WATCH_IDLE_TIMEOUT_MS, connectionFromKubeConfig, kubeGetter } from '../../src/kube/http.js';

describe('watchTimeoutSeconds', () => {
  it('is 30 to 60 minutes, as the API server picks for a watch without one', () => {
    expect(MIN_WATCH_TIMEOUT_SECONDS).toBe(1800);
    expect(watchTimeoutSeconds(undefined, () => 0)).toBe(1800);
    expect(watchTimeoutSeconds(undefined, () => 0.5)).toBe(2700);
    expect(watchTimeoutSeconds(undefined, () => 0.999_999_9)).toBe(3599);
  });

  it('spreads watches opened together: 31 watches do not re-open in step', () => {
    const timeouts = Array.from({ length: 31 }, () => watchTimeoutSeconds());
    expect(Math.min(...timeouts)).toBeGreaterThanOrEqual(1800);
    expect(Math.max(...timeouts)).toBeLessThan(3600);
    expect(new Set(timeouts).size).toBeGreaterThan(20);
  });

  it('is several minutes longer than the idle guard, which rather than the timeout finds a dead connection', () => {
    expect(WATCH_IDLE_TIMEOUT_MS).toBeLessThanOrEqual(5 * 60_000);
    // Three bookmarks (one a minute) may be missed before the guard fires.
    expect(WATCH_IDLE_TIMEOUT_MS).toBeGreaterThanOrEqual(3 * 60_000);
    expect(MIN_WATCH_TIMEOUT_SECONDS * 1000).toBeGreaterThan(5 * WATCH_IDLE_TIMEOUT_MS);
  });
});

describe('informer watch requests', () => {
  let server: http.Server | undefined;
  let informer: Informer | undefined;
  afterEach(async () => {
    await informer?.stop();
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    informer = undefined;
    server = undefined;
  });

  /** A ConfigMap list at resourceVersion 10, then watches played by `watch` (per request, in order). */
  async function apiServer(watch: (res: http.ServerResponse, index: number) => void): Promise<{ watches: URLSearchParams[]; api: ReturnType<typeof kubeGetter> }> {
    const watches: URLSearchParams[] = [];
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      res.setHeader('Content-Type', 'application/json');
      if (url.searchParams.get('watch') === 'true') {
        watches.push(url.searchParams);
        res.writeHead(200);
        res.flushHeaders();
        watch(res, watches.length - 1);
        return;
      }
      res.end(JSON.stringify({ kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: '10' }, items: [] }));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'test', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
      users: [{ name: 'test' }],
      contexts: [{ name: 'test', cluster: 'test', user: 'test' }],
      currentContext: 'test',
    });
    return { watches, api: kubeGetter(connectionFromKubeConfig(kc), 5_000, { watchIdleTimeoutMs: 400 }) };
  }

  function start(api: ReturnType<typeof kubeGetter>, restarts: string[]): Informer {
    informer = new Informer({
      api,
      descriptor: { name: 'ConfigMap', plural: 'configmaps', namespaced: true },
      variant: { group: '', version: 'v1' },
      hooks: { onEvent: () => undefined, onRestart: (_kind, reason) => restarts.push(reason) },
      log: pino({ level: 'silent' }),
      backoff: { initialMs: 5_000, maxMs: 5_000 },
    });
    informer.start();
    return informer;
  }

  const waitUntil = async (what: string, check: () => boolean, timeoutMs = 5_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  it('asks for bookmarks and a 30-60 minute timeout, from the list resourceVersion', async () => {
    const { watches, api } = await apiServer(() => undefined);
    start(api, []);
    await waitUntil('a watch', () => watches.length > 0);
    const query = watches[0]!;
    expect(query.get('allowWatchBookmarks')).toBe('true');
    expect(query.get('resourceVersion')).toBe('10');
    const timeout = Number(query.get('timeoutSeconds'));
    expect(timeout).toBeGreaterThanOrEqual(1800);
    expect(timeout).toBeLessThan(3600);
  });

  it('keeps a watch that gets bookmarks more often than the idle guard, and resumes from the bookmark at once when the server ends it', async () => {
    const restarts: string[] = [];
    const { watches, api } = await apiServer((res, index) => {
      if (index > 0) return;
      // Bookmarks every 150 ms for 1.2 s (three times the 400 ms guard), then the server's timeout.
      let sent = 0;
      const timer = setInterval(() => {
        sent += 1;
        res.write(`${JSON.stringify({ type: 'BOOKMARK', object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: String(10 + sent) } } })}\n`);
        if (sent === 8) {
          clearInterval(timer);
          res.end();
        }
      }, 150);
    });
    start(api, restarts);
    await waitUntil('the watch to be re-opened', () => watches.length === 2);
    expect(watches[1]!.get('resourceVersion')).toBe('18');
    expect(restarts).toEqual([]);
  });

  it('re-opens a silent watch after the idle guard, from the last resourceVersion, without backoff', async () => {
    const restarts: string[] = [];
    const { watches, api } = await apiServer((res, index) => {
      // One bookmark, then silence: a dead connection as the client sees it.
      if (index === 0) res.write(`${JSON.stringify({ type: 'BOOKMARK', object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: '15' } } })}\n`);
    });
    const openedAt = Date.now();
    start(api, restarts);
    await waitUntil('the silent watch to be re-opened', () => watches.length === 2);
    const elapsed = Date.now() - openedAt;
    // The guard (400 ms here) and not the 5 s error backoff.
    expect(elapsed).toBeGreaterThanOrEqual(350);
    expect(elapsed).toBeLessThan(3_000);
    expect(watches[1]!.get('resourceVersion')).toBe('15');
    expect(restarts).toEqual(['idle']);
    // Bookmarks came: still a long watch.
    expect(Number(watches[1]!.get('timeoutSeconds'))).toBeGreaterThanOrEqual(1800);
  });

  it('watches a resource that brings no bookmarks (not in the watch cache, like Events) with 5-10 minute timeouts, without counting restarts', async () => {
    const restarts: string[] = [];
    const { watches, api } = await apiServer((res, index) => {
      // An event, then silence, and never a bookmark.
      if (index === 0) res.write(`${JSON.stringify({ type: 'ADDED', object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'a', namespace: 'shop', resourceVersion: '12' } } })}\n`);
    });
    start(api, restarts);
    await waitUntil('the silent watch to be re-opened', () => watches.length === 2);
    expect(watches[1]!.get('resourceVersion')).toBe('12');
    const timeout = Number(watches[1]!.get('timeoutSeconds'));
    expect(timeout).toBeGreaterThanOrEqual(300);
    expect(timeout).toBeLessThan(600);
    // Its idle guard is now past that timeout: no third watch soon after.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(watches).toHaveLength(2);
    expect(restarts).toEqual([]);
  });
});
