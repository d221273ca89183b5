// Scenarios of the Istio and cert-manager families. The cluster has neither installed; the test
// installs minimal CRDs of its own (test/e2e/fixtures/crds/) only after the controller has started,
// so the controller must discover the kinds at run time through its CRD informer. Then a
// VirtualService routes to a missing host and a Certificate names a missing Issuer; each is fixed
// and must clear. The CRDs are removed again at the end: the other e2e files expect a cluster
// without Istio and cert-manager (analyze-live asserts that VirtualServices are skipped).
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cacheObjects, existingCrds, fixtureCrds, installCrds, readReport, removeCrds, startController, waitForCleared, waitForFinding, waitForNoSeries, waitForSeries,
  type ControllerUnderTest,
} from './controller-harness.js';
import { applyProjectCrds, kube, tempNamespace, waitFor, type Kube } from './kube.js';

const CRDS = [...fixtureCrds('istio-networking.yaml'), ...fixtureCrds('cert-manager.yaml')];
const ISTIO = { group: 'networking.istio.io', version: 'v1' };
const CERT_MANAGER = { group: 'cert-manager.io', version: 'v1' };

let k: Kube;
let ns: { name: string; remove: () => Promise<void> };
let controller: ControllerUnderTest;
/** CRDs present before this file ran (another run's, or a real installation): left alone. */
let preexisting: string[] = [];

beforeAll(async () => {
  k = kube();
  await applyProjectCrds(k);
  preexisting = await existingCrds(k, CRDS);
  ns = await tempNamespace(k, 'e2e-scn-addons');
  // Issuance normally gets a grace period before a missing issuer counts: none here.
  controller = await startController({ namespaces: [ns.name], operatorNamespace: ns.name, thresholds: { certificateIssuanceGrace: '0s' } });
});

afterAll(async () => {
  if (controller) expect(await controller.stop()).toBe(0);
  await ns?.remove();
  const installed = CRDS.map((crd) => crd.metadata?.name ?? '').filter((name) => !preexisting.includes(name));
  if (k) await removeCrds(k, installed);
});

describe('Istio and cert-manager scenarios', () => {
  it('starts watching VirtualServices and Certificates when their CRDs are installed after start-up', async (ctx) => {
    // Only provable when the CRDs were absent at start (always on a fresh cluster, as in CI).
    if (preexisting.length > 0) ctx.skip(`CRDs ${preexisting.join(', ')} existed before the controller started (another run?), so run-time discovery cannot be shown`);
    const before = await controller.metrics();
    expect(cacheObjects(before, 'VirtualService')).toBeUndefined();
    expect(cacheObjects(before, 'Certificate')).toBeUndefined();

    await installCrds(k, CRDS);
    for (const kind of ['VirtualService', 'DestinationRule', 'Gateway', 'ServiceEntry', 'Certificate', 'Issuer', 'ClusterIssuer']) {
      await waitFor(`the controller to watch ${kind}`, async () => (cacheObjects(await controller.metrics(), kind) === 0 ? true : undefined), { timeoutMs: 15_000, intervalMs: 200 });
    }
    expect((await fetch(controller.readyUrl)).status).toBe(200);
  });

  it('VirtualService to a missing host: reported, cleared when the Service is created', async () => {
    await installCrds(k, CRDS);
    await k.custom.createNamespacedCustomObject({
      ...ISTIO,
      namespace: ns.name,
      plural: 'virtualservices',
      body: {
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: { name: 'reviews' },
        spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'ratings', port: { number: 9080 } } }] }] },
      },
    });
    const broken = await waitForFinding(k, ns.name, 'virtualservice-reviews', 'IstioVirtualServiceHostNotFound');
    expect(broken.spec.subject).toMatchObject({ kind: 'VirtualService', name: 'reviews', namespace: ns.name });
    expect(broken.status?.severity).toBe('Critical');
    const finding = broken.status?.findings?.find((f) => f.check === 'IstioVirtualServiceHostNotFound');
    expect(finding?.object).toMatchObject({ kind: 'VirtualService', name: 'reviews' });
    expect(finding?.message).toContain(`ratings.${ns.name}.svc.cluster.local`);
    await waitForSeries(controller, { namespace: ns.name, subject_kind: 'VirtualService', subject_name: 'reviews', check: 'IstioVirtualServiceHostNotFound', severity: 'critical' });

    await k.core.createNamespacedService({
      namespace: ns.name,
      body: { metadata: { name: 'ratings' }, spec: { selector: { app: 'ratings' }, ports: [{ name: 'http', port: 9080, targetPort: 9080 }] } },
    });
    const fixed = await waitForCleared(k, ns.name, 'virtualservice-reviews', 'IstioVirtualServiceHostNotFound');
    expect(fixed.status?.severity).toBe('Healthy');
    await waitForNoSeries(controller, { namespace: ns.name, subject_name: 'reviews', check: 'IstioVirtualServiceHostNotFound' });
  });

  it('Certificate naming a missing Issuer: reported, cleared when the Issuer exists and the Certificate is issued', async () => {
    await installCrds(k, CRDS);
    await k.custom.createNamespacedCustomObject({
      ...CERT_MANAGER,
      namespace: ns.name,
      plural: 'certificates',
      body: {
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: { name: 'shop-tls' },
        spec: { secretName: 'shop-tls', dnsNames: ['shop.example.com'], issuerRef: { name: 'shop-ca', kind: 'Issuer', group: 'cert-manager.io' } },
      },
    });
    const broken = await waitForFinding(k, ns.name, 'certificate-shop-tls', 'CertificateIssuerNotReady');
    expect(broken.spec.subject).toMatchObject({ kind: 'Certificate', name: 'shop-tls', namespace: ns.name });
    expect(broken.status?.severity).toBe('Critical');
    const finding = broken.status?.findings?.find((f) => f.check === 'CertificateIssuerNotReady');
    // The object to fix is the Issuer the Certificate names.
    expect(finding?.object).toMatchObject({ kind: 'Issuer', name: 'shop-ca' });
    await waitForSeries(controller, { namespace: ns.name, subject_kind: 'Certificate', subject_name: 'shop-tls', check: 'CertificateIssuerNotReady', severity: 'critical' });

    // The fix, with cert-manager's part played by the test: the Issuer is created and turns Ready,
    // then the Certificate is issued.
    await k.custom.createNamespacedCustomObject({
      ...CERT_MANAGER,
      namespace: ns.name,
      plural: 'issuers',
      body: { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: { name: 'shop-ca' }, spec: { selfSigned: {} } },
    });
    const now = new Date();
    const inDays = (days: number) => new Date(now.getTime() + days * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const at = inDays(0);
    await patchStatus('issuers', 'shop-ca', { conditions: [{ type: 'Ready', status: 'True', reason: 'IsReady', message: 'Signing CA verified', lastTransitionTime: at, observedGeneration: 1 }] });
    await patchStatus('certificates', 'shop-tls', {
      conditions: [{ type: 'Ready', status: 'True', reason: 'Ready', message: 'Certificate is up to date and has not expired', lastTransitionTime: at, observedGeneration: 1 }],
      notBefore: at,
      notAfter: inDays(90),
      renewalTime: inDays(60),
      revision: 1,
    });
    const fixed = await waitForCleared(k, ns.name, 'certificate-shop-tls', 'CertificateIssuerNotReady');
    const healthy = await waitFor('report certificate-shop-tls Healthy', async () => {
      const r = await readReport(k, ns.name, 'certificate-shop-tls');
      return r?.status?.severity === 'Healthy' ? r : undefined;
    }, { timeoutMs: 15_000, intervalMs: 200 });
    expect(healthy.status?.findings ?? []).toEqual([]);
    expect(fixed.metadata.name).toBe('certificate-shop-tls');
    await waitForNoSeries(controller, { namespace: ns.name, subject_name: 'shop-tls' });
  });
});

