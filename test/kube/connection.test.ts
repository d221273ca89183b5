import { mkdirSync, writeFileSync } from 'node:fs';
import type https from 'node:https';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConnection, nativeUnsupported, parseKubeconfig, selectContext } from '../../src/kube/connection.js';
import type { KubeConnection } from '../../src/kube/connection.js';
import { writeTempFile } from '../helpers/temp-files.js';

const CA = '-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n';
const CERT = '-----BEGIN CERTIFICATE-----\nalice\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN EC PRIVATE KEY-----\nalice-key\n-----END EC PRIVATE KEY-----\n';
const b64 = (text: string) => Buffer.from(text).toString('base64');

/** A kubeconfig as kubectl writes it, with two contexts (dev is current). */
function kubeconfigYaml(devUser: string, extra = ''): string {
  return `apiVersion: v1
kind: Config
preferences: {}
current-context: dev
clusters:
- name: dev-cluster
  cluster:
    server: https://dev.example.com:6443
    certificate-authority: pki/ca.crt
- name: prod-cluster
  cluster:
    server: https://prod.example.com
    certificate-authority-data: ${b64(CA)}
    tls-server-name: api.prod.internal
contexts:
- name: dev
  context:
    cluster: dev-cluster
    user: dev-user
    namespace: shop
- name: prod
  context:
    cluster: prod-cluster
    user: prod-user
users:
- name: dev-user
  user:
${devUser}
- name: prod-user
  user:
    token: prod-token
${extra}`;
}

/** A kubeconfig file in a fresh directory with pki/ca.crt, pki/alice.crt, pki/alice.key next to it. */
function writeKubeconfig(text: string, name = 'config'): string {
  const path = writeTempFile('healthreport-kubeconfig-', name, text);
  mkdirSync(join(dirname(path), 'pki'));
  writeFileSync(join(dirname(path), 'pki', 'ca.crt'), CA);
  writeFileSync(join(dirname(path), 'pki', 'alice.crt'), CERT);
  writeFileSync(join(dirname(path), 'pki', 'alice.key'), KEY);
  return path;
}

async function applied(connection: KubeConnection): Promise<https.RequestOptions> {
  const options: https.RequestOptions = { headers: { Accept: 'application/json' } };
  await connection.apply(options);
  return options;
}

const CERT_FILES = '    client-certificate: pki/alice.crt\n    client-key: pki/alice.key';

describe('kubeconfig files', () => {
  it('reads the CA and client certificate from files relative to the kubeconfig', async () => {
    const connection = await loadConnection({ kubeconfig: writeKubeconfig(kubeconfigYaml(CERT_FILES)), env: {} });
    expect(connection).toMatchObject({ server: 'https://dev.example.com:6443', loader: 'kubeconfig' });
    const options = await applied(connection);
    expect(String(options.ca)).toBe(CA);
    expect(String(options.cert)).toBe(CERT);
    expect(String(options.key)).toBe(KEY);
    expect(options.rejectUnauthorized).toBeUndefined();
    expect(options.headers).toEqual({ Accept: 'application/json' });
    expect(options.agent).toBeDefined();
  });

  it('reads the client certificate and key from data', async () => {
    const user = `    client-certificate-data: ${b64(CERT)}\n    client-key-data: ${b64(KEY)}`;
    const options = await applied(await loadConnection({ kubeconfig: writeKubeconfig(kubeconfigYaml(user)), env: {} }));
    expect(String(options.cert)).toBe(CERT);
    expect(String(options.key)).toBe(KEY);
  });

  it('selects --context: CA data, tls-server-name and a bearer token', async () => {
    const connection = await loadConnection({ kubeconfig: writeKubeconfig(kubeconfigYaml(CERT_FILES)), context: 'prod', env: {} });
    expect(connection.server).toBe('https://prod.example.com');
    const options = await applied(connection);
    expect(String(options.ca)).toBe(CA);
    expect(options.servername).toBe('api.prod.internal');
    expect(options.cert).toBeUndefined();
    expect(options.headers).toEqual({ Accept: 'application/json', Authorization: 'Bearer prod-token' });
  });

  it('reads a tokenFile relative to the kubeconfig', async () => {
    const path = writeKubeconfig(kubeconfigYaml('    tokenFile: pki/token'));
    writeFileSync(join(dirname(path), 'pki', 'token'), 'file-token\n');
    expect((await applied(await loadConnection({ kubeconfig: path, env: {} }))).headers).toMatchObject({ Authorization: 'Bearer file-token' });
  });

  it('sends basic credentials for username/password', async () => {
    const options = await applied(await loadConnection({ kubeconfig: writeKubeconfig(kubeconfigYaml('    username: admin\n    password: hunter2')), env: {} }));
    expect(options.headers).toMatchObject({ Authorization: `Basic ${b64('admin:hunter2')}` });
  });

  it('turns verification off only for insecure-skip-tls-verify, and then sends no CA', async () => {
    const text = kubeconfigYaml('    token: t').replace('    certificate-authority: pki/ca.crt', '    insecure-skip-tls-verify: true');
    const options = await applied(await loadConnection({ kubeconfig: writeKubeconfig(text), env: {} }));
    expect(options.rejectUnauthorized).toBe(false);
    expect(options.ca).toBeUndefined();
  });

  it('names what is missing: the context, its cluster, its user, a certificate file', async () => {
    const path = writeKubeconfig(kubeconfigYaml(CERT_FILES));
    await expect(loadConnection({ kubeconfig: path, context: 'staging', env: {} })).rejects.toThrow('context "staging" is not in');
    await expect(loadConnection({ kubeconfig: path, context: 'staging', env: {} })).rejects.toThrow('(contexts: dev, prod)');
    const noCluster = writeKubeconfig(kubeconfigYaml(CERT_FILES).replace('cluster: prod-cluster', 'cluster: gone-cluster'));
    await expect(loadConnection({ kubeconfig: noCluster, context: 'prod', env: {} })).rejects.toThrow('cluster "gone-cluster" of context "prod" is not in');
    const noUser = writeKubeconfig(kubeconfigYaml(CERT_FILES).replace('user: prod-user', 'user: gone-user'));
    await expect(loadConnection({ kubeconfig: noUser, context: 'prod', env: {} })).rejects.toThrow('user "gone-user" of context "prod" is not in');
    const noCert = writeKubeconfig(kubeconfigYaml('    client-certificate: pki/missing.crt\n    client-key: pki/alice.key'));
    await expect(loadConnection({ kubeconfig: noCert, env: {} })).rejects.toThrow(/cannot read the client certificate of context "dev" .*pki\/missing\.crt/);
    await expect(loadConnection({ kubeconfig: join(dirname(path), 'nope'), env: {} })).rejects.toThrow(/cannot read .*nope: ENOENT/);
  });

  it('rejects a kubeconfig that is not one, saying where', async () => {
    const path = writeKubeconfig('clusters:\n- name: a\n  cluster: {}\n');
    await expect(loadConnection({ kubeconfig: path, env: {} })).rejects.toThrow(/is not a valid kubeconfig: clusters\.0\.cluster\.server/);
    await expect(loadConnection({ kubeconfig: writeKubeconfig('kind: Config\ncontexts: []\n'), env: {} })).rejects.toThrow(/sets no current-context/);
  });
});

