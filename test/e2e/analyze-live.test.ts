// `healthreport analyze` against a real API server: lists every kind once, notes what is not
// installed, and finds breakages driven through kwok.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { writeTempFile } from '../helpers/temp-files.js';
import { kube, tempNamespace, waitFor, type Kube } from './kube.js';

let k: Kube;
let ns: { name: string; remove: () => Promise<void> };

beforeAll(async () => {
  k = kube();
  ns = await tempNamespace(k, 'e2e-analyze');
});
afterAll(async () => {
  await ns?.remove();
});

async function analyze(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['analyze', '--kubeconfig', inject('kubeconfig'), ...argv], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), color: false, env: {} });
  return { code, stdout, stderr };
}

describe('healthreport analyze on the live cluster', () => {
  it('finds a crash-looping Deployment and a Service that selects nothing, and exits 1', async () => {
    await k.apps.createNamespacedDeployment({
      namespace: ns.name,
      body: {
        metadata: { name: 'checkout' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'checkout' } },
          template: {
            metadata: { labels: { app: 'checkout' }, annotations: { 'e2e.sre.otomi.io/scenario': 'crashloop' } },
            spec: { containers: [{ name: 'app', image: 'registry.example.com/shop/checkout:1.4.2' }] },
          },
        },
      },
    });
    await k.core.createNamespacedService({
      namespace: ns.name,
      body: { metadata: { name: 'cart' }, spec: { selector: { app: 'cart' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } },
    });
    await k.core.createNamespacedSecret({ namespace: ns.name, body: { metadata: { name: 'db-credentials' }, stringData: { password: 'never-read-by-healthreport' } } });
    await waitFor('the checkout pod to crash-loop', async () => {
      const pods = await k.core.listNamespacedPod({ namespace: ns.name, labelSelector: 'app=checkout' });
      return pods.items.some((p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff') ? true : undefined;
    });

    // A Service just created gets a grace period before "selects nothing": none for this test.
    const config = writeTempFile('healthreport-e2e-', 'analysis.yaml', 'thresholds: {serviceNoReadyEndpointsAfter: 0s}\n');
    const { code, stdout, stderr } = await analyze('-n', ns.name, '-o', 'json', '--logs', '--config', config);
    expect(code).toBe(1);
    const output = JSON.parse(stdout) as { findings: { check: string; subject: { kind: string; name: string } }[] };
    const keys = output.findings.map((f) => `${f.check} ${f.subject.kind}/${f.subject.name}`);
    expect(keys).toContain('PodCrashLooping Deployment/checkout');
    expect(keys).toContain('ServiceSelectorMatchesNothing Service/cart');
    expect(stdout).not.toContain('never-read-by-healthreport');
    // Istio and cert-manager are not installed here: skipped with a note, not an error.
    expect(stderr).toMatch(/note: VirtualService: skipped/);
  });

  it('exits 0 on a healthy namespace', async () => {
    const healthy = await tempNamespace(k, 'e2e-analyze-ok');
    try {
      const { code, stdout } = await analyze('-n', healthy.name, '--min-severity', 'warning');
      expect(stdout).toContain('No findings');
      expect(code).toBe(0);
    } finally {
      await healthy.remove();
    }
  });
});
