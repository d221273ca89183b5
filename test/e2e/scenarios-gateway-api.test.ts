// Scenarios of the Gateway API family. The cluster starts without the Gateway API; the test installs
// the published standard-channel CRDs of sigs.k8s.io/gateway-api (GatewayClass, Gateway, HTTPRoute,
// GRPCRoute, ReferenceGrant at GATEWAY_API_VERSION of scripts/tools/versions.env, read from the Go
// module cache by scripts/tools/gateway-api-crds.sh) only after the controller has started, so the
// controller must discover them at run time. Then an HTTPRoute to a missing Service is reported and
// cleared by creating the Service, and an Istio Gateway and a Gateway API Gateway of one name get two
// reports and two series. The CRDs this file installed are removed at the end (analyze-live expects
// a cluster without these add-ons).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadAllYaml, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cacheObjects, existingCrds, findingSeries, fixtureCrds, installCrds, readReport, removeCrds, startController, waitForCleared, waitForFinding, waitForNoSeries, waitForSeries,
  type ControllerUnderTest,
} from './controller-harness.js';
import { applyProjectCrds, kube, tempNamespace, waitFor, type Kube } from './kube.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const GATEWAY_API = { group: 'gateway.networking.k8s.io', version: 'v1' };
const GATEWAY_API_GATEWAY = 'Gateway.gateway.networking.k8s.io';
const KINDS = ['GatewayClass', GATEWAY_API_GATEWAY, 'HTTPRoute', 'GRPCRoute', 'ReferenceGrant'];

/** The published CRDs of the kinds the analyzers read, from the module cache. */
function gatewayApiCrds(): V1CustomResourceDefinition[] {
  const dir = execFileSync('bash', [join(ROOT, 'scripts', 'tools', 'gateway-api-crds.sh')], { encoding: 'utf8' }).trim();
  return ['gatewayclasses', 'gateways', 'httproutes', 'grpcroutes', 'referencegrants'].flatMap((plural) =>
    (loadAllYaml(readFileSync(join(dir, `gateway.networking.k8s.io_${plural}.yaml`), 'utf8')) as unknown[]).filter(
      (doc): doc is V1CustomResourceDefinition => (doc as { kind?: string } | null)?.kind === 'CustomResourceDefinition',
    ),
  );
}

const CRDS = gatewayApiCrds();
const ISTIO_CRDS = fixtureCrds('istio-networking.yaml');

let k: Kube;
let ns: { name: string; remove: () => Promise<void> };
let controller: ControllerUnderTest;
let preexisting: string[] = [];
let istioPreexisting: string[] = [];

beforeAll(async () => {
  k = kube();
  await applyProjectCrds(k);
  preexisting = await existingCrds(k, CRDS);
  istioPreexisting = await existingCrds(k, ISTIO_CRDS);
  ns = await tempNamespace(k, 'e2e-scn-gwapi');
  // No grace for implementations or gateway pods: nothing runs here to program anything.
  controller = await startController({ namespaces: [ns.name], operatorNamespace: ns.name, thresholds: { gatewayApiGrace: '0s', podUnschedulableAfter: '0s' } });
});

afterAll(async () => {
  if (controller) expect(await controller.stop()).toBe(0);
  await ns?.remove();
  if (k) {
    await removeCrds(k, CRDS.map((crd) => crd.metadata?.name ?? '').filter((name) => !preexisting.includes(name)));
    await removeCrds(k, ISTIO_CRDS.map((crd) => crd.metadata?.name ?? '').filter((name) => !istioPreexisting.includes(name)));
  }
});

