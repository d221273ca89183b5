import { describe, expect, it } from 'vitest';
import { findingSeries } from '../../../src/server/metrics.js';
import { reportLabels, reportName, reportOwnerReferences } from '../../../src/report/report-naming.js';
import { linkRootCauses } from '../../../src/report/root-causes.js';
import { remediationFor } from '../../../src/report/remediation.js';
import { ClusterView } from '../../../src/cluster/view.js';
import { snapshotOf } from '../../../src/cluster/snapshot.js';
import { GATEWAY_API_GATEWAY } from '../../../src/model/gateway-api.js';
import { runCases } from '../../helpers/cases.js';
import { analyzeFixtures, analyzeObjects, loadFixture } from '../../helpers/fixtures.js';
import { cases } from './cases.js';

runCases('Gateway API checks', cases);

const CLASSES = 'gateway-api/classes.yaml';
const GATEWAYS = 'gateway-api/gateways.yaml';

function linked(fixtures: string[], options: Parameters<typeof analyzeFixtures>[1] = {}) {
  return linkRootCauses(analyzeFixtures(fixtures, options).findings);
}

describe('GatewayClassNotAccepted evidence', () => {
  it('tells a refusal from a class no controller answered, and lists the class\'s Gateways', () => {
    const findings = linked([CLASSES, GATEWAYS]).filter((f) => f.check === 'GatewayClassNotAccepted');
    const nginx = findings.find((f) => f.object.name === 'nginx');
    const cilium = findings.find((f) => f.object.name === 'cilium');
    expect(nginx?.message).toBe('GatewayClass nginx is not accepted: its controller gateway.nginx.org/nginx-gateway-controller refused it (InvalidParameters): NginxProxy nginx-gateway/nginx-proxy-config not found.');
    expect(nginx?.firstSeen).toBe('2026-11-25T10:31:40Z');
    expect(cilium?.message).toBe('GatewayClass cilium is not accepted: no controller io.cilium/gateway-controller has accepted it for 4d (is the implementation installed and running?).');
    // The CRD's defaulted lastTransitionTime (1970) is not when the wait began: the creation is.
    expect(cilium?.firstSeen).toBe('2026-11-20T16:02:11Z');
    expect(cilium?.evidence).toContain('Gateways of this class: legacy/web');
    expect(cilium?.subject).toMatchObject({ kind: 'GatewayClass', name: 'cilium' });
    expect(cilium?.subject.namespace).toBeUndefined();
  });

  it('asks for a re-check when a waiting class passes the grace', () => {
    const run = analyzeFixtures([CLASSES]);
    // fresh was created at 11:59:20; the default grace of 2 min ends at 12:01:20.
    expect(run.rechecks.filter((r) => r.analyzer === 'gateway-class-not-accepted')).toEqual([expect.objectContaining({ at: Date.parse('2026-11-25T12:01:20Z') })]);
    const later = analyzeFixtures([CLASSES], { now: Date.parse('2026-11-25T12:01:21Z') });
    expect(later.findings.filter((f) => f.check === 'GatewayClassNotAccepted').map((f) => f.object.name)).toContain('fresh');
  });
});

describe('GatewayNotProgrammed evidence', () => {
  it('names the broken listener and its missing certificate Secret', () => {
    const secure = linked([CLASSES, GATEWAYS]).find((f) => f.check === 'GatewayNotProgrammed' && f.object.name === 'secure');
    expect(secure?.message).toBe('Gateway shop/secure does not serve: listener https does not work (ResolvedRefs=False (InvalidCertificateRef): Secret shop/shop-tls does not exist).');
    expect(secure?.evidence).toContain('listener https: certificateRef Secret shop/shop-tls does not exist');
    expect(secure?.evidence).toContain('addresses: 203.0.113.11');
  });

  it('links a Gateway of a class no controller accepted to the class, and says when the class is missing', () => {
    const findings = linked([CLASSES, GATEWAYS]).filter((f) => f.check === 'GatewayNotProgrammed');
    const web = findings.find((f) => f.object.name === 'web');
    const orphan = findings.find((f) => f.object.name === 'orphan');
    expect(web?.rootCause).toEqual({ check: 'GatewayClassNotAccepted', subject: expect.objectContaining({ kind: 'GatewayClass', name: 'cilium' }) });
    expect(orphan?.message).toBe('Gateway legacy/orphan does not serve (for 4d): its GatewayClass traefik does not exist.');
    expect(orphan?.rootCause).toBeUndefined();
    expect(findings.find((f) => f.object.name === 'internal')?.message).toBe('Gateway edge/internal does not serve (for 50m): it is not programmed (AddressNotAssigned): No addresses have been assigned to the Gateway.');
  });

  it('fills the runbook\'s commands with the qualified resource name, the Gateway and its class', () => {
    const secure = linked([CLASSES, GATEWAYS]).find((f) => f.check === 'GatewayNotProgrammed' && f.object.name === 'secure');
    if (!secure) throw new Error('no finding on shop/secure');
    const steps = remediationFor(secure).join('\n');
    expect(steps).toContain('`kubectl get gateway.gateway.networking.k8s.io -n shop secure -o yaml`');
    expect(steps).toContain('`kubectl get gatewayclass eg`');
  });

  it('reports a Gateway still provisioning once it is past the grace', () => {
    const later = analyzeFixtures([CLASSES, GATEWAYS], { now: Date.parse('2026-11-25T12:01:31Z') }).findings;
    expect(later.filter((f) => f.check === 'GatewayNotProgrammed').map((f) => f.object.name)).toContain('warming');
  });
});

