// The chart rendered by the real helm (pinned, built from Go modules by scripts/tools/build-helm.sh
// and cached): `helm lint --strict` and `helm template` with the default values and with every
// toggle on; what the objects say (RBAC equal to the registry's needs, CRDs equal to crds/, a
// Deployment started the way the operator expects); values.schema.json rejecting bad values.
// test/e2e/helm-chart.test.ts installs it on a real API server.
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { load } from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseControllerConfig } from '../../src/config/controller.js';
import { operatorRbac } from '../../src/delivery/rbac.js';
import { CHART, find, helm, helmBinary, renderChart, repoRoot } from '../helpers/helm.js';
import type { RenderedObject } from '../helpers/helm.js';
import { writeTempFile } from '../helpers/temp-files.js';

/** Every optional object and every pod placement value on. */
export const ALL_TOGGLES_ON = {
  replicaCount: 3,
  config: { workers: 4, reports: { maxFindingsPerReport: 40 }, analysis: { thresholds: { podUnschedulableAfter: '1m' } } },
  serviceMonitor: { enabled: true, additionalLabels: { release: 'kube-prometheus-stack' }, interval: '15s', scrapeTimeout: '5s', cluster: 'prod-eu-1' },
  prometheusRule: { enabled: true, additionalLabels: { release: 'kube-prometheus-stack' }, runbookBaseUrl: 'https://docs.example.org/checks.md' },
  grafanaDashboard: { enabled: true, additionalLabels: { team: 'sre' }, folder: 'SRE' },
  networkPolicy: { enabled: true, metricsFrom: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], apiServer: { cidrs: ['10.0.0.1/32'], ports: [6443] } },
  priorityClassName: 'system-cluster-critical',
  nodeSelector: { 'kubernetes.io/os': 'linux' },
  tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'ops', effect: 'NoSchedule' }],
  affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [{ key: 'node-role', operator: 'In', values: ['ops'] }] } }] } },
  podAnnotations: { 'example.org/team': 'sre' },
  podLabels: { team: 'sre' },
  imagePullSecrets: [{ name: 'regcred' }],
  serviceAccount: { annotations: { 'iam.example.org/role': 'healthreport' } },
  service: { annotations: { 'example.org/scrape': 'true' } },
  extraArgs: ['--namespace=team-a'],
  extraEnv: [{ name: 'NODE_OPTIONS', value: '--max-old-space-size=384' }],
  image: { repository: 'registry.example.org/healthreport-operator', digest: `sha256:${'a'.repeat(64)}` },
};

const valuesFile = (values: unknown): string => writeTempFile('healthreport-values-', 'values.yaml', JSON.stringify(values));

function deploymentOf(objects: readonly RenderedObject[]) {
  const [deployment] = find(objects, 'Deployment');
  if (!deployment) throw new Error('no Deployment rendered');
  return deployment as unknown as {
    spec: {
      replicas: number;
      template: {
        metadata: { annotations: Record<string, string>; labels: Record<string, string> };
        spec: {
          serviceAccountName: string;
          automountServiceAccountToken: boolean;
          securityContext: Record<string, unknown>;
          priorityClassName?: string;
          topologySpreadConstraints?: unknown[];
          nodeSelector?: Record<string, string>;
          tolerations?: unknown[];
          affinity?: unknown;
          containers: {
            image: string;
            args: string[];
            env: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
            ports: { name: string; containerPort: number }[];
            livenessProbe: { httpGet: { path: string; port: string } };
            readinessProbe: { httpGet: { path: string; port: string } };
            resources: { requests: Record<string, string>; limits: Record<string, string> };
            securityContext: Record<string, unknown>;
            volumeMounts: { name: string; mountPath: string }[];
          }[];
          volumes: { name: string; configMap: { name: string } }[];
        };
      };
    };
  };
}

function clusterRoleRules(objects: readonly RenderedObject[]): unknown {
  const [role] = find(objects, 'ClusterRole', 'healthreport-healthreport-operator');
  return (role as unknown as { rules: unknown }).rules;
}

