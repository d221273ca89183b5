// The Istio rules the analyzers rest on, one by one: injection, host resolution, visibility,
// gateway references, image versions and the PeerAuthentication precedence.
import { describe, expect, it } from 'vitest';
import { namespace, pod } from '../../../src/model/core.js';
import type { Namespace, Pod } from '../../../src/model/core.js';
import { peerAuthentication } from '../../../src/model/istio.js';
import type { PeerAuthentication } from '../../../src/model/istio.js';
import { parseGatewayRef } from '../../../src/analyzers/istio/gateway-refs.js';
import { audiencesOverlap, exportedTo, hostCovers, isExportedTo, judgedFrom, resolveHost, serviceHostParts } from '../../../src/analyzers/istio/hosts.js';
import { matchCovers, stringMatchCovers, unreachableRoutes } from '../../../src/analyzers/istio/virtual-service-unreachable-rules.js';
import { parseServerHost } from '../../../src/analyzers/istio/virtual-service-gateway-hosts.js';
import { virtualService } from '../../../src/model/istio.js';
import type { HttpMatchRequest, VirtualService } from '../../../src/model/istio.js';
import { injectedRevision, injectionDecision, istioImageVersion, proxyContainerOf } from '../../../src/analyzers/istio/mesh.js';
import { clientTlsMode, effectiveMtls } from '../../../src/analyzers/istio/mtls-conflicts.js';
import { declaresProtocol } from '../../../src/analyzers/istio/port-names.js';
import { principalServiceAccount } from '../../../src/analyzers/istio/authorization-principals.js';
import { credentialSecretName } from '../../../src/analyzers/istio/gateway-credentials.js';
import { parseObject } from '../../../src/model/parse.js';

