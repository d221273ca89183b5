// Logs as evidence in the controller's reports (config evidence.logs), against the real API server:
// the crashed container's log read appears in the finding's evidence as the API server answered it,
// and a steady cluster causes no log request at all (counted by healthreport_log_requests_total).
import { describe, expect, it } from 'vitest';
import { controllerForFile, readReport, waitForFinding, type ControllerUnderTest, type StoredHealthReport } from './controller-harness.js';
import { waitFor, type Kube } from './kube.js';

let k: Kube;
let ns: { name: string; remove: () => Promise<void> };
let controller: ControllerUnderTest;

controllerForFile('e2e-log-evidence', {}, (env) => ({ k, ns, controller } = env), { evidence: { logs: true, maxLogLines: 5, logRequestsPerMinute: 20 } });

/** healthreport_log_requests_total by result, from a /metrics text. */
function logRequests(metricsText: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [, result, value] of metricsText.matchAll(/^healthreport_log_requests_total\{result="(\w+)"\} (\d+)$/gm)) out[result ?? ''] = Number(value);
  return out;
}
const total = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);

const LOG_LINE = /^(last \d+ log lines|log) of the previous instance of container app \(restart \d+\)/;

function logEvidence(report: StoredHealthReport | undefined): string[] {
  const finding = report?.status?.findings?.find((f) => f.check === 'PodCrashLooping');
  const evidence = finding?.evidence ?? [];
  const at = evidence.findIndex((line) => LOG_LINE.test(line));
  return at < 0 ? [] : evidence.slice(at);
}

describe('log evidence in reports', () => {
  it('puts the crashed instance\'s log read into the finding, then sends no log request over a steady minute', { timeout: 180_000 }, async () => {
    await k.apps.createNamespacedDeployment({
      namespace: ns.name,
      body: {
        metadata: { name: 'ledger' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'ledger' } },
          template: {
            metadata: { labels: { app: 'ledger' }, annotations: { 'e2e.sre.otomi.io/scenario': 'crashloop' } },
            spec: { containers: [{ name: 'app', image: 'registry.example.com/finance/ledger:3.2.0' }] },
          },
        },
      },
    });
    await waitForFinding(k, ns.name, 'deployment-ledger', 'PodCrashLooping', 60_000);
    const lines = await waitFor('the log evidence in the report', async () => {
      const found = logEvidence(await readReport(k, ns.name, 'deployment-ledger'));
      return found.length > 0 ? found : undefined;
    }, { timeoutMs: 60_000, intervalMs: 250 });
    // kwok runs no container and serves no kubelet API: the API server dials the node's kubelet
    // (https://kwok-node-N:10250/containerLogs/...) and answers 500 "dial tcp: lookup kwok-node-N ...:
    // no such host". The report says so in one line instead of failing or retrying.
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^log of the previous instance of container app \(restart \d+\): not available \(the API server answered \d{3}: .+\)$/);
    const counts = logRequests(await controller.metrics());
    expect(total(counts)).toBe(1);
    expect(counts.unavailable).toBe(1);

    // A steady minute: the pod keeps crash-looping (its restart count grows every 20 s), but no
    // finding changes, so no reconcile and no log request.
    const before = await readReport(k, ns.name, 'deployment-ledger');
    await new Promise((resolve) => setTimeout(resolve, 60_000));
    expect(logRequests(await controller.metrics())).toEqual(counts);
    const after = await readReport(k, ns.name, 'deployment-ledger');
    expect(logEvidence(after)).toEqual(lines);
    // Nor a report write: the stored object is the one of a minute ago.
    const version = (report: StoredHealthReport | undefined): unknown => (report?.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
    expect(version(after)).toBe(version(before));
  });
});
