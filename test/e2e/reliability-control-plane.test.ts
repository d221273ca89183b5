// Reliability of `healthreport run` when the control plane itself misbehaves: the kube-apiserver is
// killed and restarted, etcd is compacted behind the controller's back (410 Gone), and a malformed
// Istio object sits among good ones. Killing the apiserver would break every other test on the
// shared cluster, so this file brings up a private one-node control plane (the shared cluster's
// binary, its own etcd and ports) and tears it down in afterAll.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadAllYaml, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyProjectCrds, kubeFrom, repoRoot, statusOf, tempNamespace, waitFor, type Kube } from './kube.js';
import { controllerConfig, PrivateControlPlane, sharedClusterBinary, startChild, type ChildController } from './reliability-helpers.js';

const GROUP = 'sre.otomi.io';
const VERSION = 'v1alpha1';
const PLURAL = 'healthreports';

interface Report {
  status?: { severity?: string; findings?: { check: string; object: { kind: string; name: string } }[] };
}

// The private cluster reuses the binary the global setup built; against a cluster of the user's
// (E2E_KUBECONFIG, e.g. kind) there is none, and these scenarios cannot run.
const available = existsSync(sharedClusterBinary);
if (!available) console.warn(`reliability-control-plane: skipped, no ${sharedClusterBinary} (run npm run cluster:up once)`);

let plane: PrivateControlPlane | undefined;
let k: Kube;
let ns: { name: string; remove: () => Promise<void> };
let controller: ChildController | undefined;

async function installVirtualServiceCrd(): Promise<void> {
  const [crd] = loadAllYaml(readFileSync(resolve(repoRoot, 'test/e2e/fixtures/reliability/virtualservice-crd.yaml'), 'utf8')) as V1CustomResourceDefinition[];
  if (!crd) throw new Error('no CRD in the fixture');
  // Another fixture may have installed Istio's CRD already: that one serves v1 too.
  await k.apiext.createCustomResourceDefinition({ body: crd }).catch((err: unknown) => {
    if (statusOf(err) !== 409) throw err;
  });
  await waitFor('the VirtualService CRD to be Established', async () => {
    const got = await k.apiext.readCustomResourceDefinition({ name: 'virtualservices.networking.istio.io' });
    return got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ? true : undefined;
  });
}

