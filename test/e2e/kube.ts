// Shared plumbing for e2e tests: clients for the cluster chosen by the global
// setup, a throw-away namespace per test file, polling, and CRD installation.
import { readdirSync, readFileSync } from 'node:fs';
import { request, type RequestOptions } from 'node:https';
import { resolve } from 'node:path';
import {
  ApiException,
  ApiextensionsV1Api,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  DiscoveryV1Api,
  KubeConfig,
  loadAllYaml,
  Watch,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { inject } from 'vitest';

export const repoRoot = resolve(import.meta.dirname, '../..');

export interface Kube {
  kc: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
  discovery: DiscoveryV1Api;
  apiext: ApiextensionsV1Api;
  custom: CustomObjectsApi;
  watch: Watch;
}

/** Clients for the cluster the global setup chose. */
export function kube(): Kube {
  return kubeFrom(inject('kubeconfig'));
}

/** Clients for the cluster of a given kubeconfig file (e.g. a private control plane). */
export function kubeFrom(kubeconfig: string): Kube {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  return {
    kc,
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    discovery: kc.makeApiClient(DiscoveryV1Api),
    apiext: kc.makeApiClient(ApiextensionsV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
    watch: new Watch(kc),
  };
}

/** HTTP status of a failed client-node call (undefined for non-API errors). */
export function statusOf(err: unknown): number | undefined {
  return err instanceof ApiException ? err.code : undefined;
}

/**
 * Polls `probe` until it returns a value other than undefined, returning it.
 * On timeout the error carries the last observation, so a failure says what
 * the cluster looked like instead of just "timed out".
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  { timeoutMs = 60_000, intervalMs = 500 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
      last = 'not yet';
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}; last: ${last instanceof Error ? last.message : String(last)}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Creates a uniquely named namespace; returns its name and a cleanup. */
export async function tempNamespace(k: Kube, prefix: string): Promise<{ name: string; remove: () => Promise<void> }> {
  const name = `${prefix}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
  await k.core.createNamespace({ body: { metadata: { name, labels: { 'e2e.sre.otomi.io/test': 'true' } } } });
  // Pods cannot be created before the namespace's default ServiceAccount exists.
  await waitFor(`ServiceAccount ${name}/default`, async () =>
    (await k.core.readNamespacedServiceAccount({ name: 'default', namespace: name }).catch(() => undefined)) ? true : undefined,
  );
  return {
    name,
    // Namespace deletion is asynchronous (the namespace controller empties it);
    // not waiting keeps the suite fast and later files use other names.
    remove: async () => {
      await k.core.deleteNamespace({ name }).catch((err: unknown) => {
        if (statusOf(err) !== 404) throw err;
      });
    },
  };
}

/**
 * The CRDs shipped in crds/, parsed with client-node's loadAllYaml. That
 * matters: the typed API serialises its model classes, whose property names
 * differ from the JSON ones for some schema keywords (enum is `_enum`,
 * x-kubernetes-list-type is `x_kubernetes_list_type`); a plain js-yaml object
 * sent through createCustomResourceDefinition silently loses those keywords.
 */
export function projectCrds(): V1CustomResourceDefinition[] {
  const dir = resolve(repoRoot, 'crds');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .flatMap((f) => loadAllYaml(readFileSync(resolve(dir, f), 'utf8')) as unknown[])
    .filter((doc): doc is V1CustomResourceDefinition => (doc as { kind?: string } | null)?.kind === 'CustomResourceDefinition');
}

/** Creates or updates each CRD from crds/ and waits until it is Established. */
export async function applyProjectCrds(k: Kube): Promise<V1CustomResourceDefinition[]> {
  const applied: V1CustomResourceDefinition[] = [];
  for (const crd of projectCrds()) {
    const name = crd.metadata?.name;
    if (!name) throw new Error('CRD without metadata.name in crds/');
    // Test files (and other checkouts' runs) share the cluster and may apply
    // the same CRD at the same moment: retry a replace that lost the race.
    await waitFor(`CRD ${name} applied`, async () => {
      try {
        await k.apiext.createCustomResourceDefinition({ body: crd });
        return true;
      } catch (err) {
        if (statusOf(err) !== 409) throw err;
      }
      const current = await k.apiext.readCustomResourceDefinition({ name });
      await k.apiext.replaceCustomResourceDefinition({
        name,
        body: { ...crd, metadata: { ...crd.metadata, resourceVersion: current.metadata?.resourceVersion } },
      });
      return true;
    }, { timeoutMs: 20_000, intervalMs: 200 });
    applied.push(
      await waitFor(`CRD ${name} Established`, async () => {
        const got = await k.apiext.readCustomResourceDefinition({ name });
        return got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ? got : undefined;
      }),
    );
  }
  return applied;
}

/**
 * A GET with the kubeconfig's credentials, for what client-node has no typed call for (discovery,
 * the Table representation): a plain HTTPS request; anything but 200 is an error with the body.
 */
export async function getRaw(k: Kube, path: string, accept = 'application/json'): Promise<unknown> {
  const cluster = k.kc.getCurrentCluster();
  if (!cluster) throw new Error('kubeconfig has no current cluster');
  const url = new URL(path, cluster.server);
  const opts: RequestOptions = { method: 'GET', hostname: url.hostname, port: url.port, path: url.pathname + url.search, headers: { Accept: accept } };
  await k.kc.applyToHTTPSOptions(opts);
  return new Promise((ok, fail) => {
    const req = request(opts, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => (res.statusCode === 200 ? ok(JSON.parse(body)) : fail(new Error(`GET ${path}: HTTP ${res.statusCode}: ${body}`))));
    });
    req.on('error', fail);
    req.end();
  });
}

/** GET as a server-side Table, i.e. what `kubectl get` prints. */
export async function getTable(k: Kube, path: string): Promise<{ columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] }> {
  return (await getRaw(k, path, 'application/json;as=Table;v=v1;g=meta.k8s.io')) as { columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] };
}
