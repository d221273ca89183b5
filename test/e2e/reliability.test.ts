// Reliability of `healthreport run` on the shared control plane: leader handover after a crash,
// zero writes on a steady cluster, and a kind forbidden by RBAC. The scenarios that kill the
// apiserver or compact etcd run on a private control plane: reliability-control-plane.test.ts.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { KIND_DESCRIPTORS, KIND_NAMES } from '../../src/model/kinds.js';
import { REPORT_GROUP, REPORT_PLURAL, readReport, waitForFinding } from './controller-harness.js';
import { applyProjectCrds, kube, tempNamespace, waitFor, type Kube } from './kube.js';
import { controllerConfig, startChild, startInProcess, type ChildController, type InProcessController, type RunningController } from './reliability-helpers.js';



let k: Kube;
beforeAll(async () => {
  k = kube();
  await applyProjectCrds(k);
});

/** A Service whose selector matches no pod: a ServiceSelectorMatchesNothing finding. */
async function orphanService(namespace: string, name: string): Promise<void> {
  await k.core.createNamespacedService({
    namespace,
    body: { metadata: { name }, spec: { selector: { app: `${name}-nothing` }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } },
  });
}

/** All report writes so far (every operation and result); 0 before the first write. */
async function writes(c: RunningController): Promise<number> {
  return (await c.metric('healthreport_report_writes_total')) ?? 0;
}

describe('two replicas with leader election', () => {
  let ns: { name: string; remove: () => Promise<void> };
  let first: ChildController | undefined;
  let second: InProcessController | undefined;

  afterAll(async () => {
    await first?.kill('SIGKILL');
    if (second) expect(await second.stop()).toBe(0);
    await ns?.remove();
  });

  it('only the leader writes; when it crashes the other replica takes over within the lease duration and writes', async () => {
    ns = await tempNamespace(k, 'e2e-rel-leader');
    const leaseDurationMs = 4000;
    const retryPeriodMs = 1000;
    const config = controllerConfig(
      `namespaces: [${ns.name}]\noperatorNamespace: ${ns.name}\n` +
        `leaderElection: {enabled: true, leaseName: healthreport-e2e, leaseDuration: 4s, renewDeadline: 3s, retryPeriod: 1s}\n` +
        `analysis: {thresholds: {serviceNoReadyEndpointsAfter: 0s}}\n`,
    );
    const kubeconfig = inject('kubeconfig');
    // The replica to crash runs as a child process: SIGKILL, no lease release, no goodbye.
    first = await startChild(kubeconfig, config);
    await waitFor('the first replica to lead', async () => ((await first!.metric('healthreport_leader')) === 1 ? true : undefined), { intervalMs: 200 });
    second = await startInProcess(kubeconfig, config);
    await waitFor('the second replica to be ready', async () => ((await second!.ready()) ? true : undefined), { intervalMs: 200 });

    await orphanService(ns.name, 'before-crash');
    await waitForFinding(k, ns.name, 'service-before-crash', 'ServiceSelectorMatchesNothing');
    // Both are ready and have seen the change; exactly one has written.
    expect(await first.metric('healthreport_leader')).toBe(1);
    expect(await second.metric('healthreport_leader')).toBe(0);
    expect(await writes(first)).toBeGreaterThan(0);
    expect(await writes(second)).toBe(0);
    const lease = await k.custom.getNamespacedCustomObject({ group: 'coordination.k8s.io', version: 'v1', namespace: ns.name, plural: 'leases', name: 'healthreport-e2e' }) as { spec: { holderIdentity: string } };
    expect(lease.spec.holderIdentity).not.toBe('');

    const crashedAt = Date.now();
    await first.kill('SIGKILL');
    await waitFor('the second replica to take over', async () => ((await second!.metric('healthreport_leader')) === 1 ? true : undefined), { timeoutMs: 20_000, intervalMs: 50 });
    const takeoverMs = Date.now() - crashedAt;
    console.log(`reliability: takeover ${takeoverMs} ms after SIGKILL of the leader (leaseDuration ${leaseDurationMs} ms)`);
    // The candidate waits a full lease duration from when it last saw the record change, then tries
    // at its next retry (retryPeriod with 20% jitter).
    expect(takeoverMs).toBeLessThan(leaseDurationMs + 1.2 * retryPeriodMs + 1000);
    // And not much sooner: a crashed leader releases nothing, so the lease had to run out (a released
    // lease would be taken at the next retry, about a second).
    expect(takeoverMs).toBeGreaterThan(leaseDurationMs - 1.2 * retryPeriodMs - 500);
    const after = await k.custom.getNamespacedCustomObject({ group: 'coordination.k8s.io', version: 'v1', namespace: ns.name, plural: 'leases', name: 'healthreport-e2e' }) as { spec: { holderIdentity: string; leaseTransitions?: number } };
    expect(after.spec.holderIdentity).not.toBe(lease.spec.holderIdentity);

    const changedAt = Date.now();
    await orphanService(ns.name, 'after-crash');
    await waitForFinding(k, ns.name, 'service-after-crash', 'ServiceSelectorMatchesNothing');
    console.log(`reliability: new leader reported a change in ${Date.now() - changedAt} ms`);
    expect(await writes(second)).toBeGreaterThan(0);
  });
});