describe('where the connection comes from', () => {
  function serviceAccount(): string {
    const dir = dirname(writeTempFile('healthreport-sa-', 'token', 'sa-token\n'));
    writeFileSync(join(dir, 'ca.crt'), CA);
    return dir;
  }
  const POD_ENV = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };

  it('merges $KUBECONFIG like kubectl: the first file to name a context, cluster or user wins, missing files are skipped', async () => {
    const first = writeKubeconfig(kubeconfigYaml(CERT_FILES).replace('current-context: dev', 'current-context: prod'));
    const second = writeTempFile('healthreport-kubeconfig-', 'second', `kind: Config
current-context: other
clusters:
- name: prod-cluster
  cluster: {server: https://shadowed.example.com}
- name: extra-cluster
  cluster: {server: https://extra.example.com, insecure-skip-tls-verify: true}
users:
- name: extra-user
  user: {token: extra-token}
contexts:
- name: extra
  context: {cluster: extra-cluster, user: extra-user}
`);
    const env = { KUBECONFIG: [join(dirname(first), 'missing'), first, second].join(':') };
    await expect(loadConnection({ env })).resolves.toMatchObject({ server: 'https://prod.example.com' });
    const extra = await loadConnection({ env, context: 'extra' });
    expect(extra.server).toBe('https://extra.example.com');
    expect((await applied(extra)).headers).toMatchObject({ Authorization: 'Bearer extra-token' });
    // Paths stay relative to the file that names them.
    const merged = parseKubeconfig([{ path: '/a/config', text: 'clusters: [{name: c, cluster: {server: "https://a", certificate-authority: ca.crt}}]' }, { path: '/b/config', text: 'users: [{name: u, user: {client-certificate: pki/u.crt, client-key: /abs/u.key}}]' }]);
    expect(merged.clusters.get('c')?.['certificate-authority']).toBe('/a/ca.crt');
    expect(merged.users.get('u')).toEqual({ 'client-certificate': '/b/pki/u.crt', 'client-key': '/abs/u.key' });
  });

  it('in a pod, the controller uses the service account before $KUBECONFIG; analyze only without a kubeconfig', async () => {
    const dir = serviceAccount();
    const kubeconfig = writeKubeconfig(kubeconfigYaml(CERT_FILES));
    const inPod = await loadConnection({ env: { ...POD_ENV, KUBECONFIG: kubeconfig }, serviceAccountDir: dir });
    expect(inPod).toMatchObject({ server: 'https://10.96.0.1:443', loader: 'in-cluster' });
    const options = await applied(inPod);
    expect(String(options.ca)).toBe(CA);
    expect(options.headers).toMatchObject({ Authorization: 'Bearer sa-token' });
    await expect(loadConnection({ env: { ...POD_ENV, KUBECONFIG: kubeconfig }, serviceAccountDir: dir, inClusterFirst: false })).resolves.toMatchObject({ loader: 'kubeconfig' });
    await expect(loadConnection({ env: POD_ENV, homeDir: dirname(dir), serviceAccountDir: dir, inClusterFirst: false })).resolves.toMatchObject({ loader: 'in-cluster' });
    // An explicit kubeconfig always wins.
    await expect(loadConnection({ kubeconfig, env: POD_ENV, serviceAccountDir: dir })).resolves.toMatchObject({ loader: 'kubeconfig' });
  });

  it('reads ~/.kube/config without $KUBECONFIG and says so when there is none', async () => {
    const home = dirname(writeTempFile('healthreport-home-', 'README', ''));
    await expect(loadConnection({ env: {}, homeDir: home })).rejects.toThrow(`no kubeconfig found (${join(home, '.kube', 'config')} does not exist) and not running in a cluster; pass --kubeconfig`);
    mkdirSync(join(home, '.kube'));
    writeFileSync(join(home, '.kube', 'config'), kubeconfigYaml('    token: home-token').replace('certificate-authority: pki/ca.crt', 'insecure-skip-tls-verify: true'));
    await expect(loadConnection({ env: {}, homeDir: home })).resolves.toMatchObject({ server: 'https://dev.example.com:6443', loader: 'kubeconfig' });
  });

  it("carries the namespace kubectl would use: the context's, the service account's, or none", async () => {
    const kubeconfig = writeKubeconfig(kubeconfigYaml(CERT_FILES));
    expect((await loadConnection({ kubeconfig, env: {} })).namespace).toBe('shop');
    expect((await loadConnection({ kubeconfig, context: 'prod', env: {} })).namespace).toBeUndefined();
    const dir = serviceAccount();
    expect((await loadConnection({ env: POD_ENV, serviceAccountDir: dir })).namespace).toBeUndefined();
    writeFileSync(join(dir, 'namespace'), 'platform');
    expect((await loadConnection({ env: POD_ENV, serviceAccountDir: dir })).namespace).toBe('platform');
  });

  it('fails at start-up when the service account token is not mounted', async () => {
    const dir = serviceAccount();
    await expect(loadConnection({ env: POD_ENV, serviceAccountDir: join(dir, 'elsewhere') })).rejects.toThrow(/cannot read the service account's CA/);
  });
});