describe('Istio and cert-manager removed at run time', () => {
  it('stops watching their kinds when the CRDs are deleted, drops their series, and goes on analysing the rest', async (ctx) => {
    if (preexisting.length > 0) ctx.skip(`CRDs ${preexisting.join(', ')} existed before this file ran: they are not this test's to delete`);
    await installCrds(k, CRDS);
    await k.custom.createNamespacedCustomObject({
      ...ISTIO,
      namespace: ns.name,
      plural: 'virtualservices',
      body: { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'legacy' }, spec: { hosts: ['legacy'], http: [{ route: [{ destination: { host: 'legacy-backend' } }] }] } },
    });
    await waitForSeries(controller, { namespace: ns.name, subject_kind: 'VirtualService', subject_name: 'legacy', check: 'IstioVirtualServiceHostNotFound' });

    // Deleting a CRD deletes its objects, then the API stops serving the resource.
    await removeCrds(k, CRDS.map((crd) => crd.metadata?.name ?? ''));
    await waitForNoSeries(controller, { subject_kind: 'VirtualService', subject_name: 'legacy' });
    for (const kind of ['VirtualService', 'Certificate']) {
      await waitFor(`the controller to stop watching ${kind}`, async () => (cacheObjects(await controller.metrics(), kind) === undefined ? true : undefined), { timeoutMs: 15_000, intervalMs: 200 });
    }
    expect((await fetch(controller.readyUrl)).status).toBe(200);
    // The rest is still analysed: a new breakage of a core kind is reported.
    await k.core.createNamespacedPod({
      namespace: ns.name,
      body: {
        metadata: { name: 'batch-worker', annotations: { 'e2e.sre.otomi.io/scenario': 'crashloop' } },
        spec: { containers: [{ name: 'worker', image: 'registry.example.com/shop/batch-worker:1.2.0' }] },
      },
    });
    await waitForFinding(k, ns.name, 'pod-batch-worker', 'PodCrashLooping');
  });
});

function patchStatus(plural: string, name: string, status: Record<string, unknown>): Promise<unknown> {
  // A merge patch of the status subresource, as cert-manager's controllers write it.
  return k.custom.patchNamespacedCustomObjectStatus(
    { ...CERT_MANAGER, namespace: ns.name, plural, name, body: { status } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
}