function ns(name: string, labels: Record<string, string> = {}): Namespace {
  return namespace.parse({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
}

function makePod(options: { ns?: string; labels?: Record<string, string>; annotations?: Record<string, string>; hostNetwork?: boolean; containers?: string[]; init?: { name: string; restartPolicy?: string }[] } = {}): Pod {
  return pod.parse({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'app-1', namespace: options.ns ?? 'shop', labels: options.labels ?? { app: 'cart' }, annotations: options.annotations ?? {} },
    spec: {
      containers: (options.containers ?? ['app']).map((name) => ({ name, image: name === 'istio-proxy' ? 'docker.io/istio/proxyv2:1.22.3' : 'registry.example.com/cart:1.0' })),
      ...(options.init ? { initContainers: options.init.map((c) => ({ ...c, image: 'docker.io/istio/proxyv2:1.22.3' })) } : {}),
      ...(options.hostNetwork ? { hostNetwork: true } : {}),
    },
  });
}

describe('sidecar injection', () => {
  const decide = (podOptions: Parameters<typeof makePod>[0], nsLabels: Record<string, string> = {}, nsName = 'shop') =>
    injectionDecision(makePod({ ...podOptions, ns: nsName }), ns(nsName, nsLabels));

  it.each([
    ['namespace istio-injection=enabled', {}, { 'istio-injection': 'enabled' }, true],
    ['namespace istio.io/rev', {}, { 'istio.io/rev': 'canary' }, true],
    ['istio-injection wins over istio.io/rev', {}, { 'istio-injection': 'disabled', 'istio.io/rev': 'canary' }, false],
    ['pod label true in an unlabelled namespace', { labels: { 'sidecar.istio.io/inject': 'true' } }, {}, true],
    ['pod label true in a disabled namespace', { labels: { 'sidecar.istio.io/inject': 'true' } }, { 'istio-injection': 'disabled' }, false],
    ['pod istio.io/rev in an unlabelled namespace', { labels: { 'istio.io/rev': 'canary' } }, {}, true],
    ['annotation true alone in an unlabelled namespace', { annotations: { 'sidecar.istio.io/inject': 'true' } }, {}, false],
    ['pod label false in an enabled namespace', { labels: { 'sidecar.istio.io/inject': 'false' } }, { 'istio-injection': 'enabled' }, false],
    ['annotation false in an enabled namespace', { annotations: { 'sidecar.istio.io/inject': 'false' } }, { 'istio-injection': 'enabled' }, false],
    ['label true wins over annotation false', { labels: { 'sidecar.istio.io/inject': 'true' }, annotations: { 'sidecar.istio.io/inject': 'false' } }, { 'istio-injection': 'enabled' }, true],
    ['host network in an enabled namespace', { hostNetwork: true }, { 'istio-injection': 'enabled' }, false],
    ['nothing asks', {}, {}, false],
  ] as const)('%s', (_title, podOptions, nsLabels, inject) => {
    expect(decide(podOptions, nsLabels).inject).toBe(inject);
  });

  it('never injects kube-system, whatever its labels', () => {
    expect(decide({}, { 'istio-injection': 'enabled' }, 'kube-system').inject).toBe(false);
  });

  it('carries the requested revision', () => {
    expect(decide({}, { 'istio.io/rev': 'canary' })).toMatchObject({ inject: true, revision: 'canary' });
    expect(decide({}, { 'istio-injection': 'enabled' })).toMatchObject({ inject: true, revision: 'default' });
  });

  it('finds istio-proxy as a container or as a native sidecar, not as a plain init container', () => {
    expect(proxyContainerOf(makePod({ containers: ['app', 'istio-proxy'] }))?.native).toBe(false);
    expect(proxyContainerOf(makePod({ init: [{ name: 'istio-init' }, { name: 'istio-proxy', restartPolicy: 'Always' }] }))?.native).toBe(true);
    expect(proxyContainerOf(makePod({ init: [{ name: 'istio-proxy' }] }))).toBeUndefined();
  });

  it('reads the injecting revision from the status annotation, else the label', () => {
    expect(injectedRevision(makePod({ annotations: { 'sidecar.istio.io/status': '{"containers":["istio-proxy"],"revision":"1-22"}' } }))).toBe('1-22');
    expect(injectedRevision(makePod({ labels: { 'istio.io/rev': 'canary' }, annotations: { 'sidecar.istio.io/status': 'not json' } }))).toBe('canary');
  });
});

describe('hosts', () => {
  it('resolves short names in the referring namespace and takes dotted names as written', () => {
    expect(resolveHost('reviews', 'bookinfo')).toBe('reviews.bookinfo.svc.cluster.local');
    expect(resolveHost('reviews.bookinfo', 'shop')).toBe('reviews.bookinfo');
    expect(resolveHost('reviews.bookinfo.svc.cluster.local', 'shop')).toBe('reviews.bookinfo.svc.cluster.local');
    expect(resolveHost('*', 'shop')).toBe('*');
    expect(resolveHost('10.0.0.12', 'shop')).toBe('10.0.0.12');
  });

  it('matches wildcards against names, never the bare domain', () => {
    expect(hostCovers('*.googleapis.com', 'storage.googleapis.com')).toBe(true);
    expect(hostCovers('*.googleapis.com', 'googleapis.com')).toBe(false);
    expect(hostCovers('*', 'anything.example.com')).toBe(true);
    expect(hostCovers('api.example.com', 'www.example.com')).toBe(false);
  });

  it('recognises Service hosts whatever the cluster domain', () => {
    expect(serviceHostParts('reviews.bookinfo.svc.cluster.local')).toEqual({ name: 'reviews', namespace: 'bookinfo' });
    expect(serviceHostParts('reviews.bookinfo.svc.corp.internal')).toEqual({ name: 'reviews', namespace: 'bookinfo' });
    expect(serviceHostParts('reviews.bookinfo')).toBeUndefined();
  });

  it('applies exportTo: everywhere by default, "." the own namespace, "~" nowhere, or names', () => {
    expect(isExportedTo([], 'a', 'b')).toBe(true);
    expect(isExportedTo(['.'], 'a', 'a')).toBe(true);
    expect(isExportedTo(['.'], 'a', 'b')).toBe(false);
    expect(isExportedTo(['~'], 'a', 'a')).toBe(false);
    expect(isExportedTo(['.', 'b'], 'a', 'b')).toBe(true);
    expect(isExportedTo(['*'], 'a', 'c')).toBe(true);
  });

  it('never reads "." as a namespace called "."', () => {
    expect(isExportedTo(['.'], 'a', '.')).toBe(false);
    expect(exportedTo(['.', 'b'], 'a')).toEqual({ everywhere: false, namespaces: new Set(['a', 'b']) });
  });

  it('lets two objects meet only where both are exported', () => {
    expect(audiencesOverlap(exportedTo(['.'], 'team-a'), exportedTo(['.'], 'team-b'))).toBe(false);
    expect(audiencesOverlap(exportedTo(['.'], 'team-a'), exportedTo(['team-a'], 'team-c'))).toBe(true);
    expect(audiencesOverlap(exportedTo([], 'team-a'), exportedTo(['.'], 'team-b'))).toBe(true);
    expect(audiencesOverlap(exportedTo([], 'team-a'), exportedTo(['~'], 'team-b'))).toBe(false);
  });

  it('judges destinations from the namespaces a VirtualService is exported to', () => {
    expect(judgedFrom([], 'routing')).toEqual(['routing']);
    expect(judgedFrom(['*'], 'routing')).toEqual(['routing']);
    expect(judgedFrom(['shop', '.'], 'routing')).toEqual(['routing', 'shop']);
    expect(judgedFrom(['~'], 'routing')).toEqual([]);
  });

  it('reads the namespace part of a Gateway server host', () => {
    expect(parseServerHost('shop.example.com', 'bookinfo')).toEqual({ namespace: undefined, host: 'shop.example.com' });
    expect(parseServerHost('*/shop.example.com', 'bookinfo')).toEqual({ namespace: undefined, host: 'shop.example.com' });
    expect(parseServerHost('./admin.example.com', 'bookinfo')).toEqual({ namespace: 'bookinfo', host: 'admin.example.com' });
    expect(parseServerHost('frontend/shop.example.com', 'bookinfo')).toEqual({ namespace: 'frontend', host: 'shop.example.com' });
  });
});

describe('HTTP route shadowing', () => {
  const vs = (http: unknown[], gateways: string[] = []): VirtualService =>
    virtualService.parse({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'r', namespace: 'shop' }, spec: { hosts: ['r'], gateways, http } });
  const match = (m: Record<string, unknown>): HttpMatchRequest => vs([{ match: [m], route: [] }]).spec.http[0]?.match[0] ?? { gateways: [] };
  const covers = (earlier: Record<string, unknown>, later: Record<string, unknown>, gateways: string[] = []): boolean => matchCovers(match(earlier), match(later), vs([], gateways));

  it.each([
    [{ prefix: '/api' }, { exact: '/api/v2' }, true],
    [{ prefix: '/api' }, { prefix: '/api/v2' }, true],
    [{ prefix: '/api/v2' }, { prefix: '/api' }, false],
    [{ exact: '/a' }, { prefix: '/a' }, false],
    [{ regex: '/items/[0-9]+' }, { exact: '/items/42' }, true],
    [{ regex: '/items/[0-9]+' }, { regex: '/items/.*' }, false],
    [{}, { regex: 'anything' }, true],
  ] as const)('%j takes every value %j accepts: %s', (earlier, later, expected) => {
    expect(stringMatchCovers(earlier, later)).toBe(expected);
  });

  it('needs every condition of the earlier match to follow from the later one', () => {
    expect(covers({ uri: { prefix: '/' } }, { uri: { prefix: '/cart' }, headers: { 'x-user': { exact: 'a' } } })).toBe(true);
    expect(covers({ uri: { prefix: '/' }, headers: { 'X-User': {} } }, { uri: { prefix: '/cart' }, headers: { 'x-user': { exact: 'a' } } })).toBe(true);
    expect(covers({ headers: { 'x-user': { exact: 'a' } } }, { uri: { prefix: '/cart' } })).toBe(false);
    expect(covers({ uri: { prefix: '/' }, port: 8080 }, { uri: { prefix: '/cart' } })).toBe(false);
    expect(covers({ uri: { prefix: '/' }, withoutHeaders: { 'x-debug': {} } }, { uri: { prefix: '/cart' } })).toBe(false);
    expect(covers({ sourceLabels: { app: 'web' } }, { sourceLabels: { app: 'web', version: 'v2' } })).toBe(true);
  });

  it('treats case and gateways as conditions', () => {
    expect(covers({ uri: { prefix: '/Account' } }, { uri: { prefix: '/account' }, ignoreUriCase: true })).toBe(false);
    expect(covers({ uri: { prefix: '/account' }, ignoreUriCase: true }, { uri: { prefix: '/Account/settings' } })).toBe(true);
    expect(covers({ uri: { prefix: '/' }, gateways: ['mesh'] }, { uri: { prefix: '/cart' } }, ['public', 'mesh'])).toBe(false);
    expect(covers({ uri: { prefix: '/' }, gateways: ['mesh'] }, { uri: { prefix: '/cart' } }, ['mesh'])).toBe(true);
  });

  it('reports a route after a catch-all and a route whose matches are all taken, not a catch-all last', () => {
    expect(unreachableRoutes(vs([{ route: [] }, { match: [{ uri: { exact: '/health' } }], route: [] }]))).toHaveLength(1);
    expect(unreachableRoutes(vs([{ match: [{ uri: { prefix: '/a' } }], route: [] }, { match: [{ uri: { prefix: '/b' } }, { uri: { prefix: '/a/x' } }], route: [] }]))).toEqual([]);
    expect(unreachableRoutes(vs([{ match: [{ uri: { prefix: '/a' } }], route: [] }, { match: [{ uri: { prefix: '/b' } }], route: [] }, { match: [{ uri: { prefix: '/b/x' } }, { uri: { exact: '/a' } }], route: [] }]))).toEqual([
      'http[2] is shadowed: every request it matches is taken first by http[0], http[1]',
    ]);
    expect(unreachableRoutes(vs([{ match: [{ uri: { prefix: '/a' } }], route: [] }, { route: [] }]))).toEqual([]);
  });
});

