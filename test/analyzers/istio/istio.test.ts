import { describe, expect, it } from 'vitest';
import { runCases } from '../../helpers/cases.js';
import { analyzeFixtures, analyzeObjects, loadFixture } from '../../helpers/fixtures.js';
import type { Finding } from '../../../src/analyzers/types.js';
import { linkRootCauses } from '../../../src/report/root-causes.js';
import { HEALTHY, cases } from './cases.js';

runCases('istio checks', cases);

function findingsOf(fixture: string, check: string): Finding[] {
  return analyzeFixtures([HEALTHY, fixture]).findings.filter((f) => f.check === check);
}

function only(fixture: string, check: string, subject: string): Finding {
  const found = findingsOf(fixture, check).filter((f) => f.subject.name === subject);
  expect(found).toHaveLength(1);
  const [finding] = found;
  if (!finding) throw new Error(`no ${check} finding for ${subject}`);
  return finding;
}

describe('Istio findings: messages and evidence', () => {
  it('names the crashing istiod pod, its exit code and its events, with the Deployment as subject', () => {
    const finding = only('istio/control-plane-down.yaml', 'IstioControlPlaneUnhealthy', 'istiod');
    expect(finding.subject).toMatchObject({ kind: 'Deployment', namespace: 'istio-system', name: 'istiod' });
    expect(finding.object).toMatchObject({ kind: 'Pod', namespace: 'istio-system', container: 'discovery' });
    expect(finding.message).toContain('0 of 1 replicas available');
    expect(finding.message).toContain('CrashLoopBackOff after 14 restarts, last exit code 1');
    expect(finding.evidence.join('\n')).toContain('Warning BackOff (x214');
    expect(finding.firstSeen).toBe('2026-11-25T11:08:00Z');
  });

  it('reports a not-ready proxy with its readiness events and the istiod it depends on', () => {
    const finding = only('istio/control-plane-down.yaml', 'IstioSidecarNotReady', 'reviews-v1');
    expect(finding.object).toMatchObject({ kind: 'Pod', container: 'istio-proxy' });
    expect(finding.message).toContain('running but not ready for 40m');
    expect(finding.evidence.join('\n')).toContain('Readiness probe failed');
    expect(finding.related).toContainEqual(expect.objectContaining({ kind: 'Deployment', namespace: 'istio-system', name: 'istiod' }));
  });

  it('explains a missing sidecar by the revision nobody serves', () => {
    const finding = only('istio/sidecar-missing.yaml', 'IstioSidecarMissing', 'search');
    expect(finding.message).toContain('istio.io/rev=canary');
    expect(finding.evidence).toContain('no istiod of revision canary (revisions found: default)');
    const inventory = only('istio/sidecar-missing.yaml', 'IstioSidecarMissing', 'inventory');
    expect(inventory.message).toMatch(/^2 pods of Deployment shop-legacy\/inventory run without an istio-proxy sidecar/);
  });

  it('tells how to write a half-qualified host and names a ServiceEntry hidden by exportTo', () => {
    const typo = only('istio/vs-host-not-found.yaml', 'IstioVirtualServiceHostNotFound', 'details-timeout');
    expect(typo.message).toContain('write the full name details.bookinfo.svc.cluster.local');
    const hidden = only('istio/vs-host-not-found.yaml', 'IstioVirtualServiceHostNotFound', 'secrets-api');
    expect(hidden.evidence[0]).toContain('ServiceEntry security/vault (host vault.corp.example.com), not exported to namespace bookinfo');
  });

  it('judges only the hosts of namespaces a partial dump covers', () => {
    const [finding] = analyzeFixtures(['istio/partial-dump.yaml']).findings.filter((f) => f.check === 'IstioVirtualServiceHostNotFound');
    expect(finding?.evidence).toEqual(['http[1].route[0]: host label-printer (label-printer.warehouse.svc.cluster.local) matches no Service']);
  });

  it('lists the subsets that do exist, and names the destination Service', () => {
    const finding = only('istio/vs-subset-not-found.yaml', 'IstioVirtualServiceSubsetNotFound', 'reviews');
    expect(finding.message).toContain('subset v3 of reviews.bookinfo.svc.cluster.local is not among the subsets of DestinationRule bookinfo/reviews (v1, v2)');
    expect(finding.related).toEqual([expect.objectContaining({ kind: 'Service', namespace: 'bookinfo', name: 'reviews' })]);
  });

  it('reads a TLS credential from the gateway pods\' namespace and says where the Secret is instead', () => {
    const finding = only('istio/gateway-tls-secret-missing.yaml', 'IstioGatewayTLSSecretMissing', 'shop-gateway');
    expect(finding.message).toContain('Secret istio-system/shop-tls does not exist');
    expect(finding.evidence).toContain('port 8443: Secret istio-system/partners-mtls not found');
    expect(finding.evidence.join('\n')).toContain("Secret shop-tls exists in the Gateway's namespace bookinfo");
    expect(finding.evidence.join('\n')).not.toContain('9443');
  });

  it('reports a port-level client mode only for its port, naming the deciding PeerAuthentication', () => {
    const productpage = only('istio/mtls-conflict.yaml', 'IstioMTLSConflict', 'productpage');
    expect(productpage.evidence).toHaveLength(1);
    expect(productpage.evidence[0]).toMatch(/^port 9090: tls.mode DISABLE, but PeerAuthentication istio-system\/default \(mesh-wide\) makes 2 pods/);
    const details = only('istio/mtls-conflict.yaml', 'IstioMTLSConflict', 'details');
    expect(details.message).toContain('PeerAuthentication bookinfo/details-port (port-level) makes 1 pod');
    expect(details.message).toContain('DISABLE: clients send Istio mutual TLS');
  });

  it('shows the label values the Service\'s pods carry for an empty subset', () => {
    const finding = only('istio/dr-subset-no-pods.yaml', 'IstioDestinationRuleSubsetNoPods', 'reviews');
    expect(finding.evidence).toContain('pods of the Service with label version: v1, v2');
  });

  it('compares the proxy tag with istiod of the injecting revision', () => {
    const finding = only('istio/proxy-version-stale.yaml', 'IstioProxyVersionMismatch', 'ledger');
    expect(finding.message).toContain('runs istio-proxy 1.21.2 while the control plane runs 1.22.3');
    expect(finding.evidence).toContain('istiod Deployment istio-system/istiod (revision default): 1.22.3');
  });

  it('names the unparseable field and keeps analysing the rest', () => {
    const run = analyzeFixtures([HEALTHY, 'istio/malformed-virtualservice.yaml']);
    expect(run.errors).toEqual([]);
    const bad = run.findings.find((f) => f.check === 'ResourceUnparseable');
    expect(bad?.evidence).toEqual(['field spec.hosts: Invalid input: expected array, received string']);
    expect(run.findings.some((f) => f.check === 'IstioVirtualServiceHostNotFound' && f.subject.name === 'orders')).toBe(true);
  });
});

