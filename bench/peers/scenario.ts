// The peers benchmark's breakages beyond the controller scenario (bench/controller-scenario.ts: crash
// loops, image pulls, not-ready pods, Services selecting nothing), each next to a healthy look-alike
// of the same kind, in EXTRA_NAMESPACES namespaces of their own. What every tool is scored on is the
// list `breakages()` returns: a name, the objects that carry it, and the kinds a finding may name to
// count as reporting it (a crash-looping Deployment is reported when its Deployment, ReplicaSet or
// pods are named). Objects of the scenario that carry no breakage are the "healthy" ones, on which
// any finding is noise.
import type { KubeGetter } from '../../src/kube/http.js';
import { KubeRequestError } from '../../src/kube/http.js';
import { SCENARIO_ANNOTATION, appName, brokenScenario, deploymentBody, namespaceName, selectsNothing, serviceBody } from '../controller-scenario.js';
import type { ScenarioShape } from '../controller-scenario.js';

export const EXTRA_NAMESPACES = 4;
export const extraNamespace = (i: number): string => `bench-x-${i}`;
/** Pods of the extra namespaces that no node can take (the unschedulable breakage), one per namespace. */
export const EXTRA_UNBOUND_PODS = EXTRA_NAMESPACES;

const PART_OF = { 'app.kubernetes.io/part-of': 'healthreport-bench' };
const INGRESS_CLASS = 'bench-nginx';
const STORAGE_CLASS = 'bench-standard';
export const webhookName = (configuration: string): string => `${configuration}.bench.sre.otomi.io`;
const WEBHOOK_NAMESPACE_SELECTOR = { matchLabels: { 'bench.sre.otomi.io/webhook': 'never-set' } };