describe('gateway references', () => {
  it.each([
    ['mesh', { type: 'mesh' }],
    ['bookinfo-gateway', { type: 'gateway', namespace: 'shop', name: 'bookinfo-gateway' }],
    ['istio-system/public', { type: 'gateway', namespace: 'istio-system', name: 'public' }],
    ['./public', { type: 'gateway', namespace: 'shop', name: 'public' }],
    ['public.istio-system.svc.cluster.local', { type: 'gateway', namespace: 'istio-system', name: 'public' }],
  ] as const)('%s', (written, expected) => {
    expect(parseGatewayRef(written, 'shop')).toMatchObject(expected);
  });

  it('takes a credentialName as a Secret name only for Kubernetes sources', () => {
    expect(credentialSecretName('bookinfo-tls')).toBe('bookinfo-tls');
    expect(credentialSecretName('kubernetes://bookinfo-tls')).toBe('bookinfo-tls');
    expect(credentialSecretName('sds://vault/bookinfo')).toBeUndefined();
  });
});

describe('ports, images, principals', () => {
  it.each([
    ['http', undefined, true], ['http-web', undefined, true], ['grpc-web', undefined, true], ['HTTP2-internal', undefined, true],
    ['tcp', undefined, true], ['web', undefined, false], ['httpweb', undefined, false], [undefined, undefined, false], ['web', 'http', true],
  ] as const)('port name %s (appProtocol %s) declares a protocol: %s', (name, appProtocol, declares) => {
    expect(declaresProtocol({ port: 80, ...(name ? { name } : {}), ...(appProtocol ? { appProtocol } : {}) })).toBe(declares);
  });

  it('reads the Istio version from image tags, not from digests', () => {
    expect(istioImageVersion('docker.io/istio/proxyv2:1.22.3')).toBe('1.22.3');
    expect(istioImageVersion('gcr.io/istio-release/proxyv2:1.22.3-distroless')).toBe('1.22.3');
    expect(istioImageVersion('registry.local:5000/istio/pilot:1.21.2@sha256:abc')).toBe('1.21.2');
    expect(istioImageVersion('registry.local:5000/istio/pilot@sha256:abc')).toBeUndefined();
    expect(istioImageVersion('istio/pilot')).toBeUndefined();
  });

  it('takes the ServiceAccount out of a principal, except wildcards', () => {
    expect(principalServiceAccount('cluster.local/ns/bookinfo/sa/reviews')).toEqual({ namespace: 'bookinfo', name: 'reviews' });
    expect(principalServiceAccount('corp.example/ns/bookinfo/sa/reviews')).toEqual({ namespace: 'bookinfo', name: 'reviews' });
    expect(principalServiceAccount('cluster.local/ns/bookinfo/sa/*')).toBeUndefined();
    expect(principalServiceAccount('*')).toBeUndefined();
  });
});

