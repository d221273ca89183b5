// The controller benchmark's cluster content: namespaces of Deployments (their pods made by the
// controller-manager, run by kwok) each behind a Service; a few percent broken through the kwok
// scenario annotation (crashloop, image-pull, not-ready) or a Service selector that matches nothing.
// Creation is idempotent (409 counts as done), so an interrupted population can be resumed.
import type { KubeGetter } from '../src/kube/http.js';
import { KubeRequestError, PARTIAL_METADATA_LIST } from '../src/kube/http.js';

export interface ScenarioShape {
  readonly namespaces: number;
  readonly deploymentsPerNamespace: number;
  readonly replicas: number;
}

export const FULL_SHAPE: ScenarioShape = { namespaces: 200, deploymentsPerNamespace: 10, replicas: 5 };
/** 50,000 pods: 5x the full scenario in the same 200 namespaces (the scale of issue 12). */
export const LARGE_SHAPE: ScenarioShape = { namespaces: 200, deploymentsPerNamespace: 50, replicas: 5 };
export const SCENARIO_ANNOTATION = 'e2e.sre.otomi.io/scenario';
export const NAMESPACE_PREFIX = 'bench-';

export const namespaceName = (n: number): string => `${NAMESPACE_PREFIX}${String(n).padStart(3, '0')}`;
export const appName = (d: number): string => `app-${String(d).padStart(2, '0')}`;

/** Every hundredth Deployment of each failure kind, by its global index: 3 % of the workloads. */
export function brokenScenario(globalIndex: number): string | undefined {
  switch (globalIndex % 100) {
    case 7:
      return 'crashloop';
    case 37:
      return 'image-pull';
    case 67:
      return 'not-ready';
    default:
      return undefined;
  }
}
/** 1 % of the Services select no pod at all. */
export const selectsNothing = (globalIndex: number): boolean => globalIndex % 100 === 50;

export function totals(shape: ScenarioShape): { namespaces: number; deployments: number; services: number; pods: number } {
  const deployments = shape.namespaces * shape.deploymentsPerNamespace;
  return { namespaces: shape.namespaces, deployments, services: deployments, pods: deployments * shape.replicas };
}

/** Creates the object; when it exists, `existing` says what to do (nothing, or merge-patch it to `body`). */
async function createOnce(api: KubeGetter, path: string, body: unknown, existing: 'keep' | 'patch' = 'keep'): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await api.send('POST', path, body);
      return;
    } catch (error) {
      if (error instanceof KubeRequestError && error.status === 409) {
        const name = (body as { metadata: { name: string } }).metadata.name;
        if (existing === 'patch') await api.send('PATCH', `${path}/${name}`, body, 'application/merge-patch+json');
        return;
      }
      // A namespace's default ServiceAccount or admission may lag its creation; retry briefly.
      if (attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250 * (attempt + 1)));
    }
  }
}

async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
    }),
  );
}

export function deploymentBody(name: string, replicas: number, scenario: string | undefined): unknown {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name, 'app.kubernetes.io/part-of': 'healthreport-bench' } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, ...(scenario ? { annotations: { [SCENARIO_ANNOTATION]: scenario } } : {}) },
        spec: {
          // Probes and resources as a well-run workload has them: a healthy pod raises no finding at all.
          containers: [
            {
              name: 'app',
              image: `registry.example.com/bench/${name}:1.0.0`,
              ports: [{ name: 'http', containerPort: 8080 }],
              resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } },
              readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 10 },
              livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 20 },
            },
          ],
        },
      },
    },
  };
}

export function serviceBody(name: string, selector: Record<string, string>): unknown {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, labels: { 'app.kubernetes.io/part-of': 'healthreport-bench' } },
    spec: { selector, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  };
}

/** Creates the whole scenario; `progress` is told after each namespace. */
export async function populate(api: KubeGetter, shape: ScenarioShape, progress: (doneNamespaces: number) => void = () => {}): Promise<void> {
  let done = 0;
  const namespaces = Array.from({ length: shape.namespaces }, (_, n) => n);
  await pool(namespaces, 4, async (n) => {
    const ns = namespaceName(n);
    await createOnce(api, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'app.kubernetes.io/part-of': 'healthreport-bench' } } });
    const indices = Array.from({ length: shape.deploymentsPerNamespace }, (_, d) => d);
    await pool(indices, 4, async (d) => {
      const global = n * shape.deploymentsPerNamespace + d;
      const name = appName(d);
      await createOnce(api, `/apis/apps/v1/namespaces/${ns}/deployments`, deploymentBody(name, shape.replicas, brokenScenario(global)), 'patch');
      const selector = selectsNothing(global) ? { app: `${name}-retired` } : { app: name };
      await createOnce(api, `/api/v1/namespaces/${ns}/services`, serviceBody(name, selector));
    });
    done += 1;
    progress(done);
  });
}

/**
 * How many objects a list path holds. Without a selector one item and remainingItemCount say it;
 * with a label or field selector the API server leaves remainingItemCount out, so the matching
 * objects' metadata is paged through.
 */
export async function countObjects(api: KubeGetter, path: string): Promise<number> {
  const sep = path.includes('?') ? '&' : '?';
  if (!/[?&](fieldSelector|labelSelector)=/.test(path)) {
    const page = (await api.getJson(`${path}${sep}limit=1`)) as { items?: unknown[]; metadata?: { remainingItemCount?: number } };
    return (page.items?.length ?? 0) + (page.metadata?.remainingItemCount ?? 0);
  }
  let total = 0;
  let next: string | undefined;
  do {
    const page = (await api.getJson(`${path}${sep}limit=500${next ? `&continue=${encodeURIComponent(next)}` : ''}`, PARTIAL_METADATA_LIST)) as { items?: unknown[]; metadata?: { continue?: string } };
    total += page.items?.length ?? 0;
    next = page.metadata?.continue || undefined;
  } while (next);
  return total;
}