describe('the chart, rendered by helm', () => {
  let defaults: RenderedObject[];
  let allOn: RenderedObject[];

  beforeAll(async () => {
    helmBinary(); // a first build on a fresh machine takes minutes; later calls are instant
    [defaults, allOn] = await Promise.all([renderChart(), renderChart(['--values', valuesFile(ALL_TOGGLES_ON)])]);
  }, 30 * 60_000);

  it('passes helm lint --strict with the default values and with every toggle on', async () => {
    for (const args of [[], ['--values', valuesFile(ALL_TOGGLES_ON)]]) {
      const result = await helm(['lint', '--strict', CHART, '--namespace', 'healthreport-system', ...args]);
      expect(result.code, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
    }
  });

  it('renders the default objects, and the optional ones only when asked', () => {
    const kinds = defaults.map((o) => o.kind).sort();
    expect(kinds).toEqual(['ClusterRole', 'ClusterRole', 'ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'CustomResourceDefinition', 'Deployment', 'PodDisruptionBudget', 'Role', 'RoleBinding', 'Service', 'ServiceAccount']);
    for (const kind of ['ServiceMonitor', 'NetworkPolicy']) expect(find(allOn, kind)).toHaveLength(1);
    for (const o of defaults) expect(o.metadata.labels?.['app.kubernetes.io/instance'], `${o.kind} ${o.metadata.name}`).toBe('healthreport');
  });

  it('renders the CRDs of crds/ unchanged but for labels and the keep annotation', async () => {
    const sources = readdirSync(resolve(repoRoot, 'crds')).filter((f) => f.endsWith('.yaml')).map((f) => load(readFileSync(resolve(repoRoot, 'crds', f), 'utf8')) as RenderedObject);
    const rendered = find(defaults, 'CustomResourceDefinition');
    expect(rendered.map((c) => c.metadata.name).sort()).toEqual(sources.map((c) => c.metadata.name).sort());
    for (const source of sources) {
      const crd = rendered.find((c) => c.metadata.name === source.metadata.name);
      const { labels, annotations, ...metadata } = crd?.metadata ?? { name: '' };
      const { labels: sourceLabels, annotations: sourceAnnotations, ...sourceMetadata } = source.metadata;
      expect({ ...crd, metadata }).toEqual({ ...source, metadata: sourceMetadata });
      expect(labels).toMatchObject(sourceLabels ?? {});
      expect(annotations).toMatchObject(sourceAnnotations ?? {});
      expect(annotations?.['helm.sh/resource-policy']).toBe('keep');
      expect(labels?.['app.kubernetes.io/managed-by']).toBe('Helm');
    }
    const notKept = await renderChart(['--set', 'crds.keep=false']);
    expect(find(notKept, 'CustomResourceDefinition')[0]?.metadata.annotations?.['helm.sh/resource-policy']).toBeUndefined();
    expect(find(await renderChart(['--set', 'crds.enabled=false']), 'CustomResourceDefinition')).toEqual([]);
  });

  it('grants exactly the rules the registry derives, Secrets and logs only when asked', async () => {
    const rbac = operatorRbac();
    expect(clusterRoleRules(defaults)).toEqual([...rbac.read, ...rbac.reports, ...rbac.secretMetadata]);
    expect(clusterRoleRules(await renderChart(['--set', 'rbac.secretMetadata=false']))).toEqual([...rbac.read, ...rbac.reports]);
    expect(clusterRoleRules(await renderChart(['--set', 'config.evidence.logs=true']))).toEqual([...rbac.read, ...rbac.reports, ...rbac.secretMetadata, ...rbac.podLogs]);

    const [role] = find(defaults, 'Role');
    expect(role?.metadata.namespace).toBe('healthreport-system');
    expect((role as unknown as { rules: unknown }).rules).toEqual([
      ...rbac.leaseCreate,
      ...rbac.leaseNamed.map((r) => ({ apiGroups: r.apiGroups, resources: r.resources, resourceNames: ['healthreport-operator'], verbs: r.verbs })),
    ]);
    const [binding] = find(defaults, 'ClusterRoleBinding');
    expect((binding as unknown as { subjects: unknown }).subjects).toEqual([{ kind: 'ServiceAccount', name: 'healthreport-healthreport-operator', namespace: 'healthreport-system' }]);

    const view = find(defaults, 'ClusterRole', 'healthreport-healthreport-operator-view')[0];
    const edit = find(defaults, 'ClusterRole', 'healthreport-healthreport-operator-edit')[0];
    expect(view?.metadata.labels).toMatchObject({ 'rbac.authorization.k8s.io/aggregate-to-view': 'true', 'rbac.authorization.k8s.io/aggregate-to-edit': 'true', 'rbac.authorization.k8s.io/aggregate-to-admin': 'true' });
    expect(edit?.metadata.labels).toMatchObject({ 'rbac.authorization.k8s.io/aggregate-to-edit': 'true', 'rbac.authorization.k8s.io/aggregate-to-admin': 'true' });
    expect(edit?.metadata.labels?.['rbac.authorization.k8s.io/aggregate-to-view']).toBeUndefined();
  });

  it('starts the operator with leader election, its config file, POD_NAMESPACE, probes and restricted security', () => {
    const deployment = deploymentOf(defaults);
    const pod = deployment.spec.template.spec;
    const [container] = pod.containers;
    if (!container) throw new Error('no container');
    expect(deployment.spec.replicas).toBe(2);
    expect(container.image).toBe(`healthreport-operator:${JSON.parse(readFileSync(resolve(repoRoot, 'package.json'), 'utf8')).version}`);
    expect(container.args).toEqual(['run', '--config=/etc/healthreport-operator/config.yaml', '--leader-elect=true', '--metrics-port=8080', '--health-port=8081', '--log-level=info']);
    expect(container.volumeMounts).toEqual([{ name: 'config', mountPath: '/etc/healthreport-operator', readOnly: true }]);
    expect(pod.volumes).toEqual([{ name: 'config', configMap: { name: 'healthreport-healthreport-operator' } }]);
    expect(container.env.find((e) => e.name === 'POD_NAMESPACE')?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.namespace');
    expect(container.ports).toEqual([{ name: 'metrics', containerPort: 8080, protocol: 'TCP' }, { name: 'health', containerPort: 8081, protocol: 'TCP' }]);
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'health' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'health' });
    expect(container.resources.requests.memory).toBe('320Mi');
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 65532, capabilities: { drop: ['ALL'] } });
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(find(defaults, 'ServiceAccount')[0]).toMatchObject({ automountServiceAccountToken: false });
    expect(pod.topologySpreadConstraints).toHaveLength(1);
    expect(find(defaults, 'PodDisruptionBudget')[0]).toMatchObject({ spec: { minAvailable: 1 } });
  });

  it('renders a config file the operator accepts, and rolls the pods when it changes', async () => {
    for (const objects of [defaults, allOn]) {
      const [configMap] = find(objects, 'ConfigMap');
      const text = (configMap as unknown as { data: Record<string, string> }).data['config.yaml'] ?? '';
      expect(() => parseControllerConfig(load(text), 'config.yaml')).not.toThrow();
    }
    const [configMap] = find(allOn, 'ConfigMap');
    expect(load((configMap as unknown as { data: Record<string, string> }).data['config.yaml'] ?? '')).toEqual(ALL_TOGGLES_ON.config);
    expect(deploymentOf(allOn).spec.template.metadata.annotations['checksum/config']).not.toBe(deploymentOf(defaults).spec.template.metadata.annotations['checksum/config']);
  });

  it('takes every placement, extra and monitoring value', () => {
    const deployment = deploymentOf(allOn);
    const pod = deployment.spec.template.spec;
    const [container] = pod.containers;
    expect(deployment.spec.replicas).toBe(3);
    expect(pod.priorityClassName).toBe('system-cluster-critical');
    expect(pod.nodeSelector).toEqual(ALL_TOGGLES_ON.nodeSelector);
    expect(pod.tolerations).toEqual(ALL_TOGGLES_ON.tolerations);
    expect(pod.affinity).toEqual(ALL_TOGGLES_ON.affinity);
    expect(deployment.spec.template.metadata.labels.team).toBe('sre');
    expect(container?.image).toBe(`registry.example.org/healthreport-operator@sha256:${'a'.repeat(64)}`);
    expect(container?.args.at(-1)).toBe('--namespace=team-a');
    expect(container?.env.at(-1)).toEqual({ name: 'NODE_OPTIONS', value: '--max-old-space-size=384' });

    const [monitor] = find(allOn, 'ServiceMonitor');
    const [service] = find(allOn, 'Service');
    expect(monitor?.metadata.labels?.release).toBe('kube-prometheus-stack');
    const spec = (monitor as unknown as { spec: { selector: { matchLabels: Record<string, string> }; endpoints: { port: string; interval: string; relabelings: unknown[] }[] } }).spec;
    expect(service?.metadata.labels).toMatchObject(spec.selector.matchLabels);
    expect(spec.endpoints[0]).toMatchObject({ port: 'metrics', interval: '15s', honorLabels: true, relabelings: [{ action: 'replace', targetLabel: 'cluster', replacement: 'prod-eu-1' }] });

    const [policy] = find(allOn, 'NetworkPolicy');
    const np = (policy as unknown as { spec: { ingress: { ports: { port: string }[] }[]; egress: { ports: { port: number | string; protocol: string }[]; to?: unknown[] }[] } }).spec;
    expect(np.ingress.flatMap((r) => r.ports.map((p) => p.port))).toEqual(['metrics', 'health']);
    expect(np.egress[0]).toEqual({ ports: [{ port: 6443, protocol: 'TCP' }], to: [{ ipBlock: { cidr: '10.0.0.1/32' } }] });
    expect(np.egress[1]?.ports).toEqual([{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }]);
  });

  it('labels series with serviceMonitor.cluster only when it is set, and scopes the operator-down alert to that cluster', async () => {
    type Monitor = { spec: { endpoints: { relabelings?: unknown[] }[] } };
    type Rules = { spec: { groups: { rules: { alert: string; expr: string }[] }[] } };
    const operatorDown = (objects: RenderedObject[]) =>
      (find(objects, 'PrometheusRule')[0] as unknown as Rules).spec.groups.flatMap((g) => g.rules).find((r) => r.alert === 'HealthReportOperatorDown')?.expr;
    const single = await renderChart(['--set', 'serviceMonitor.enabled=true', '--set', 'prometheusRule.enabled=true']);
    // One cluster per Prometheus (its external_labels name it): no relabeling, no selector.
    expect((find(single, 'ServiceMonitor')[0] as unknown as Monitor).spec.endpoints[0]?.relabelings).toBeUndefined();
    expect(operatorDown(single)).not.toContain('cluster=');
    const [monitor] = find(allOn, 'ServiceMonitor');
    expect((monitor as unknown as Monitor).spec.endpoints[0]?.relabelings).toEqual([{ action: 'replace', targetLabel: 'cluster', replacement: 'prod-eu-1' }]);
    const scoped = operatorDown(allOn) ?? '';
    expect(scoped.match(/healthreport_build_info\{cluster="prod-eu-1"\}/g)).toHaveLength(3);
    expect(scoped).toContain('group by (cluster)');
  });

  it('rejects a wrong type and an unknown top-level key with a message naming it', async () => {
    const wrongType = await helm(['template', 'x', CHART, '--set', 'replicaCount=two']);
    expect(wrongType.code).not.toBe(0);
    expect(wrongType.stderr).toMatch(/replicaCount/);
    expect(wrongType.stderr).toMatch(/integer/);
    const unknownKey = await helm(['template', 'x', CHART, '--set', 'replicas=2']);
    expect(unknownKey.code).not.toBe(0);
    expect(unknownKey.stderr).toMatch(/additional propert(y|ies) 'replicas' not allowed/);
    const nestedTypo = await helm(['template', 'x', CHART, '--set', 'serviceMonitor.enable=true']);
    expect(nestedTypo.stderr).toMatch(/'enable' not allowed/);
    // The operator's configuration is checked at install time too, by its own schema converted.
    const configTypo = await helm(['template', 'x', CHART, '--set', 'config.workerz=3']);
    expect(configTypo.code).not.toBe(0);
    expect(configTypo.stderr).toMatch(/at '\/config': additional properties 'workerz' not allowed/);
    const configType = await helm(['template', 'x', CHART, '--set', 'config.workers=many']);
    expect(configType.stderr).toMatch(/at '\/config\/workers': got string, want integer/);
  });
});