describe('mTLS precedence', () => {
  let created = 0;
  const pa = (namespaceName: string, name: string, spec: Record<string, unknown>): PeerAuthentication =>
    peerAuthentication.parse({ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name, namespace: namespaceName, creationTimestamp: `2026-11-0${(created += 1)}T00:00:00Z` }, spec });
  const target = makePod({ ns: 'shop', labels: { app: 'cart' } });

  it('defaults to PERMISSIVE', () => {
    expect(effectiveMtls([], target, 8080)).toMatchObject({ mode: 'PERMISSIVE', scope: 'default' });
  });

  it('lets the workload beat the namespace beat the mesh, and UNSET inherit', () => {
    const mesh = pa('istio-system', 'default', { mtls: { mode: 'STRICT' } });
    const namespaceWide = pa('shop', 'default', { mtls: { mode: 'PERMISSIVE' } });
    const workload = pa('shop', 'cart', { selector: { matchLabels: { app: 'cart' } }, mtls: { mode: 'UNSET' }, portLevelMtls: { '8080': { mode: 'DISABLE' } } });
    expect(effectiveMtls([mesh], target, 8080)).toMatchObject({ mode: 'STRICT', scope: 'mesh' });
    expect(effectiveMtls([mesh, namespaceWide], target, 8080)).toMatchObject({ mode: 'PERMISSIVE', scope: 'namespace' });
    expect(effectiveMtls([mesh, namespaceWide, workload], target, 9090)).toMatchObject({ mode: 'PERMISSIVE', scope: 'namespace' });
    expect(effectiveMtls([mesh, namespaceWide, workload], target, 8080)).toMatchObject({ mode: 'DISABLE', scope: 'port' });
  });

  it('ignores a selector policy of another workload and a mesh policy outside the root namespace', () => {
    const other = pa('shop', 'search', { selector: { matchLabels: { app: 'search' } }, mtls: { mode: 'DISABLE' } });
    const notRoot = pa('team-a', 'default', { mtls: { mode: 'STRICT' } });
    expect(effectiveMtls([other, notRoot], target, 8080).mode).toBe('PERMISSIVE');
  });

  it('uses the DestinationRule port-level setting before its own mode', () => {
    const policy = { tls: { mode: 'ISTIO_MUTUAL' }, portLevelSettings: [{ port: { number: 9090 }, tls: { mode: 'DISABLE' } }] };
    expect(clientTlsMode(policy, 9090)).toBe('DISABLE');
    expect(clientTlsMode(policy, 9080)).toBe('ISTIO_MUTUAL');
    expect(clientTlsMode(undefined, 9080)).toBeUndefined();
  });
});