describe('HTTPRouteNotAccepted evidence', () => {
  it('carries the implementation\'s refusal', () => {
    const admin = linked([CLASSES, GATEWAYS, 'gateway-api/routes.yaml']).find((f) => f.check === 'HTTPRouteNotAccepted' && f.object.name === 'admin');
    expect(admin?.message).toBe(
      'HTTPRoute shop/admin is not accepted by its parent (for 4h14m): gateway.envoyproxy.io/gatewayclass-controller: Accepted=False (NoMatchingListenerHostname): There were no hostname intersections between the HTTPRoute and this parent ref\'s Listener(s).',
    );
    expect(admin?.rootCause).toBeUndefined();
  });

  it('links a route whose Gateway has no controller to the Gateway\'s finding, and that to the class', () => {
    const findings = linked([CLASSES, GATEWAYS, 'gateway-api/routes.yaml']);
    const portal = findings.find((f) => f.check === 'HTTPRouteNotAccepted' && f.object.name === 'portal');
    expect(portal?.rootCause).toEqual({ check: 'GatewayNotProgrammed', subject: expect.objectContaining({ kind: GATEWAY_API_GATEWAY, namespace: 'legacy', name: 'web' }) });
    expect(portal?.evidence).toEqual(['parent Gateway legacy/web: Gateway legacy/web is not programmed by an implementation (from the references; no status from an implementation)']);
  });

  it('says why the references refuse a route that no implementation has judged, and blames only its own configuration', () => {
    const findings = linked([CLASSES, GATEWAYS, 'gateway-api/routes-no-status.yaml']).filter((f) => f.check === 'HTTPRouteNotAccepted');
    const byName = new Map(findings.map((f) => [f.object.name, f]));
    expect(byName.get('billing')?.message).toBe('HTTPRoute apps/billing is not accepted by its parent (for 2h): Gateway apps/main does not exist.');
    expect(byName.get('ledger')?.message).toBe('HTTPRoute apps/ledger is not accepted by its parent (for 2h): no listener of Gateway edge/internal takes it: listener http allows routes from namespace edge only.');
    expect(byName.get('search')?.message).toBe('HTTPRoute apps/search is not accepted by its parent (for 2h): Gateway shop/public has no listener grpc (it has http, https).');
    // edge/internal has its own finding (no address), but that is not why it refuses the route.
    expect(byName.get('ledger')?.rootCause).toBeUndefined();
  });
});