describe('client-node fallback', () => {
  const EXEC_USER = `    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: /nonexistent/aws
      args: [eks, get-token, --cluster-name, prod]
      interactiveMode: Never`;
  const AUTH_PROVIDER_USER = `    auth-provider:
      name: oidc
      config:
        client-id: healthreport
        idp-issuer-url: https://issuer.example.com
        id-token: eyJhbGciOiJub25lIn0.e30.`;

  it.each([
    ['an exec plugin', EXEC_USER, 'user field exec'],
    ['an auth-provider', AUTH_PROVIDER_USER, 'user field auth-provider'],
    ['impersonation', `${CERT_FILES}\n    as: bob`, 'user field as'],
  ])('hands a user with %s to client-node', async (_name, user, reason) => {
    const path = writeKubeconfig(kubeconfigYaml(user));
    const debug: string[] = [];
    const log = { debug: (fields: object, message?: string) => debug.push(`${message ?? ''} ${JSON.stringify(fields)}`) };
    // Loading does not run the plugin: client-node runs it at the first request only.
    const connection = await loadConnection({ kubeconfig: path, env: {}, log: log as never });
    expect(connection).toMatchObject({ loader: 'client-node', server: 'https://dev.example.com:6443' });
    expect(debug.join('\n')).toContain('loading @kubernetes/client-node');
    expect(debug.join('\n')).toContain(reason);
  });

  it('hands a proxied cluster to client-node and keeps the native path for the rest', () => {
    const config = parseKubeconfig([{ path: '/k/config', text: kubeconfigYaml('    token: t').replace('    tls-server-name: api.prod.internal', '    proxy-url: socks5://proxy:1080') }]);
    expect(nativeUnsupported(selectContext(config, 'prod'))).toBe('cluster field proxy-url');
    expect(nativeUnsupported(selectContext(config, 'dev'))).toBeUndefined();
  });

  it('gives client-node the context chosen and the paths resolved', async () => {
    const path = writeKubeconfig(kubeconfigYaml(`${CERT_FILES}\n    as: bob`));
    const connection = await loadConnection({ kubeconfig: path, env: {} });
    // The context's namespace, as the native loader reads it.
    expect(connection.namespace).toBe('shop');
    const options = await applied(connection);
    expect(String(options.ca)).toBe(CA);
    expect(String(options.cert)).toBe(CERT);
    expect(options.headers).toMatchObject({ 'Impersonate-User': 'bob' });
  });
});