describe('Istio kinds', () => {
  const spec = { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews' } }] }] };
  const parse = (apiVersion: string) => parseObject({ apiVersion, kind: 'VirtualService', metadata: { name: 'reviews', namespace: 'bookinfo' }, spec });

  it.each(['v1', 'v1beta1', 'v1alpha3'])('parses networking.istio.io/%s with the one schema', (version) => {
    const outcome = parse(`networking.istio.io/${version}`);
    expect(outcome.type).toBe('parsed');
    expect(outcome.type === 'parsed' && outcome.object.apiVersion).toBe(`networking.istio.io/${version}`);
  });

  it('names the versions it knows for another one', () => {
    const outcome = parse('networking.istio.io/v2');
    expect(outcome.type === 'unparseable' && outcome.error.problem).toBe('version networking.istio.io/v2 is not one of networking.istio.io/v1, networking.istio.io/v1beta1, networking.istio.io/v1alpha3');
  });

  it('does not take a Gateway API Gateway, which shares the kind name, for an Istio Gateway', () => {
    const outcome = parseObject({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'public', namespace: 'istio-system' }, spec: { gatewayClassName: 'istio' } });
    expect(outcome.type === 'parsed' && outcome.kind).toBe('Gateway.gateway.networking.k8s.io');
  });
});
