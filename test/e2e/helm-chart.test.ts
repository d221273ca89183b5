// The Helm chart on the real API server (the local control plane, or E2E_KUBECONFIG's cluster):
// - the Prometheus Operator's own CRDs (from its Go module) first, then `helm install` with the
//   ServiceMonitor on into a namespace that enforces the `restricted` Pod Security Standard: the
//   Deployment's pods are admitted (kwok runs them);
// - the operator started on this machine the way the installed Deployment starts it (its args, its
//   env, its config file from the installed ConfigMap) and authenticated as the chart's
//   ServiceAccount (a TokenRequest token): it leads through its Lease, writes reports and meets no
//   forbidden resource;
// - SubjectAccessReviews over every resource the API server serves: the ServiceAccount may create,
//   update or delete nothing but HealthReports and its Lease, and never GET a Secret; the built-in
//   view/edit roles reach HealthReports through aggregation;
// - `helm upgrade` with changed values (rbac.secretMetadata=false: no Secret list any more, the
//   operator still runs), `helm uninstall`: the CRD and the reports stay (crds.keep).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { AuthorizationV1Api, KubeConfig, RbacAuthorizationV1Api, loadAllYaml, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CHART, find, helm, helmBinary, parseManifests, type RenderedObject } from '../helpers/helm.js';
import { writeTempFile } from '../helpers/temp-files.js';
import { getRaw, kube, repoRoot, statusOf, waitFor, type Kube } from './kube.js';
import { freePort } from '../helpers/free-port.js';

const REPORTS = { group: 'sre.otomi.io', version: 'v1alpha1', plural: 'healthreports' };
const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
const release = `hr-${run}`;
const namespace = `hr-chart-${run}`;
const brokenNamespace = `hr-chart-broken-${run}`;
const fullname = `${release}-healthreport-operator`;
const serviceAccount = fullname;
const saUser = `system:serviceaccount:${namespace}:${serviceAccount}`;

let k: Kube;
let kubeconfig: string;
let authz: AuthorizationV1Api;

// --- helpers ------------------------------------------------------------------------------------