describe('a steady cluster', () => {
  let ns: { name: string; remove: () => Promise<void> };
  // A child process, for its info logs: a failure names the reports written in the window.
  let controller: ChildController | undefined;

  afterAll(async () => {
    if (controller) expect(await controller.kill('SIGTERM')).toBe(0);
    await ns?.remove();
  });

  it('causes zero report writes in 60 s, across the periodic resync passes', async () => {
    ns = await tempNamespace(k, 'e2e-rel-steady');
    // Breakages whose findings are all due at once (thresholds 0), so no threshold falls due in the
    // window: a write there could only be spurious (a message that ages, unstable ordering...).
    await orphanService(ns.name, 'orphan');
    const stuckTemplate = {
      metadata: { labels: { app: 'stuck' } },
      spec: { nodeSelector: { 'e2e.sre.otomi.io/no-such-node': 'true' }, containers: [{ name: 'app', image: 'registry.example.com/shop/stuck:1.0.0' }] },
    };
    await k.apps.createNamespacedDeployment({
      namespace: ns.name,
      body: { metadata: { name: 'stuck' }, spec: { replicas: 1, selector: { matchLabels: { app: 'stuck' } }, template: stuckTemplate } },
    });
    // A healthy workload behind a Service: kwok runs its pod, which must cause no write either.
    await k.apps.createNamespacedDeployment({
      namespace: ns.name,
      body: {
        metadata: { name: 'web' },
        spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'registry.example.com/shop/web:1.0.0', ports: [{ containerPort: 8080 }] }] } } },
      },
    });
    await k.core.createNamespacedService({ namespace: ns.name, body: { metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } } });

    const config = controllerConfig(
      `namespaces: [${ns.name}]\noperatorNamespace: ${ns.name}\nleaderElection: {enabled: false}\nresyncPeriod: 20s\n` +
        `analysis: {thresholds: {serviceNoReadyEndpointsAfter: 0s, podUnschedulableAfter: 0s, podStartGracePeriod: 0s}}\n`,
    );
    controller = await startChild(inject('kubeconfig'), config);
    await waitForFinding(k, ns.name, 'service-orphan', 'ServiceSelectorMatchesNothing');
    await waitForFinding(k, ns.name, 'deployment-stuck', 'PodUnschedulable');
    await waitFor('the web pod to run', async () => {
      const pods = await k.core.listNamespacedPod({ namespace: ns.name, labelSelector: 'app=web' });
      return pods.items.some((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) ? true : undefined;
    });
    // Settled: no write for 5 s (the kube controllers' and kwok's own updates have landed).
    let last = await writes(controller);
    let since = Date.now();
    await waitFor('report writes to settle', async () => {
      const now = await writes(controller!);
      if (now !== last) {
        last = now;
        since = Date.now();
      }
      return Date.now() - since >= 5000 ? true : undefined;
    }, { intervalMs: 250 });

    const before = await controller.metrics();
    const logsBefore = controller.logs.length;
    const writesBefore = await writes(controller);
    const passesBefore = (await controller.metric('healthreport_analysis_duration_seconds_count')) ?? 0;
    await new Promise((r) => setTimeout(r, 60_000));
    const writesAfter = await writes(controller);
    const passesAfter = (await controller.metric('healthreport_analysis_duration_seconds_count')) ?? 0;
    console.log(`reliability: steady 60 s: ${writesAfter - writesBefore} report writes, ${passesAfter - passesBefore} analysis passes (writes so far ${writesAfter})`);
    // The resync pass (every 20 s here) ran in the window, and still nothing was written.
    expect(passesAfter - passesBefore).toBeGreaterThanOrEqual(1);
    const written = controller.logs.slice(logsBefore).filter((l) => typeof l.msg === 'string' && l.msg.startsWith('report ')).map((l) => `${String(l.msg)} ${String(l.subject)}`);
    const summary = [...new Set(written)].map((w) => `${w} x${written.filter((x) => x === w).length}`).join('\n');
    expect(writesAfter - writesBefore, `writes during the steady window:\n${summary}\nmetrics before:\n${before.split('\n').filter((l) => l.startsWith('healthreport_report_writes')).join('\n')}`).toBe(0);
    expect(await controller.ready()).toBe(true);
  }, 150_000);
});