export interface ObjectRef {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

export interface Breakage {
  /** The breakage type, a row of the coverage table. */
  readonly type: string;
  /** The object that carries it. */
  readonly object: ObjectRef;
  /** Kinds a finding may name to count as reporting it; `prefix`: names starting with `name-` too (pods, ReplicaSets, Jobs). */
  readonly kinds: readonly string[];
  readonly prefix: boolean;
  /** Objects that suffer from it without carrying it (the Service in front of crash-looping pods): a finding there is neither coverage nor noise. */
  readonly related?: readonly ObjectRef[];
  /** Other names a tool may give the object (k8sgpt names a webhook configuration by its webhook). */
  readonly alsoNamed?: readonly string[];
}

export const BREAKAGE_TYPES: Record<string, string> = {
  crashloop: 'container crash loop',
  oomkilled: 'container OOMKilled',
  'image-pull': 'image cannot be pulled',
  'not-ready': 'pods running but not ready',
  unschedulable: 'pods unschedulable (no node matches)',
  'service-selects-nothing': 'Service selecting no pod',
  'ingress-missing-service': 'Ingress to a missing Service',
  'ingress-missing-class': 'Ingress of a missing IngressClass',
  'ingress-missing-tls-secret': 'Ingress with a missing TLS Secret',
  'pvc-missing-class': 'PVC of a missing StorageClass',
  'hpa-missing-target': 'HPA scaling a missing Deployment',
  'pdb-no-disruption': 'PDB allowing no disruption',
  'webhook-missing-service': 'webhook whose Service is missing',
  'cronjob-failing': 'CronJob whose Jobs fail',
};

const WORKLOAD = ['Deployment', 'ReplicaSet', 'Pod'];

/** Every breakage of the scenario of this shape, the controller scenario's and the extras. */
export function breakages(shape: ScenarioShape): Breakage[] {
  const out: Breakage[] = [];
  for (let n = 0; n < shape.namespaces; n += 1) {
    for (let d = 0; d < shape.deploymentsPerNamespace; d += 1) {
      const global = n * shape.deploymentsPerNamespace + d;
      const ref = { namespace: namespaceName(n), name: appName(d) };
      const scenario = brokenScenario(global);
      // The Service of the same name selects these pods: no ready endpoints is their consequence.
      if (scenario) out.push({ type: scenario, object: { kind: 'Deployment', ...ref }, kinds: WORKLOAD, prefix: true, related: [{ kind: 'Service', ...ref }] });
      if (selectsNothing(global)) out.push({ type: 'service-selects-nothing', object: { kind: 'Service', ...ref }, kinds: ['Service', 'Endpoints', 'EndpointSlice'], prefix: false });
    }
  }
  for (let i = 0; i < EXTRA_NAMESPACES; i += 1) {
    const namespace = extraNamespace(i);
    const at = (type: string, kind: string, name: string, kinds: readonly string[], prefix = false): Breakage => ({ type, object: { kind, namespace, name }, kinds, prefix });
    out.push(
      at('oomkilled', 'Deployment', 'oom', WORKLOAD, true),
      at('unschedulable', 'Deployment', 'unsched', WORKLOAD, true),
      at('ingress-missing-service', 'Ingress', 'ing-nosvc', ['Ingress']),
      at('ingress-missing-class', 'Ingress', 'ing-noclass', ['Ingress']),
      at('ingress-missing-tls-secret', 'Ingress', 'ing-notls', ['Ingress']),
      at('pvc-missing-class', 'PersistentVolumeClaim', 'data-noclass', ['PersistentVolumeClaim']),
      at('hpa-missing-target', 'HorizontalPodAutoscaler', 'hpa-ghost', ['HorizontalPodAutoscaler']),
      at('pdb-no-disruption', 'PodDisruptionBudget', 'pdb-zero', ['PodDisruptionBudget']),
      at('cronjob-failing', 'CronJob', 'nightly-fail', ['CronJob', 'Job', 'Pod'], true),
    );
  }
  out.push({ type: 'webhook-missing-service', object: { kind: 'ValidatingWebhookConfiguration', name: 'bench-webhook-ghost' }, kinds: ['ValidatingWebhookConfiguration', 'Service'], prefix: false, alsoNamed: [webhookName('bench-webhook-ghost')] });
  return out;
}

/** The healthy look-alikes of the extras: any finding on them is noise (besides the healthy controller scenario). */
export function lookAlikes(): ObjectRef[] {
  const out: ObjectRef[] = [{ kind: 'ValidatingWebhookConfiguration', name: 'bench-webhook-ok' }];
  for (let i = 0; i < EXTRA_NAMESPACES; i += 1) {
    const namespace = extraNamespace(i);
    out.push(
      ...['web', 'api', 'pinned'].map((name) => ({ kind: 'Deployment', namespace, name })),
      ...['web', 'api'].map((name) => ({ kind: 'Service', namespace, name })),
      { kind: 'Ingress', namespace, name: 'ing-ok' },
      { kind: 'PersistentVolumeClaim', namespace, name: 'data-ok' },
      { kind: 'PodDisruptionBudget', namespace, name: 'pdb-ok' },
      { kind: 'CronJob', namespace, name: 'nightly-ok' },
    );
  }
  return out;
}

async function createOnce(api: KubeGetter, path: string, body: unknown): Promise<void> {
  try {
    await api.send('POST', path, body);
  } catch (error) {
    if (!(error instanceof KubeRequestError && error.status === 409)) throw error;
  }
}

function withPodSpec(body: unknown, patch: Record<string, unknown>): unknown {
  const deployment = body as { spec: { template: { spec: Record<string, unknown> } } };
  Object.assign(deployment.spec.template.spec, patch);
  return deployment;
}

function ingress(name: string, className: string, service: string, tlsSecret?: string): unknown {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, labels: PART_OF },
    spec: {
      ingressClassName: className,
      ...(tlsSecret ? { tls: [{ hosts: [`${name}.bench.example.com`], secretName: tlsSecret }] } : {}),
      rules: [{ host: `${name}.bench.example.com`, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: service, port: { number: 80 } } } }] } }],
    },
  };
}

function cronJob(name: string, scenario: string | undefined): unknown {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, labels: PART_OF },
    spec: {
      schedule: '*/5 * * * *',
      successfulJobsHistoryLimit: 1,
      failedJobsHistoryLimit: 1,
      jobTemplate: {
        spec: {
          backoffLimit: 0,
          template: {
            metadata: { labels: { app: name }, ...(scenario ? { annotations: { [SCENARIO_ANNOTATION]: scenario } } : {}) },
            spec: {
              restartPolicy: 'Never',
              containers: [{ name: 'job', image: `registry.example.com/bench/${name}:1.0.0`, resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } } }],
            },
          },
        },
      },
    },
  };
}