describe('Istio parity with istioctl analyze: messages and evidence', () => {
  it('says where a hidden destination would have had to be visible', () => {
    const finding = only('istio/vs-export-visibility.yaml', 'IstioVirtualServiceHostNotFound', 'ledger-timeouts');
    expect(finding.evidence).toEqual(['http[0].route[0]: host ledger.payments.svc.cluster.local is Service payments/ledger, not exported to namespace shop, where the VirtualService applies']);
  });

  it('shows the zones the pods of an empty zonal subset do run in', () => {
    const run = analyzeFixtures([HEALTHY, 'istio/nodes-zonal.yaml', 'istio/dr-subset-topology.yaml']);
    const [finding] = run.findings.filter((f) => f.check === 'IstioDestinationRuleSubsetNoPods');
    expect(finding?.message).toContain('subset eu-west-1c (topology.kubernetes.io/zone=eu-west-1c)');
    expect(finding?.evidence).toContain('pods of the Service with label topology.kubernetes.io/zone: eu-west-1a, eu-west-1b');
    expect(finding?.evidence.join('\n')).not.toContain('subset eu-west-1a');
  });

  it('names the gateway pod two Gateways share', () => {
    const finding = only('istio/gateway-conflict-selectors.yaml', 'IstioGatewayConflict', 'bookinfo-canary');
    expect(finding.evidence).toEqual(['port 80 host bookinfo.example.com, as does Gateway bookinfo/bookinfo-gateway on the same gateway pod istio-system/istio-ingressgateway-pg5hjsxffj-b4z5q']);
  });

  it('compares Gateway selectors when the pods are not in the view', () => {
    const objects = loadFixture(HEALTHY, 'istio/gateway-conflict-selectors.yaml').filter((o) => (o as { kind?: string }).kind !== 'Pod');
    const conflicts = analyzeObjects(objects).findings.filter((f) => f.check === 'IstioGatewayConflict');
    expect(conflicts.map((f) => f.subject.name).sort()).toEqual(['bookinfo-canary', 'bookinfo-gateway']);
    expect(conflicts.find((f) => f.subject.name === 'bookinfo-gateway')?.evidence[0]).toContain('with selector app=istio-ingressgateway,istio=ingressgateway, which picks the same pods');
  });

  it('lists the ports a destination does expose, for a Service and a ServiceEntry', () => {
    const ratings = only('istio/vs-port-not-found.yaml', 'IstioVirtualServicePortNotFound', 'ratings-admin');
    expect(ratings.evidence).toEqual(['http[0].route[0]: port 9090 of ratings: Service bookinfo/ratings exposes 9080']);
    expect(ratings.related).toEqual([expect.objectContaining({ kind: 'Service', namespace: 'bookinfo', name: 'ratings' })]);
    const ledger = only('istio/vs-port-not-found.yaml', 'IstioVirtualServicePortNotFound', 'ledger-api');
    expect(ledger.message).toContain('ServiceEntry bookinfo/ledger-api (host ledger.corp.example.com) exposes 443');
  });

  it('tells which hosts a Gateway accepts, or for which namespace', () => {
    const reviews = only('istio/vs-host-not-in-gateway.yaml', 'IstioVirtualServiceHostNotInGateway', 'reviews-public');
    expect(reviews.message).toBe('VirtualService bookinfo/reviews-public lists host reviews.example.com that Gateway bookinfo/bookinfo-gateway does not accept, so its routes never see that traffic through the gateway.');
    expect(reviews.evidence[0]).toContain('the servers accept bookinfo.example.com, *.bookinfo.example.com, shop.example.com, *.shop.example.com');
    const admin = only('istio/vs-host-not-in-gateway.yaml', 'IstioVirtualServiceHostNotInGateway', 'admin-console');
    expect(admin.evidence).toEqual(['host admin.example.com is not accepted by Gateway bookinfo/admin-gateway: accepted only for VirtualServices of namespace bookinfo']);
    // A host the Gateway refuses is no claim on it: no conflict with bookinfo/bookinfo-admin's admin.example.com.
    expect(findingsOf('istio/vs-host-not-in-gateway.yaml', 'IstioVirtualServiceConflict')).toEqual([]);
  });

  it('lists the ports the gateway Service exposes', () => {
    const finding = only('istio/gateway-port-not-on-service.yaml', 'IstioGatewayPortNotOnService', 'metrics-gateway');
    expect(finding.message).toContain('serves port 8004, which Service istio-system/istio-ingressgateway in front of its gateway pods does not expose');
    expect(finding.evidence).toContain('Service istio-system/istio-ingressgateway ports: 15021, 80->8080, 443->8443, 15443');
  });

  it('shows the label values the namespace\'s pods carry for a selector that picks none', () => {
    const finding = only('istio/policy-selectors.yaml', 'IstioSelectorNoWorkloads', 'ratings-deny-external');
    expect(finding.message).toBe('AuthorizationPolicy bookinfo/ratings-deny-external selects no workload (selector.matchLabels app=rating) in namespace bookinfo, so it applies to nothing.');
    expect(finding.evidence).toContain('pods with label app: details, legacy-batch, node-probe, productpage, ratings, reviews');
  });

  it('reports a policy created seconds ago once its grace period is over', () => {
    const later = analyzeFixtures([HEALTHY, 'istio/policy-selectors.yaml'], { now: Date.parse('2026-11-25T12:10:00Z') });
    expect(later.findings.filter((f) => f.check === 'IstioSelectorNoWorkloads').map((f) => f.subject.name)).toContain('web-strict');
  });

  it('names the route that shadows another', () => {
    const finding = only('istio/vs-unreachable-rule.yaml', 'IstioVirtualServiceUnreachableRule', 'ratings-routes');
    expect(finding.evidence).toEqual(['http[1] (api-v2) is shadowed: every request it matches is taken first by http[0] (api)']);
  });
});

