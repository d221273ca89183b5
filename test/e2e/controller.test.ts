// The controller against a real API server: a breakage becomes a HealthReport and a
// healthreport_finding series; the fix clears both.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { runCommand } from '../../src/cli/run.js';
import { applyProjectCrds, kube, statusOf, tempNamespace, waitFor, type Kube } from './kube.js';

const GROUP = 'sre.otomi.io';
const VERSION = 'v1alpha1';
const PLURAL = 'healthreports';

let k: Kube;
let ns: { name: string; remove: () => Promise<void> };
let stop: (signal: string) => void;
let finished: Promise<number>;
let metricsUrl: string;
let readyUrl: string;

interface Report {
  status?: { severity?: string; findings?: { check: string; object: { name: string } }[] };
}

async function report(name: string): Promise<Report | undefined> {
  try {
    return (await k.custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns.name, plural: PLURAL, name })) as Report;
  } catch (err) {
    if (statusOf(err) === 404) return undefined;
    throw err;
  }
}

async function metrics(): Promise<string> {
  return (await fetch(metricsUrl)).text();
}

beforeAll(async () => {
  k = kube();
  await applyProjectCrds(k);
  ns = await tempNamespace(k, 'e2e-controller');
  const dir = mkdtempSync(join(tmpdir(), 'healthreport-e2e-'));
  const config = join(dir, 'config.yaml');
  writeFileSync(config, `namespaces: [${ns.name}]\noperatorNamespace: ${ns.name}\nleaderElection: {enabled: false}\nanalysis: {thresholds: {serviceNoReadyEndpointsAfter: 0s}}\n`);
  let started!: (ports: { metricsPort: number; healthPort: number }) => void;
  const ports = new Promise<{ metricsPort: number; healthPort: number }>((resolve) => (started = resolve));
  const stopSignal = new Promise<string>((resolve) => (stop = resolve));
  finished = runCommand(
    ['--kubeconfig', inject('kubeconfig'), '--config', config, '--metrics-port', '0', '--health-port', '0', '--log-level', 'warn'],
    { stdout: () => {}, stderr: (t) => process.stderr.write(t), color: false, env: {} },
    { stopSignal, onStarted: (p) => started(p) },
  );
  const { metricsPort, healthPort } = await Promise.race([ports, finished.then((code) => Promise.reject(new Error(`run exited ${code}`)))]);
  metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  readyUrl = `http://127.0.0.1:${healthPort}/readyz`;
  await waitFor('the controller to be ready', async () => ((await fetch(readyUrl)).status === 200 ? true : undefined));
});

afterAll(async () => {
  stop?.('test done');
  expect(await finished).toBe(0);
  await ns?.remove();
});

describe('healthreport run', () => {
  it('turns a crash loop into a HealthReport and a healthreport_finding series, and clears both after the fix', async () => {
    const template = (crash: boolean) => ({
      metadata: { labels: { app: 'payments' }, ...(crash ? { annotations: { 'e2e.sre.otomi.io/scenario': 'crashloop' } } : {}) },
      spec: { containers: [{ name: 'app', image: 'registry.example.com/shop/payments:2.0.1' }] },
    });
    await k.apps.createNamespacedDeployment({
      namespace: ns.name,
      body: { metadata: { name: 'payments' }, spec: { replicas: 1, selector: { matchLabels: { app: 'payments' } }, template: template(true) } },
    });
    const broken = await waitFor('report deployment-payments with PodCrashLooping', async () => {
      const r = await report('deployment-payments');
      return r?.status?.findings?.some((f) => f.check === 'PodCrashLooping') ? r : undefined;
    });
    expect(broken.status?.severity).toBe('Critical');
    const series = `healthreport_finding{namespace="${ns.name}",subject_kind="Deployment",subject_name="payments",check="PodCrashLooping",severity="critical",root="true"} 1`;
    await waitFor('the PodCrashLooping series', async () => ((await metrics()).includes(series) ? true : undefined));

    // The fix: a template without the crash scenario rolls out healthy pods.
    await k.apps.replaceNamespacedDeployment({
      name: 'payments',
      namespace: ns.name,
      body: { metadata: { name: 'payments' }, spec: { replicas: 1, selector: { matchLabels: { app: 'payments' } }, template: template(false) } },
    });
    const fixed = await waitFor(
      'report deployment-payments without PodCrashLooping',
      async () => {
        const r = await report('deployment-payments');
        return r && !r.status?.findings?.some((f) => f.check === 'PodCrashLooping') ? r : undefined;
      },
      { timeoutMs: 90_000 },
    );
    expect(['Healthy', 'Info']).toContain(fixed.status?.severity);
    await waitFor('the PodCrashLooping series to be removed', async () => ((await metrics()).includes('check="PodCrashLooping"') ? undefined : true));
  });

  it('reports a Service whose selector matches nothing', async () => {
    await k.core.createNamespacedService({
      namespace: ns.name,
      body: { metadata: { name: 'ledger' }, spec: { selector: { app: 'ledger' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } },
    });
    const r = await waitFor('report service-ledger', async () => {
      const got = await report('service-ledger');
      return got?.status?.findings?.some((f) => f.check === 'ServiceSelectorMatchesNothing') ? got : undefined;
    });
    expect(r.status?.severity).toBe('Critical');
  });
});