describe('a kind forbidden by RBAC', () => {
  let ns: { name: string; remove: () => Promise<void> };
  let controller: InProcessController | undefined;
  let roleName: string | undefined;

  afterAll(async () => {
    if (controller) expect(await controller.stop()).toBe(0);
    if (roleName) {
      await k.custom.deleteClusterCustomObject({ group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'clusterrolebindings', name: roleName }).catch(() => undefined);
      await k.custom.deleteClusterCustomObject({ group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'clusterroles', name: roleName }).catch(() => undefined);
    }
    await ns?.remove();
  });

  it('leaves the rest working: Secret counted as forbidden, ready, other findings reported, Secret checks dormant', async () => {
    ns = await tempNamespace(k, 'e2e-rel-rbac');
    roleName = `healthreport-e2e-${ns.name}`;
    // Read access to every kind the analyzers read, except Secrets.
    const resourcesByGroup = new Map<string, Set<string>>();
    for (const kind of KIND_NAMES) {
      if (kind === 'Secret') continue;
      const descriptor = KIND_DESCRIPTORS[kind];
      for (const variant of descriptor.variants) {
        const set = resourcesByGroup.get(variant.group) ?? new Set<string>();
        set.add(descriptor.plural);
        resourcesByGroup.set(variant.group, set);
      }
    }
    const rules = [
      ...[...resourcesByGroup].map(([group, resources]) => ({ apiGroups: [group], resources: [...resources], verbs: ['get', 'list', 'watch'] })),
      { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [REPORT_GROUP], resources: [REPORT_PLURAL, `${REPORT_PLURAL}/status`], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] },
    ];
    await k.custom.createClusterCustomObject({ group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'clusterroles', body: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: roleName }, rules } });
    await k.core.createNamespacedServiceAccount({ namespace: ns.name, body: { metadata: { name: 'healthreport' } } });
    await k.custom.createClusterCustomObject({
      group: 'rbac.authorization.k8s.io',
      version: 'v1',
      plural: 'clusterrolebindings',
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: roleName },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
        subjects: [{ kind: 'ServiceAccount', name: 'healthreport', namespace: ns.name }],
      },
    });
    const token = await k.core.createNamespacedServiceAccountToken({ name: 'healthreport', namespace: ns.name, body: { spec: { audiences: [], expirationSeconds: 3600 } } });
    const cluster = k.kc.getCurrentCluster();
    if (!cluster || !token.status?.token) throw new Error('no cluster or no token');
    const adminKubeconfig = inject('kubeconfig');
    const ca = cluster.caData ?? '';
    const kubeconfig = join(dirname(controllerConfig('')), 'sa.kubeconfig');
    writeFileSync(
      kubeconfig,
      `apiVersion: v1\nkind: Config\nclusters:\n- name: e2e\n  cluster:\n    server: ${cluster.server}\n    certificate-authority-data: ${ca}\n` +
        `users:\n- name: healthreport\n  user:\n    token: ${token.status.token}\ncontexts:\n- name: healthreport@e2e\n  context: {cluster: e2e, user: healthreport}\ncurrent-context: healthreport@e2e\n`,
      { mode: 0o600 },
    );
    expect(ca, `CA data in ${adminKubeconfig}`).not.toBe('');

    // A Secret that exists and an Ingress naming it for TLS: unseen Secrets must not read as missing.
    await k.core.createNamespacedSecret({ namespace: ns.name, body: { metadata: { name: 'shop-tls' }, type: 'kubernetes.io/tls', data: { 'tls.crt': '', 'tls.key': '' } } });
    await k.custom.createNamespacedCustomObject({
      group: 'networking.k8s.io',
      version: 'v1',
      namespace: ns.name,
      plural: 'ingresses',
      body: {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'shop' },
        spec: { tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }], rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'orphan', port: { number: 80 } } } }] } }] },
      },
    });
    await orphanService(ns.name, 'orphan');

    const config = controllerConfig(`namespaces: [${ns.name}]\noperatorNamespace: ${ns.name}\nleaderElection: {enabled: false}\nanalysis: {thresholds: {serviceNoReadyEndpointsAfter: 0s}}\n`);
    controller = await startInProcess(kubeconfig, config);
    await waitFor('the controller to be ready', async () => ((await controller!.ready()) ? true : undefined), { intervalMs: 200 });
    expect(await controller.metric('healthreport_resource_forbidden', { resource: 'Secret' })).toBe(1);
    expect(await controller.metric('healthreport_resource_forbidden', { resource: 'Service' })).toBe(0);
    const r = await waitForFinding(k, ns.name, 'service-orphan', 'ServiceSelectorMatchesNothing');
    expect(r.status?.severity).toBe('Critical');
    // The Ingress report (if any: its backend selects nothing) must not claim the Secret is missing.
    await waitFor('the first reports to be written', async () => ((await controller!.metric('healthreport_queue_depth')) === 0 ? true : undefined));
    const ingress = await readReport(k, ns.name, 'ingress-shop');
    expect(ingress?.status?.findings?.map((f) => f.check) ?? []).not.toContain('IngressTLSSecretMissing');
    expect(await controller.metrics()).not.toContain('check="IngressTLSSecretMissing"');
  });
});
