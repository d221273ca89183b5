import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeGetter, readVerb } from '../../src/kube/http.js';
import type { RequestVerb } from '../../src/kube/http.js';

describe('readVerb', () => {
  it.each([
    ['/api/v1/pods?limit=500', 'list'],
    ['/api/v1/namespaces', 'list'],
    ['/api/v1/namespaces/shop/pods?limit=500&continue=abc', 'list'],
    ['/apis/apps/v1/deployments', 'list'],
    ['/apis/sre.otomi.io/v1alpha1/namespaces/shop/healthreports', 'list'],
    ['/api/v1/namespaces/shop', 'get'],
    ['/api/v1/nodes/node-1', 'get'],
    ['/api/v1/namespaces/shop/pods/web-0/log?container=app', 'get'],
    ['/apis/apps/v1/namespaces/shop/deployments/web', 'get'],
    ['/apis', 'discovery'],
    ['/api', 'discovery'],
    ['/apis/apps/v1', 'discovery'],
  ] as const)('%s is a %s', (path, verb) => {
    expect(readVerb(path)).toBe(verb);
  });
});

describe('kubeGetter onRequest', () => {
  let server: http.Server;
  let kc: KubeConfig;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      res.setHeader('Content-Type', 'application/json');
      if (req.url?.includes('watch=true')) res.end('{"type":"BOOKMARK","object":{}}\n');
      else res.end(req.method === 'DELETE' ? '' : '{"items":[]}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'test', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
      users: [{ name: 'test' }],
      contexts: [{ name: 'test', cluster: 'test', user: 'test' }],
      currentContext: 'test',
    });
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('names the verb of every request it sends', async () => {
    const verbs: RequestVerb[] = [];
    const api = kubeGetter(kc, 5_000, { onRequest: (verb) => verbs.push(verb) });
    await api.getJson('/apis');
    await api.getJson('/api/v1/namespaces/shop/services?limit=500');
    await api.getJson('/api/v1/namespaces/shop/services/web');
    await api.send('POST', '/apis/sre.otomi.io/v1alpha1/namespaces/shop/healthreports', {});
    await api.send('PUT', '/apis/sre.otomi.io/v1alpha1/namespaces/shop/healthreports/r/status', {});
    await api.send('PATCH', '/apis/sre.otomi.io/v1alpha1/namespaces/shop/healthreports/r', {}, 'application/merge-patch+json');
    await api.send('DELETE', '/apis/sre.otomi.io/v1alpha1/namespaces/shop/healthreports/r', {});
    await api.stream('/api/v1/pods?watch=true', 'application/json', () => {}).done;
    expect(verbs).toEqual(['discovery', 'list', 'get', 'create', 'update', 'patch', 'delete', 'watch']);
  });

  it('works without a callback', async () => {
    await expect(kubeGetter(kc, 5_000).getJson('/api/v1/pods')).resolves.toEqual({ items: [] });
  });
});