beforeAll(async () => {
  if (!available) return;
  plane = await PrivateControlPlane.start();
  k = kubeFrom(plane.kubeconfig);
  await applyProjectCrds(k);
  await installVirtualServiceCrd();
  ns = await tempNamespace(k, 'e2e-rel-cp');
  // All namespaces, the production mode: the private cluster holds nothing but this test's objects.
  const config = controllerConfig(`operatorNamespace: ${ns.name}\nleaderElection: {enabled: false}\nanalysis: {thresholds: {serviceNoReadyEndpointsAfter: 0s}}\n`);
  controller = await startChild(plane.kubeconfig, config);
  await controller.waitReady().catch((error: unknown) => {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\ncontroller logs:\n${controller!.logs.slice(-30).map((l) => JSON.stringify(l)).join('\n')}`);
  });
  // Discovery found the VirtualService CRD: its informer runs.
  await waitFor('the VirtualService informer', async () => (controller!.logs.some((l) => l.msg === 'watching' && l.resource === 'VirtualService') ? true : undefined));
}, 180_000);

afterAll(async () => {
  try {
    if (controller) {
      const code = await controller.kill('SIGTERM');
      expect(code).toBe(0);
    }
  } finally {
    plane?.stop();
  }
});

async function report(name: string): Promise<Report | undefined> {
  try {
    return (await k.custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns.name, plural: PLURAL, name })) as Report;
  } catch (err) {
    if (statusOf(err) === 404) return undefined;
    throw err;
  }
}

async function reportWith(name: string, check: string, timeoutMs = 60_000): Promise<Report> {
  return waitFor(`report ${name} with ${check}`, async () => {
    const r = await report(name);
    return r?.status?.findings?.some((f) => f.check === check) ? r : undefined;
  }, { timeoutMs, intervalMs: 100 });
}

async function orphanService(name: string): Promise<void> {
  await k.core.createNamespacedService({
    namespace: ns.name,
    body: { metadata: { name }, spec: { selector: { app: `${name}-nothing` }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } },
  });
}

/** Whether /metrics has a healthreport_finding series for this subject. */
async function hasSeries(kind: string, name: string): Promise<boolean> {
  return (await controller!.metrics()).split('\n').some((l) => l.startsWith('healthreport_finding{') && l.includes(`namespace="${ns.name}"`) && l.includes(`subject_kind="${kind}"`) && l.includes(`subject_name="${name}"`));
}

function virtualService(name: string, host: string): Record<string, unknown> {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name, namespace: ns.name },
    spec: { hosts: [`${name}.example.com`], http: [{ route: [{ destination: { host } }] }] },
  };
}

async function restarts(): Promise<number> {
  return (await controller!.metric('healthreport_watch_restarts_total')) ?? 0;
}

describe.skipIf(!available)('the kube-apiserver killed and restarted', () => {
  it('the controller resumes its watches and misses no change made right after the restart', async () => {
    await orphanService('before-kill');
    await reportWith('service-before-kill', 'ServiceSelectorMatchesNothing');
    await orphanService('fixed-after-restart');
    await reportWith('service-fixed-after-restart', 'ServiceSelectorMatchesNothing');
    expect(await hasSeries('Service', 'fixed-after-restart')).toBe(true);

    const restartsBefore = await restarts();
    plane!.apiserver('stop', 'KILL');
    // The controller notices the dropped watches (and keeps serving its cached state meanwhile).
    await waitFor('the watches to fail', async () => ((await restarts()) > restartsBefore ? true : undefined), { timeoutMs: 30_000, intervalMs: 100 });
    const startAt = Date.now();
    plane!.apiserver('start');
    const upAt = Date.now();
    // Changes at once, while the controller's watches may still be backing off.
    await orphanService('created-after-restart');
    await k.core.deleteNamespacedService({ name: 'fixed-after-restart', namespace: ns.name });
    await reportWith('service-created-after-restart', 'ServiceSelectorMatchesNothing');
    await waitFor('the deleted Service\'s series to go', async () => ((await hasSeries('Service', 'fixed-after-restart')) ? undefined : true), { intervalMs: 100 });
    const recoveryMs = Date.now() - upAt;
    console.log(`reliability: apiserver SIGKILL + restart: /readyz ${upAt - startAt} ms after the start; changes made right after it came back reflected ${recoveryMs} ms after /readyz`);
    expect(await hasSeries('Service', 'before-kill')).toBe(true);
    expect(await controller!.ready()).toBe(true);
    // Resumed, not dead: a later change still arrives within a second.
    const t = Date.now();
    await orphanService('later');
    await reportWith('service-later', 'ServiceSelectorMatchesNothing', 5000);
    console.log(`reliability: after the restart, a change reported in ${Date.now() - t} ms`);
  });
});

describe.skipIf(!available)('etcd compacted behind the controller (410 Gone)', () => {
  it('re-lists and converges: a change made during the gap is reported, an object deleted during the gap is dropped', async () => {
    await orphanService('deleted-in-gap');
    await reportWith('service-deleted-in-gap', 'ServiceSelectorMatchesNothing');
    expect(await hasSeries('Service', 'deleted-in-gap')).toBe(true);
    const logsBefore = controller!.logs.length;

    // The gap: the apiserver is down; its storage changes underneath it and its history is compacted,
    // so the controller's last resourceVersions are gone for good.
    plane!.apiserver('stop', 'KILL');
    expect(await plane!.etcdDelete(`/registry/services/specs/${ns.name}/deleted-in-gap`)).toBe(1);
    const created = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const vs = virtualService('created-in-gap', 'no-such-backend.' + ns.name + '.svc.cluster.local');
    await plane!.etcdPut(
      `/registry/networking.istio.io/virtualservices/${ns.name}/created-in-gap`,
      JSON.stringify({ ...vs, metadata: { ...(vs.metadata as object), uid: '6f1c1f6e-6b7a-4a59-9a3e-0c6f3b1d2e71', generation: 1, creationTimestamp: created } }),
    );
    const compactedAt = await plane!.etcdCompact();
    const startAt = Date.now();
    plane!.apiserver('start');
    const upAt = Date.now();

    await reportWith('virtualservice-created-in-gap', 'IstioVirtualServiceHostNotFound');
    await waitFor('the series of the Service deleted in the gap to go', async () => ((await hasSeries('Service', 'deleted-in-gap')) ? undefined : true), { intervalMs: 100 });
    const convergedMs = Date.now() - upAt;
    const relisted = controller!.logs.slice(logsBefore).filter((l) => typeof l.msg === 'string' && l.msg.includes('410 Gone')).map((l) => l.resource);
    console.log(`reliability: etcd compacted at revision ${compactedAt}; /readyz ${upAt - startAt} ms after the start, converged ${convergedMs} ms after /readyz; re-listed after 410: ${[...new Set(relisted)].join(', ')}`);
    expect(relisted).toContain('Service');
    expect(relisted).toContain('VirtualService');
    expect(await controller!.ready()).toBe(true);
  });
});

describe.skipIf(!available)('a malformed Istio object', () => {
  it('becomes a ResourceUnparseable finding and does not stop the analysis of the rest', async () => {
    const malformed = virtualService('malformed', 'reviews');
    // An empty destination host: Istio's own validation rejects it, this CRD stores it.
    ((malformed.spec as { http: { route: { destination: { host: string } }[] }[] }).http[0]!.route[0]!.destination.host = '');
    await k.custom.createNamespacedCustomObject({ group: 'networking.istio.io', version: 'v1', namespace: ns.name, plural: 'virtualservices', body: malformed });
    await k.custom.createNamespacedCustomObject({ group: 'networking.istio.io', version: 'v1', namespace: ns.name, plural: 'virtualservices', body: virtualService('dangling', `missing.${ns.name}.svc.cluster.local`) });
    await orphanService('beside-malformed');

    const bad = await reportWith('virtualservice-malformed', 'ResourceUnparseable');
    expect(bad.status?.severity).toBe('Info');
    await reportWith('virtualservice-dangling', 'IstioVirtualServiceHostNotFound');
    await reportWith('service-beside-malformed', 'ServiceSelectorMatchesNothing');

    // Repaired, it is analysed like any other: the unparseable finding goes, the real problem shows.
    const current = (await k.custom.getNamespacedCustomObject({ group: 'networking.istio.io', version: 'v1', namespace: ns.name, plural: 'virtualservices', name: 'malformed' })) as { metadata: { resourceVersion: string } };
    const repaired = virtualService('malformed', `missing.${ns.name}.svc.cluster.local`);
    await k.custom.replaceNamespacedCustomObject({
      group: 'networking.istio.io',
      version: 'v1',
      namespace: ns.name,
      plural: 'virtualservices',
      name: 'malformed',
      body: { ...repaired, metadata: { ...(repaired.metadata as object), resourceVersion: current.metadata.resourceVersion } },
    });
    const fixed = await reportWith('virtualservice-malformed', 'IstioVirtualServiceHostNotFound');
    expect(fixed.status?.findings?.map((f) => f.check)).not.toContain('ResourceUnparseable');
  });
});