async function helmOk(args: readonly string[]): Promise<string> {
  const result = await helm([...args, '--kubeconfig', kubeconfig]);
  if (result.code !== 0) throw new Error(`helm ${args.join(' ')} failed (${result.code}):\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

/** Every resource (and subresource) the API server serves, by group, from discovery. */
async function servedResources(): Promise<{ group: string; resource: string; subresource?: string; namespaced: boolean }[]> {
  const core = (await getRaw(k, '/api/v1')) as { resources: { name: string; namespaced: boolean }[] };
  const groups = (await getRaw(k, '/apis')) as { groups: { name: string; preferredVersion: { groupVersion: string } }[] };
  const lists = [{ group: '', list: core }];
  for (const g of groups.groups) lists.push({ group: g.name, list: (await getRaw(k, `/apis/${g.preferredVersion.groupVersion}`)) as typeof core });
  return lists.flatMap(({ group, list }) =>
    list.resources.map((r) => {
      const [resource = r.name, subresource] = r.name.split('/');
      return { group, resource, ...(subresource ? { subresource } : {}), namespaced: r.namespaced };
    }),
  );
}

interface Access {
  readonly verb: string;
  readonly group: string;
  readonly resource: string;
  readonly subresource?: string;
  readonly namespace?: string;
  readonly name?: string;
}

/** `kubectl auth can-i --as <user>`: a SubjectAccessReview, with the groups the token would carry. */
async function allowed(user: string, access: Access, groups: string[] = []): Promise<boolean> {
  const review = await authz.createSubjectAccessReview({
    body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { user, groups: [...groups, 'system:authenticated'], resourceAttributes: { ...access } } },
  });
  return review.status?.allowed === true;
}
const saAllowed = (access: Access) => allowed(saUser, access, ['system:serviceaccounts', `system:serviceaccounts:${namespace}`]);

/** The Prometheus Operator's CRDs at the pinned version (scripts/tools/prometheus-operator-crds.sh). */
function prometheusOperatorCrds(): V1CustomResourceDefinition[] {
  const dir = execFileSync('bash', [resolve(repoRoot, 'scripts/tools/prometheus-operator-crds.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  return ['servicemonitors', 'prometheusrules'].flatMap((plural) => {
    const file = readdirSync(dir).find((f) => f === `monitoring.coreos.com_${plural}.yaml`);
    if (!file) throw new Error(`no ${plural} CRD in ${dir}`);
    return loadAllYaml(readFileSync(join(dir, file), 'utf8')) as V1CustomResourceDefinition[];
  });
}

async function applyCrd(crd: V1CustomResourceDefinition): Promise<void> {
  const name = crd.metadata?.name ?? '';
  try {
    await k.apiext.createCustomResourceDefinition({ body: crd });
  } catch (err) {
    if (statusOf(err) !== 409) throw err;
  }
  await waitFor(`CRD ${name} Established`, async () => {
    const got = await k.apiext.readCustomResourceDefinition({ name });
    return got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ? true : undefined;
  });
}

/**
 * How the image starts the container: the Dockerfile's exec-form ENTRYPOINT, which must be the
 * `healthreport` command (the chart's args begin with `run`). Here the same program runs from the
 * checkout's sources (tsx) rather than from an image.
 */
function entrypoint(): string[] {
  const dockerfile = resolve(repoRoot, 'Dockerfile');
  if (existsSync(dockerfile)) {
    const lines = readFileSync(dockerfile, 'utf8').split('\n').filter((l) => /^\s*ENTRYPOINT\s/.test(l));
    const last = lines.at(-1);
    if (!last) throw new Error('Dockerfile has no ENTRYPOINT');
    const command = JSON.parse(last.replace(/^\s*ENTRYPOINT\s+/, '')) as string[];
    expect(command[0], 'ENTRYPOINT runs node').toMatch(/(^|\/)node$/);
    expect(command.at(-1), 'ENTRYPOINT is the healthreport command, the chart passes `run`').toMatch(/cli\/bin\.js$/);
  }
  return [process.execPath, '--import', 'tsx', resolve(repoRoot, 'src/cli/bin.ts')];
}

interface Container {
  args: string[];
  env: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
  volumeMounts: { name: string; mountPath: string }[];
}

/** The installed release's objects, as `helm get manifest` returns them. */
async function installed(): Promise<RenderedObject[]> {
  return parseManifests(await helmOk(['get', 'manifest', release, '--namespace', namespace]));
}

interface Operator {
  readonly process: ChildProcess;
  readonly metrics: () => Promise<string>;
  readonly log: () => string;
  stop(): Promise<number | null>;
}

/**
 * Starts `healthreport` with the installed Deployment's args and env (downward API values filled in
 * as the kubelet would: this namespace, a pod's name), its config file written from the installed
 * ConfigMap at the mount path's stand-in, and a kubeconfig with the ServiceAccount's token (the
 * in-cluster token file, as a kubeconfig tokenFile).
 */
async function startOperator(podName: string): Promise<Operator> {
  const objects = await installed();
  const deployment = find(objects, 'Deployment')[0] as unknown as { spec: { template: { spec: { containers: Container[]; volumes: { name: string; configMap: { name: string } }[] } } } };
  const pod = deployment.spec.template.spec;
  const [container] = pod.containers;
  if (!container) throw new Error('no container');
  const configMount = container.volumeMounts.find((m) => m.name === 'config');
  const configMapName = pod.volumes.find((v) => v.name === 'config')?.configMap.name;
  const configMap = find(objects, 'ConfigMap', configMapName)[0] as unknown as { data: Record<string, string> };
  if (!configMount || !configMap) throw new Error('no config volume');
  const configDir = dirname(writeTempFile('hr-chart-config-', 'config.yaml', configMap.data['config.yaml'] ?? ''));
  const args = container.args.map((a) => a.replace(configMount.mountPath, configDir));

  const token = await k.core.createNamespacedServiceAccountToken({ name: serviceAccount, namespace, body: { spec: { audiences: [], expirationSeconds: 3600 } } });
  const tokenFile = writeTempFile('hr-chart-token-', 'token', token.status?.token ?? '');
  const cluster = k.kc.getCurrentCluster();
  const saKubeconfig = writeTempFile(
    'hr-chart-sa-',
    'kubeconfig',
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: cluster?.server, 'certificate-authority-data': cluster?.caData ?? (cluster?.caFile ? readFileSync(cluster.caFile).toString('base64') : undefined) } }],
      users: [{ name: serviceAccount, user: { tokenFile } }],
      contexts: [{ name: 'sa', context: { cluster: 'c', user: serviceAccount } }],
      'current-context': 'sa',
    }),
  );
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', KUBECONFIG: saKubeconfig };
  for (const e of container.env) {
    const field = e.valueFrom?.fieldRef?.fieldPath;
    if (field === 'metadata.namespace') env[e.name] = namespace;
    else if (field === 'metadata.name') env[e.name] = podName;
    else if (e.value !== undefined) env[e.name] = e.value;
    else throw new Error(`env ${e.name}: no stand-in for ${JSON.stringify(e.valueFrom)}`);
  }

  const [command = 'node', ...prefix] = entrypoint();
  const child = spawn(command, [...prefix, ...args], { cwd: repoRoot, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
  const port = (flag: string) => Number(args.find((a) => a.startsWith(`--${flag}=`))?.split('=')[1]);
  const metricsUrl = `http://127.0.0.1:${port('metrics-port')}/metrics`;
  const readyUrl = `http://127.0.0.1:${port('health-port')}/readyz`;
  await waitFor('the operator to be ready', async () => {
    if (child.exitCode !== null) throw new Error(`the operator exited ${child.exitCode}:\n${log}`);
    return (await fetch(readyUrl).catch(() => undefined))?.status === 200 ? true : undefined;
  }, { timeoutMs: 90_000 });
  return {
    process: child,
    metrics: async () => (await fetch(metricsUrl)).text(),
    log: () => log,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

function metricValues(text: string, name: string): number[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`))
    .map((line) => Number(line.split(' ').at(-1)));
}

// --- the test -----------------------------------------------------------------------------------

let operator: Operator | undefined;
let metricsPort: number;
let healthPort: number;

beforeAll(async () => {
  helmBinary(); // built once per machine (minutes), cached afterwards
  k = kube();
  kubeconfig = inject('kubeconfig');
  authz = k.kc.makeApiClient(AuthorizationV1Api);
  for (const crd of prometheusOperatorCrds()) await applyCrd(crd);
  // An earlier run (or another test file) left the HealthReport CRD; this file installs it fresh.
  await k.apiext.deleteCustomResourceDefinition({ name: 'healthreports.sre.otomi.io' }).catch((err: unknown) => {
    if (statusOf(err) !== 404) throw err;
  });
  await waitFor('the old HealthReport CRD to be gone', async () =>
    (await k.apiext.readCustomResourceDefinition({ name: 'healthreports.sre.otomi.io' }).then(() => false).catch((err: unknown) => statusOf(err) === 404)) ? true : undefined,
  );
  await k.core.createNamespace({ body: { metadata: { name: namespace, labels: { 'e2e.sre.otomi.io/test': 'true', 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest' } } } });
  await k.core.createNamespace({ body: { metadata: { name: brokenNamespace, labels: { 'e2e.sre.otomi.io/test': 'true' } } } });
  // Pods (even a dry run) are refused before the namespace's default ServiceAccount exists.
  for (const name of [namespace, brokenNamespace]) {
    await waitFor(`ServiceAccount ${name}/default`, async () => ((await k.core.readNamespacedServiceAccount({ name: 'default', namespace: name }).catch(() => undefined)) ? true : undefined));
  }
  [metricsPort, healthPort] = [await freePort(), await freePort()];
}, 30 * 60_000);

afterAll(async () => {
  await operator?.stop();
  await helm(['uninstall', release, '--namespace', namespace, '--kubeconfig', kubeconfig]).catch(() => undefined);
  for (const name of [namespace, brokenNamespace]) await k?.core.deleteNamespace({ name }).catch(() => undefined);
});

describe.sequential('the Helm chart on a real API server', () => {
  it('is admitted under the restricted Pod Security Standard: helm install, the pods exist', async () => {
    // The namespace really enforces `restricted`: a pod without the securityContext is refused.
    await expect(
      k.core.createNamespacedPod({ namespace, dryRun: 'All', body: { metadata: { name: 'plain' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } }),
    ).rejects.toThrow(/violates PodSecurity .*restricted:latest/);

    await helmOk([
      'install', release, CHART, '--namespace', namespace,
      '--set', `metrics.port=${metricsPort}`, '--set', `health.port=${healthPort}`,
      '--set', 'serviceMonitor.enabled=true', '--set', 'serviceMonitor.additionalLabels.release=kube-prometheus-stack',
      // Checks that wait before reporting fire at once here.
      '--set', 'config.analysis.thresholds.podStartGracePeriod=0s',
    ]);
    const deployment = await k.apps.readNamespacedDeployment({ name: fullname, namespace });
    expect(deployment.spec?.replicas).toBe(2);
    const pods = await waitFor('2 running operator pods', async () => {
      const list = await k.core.listNamespacedPod({ namespace, labelSelector: `app.kubernetes.io/instance=${release}` });
      const running = list.items.filter((p) => p.status?.phase === 'Running');
      return running.length === 2 ? running : undefined;
    }, { timeoutMs: 90_000 });
    expect(pods.map((p) => p.spec?.securityContext?.runAsUser)).toEqual([65532, 65532]);
    const sets = await k.apps.listNamespacedReplicaSet({ namespace });
    for (const rs of sets.items) expect(rs.status?.conditions?.filter((c) => c.type === 'ReplicaFailure') ?? []).toEqual([]);
    const events = await k.core.listNamespacedEvent({ namespace });
    expect(events.items.filter((e) => e.reason === 'FailedCreate').map((e) => e.message)).toEqual([]);

    const monitors = (await k.custom.listNamespacedCustomObject({ group: 'monitoring.coreos.com', version: 'v1', namespace, plural: 'servicemonitors' })) as { items: RenderedObject[] };
    expect(monitors.items.map((m) => m.metadata.labels?.release)).toEqual(['kube-prometheus-stack']);
    const crd = await k.apiext.readCustomResourceDefinition({ name: 'healthreports.sre.otomi.io' });
    expect(crd.metadata?.annotations?.['helm.sh/resource-policy']).toBe('keep');
  }, 300_000);

  it('runs as the chart would run it, as its ServiceAccount: leads, writes reports, nothing forbidden', async () => {
    const [pod] = (await k.core.listNamespacedPod({ namespace, labelSelector: `app.kubernetes.io/instance=${release}` })).items;
    operator = await startOperator(pod?.metadata?.name ?? 'operator');
    await k.apps.createNamespacedDeployment({
      namespace: brokenNamespace,
      body: {
        metadata: { name: 'checkout' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'checkout' } },
          template: {
            metadata: { labels: { app: 'checkout' }, annotations: { 'e2e.sre.otomi.io/scenario': 'crashloop' } },
            spec: { containers: [{ name: 'app', image: 'registry.example.com/shop/checkout:1.0.0' }] },
          },
        },
      },
    });
    const report = await waitFor('the report of the crash-looping Deployment', async () => {
      const got = (await k.custom.getNamespacedCustomObject({ ...REPORTS, namespace: brokenNamespace, name: 'deployment-checkout' }).catch(() => undefined)) as { status?: { findings?: { check: string }[] } } | undefined;
      return got?.status?.findings?.some((f) => f.check === 'PodCrashLooping') ? got : undefined;
    }, { timeoutMs: 90_000 });
    expect(report.status?.findings?.length).toBeGreaterThan(0);

    const metrics = await operator.metrics();
    expect(metricValues(metrics, 'healthreport_leader')).toEqual([1]);
    expect(metricValues(metrics, 'healthreport_resource_forbidden').filter((v) => v !== 0), operator.log()).toEqual([]);
    const lease = await k.custom.getNamespacedCustomObject({ group: 'coordination.k8s.io', version: 'v1', namespace, plural: 'leases', name: 'healthreport-operator' }) as { spec: { holderIdentity: string } };
    expect(lease.spec.holderIdentity).toContain(pod?.metadata?.name ?? 'operator');
    expect(operator.log()).not.toMatch(/forbidden/i);
  }, 300_000);

  it('grants nothing more: no write outside HealthReports and its Lease, no Secret GET', async () => {
    const resources = await servedResources();
    const writes = ['create', 'update', 'patch', 'delete', 'deletecollection'];
    // What every ServiceAccount may do anyway (system:basic-user: self-reviews): the namespace's
    // default ServiceAccount, which no binding names, asked the same questions.
    const baselineUser = `system:serviceaccount:${namespace}:default`;
    const allowedWrites: string[] = [];
    const baseline: string[] = [];
    const checks: (() => Promise<void>)[] = [];
    for (const r of resources) {
      for (const verb of writes) {
        for (const ns of r.namespaced ? [namespace, brokenNamespace] : [undefined]) {
          const access = { verb, group: r.group, resource: r.resource, ...(r.subresource ? { subresource: r.subresource } : {}), ...(ns ? { namespace: ns } : {}) };
          const line = `${verb} ${r.group}/${r.resource}${r.subresource ? `/${r.subresource}` : ''} in ${ns ?? '(cluster)'}`;
          checks.push(async () => {
            const [sa, other] = await Promise.all([saAllowed(access), allowed(baselineUser, access, ['system:serviceaccounts', `system:serviceaccounts:${namespace}`])]);
            if (sa) allowedWrites.push(line);
            if (other) baseline.push(line);
          });
        }
      }
    }
    for (let i = 0; i < checks.length; i += 50) await Promise.all(checks.slice(i, i + 50).map((c) => c()));
    expect(checks.length).toBeGreaterThan(300);
    expect(baseline.every((line) => line.includes('/selfsubject')), baseline.join('\n')).toBe(true);
    expect(allowedWrites.sort()).toEqual(
      [
        ...baseline,
        `create coordination.k8s.io/leases in ${namespace}`,
        ...['create', 'delete', 'update'].flatMap((verb) => [namespace, brokenNamespace].map((ns) => `${verb} sre.otomi.io/healthreports in ${ns}`)),
        ...[namespace, brokenNamespace].map((ns) => `update sre.otomi.io/healthreports/status in ${ns}`),
      ].sort(),
    );
    // The Lease: only its own name, only in the release namespace.
    expect(await saAllowed({ verb: 'update', group: 'coordination.k8s.io', resource: 'leases', namespace, name: 'healthreport-operator' })).toBe(true);
    expect(await saAllowed({ verb: 'update', group: 'coordination.k8s.io', resource: 'leases', namespace, name: 'kube-scheduler' })).toBe(false);
    expect(await saAllowed({ verb: 'get', group: 'coordination.k8s.io', resource: 'leases', namespace: brokenNamespace, name: 'healthreport-operator' })).toBe(false);
    // Secrets: listed as metadata, never fetched by name; no logs, no events written.
    expect(await saAllowed({ verb: 'list', group: '', resource: 'secrets', namespace: brokenNamespace })).toBe(true);
    expect(await saAllowed({ verb: 'get', group: '', resource: 'secrets', namespace: brokenNamespace, name: 'any' })).toBe(false);
    expect(await saAllowed({ verb: 'get', group: '', resource: 'pods', subresource: 'log', namespace: brokenNamespace, name: 'any' })).toBe(false);

    // The same questions asked by the ServiceAccount itself (kubectl auth can-i with its token).
    const token = await k.core.createNamespacedServiceAccountToken({ name: serviceAccount, namespace, body: { spec: { audiences: [], expirationSeconds: 600 } } });
    const asSa = new KubeConfig();
    const cluster = k.kc.getCurrentCluster();
    asSa.loadFromOptions({
      clusters: [{ name: 'c', server: cluster?.server ?? '', caData: cluster?.caData, caFile: cluster?.caFile, skipTLSVerify: false }],
      users: [{ name: 'sa', token: token.status?.token }],
      contexts: [{ name: 'sa', cluster: 'c', user: 'sa' }],
      currentContext: 'sa',
    });
    const self = asSa.makeApiClient(AuthorizationV1Api);
    const canI = async (attrs: Access) => (await self.createSelfSubjectAccessReview({ body: { spec: { resourceAttributes: { ...attrs } } } })).status?.allowed === true;
    expect(await canI({ verb: 'watch', group: 'sre.otomi.io', resource: 'healthreports' })).toBe(true);
    expect(await canI({ verb: 'create', group: '', resource: 'events', namespace })).toBe(false);
    expect(await canI({ verb: 'get', group: '', resource: 'secrets', namespace, name: 'x' })).toBe(false);
  }, 300_000);

  it('the built-in view role reads HealthReports, edit deletes them (aggregated ClusterRoles)', async () => {
    const rbacApi = k.kc.makeApiClient(RbacAuthorizationV1Api);
    for (const [user, role] of [['viewer', 'view'], ['editor', 'edit']] as const) {
      await rbacApi.createNamespacedRoleBinding({
        namespace: brokenNamespace,
        body: { metadata: { name: `${user}-${role}` }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }] },
      });
    }
    const reports = { group: 'sre.otomi.io', resource: 'healthreports', namespace: brokenNamespace };
    // The clusterrole-aggregation controller adds the rules within seconds.
    await waitFor('view to include HealthReports', async () => ((await allowed('viewer', { ...reports, verb: 'list' })) ? true : undefined));
    expect(await allowed('viewer', { ...reports, verb: 'delete' })).toBe(false);
    await waitFor('edit to delete HealthReports', async () => ((await allowed('editor', { ...reports, verb: 'delete' })) ? true : undefined));
  }, 120_000);

  it('helm upgrade with changed values: fewer replicas, new config, no Secret access; the operator still runs', async () => {
    expect(await operator?.stop()).toBe(0);
    operator = undefined;
    const before = await k.apps.readNamespacedDeployment({ name: fullname, namespace });
    await helmOk(['upgrade', release, CHART, '--namespace', namespace, '--reuse-values', '--set', 'replicaCount=1', '--set', 'rbac.secretMetadata=false', '--set', 'config.workers=3']);
    const after = await k.apps.readNamespacedDeployment({ name: fullname, namespace });
    expect(after.spec?.replicas).toBe(1);
    expect(after.spec?.template.metadata?.annotations?.['checksum/config']).not.toBe(before.spec?.template.metadata?.annotations?.['checksum/config']);
    const configMap = await k.core.readNamespacedConfigMap({ name: fullname, namespace });
    expect(load(configMap.data?.['config.yaml'] ?? '')).toMatchObject({ workers: 3, analysis: { thresholds: { podStartGracePeriod: '0s' } } });
    expect(await saAllowed({ verb: 'list', group: '', resource: 'secrets', namespace: brokenNamespace })).toBe(false);

    const [pod] = (await k.core.listNamespacedPod({ namespace, labelSelector: `app.kubernetes.io/instance=${release}` })).items;
    operator = await startOperator(pod?.metadata?.name ?? 'operator');
    const metrics = await operator.metrics();
    // Secrets, and only they, are forbidden now; the checks that need them are dormant.
    const forbidden = metrics.split('\n').filter((l) => l.startsWith('healthreport_resource_forbidden{') && !l.endsWith(' 0'));
    expect(forbidden).toHaveLength(1);
    expect(forbidden[0]).toContain('Secret');
    expect(await operator.stop()).toBe(0);
    operator = undefined;
  }, 300_000);

  it('helm uninstall removes the operator but keeps the CRD and every report (crds.keep)', async () => {
    await helmOk(['uninstall', release, '--namespace', namespace]);
    await expect(k.apps.readNamespacedDeployment({ name: fullname, namespace })).rejects.toThrow();
    const rbacApi = k.kc.makeApiClient(RbacAuthorizationV1Api);
    expect(statusOf(await rbacApi.readClusterRole({ name: fullname }).catch((e: unknown) => e))).toBe(404);
    const crd = await k.apiext.readCustomResourceDefinition({ name: 'healthreports.sre.otomi.io' });
    expect(crd.metadata?.deletionTimestamp).toBeUndefined();
    const report = await k.custom.getNamespacedCustomObject({ ...REPORTS, namespace: brokenNamespace, name: 'deployment-checkout' });
    expect(report).toBeTruthy();
  }, 120_000);
});