describe('Gateway API scenarios', () => {
  it('starts watching the Gateway API kinds when their published CRDs are installed after start-up', async (ctx) => {
    if (preexisting.length > 0) ctx.skip(`CRDs ${preexisting.join(', ')} existed before the controller started (another run?), so run-time discovery cannot be shown`);
    expect(CRDS.map((crd) => crd.metadata?.annotations?.['gateway.networking.k8s.io/bundle-version'])).toEqual(Array(5).fill(expect.stringMatching(/^v1\.\d+\.\d+$/)));
    const before = await controller.metrics();
    for (const kind of KINDS) expect(cacheObjects(before, kind), kind).toBeUndefined();

    await installCrds(k, CRDS);
    // The published CRDs are large (HTTPRoute's is 440 kB of schema): discovery serves them late on a loaded machine.
    for (const kind of KINDS) {
      await waitFor(`the controller to watch ${kind}`, async () => (cacheObjects(await controller.metrics(), kind) === 0 ? true : undefined), { timeoutMs: 45_000, intervalMs: 200 });
    }
    expect((await fetch(controller.readyUrl)).status).toBe(200);
  });

  it('HTTPRoute to a missing Service: reported, cleared when the Service is created', async () => {
    await installCrds(k, CRDS);
    await k.custom.createNamespacedCustomObject({
      ...GATEWAY_API,
      namespace: ns.name,
      plural: 'httproutes',
      body: {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: 'shop' },
        spec: {
          hostnames: ['shop.example.com'],
          rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'storefront', port: 8080 }] }],
        },
      },
    });
    const broken = await waitForFinding(k, ns.name, 'httproute-shop', 'HTTPRouteBackendNotFound');
    expect(broken.spec.subject).toMatchObject({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', name: 'shop', namespace: ns.name });
    expect(broken.status?.severity).toBe('Critical');
    const finding = broken.status?.findings?.find((f) => f.check === 'HTTPRouteBackendNotFound');
    expect(finding?.message).toMatch(new RegExp(`^HTTPRoute ${ns.name}/shop has a backend that does not resolve \\(for \\d+s\\): Service ${ns.name}/storefront does not exist\\.$`));
    await waitForSeries(controller, { namespace: ns.name, subject_kind: 'HTTPRoute', subject_name: 'shop', check: 'HTTPRouteBackendNotFound', severity: 'critical' });

    await k.core.createNamespacedService({
      namespace: ns.name,
      body: { metadata: { name: 'storefront' }, spec: { selector: { app: 'storefront' }, ports: [{ name: 'http', port: 8080, targetPort: 8080 }] } },
    });
    const fixed = await waitForCleared(k, ns.name, 'httproute-shop', 'HTTPRouteBackendNotFound');
    expect(fixed.status?.findings?.map((f) => f.check) ?? []).not.toContain('HTTPRouteBackendNotFound');
    await waitForNoSeries(controller, { namespace: ns.name, subject_name: 'shop', check: 'HTTPRouteBackendNotFound' });
  });

  it('an Istio Gateway and a Gateway API Gateway of one name: two reports, two label sets, two series', async () => {
    await installCrds(k, [...CRDS, ...ISTIO_CRDS]);
    await waitFor('the controller to watch Istio Gateways', async () => (cacheObjects(await controller.metrics(), 'Gateway') !== undefined ? true : undefined), { timeoutMs: 15_000, intervalMs: 200 });
    await k.custom.createNamespacedCustomObject({
      group: 'networking.istio.io',
      version: 'v1',
      namespace: ns.name,
      plural: 'gateways',
      body: {
        apiVersion: 'networking.istio.io/v1',
        kind: 'Gateway',
        metadata: { name: 'public' },
        spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*.example.com'] }] },
      },
    });
    await k.custom.createNamespacedCustomObject({
      ...GATEWAY_API,
      namespace: ns.name,
      plural: 'gateways',
      body: {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'Gateway',
        metadata: { name: 'public' },
        spec: { gatewayClassName: `missing-${ns.name}`, listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
      },
    });
    const istio = await waitForFinding(k, ns.name, 'gateway-public', 'IstioGatewaySelectorNoPods');
    const gatewayApi = await waitForFinding(k, ns.name, 'gateway.gateway.networking.k8s.io-public', 'GatewayNotProgrammed');
    expect(istio.spec.subject).toMatchObject({ apiVersion: 'networking.istio.io/v1', kind: 'Gateway', name: 'public' });
    expect(gatewayApi.spec.subject).toMatchObject({ apiVersion: 'gateway.networking.k8s.io/v1', kind: GATEWAY_API_GATEWAY, name: 'public' });
    expect(istio.metadata.labels?.['sre.otomi.io/subject-kind']).toBe('Gateway');
    expect(gatewayApi.metadata.labels?.['sre.otomi.io/subject-kind']).toBe(GATEWAY_API_GATEWAY);
    expect(gatewayApi.status?.findings?.find((f) => f.check === 'GatewayNotProgrammed')?.message).toContain(`its GatewayClass missing-${ns.name} does not exist`);
    // The report belongs to its Gateway for garbage collection: the owner reference has the API server's kind.
    const stored = (await k.custom.getNamespacedCustomObject({ group: 'sre.otomi.io', version: 'v1alpha1', namespace: ns.name, plural: 'healthreports', name: 'gateway.gateway.networking.k8s.io-public' })) as {
      metadata: { ownerReferences?: { apiVersion: string; kind: string; name: string }[] };
    };
    expect(stored.metadata.ownerReferences).toEqual([expect.objectContaining({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', name: 'public' })]);
    await waitForSeries(controller, { namespace: ns.name, subject_kind: 'Gateway', subject_name: 'public', check: 'IstioGatewaySelectorNoPods' });
    await waitForSeries(controller, { namespace: ns.name, subject_kind: GATEWAY_API_GATEWAY, subject_name: 'public', check: 'GatewayNotProgrammed' });
    const series = findingSeries(await controller.metrics()).filter((s) => s.namespace === ns.name && s.subject_name === 'public');
    expect(new Set(series.map((s) => s.subject_kind))).toEqual(new Set(['Gateway', GATEWAY_API_GATEWAY]));
    expect(await readReport(k, ns.name, 'gateway-public')).toBeDefined();
  });
});