describe('HTTPRouteBackendNotFound evidence', () => {
  it('joins the implementation\'s ResolvedRefs condition and the backend it names', () => {
    const reviews = linked([CLASSES, GATEWAYS, 'gateway-api/routes.yaml']).find((f) => f.check === 'HTTPRouteBackendNotFound');
    expect(reviews?.message).toBe('HTTPRoute shop/reviews has a backend that does not resolve (for 40m): Service shop/reviews-v2 does not exist.');
    expect(reviews?.evidence[0]).toBe('gateway.envoyproxy.io/gatewayclass-controller: condition ResolvedRefs=False (BackendNotFound): Failed to process route rule 0 backendRef 1, service shop/reviews-v2 not found');
    expect(reviews?.firstSeen).toBe('2026-11-25T11:20:00Z');
  });

  it('names a missing Service, a missing port and a backend across namespaces without a ReferenceGrant', () => {
    const findings = linked([CLASSES, GATEWAYS, 'gateway-api/routes-no-status.yaml']).filter((f) => f.check === 'HTTPRouteBackendNotFound');
    const byName = new Map(findings.map((f) => [f.object.name, f.message]));
    expect(byName.get('billing')).toBe('HTTPRoute apps/billing has a backend that does not resolve (for 2h): Service apps/billing-api does not exist.');
    expect(byName.get('search')).toBe('HTTPRoute apps/search has a backend that does not resolve (for 2h): Service apps/search port 9200: the Service has no port 9200 (it has 9300).');
    expect(byName.get('ledger')).toBe(
      'HTTPRoute apps/ledger has a backend that does not resolve (for 2h): Service shop/ledger port 8080 is in another namespace and no ReferenceGrant in shop allows HTTPRoutes of apps to refer to it.',
    );
  });

  it('clears when the ReferenceGrant allows the backend', () => {
    const grant = {
      apiVersion: 'gateway.networking.k8s.io/v1beta1',
      kind: 'ReferenceGrant',
      metadata: { name: 'allow-apps-ledger', namespace: 'shop', creationTimestamp: '2026-11-25T11:00:00Z' },
      spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'apps' }], to: [{ group: '', kind: 'Service' }] },
    };
    const objects = [...loadFixture(CLASSES, GATEWAYS, 'gateway-api/routes-no-status.yaml'), grant];
    const view = new ClusterView(snapshotOf(objects));
    expect(view.inNamespace('ReferenceGrant', 'shop').map((g) => g.metadata.name).sort()).toEqual(['allow-apps-ledger', 'allow-apps-payments']);
    const names = analyzeObjects(objects).findings.filter((f) => f.check === 'HTTPRouteBackendNotFound').map((f) => f.object.name);
    expect(names).not.toContain('ledger');
  });
});

describe('two kinds named Gateway', () => {
  const SAME_NAME = 'gateway-api/same-name-as-istio.yaml';

  it('are told apart by apiVersion when read from a dump, with the events about each', () => {
    const view = new ClusterView(snapshotOf(loadFixture(CLASSES, SAME_NAME)));
    expect(view.list('Gateway').map((g) => g.apiVersion)).toEqual(['networking.istio.io/v1']);
    expect(view.list(GATEWAY_API_GATEWAY).map((g) => [g.kind, g.apiVersion])).toEqual([[GATEWAY_API_GATEWAY, 'gateway.networking.k8s.io/v1']]);
    expect(view.eventsFor({ kind: GATEWAY_API_GATEWAY, namespace: 'ingress', name: 'public' }).map((e) => e.reason)).toEqual(['ClassNotFound']);
    expect(view.eventsFor({ kind: 'Gateway', namespace: 'ingress', name: 'public' }).map((e) => e.reason)).toEqual(['NoWorkload']);
  });

  it('get two reports, two label sets and two series; the owner reference keeps the API server\'s kind', () => {
    const findings = linked([CLASSES, SAME_NAME], { loadedKinds: ['Pod'] }).filter((f) => f.subject.name === 'public');
    const istio = findings.find((f) => f.check === 'IstioGatewaySelectorNoPods');
    const gatewayApi = findings.find((f) => f.check === 'GatewayNotProgrammed');
    if (!istio || !gatewayApi) throw new Error(`expected one finding of each Gateway, got ${findings.map((f) => f.check).join(', ')}`);
    const subjects = [istio.subject, gatewayApi.subject].map((s) => ({ ...s, apiVersion: s.apiVersion ?? '', uid: s.uid ?? '' }));
    const [istioSubject, gatewayApiSubject] = subjects as [(typeof subjects)[0], (typeof subjects)[0]];
    expect(reportName(istioSubject)).toBe('gateway-public');
    expect(reportName(gatewayApiSubject)).toBe('gateway.gateway.networking.k8s.io-public');
    expect(reportLabels(istioSubject, 'Warning')['sre.otomi.io/subject-kind']).toBe('Gateway');
    expect(reportLabels(gatewayApiSubject, 'Critical')['sre.otomi.io/subject-kind']).toBe('Gateway.gateway.networking.k8s.io');
    expect(findingSeries(istio.subject, [istio])[0]?.subject_kind).toBe('Gateway');
    expect(findingSeries(gatewayApi.subject, [gatewayApi])[0]?.subject_kind).toBe('Gateway.gateway.networking.k8s.io');
    expect(reportOwnerReferences(gatewayApiSubject, 'ingress')?.[0]).toMatchObject({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', name: 'public' });
    expect(reportOwnerReferences(istioSubject, 'ingress')?.[0]).toMatchObject({ apiVersion: 'networking.istio.io/v1', kind: 'Gateway', name: 'public' });
  });
});
