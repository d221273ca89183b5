import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inClusterConnection, loadConnection } from '../../src/kube/connection.js';
import { connectionFromKubeConfig, kubeGetter, readVerb } from '../../src/kube/http.js';
import type { RequestVerb } from '../../src/kube/http.js';
import { writeTempFile } from '../helpers/temp-files.js';

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
    const api = kubeGetter(connectionFromKubeConfig(kc), 5_000, { onRequest: (verb) => verbs.push(verb) });
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
    await expect(kubeGetter(connectionFromKubeConfig(kc), 5_000).getJson('/api/v1/pods')).resolves.toEqual({ items: [] });
  });
});

// A real HTTPS server with its own CA that asks for a client certificate: the native connection must
// verify the server, present the client certificate and send tokens, all without client-node.
function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!hasOpenssl())('native connection against an HTTPS server', () => {
  let dir: string;
  let server: https.Server;
  let port: number;
  const pem = (name: string) => readFileSync(join(dir, name), 'utf8');
  const base64 = (name: string) => Buffer.from(pem(name)).toString('base64');

  function openssl(...args: string[]): void {
    execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  }

  /** A key and a certificate signed by ca.crt; SANs as openssl's subjectAltName syntax. */
  function issue(name: string, subject: string, extensions: string): void {
    openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
    writeFileSync(join(dir, `${name}.ext`), extensions);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-out', `${name}.crt`, '-extfile', `${name}.ext`);
  }

  function kubeconfig(cluster: Record<string, unknown>, user: Record<string, unknown>): string {
    const path = join(dir, `kubeconfig-${Math.random().toString(36).slice(2)}`);
    writeFileSync(path, JSON.stringify({ apiVersion: 'v1', kind: 'Config', clusters: [{ name: 'c', cluster }], users: [{ name: 'u', user }], contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }], 'current-context': 'x' }));
    return path;
  }

  /** What the server saw: the client certificate's CN and the Authorization header. */
  async function whoami(path: string): Promise<{ cn: string | null; authorization: string | null }> {
    const connection = await loadConnection({ kubeconfig: path, env: {} });
    expect(connection.loader).toBe('kubeconfig');
    return (await kubeGetter(connection, 5_000).getJson('/whoami')) as { cn: string | null; authorization: string | null };
  }

  beforeAll(async () => {
    dir = dirname(writeTempFile('healthreport-tls-', 'README', 'test certificates'));
    openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=test-ca');
    openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'other-ca.key', '-out', 'other-ca.crt', '-days', '1', '-subj', '/CN=other-ca');
    // Not valid for 127.0.0.1: reaching it by that address needs tls-server-name.
    issue('server', '/CN=kube-apiserver', 'subjectAltName=DNS:kube.test,IP:::1\nextendedKeyUsage=serverAuth\n');
    issue('alice', '/CN=alice/O=system:masters', 'extendedKeyUsage=clientAuth\n');
    server = https.createServer({ key: pem('server.key'), cert: pem('server.crt'), ca: pem('ca.crt'), requestCert: true, rejectUnauthorized: false }, (req, res) => {
      const socket = req.socket as TLSSocket;
      const peer = socket.authorized ? socket.getPeerCertificate() : undefined;
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ cn: peer?.subject?.CN ?? null, authorization: req.headers.authorization ?? null }));
    });
    await new Promise<void>((resolve) => server.listen(0, '::', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('presents a client certificate from files named relative to the kubeconfig', async () => {
    const path = kubeconfig({ server: `https://127.0.0.1:${port}`, 'certificate-authority': 'ca.crt', 'tls-server-name': 'kube.test' }, { 'client-certificate': 'alice.crt', 'client-key': 'alice.key' });
    await expect(whoami(path)).resolves.toEqual({ cn: 'alice', authorization: null });
  });

  it('presents a client certificate given as data', async () => {
    const path = kubeconfig({ server: `https://127.0.0.1:${port}`, 'certificate-authority-data': base64('ca.crt'), 'tls-server-name': 'kube.test' }, { 'client-certificate-data': base64('alice.crt'), 'client-key-data': base64('alice.key') });
    await expect(whoami(path)).resolves.toEqual({ cn: 'alice', authorization: null });
  });

  it('sends a bearer token and basic credentials', async () => {
    const cluster = { server: `https://[::1]:${port}`, 'certificate-authority-data': base64('ca.crt') };
    await expect(whoami(kubeconfig(cluster, { token: 's3cret' }))).resolves.toEqual({ cn: null, authorization: 'Bearer s3cret' });
    await expect(whoami(kubeconfig(cluster, { username: 'admin', password: 'pw' }))).resolves.toEqual({ cn: null, authorization: `Basic ${Buffer.from('admin:pw').toString('base64')}` });
  });

  it('reads a tokenFile again once its copy is older than the TTL (bound tokens rotate)', async () => {
    const tokenFile = join(dir, 'rotating-token');
    writeFileSync(tokenFile, 'first\n');
    const path = kubeconfig({ server: `https://[::1]:${port}`, 'certificate-authority': join(dir, 'ca.crt') }, { tokenFile: 'rotating-token' });
    const api = kubeGetter(await loadConnection({ kubeconfig: path, env: {}, tokenFileTtlMs: 0 }), 5_000);
    await expect(api.getJson('/whoami')).resolves.toMatchObject({ authorization: 'Bearer first' });
    writeFileSync(tokenFile, 'second\n');
    await expect(api.getJson('/whoami')).resolves.toMatchObject({ authorization: 'Bearer second' });
  });

  it('verifies the server: a foreign CA or a name the certificate does not carry fails', async () => {
    const foreign = kubeconfig({ server: `https://[::1]:${port}`, 'certificate-authority': 'other-ca.crt' }, { token: 't' });
    await expect(whoami(foreign)).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
    const wrongName = kubeconfig({ server: `https://127.0.0.1:${port}`, 'certificate-authority': 'ca.crt' }, { token: 't' });
    await expect(whoami(wrongName)).rejects.toThrow(/IP: 127\.0\.0\.1 is not in the cert's list|altnames/i);
  });

  it('skips verification only when the kubeconfig says insecure-skip-tls-verify', async () => {
    const path = kubeconfig({ server: `https://127.0.0.1:${port}`, 'insecure-skip-tls-verify': true }, { token: 't' });
    await expect(whoami(path)).resolves.toEqual({ cn: null, authorization: 'Bearer t' });
  });

  it('in a pod: the service account token and CA, the Service address in IPv6', async () => {
    writeFileSync(join(dir, 'token'), 'sa-token');
    const connection = await inClusterConnection({ KUBERNETES_SERVICE_HOST: '::1', KUBERNETES_SERVICE_PORT: String(port) }, dir);
    expect(connection.server).toBe(`https://[::1]:${port}`);
    await expect(kubeGetter(connection, 5_000).getJson('/whoami')).resolves.toEqual({ cn: null, authorization: 'Bearer sa-token' });
  });
});