describe('Istio root causes', () => {
  it('links every not-ready sidecar to the unhealthy control plane, and the control plane to istiod\'s crash loop', () => {
    const linked = linkRootCauses(analyzeFixtures([HEALTHY, 'istio/control-plane-down.yaml']).findings);
    const istiod = { kind: 'Deployment', namespace: 'istio-system', name: 'istiod' };
    const sidecars = linked.filter((f) => f.check === 'IstioSidecarNotReady');
    expect(sidecars.map((f) => f.subject.name).sort()).toEqual(['reviews-v1', 'reviews-v2']);
    for (const sidecar of sidecars) {
      expect(sidecar.rootCause).toEqual({ check: 'IstioControlPlaneUnhealthy', subject: expect.objectContaining(istiod) });
    }
    // The reviews Service lost both its pods to their proxies: the chain goes service -> sidecar -> istiod.
    expect(linked.find((f) => f.check === 'ServiceNoReadyEndpoints' && f.subject.name === 'reviews')?.rootCause?.check).toBe('IstioSidecarNotReady');
    expect(linked.find((f) => f.check === 'IstioControlPlaneUnhealthy' && f.subject.name === 'istio-ingressgateway')?.rootCause)
      .toEqual({ check: 'IstioControlPlaneUnhealthy', subject: expect.objectContaining(istiod) });
    const controlPlane = linked.find((f) => f.check === 'IstioControlPlaneUnhealthy' && f.subject.name === 'istiod');
    expect(controlPlane?.rootCause).toEqual({ check: 'PodCrashLooping', subject: expect.objectContaining(istiod) });
  });

  it('leaves a sidecar crash with a healthy control plane as its own root', () => {
    const linked = linkRootCauses(analyzeFixtures([HEALTHY, 'istio/sidecar-crashloop.yaml']).findings);
    expect(linked.find((f) => f.check === 'IstioSidecarNotReady' && f.subject.name === 'cart')?.rootCause).toBeUndefined();
  });

  it('explains an empty subset by a Service that selects no pod at all, not a label mismatch', () => {
    const linked = linkRootCauses(analyzeFixtures([HEALTHY, 'istio/dr-subset-no-pods.yaml']).findings);
    const subsets = linked.filter((f) => f.check === 'IstioDestinationRuleSubsetNoPods');
    expect(subsets.find((f) => f.subject.name === 'ratings-archive')?.rootCause?.check).toBe('ServiceSelectorMatchesNothing');
    expect(subsets.find((f) => f.subject.name === 'reviews')?.rootCause).toBeUndefined();
  });

  it('explains a missing gateway credential by the Certificate that fails to write it', () => {
    const linked = linkRootCauses(analyzeFixtures([HEALTHY, 'istio/gateway-tls-secret-missing.yaml']).findings);
    expect(linked.find((f) => f.check === 'IstioGatewayTLSSecretMissing')?.rootCause).toEqual({
      check: 'CertificateNotReady',
      subject: expect.objectContaining({ kind: 'Certificate', namespace: 'istio-system', name: 'partners' }),
    });
  });

  it('explains a VirtualService finding by its destination Service without ready endpoints', () => {
    const service = { kind: 'Service', namespace: 'bookinfo', name: 'productpage' };
    const vs = { kind: 'VirtualService', namespace: 'bookinfo', name: 'productpage-public' };
    const down: Finding = { check: 'ServiceNoReadyEndpoints', severity: 'critical', subject: service, object: service, message: 'down', evidence: [] };
    const route: Finding = { check: 'IstioVirtualServicePortRequired', severity: 'warning', subject: vs, object: vs, message: 'port', evidence: [], related: [service] };
    const [linked] = linkRootCauses([route, down]);
    expect(linked?.rootCause).toEqual({ check: 'ServiceNoReadyEndpoints', subject: service });
  });
});

describe('IstioSidecarNotReady in live mode', () => {
  it('adds the last log lines of the crashed proxy instance', () => {
    const run = analyzeFixtures([HEALTHY, 'istio/sidecar-crashloop.yaml'], {
      extra: { previousLogs: new Map([['shop/cart-6fgl64gqb9-5q5ps/istio-proxy', ['error	envoy config	gRPC config stream to xds-grpc closed: connection error', 'critical	envoy main	exiting']]]) },
    });
    const finding = run.findings.find((f) => f.check === 'IstioSidecarNotReady');
    expect(finding?.evidence).toContain('last log lines of the previous istio-proxy instance:');
    expect(finding?.evidence.join('\n')).toContain('exiting');
  });
});

describe('a cluster without Istio', () => {
  it('skips the analyzers of the Istio kinds and reports nothing Istio', () => {
    const run = analyzeFixtures(['pods/crashloop.yaml']);
    expect(run.errors).toEqual([]);
    expect(run.findings.filter((f) => f.check.startsWith('Istio'))).toEqual([]);
    expect(run.skipped.map((s) => s.analyzer)).toEqual(expect.arrayContaining(['istio-virtual-service-destinations', 'istio-mtls-conflicts', 'istio-gateway-selectors']));
  });
});