/** Creates the extras (idempotent). */
export async function populateExtras(api: KubeGetter): Promise<void> {
  await createOnce(api, '/apis/networking.k8s.io/v1/ingressclasses', { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: INGRESS_CLASS, labels: PART_OF }, spec: { controller: 'k8s.io/ingress-nginx' } });
  await createOnce(api, '/apis/storage.k8s.io/v1/storageclasses', { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: STORAGE_CLASS, labels: PART_OF }, provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'Immediate' });
  for (let i = 0; i < EXTRA_NAMESPACES; i += 1) {
    const ns = extraNamespace(i);
    const at = (plural: string, group = '') => (group ? `/apis/${group}/namespaces/${ns}/${plural}` : `/api/v1/namespaces/${ns}/${plural}`);
    await createOnce(api, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: PART_OF } });
    for (const [name, replicas] of [['web', 2], ['api', 2]] as const) {
      await createOnce(api, at('deployments', 'apps/v1'), deploymentBody(name, replicas, undefined));
      await createOnce(api, at('services'), serviceBody(name, { app: name }));
    }
    await createOnce(api, at('deployments', 'apps/v1'), withPodSpec(deploymentBody('pinned', 1, undefined), { nodeSelector: { type: 'kwok' } }));
    await createOnce(api, at('deployments', 'apps/v1'), deploymentBody('oom', 1, 'oomkilled'));
    await createOnce(api, at('deployments', 'apps/v1'), withPodSpec(deploymentBody('unsched', 1, undefined), { nodeSelector: { 'bench.sre.otomi.io/disk': 'nvme-none' } }));
    // Ingresses: a TLS Secret's name is all any tool may read (the operator reads Secrets' metadata only).
    await createOnce(api, at('secrets'), { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'web-tls', labels: PART_OF }, type: 'kubernetes.io/tls', data: { 'tls.crt': '', 'tls.key': '' } });
    await createOnce(api, at('ingresses', 'networking.k8s.io/v1'), ingress('ing-ok', INGRESS_CLASS, 'web', 'web-tls'));
    await createOnce(api, at('ingresses', 'networking.k8s.io/v1'), ingress('ing-nosvc', INGRESS_CLASS, 'ghost'));
    await createOnce(api, at('ingresses', 'networking.k8s.io/v1'), ingress('ing-noclass', 'missing-class', 'web'));
    await createOnce(api, at('ingresses', 'networking.k8s.io/v1'), ingress('ing-notls', INGRESS_CLASS, 'web', 'missing-tls'));
    // Storage: a claim bound to a pre-provisioned volume of an existing class, and one of a missing class.
    await createOnce(api, '/api/v1/persistentvolumes', {
      apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: `bench-pv-${ns}`, labels: PART_OF },
      spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: STORAGE_CLASS, hostPath: { path: `/srv/${ns}` }, claimRef: { namespace: ns, name: 'data-ok' } },
    });
    for (const [name, storageClassName] of [['data-ok', STORAGE_CLASS], ['data-noclass', 'missing-sc']] as const) {
      await createOnce(api, at('persistentvolumeclaims'), { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, labels: PART_OF }, spec: { accessModes: ['ReadWriteOnce'], storageClassName, resources: { requests: { storage: '1Gi' } } } });
    }
    // No HPA look-alike: without metrics-server (none runs here) no HPA can read metrics, so none is healthy.
    await createOnce(api, at('horizontalpodautoscalers', 'autoscaling/v2'), {
      apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'hpa-ghost', labels: PART_OF },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'ghost' }, minReplicas: 1, maxReplicas: 3, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }] },
    });
    await createOnce(api, at('poddisruptionbudgets', 'policy/v1'), { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'pdb-zero', labels: PART_OF }, spec: { maxUnavailable: 0, selector: { matchLabels: { app: 'web' } } } });
    await createOnce(api, at('poddisruptionbudgets', 'policy/v1'), { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'pdb-ok', labels: PART_OF }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'api' } } } });
    await createOnce(api, at('cronjobs', 'batch/v1'), cronJob('nightly-fail', 'fail'));
    await createOnce(api, at('cronjobs', 'batch/v1'), cronJob('nightly-ok', undefined));
  }
  // Webhooks scoped by a namespace label no namespace has: they block nothing, however broken.
  const webhook = (name: string, service: string) => ({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name, labels: PART_OF },
    webhooks: [{
      name: webhookName(name),
      clientConfig: { service: { namespace: extraNamespace(0), name: service, path: '/validate', port: 80 } },
      rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['configmaps'] }],
      namespaceSelector: WEBHOOK_NAMESPACE_SELECTOR,
      failurePolicy: 'Fail',
      sideEffects: 'None',
      admissionReviewVersions: ['v1'],
      timeoutSeconds: 5,
    }],
  });
  await createOnce(api, '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations', webhook('bench-webhook-ghost', 'ghost-webhook'));
  await createOnce(api, '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations', webhook('bench-webhook-ok', 'web'));
}

/** Pods the extras add (all replicas, bound or not), for the settle wait. */
export const EXTRA_PODS = EXTRA_NAMESPACES * (2 + 2 + 1 + 1 + 1);
