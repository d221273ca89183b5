// The controller's log evidence policy (src/controller/log-evidence): which container instance is
// read, once per restart count, within the budget of requests per minute, redacted, and never
// chained by its own deliveries. The API is played by a recorder of the log requests; the real
// API server's answers are covered by test/e2e/log-evidence.test.ts.
import { describe, expect, it } from 'vitest';
import { snapshotOf } from '../../src/cluster/snapshot.js';
import { ClusterView } from '../../src/cluster/view.js';
import { LogEvidence } from '../../src/controller/log-evidence/log-evidence.js';
import type { LogRequestResult } from '../../src/controller/log-evidence/log-evidence.js';
import { logTargetOf } from '../../src/controller/log-evidence/log-targets.js';
import { KubeRequestError } from '../../src/kube/http.js';
import { buildAnalysisReport, refKey } from '../../src/report/report.js';
import type { ReportFinding } from '../../src/report/report.js';
import { analyzeObjects, loadFixture } from '../helpers/fixtures.js';
import { ManualClock } from './manual-clock.js';

type Raw = Record<string, unknown> & { kind: string; metadata: { name: string; uid?: string; namespace?: string } };

const CRASHLOOP = loadFixture('pods/crashloop.yaml') as Raw[];
const POD_NAME = 'checkout-7c9d8f6b5d-x2x9q';
const SUBJECT = 'Deployment/shop/checkout';

/** The fixture with the crash-looping pod's container at `restartCount`, and `copies` more such pods. */
function cluster(restartCount = 9, copies = 0): { view: ClusterView; findings: Map<string, ReportFinding[]> } {
  const objects: Raw[] = [];
  for (const raw of CRASHLOOP) {
    if (raw.kind !== 'Pod' || raw.metadata.name !== POD_NAME) {
      objects.push(raw);
      continue;
    }
    const copy = structuredClone(raw) as Raw & { status: { containerStatuses: { restartCount: number }[] } };
    for (const status of copy.status.containerStatuses) status.restartCount = restartCount;
    objects.push(copy);
    for (let i = 1; i <= copies; i += 1) {
      const other = structuredClone(copy);
      other.metadata.name = `${POD_NAME}-${i}`;
      other.metadata.uid = `${raw.metadata.uid ?? ''}-${i}`;
      objects.push(other);
    }
  }
  const view = new ClusterView(snapshotOf(objects));
  const findings = new Map<string, ReportFinding[]>();
  for (const f of buildAnalysisReport(analyzeObjects(objects).findings).findings) {
    const key = refKey(f.subject);
    findings.set(key, [...(findings.get(key) ?? []), f]);
  }
  return { view, findings };
}

/** Answers log requests like the API server would, and records them. */
class LogApi {
  readonly paths: string[] = [];
  answer: (path: string) => string = () => 'starting checkout 1.4.2\nconnecting to postgres://checkout:hunter2@orders:5432\nFATAL: password=hunter2 rejected\n';
  async getText(path: string): Promise<string> {
    this.paths.push(path);
    await Promise.resolve();
    return this.answer(path);
  }
}

function harness(options: { perMinute?: number; maxLogLines?: number } = {}) {
  const clock = new ManualClock();
  const api = new LogApi();
  const results: LogRequestResult[] = [];
  const delivered: string[] = [];
  let state = cluster();
  const evidence = new LogEvidence({
    api,
    settings: { maxLogLines: options.maxLogLines ?? 20, logRequestsPerMinute: options.perMinute ?? 30 },
    view: () => state.view,
    clock,
    countRequest: (result) => results.push(result),
    onEvidence: (key) => delivered.push(key),
  });
  return {
    clock,
    api,
    results,
    delivered,
    evidence,
    setCluster: (next: ReturnType<typeof cluster>) => (state = next),
    reconcile: (subject = SUBJECT) => evidence.withLogs(subject, state.findings.get(subject) ?? []),
  };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const crashLoop = (findings: readonly ReportFinding[]): ReportFinding | undefined => findings.find((f) => f.check === 'PodCrashLooping');

describe('log targets', () => {
  it('reads the previous instance of the crash-looping container, at its restart count', () => {
    const { view, findings } = cluster(9);
    const finding = crashLoop(findings.get(SUBJECT) ?? []);
    expect(finding && logTargetOf(finding, view)).toEqual({ namespace: 'shop', pod: POD_NAME, podUid: '6f1c2a4e-0d53-4a8e-9b51-2f0c0f3a1003', container: 'app', restartCount: 9, previous: true });
  });

  it('reads the exited container of a failed Job\'s pod (JobFailed is about the Job), the current instance', () => {
    const view = new ClusterView(snapshotOf(loadFixture('pods/oom-killed.yaml')));
    const jobFailed = { check: 'JobFailed', object: { kind: 'Job', namespace: 'shop', name: 'feed-export-29402640' } };
    expect(logTargetOf(jobFailed, view)).toMatchObject({ namespace: 'shop', pod: 'feed-export-29402640-7xq2w', container: 'export', previous: false });
    expect(logTargetOf({ ...jobFailed, object: { ...jobFailed.object, name: 'another-job' } }, view)).toBeUndefined();
  });

  it('reads nothing for checks that are not about a crashed container', () => {
    const { view, findings } = cluster(9);
    const other = (findings.get(SUBJECT) ?? []).filter((f) => f.check !== 'PodCrashLooping');
    expect(other.length).toBeGreaterThan(0);
    for (const f of other) expect(logTargetOf({ ...f, check: 'WorkloadReplicasUnavailable' }, view)).toBeUndefined();
  });
});

describe('log evidence policy', () => {
  it('reads once per (pod, container, restart count), adds the redacted lines, and asks no more at rest', async () => {
    const h = harness({ maxLogLines: 2 });
    const first = h.reconcile();
    // The reconcile does not wait: the report is written without logs, the read is queued.
    expect(crashLoop(first)?.evidence.join('\n')).not.toContain('log lines');
    await settle();
    expect(h.api.paths).toHaveLength(1);
    expect(h.api.paths[0]).toBe(`/api/v1/namespaces/shop/pods/${POD_NAME}/log?container=app&tailLines=2&previous=true&limitBytes=8192`);
    expect(h.results).toEqual(['success']);
    expect(h.delivered).toEqual([SUBJECT]);

    const second = crashLoop(h.reconcile());
    const tail = second?.evidence.slice(-3);
    expect(tail).toEqual([
      'last 2 log lines of the previous instance of container app (restart 9):',
      '  connecting to postgres://checkout:[REDACTED]@orders:5432',
      '  FATAL: password=[REDACTED] rejected',
    ]);
    // Reconciles of a steady cluster: the same evidence, no request.
    for (let i = 0; i < 5; i += 1) expect(crashLoop(h.reconcile())?.evidence).toEqual(second?.evidence);
    await settle();
    expect(h.api.paths).toHaveLength(1);
  });

  it('reads again after a restart, but not from the reconcile its own delivery caused', async () => {
    const h = harness();
    h.reconcile();
    await settle();
    // The container restarted before the delivery's reconcile: that reconcile shows restart 9's lines
    // and asks for nothing, or a crash loop would chain one read per restart.
    h.setCluster(cluster(10));
    expect(crashLoop(h.reconcile())?.evidence.join('\n')).toContain('(restart 9)');
    await settle();
    expect(h.api.paths).toHaveLength(1);
    // The next reconcile a real change causes reads restart 10, once.
    h.reconcile();
    h.reconcile();
    await settle();
    expect(h.api.paths).toHaveLength(2);
    expect(crashLoop(h.reconcile())?.evidence.join('\n')).toContain('(restart 10)');
  });

  it('keeps to the budget of requests per minute and reads the rest as tokens come back', async () => {
    const h = harness({ perMinute: 2 });
    h.setCluster(cluster(9, 4));
    h.reconcile();
    await settle();
    await settle();
    expect(h.api.paths).toHaveLength(2);
    expect(h.evidence.queued).toBe(3);
    h.clock.advance(29_000);
    await settle();
    expect(h.api.paths).toHaveLength(2);
    h.clock.advance(1_000);
    await settle();
    expect(h.api.paths).toHaveLength(3);
    h.clock.advance(60_000);
    await settle();
    await settle();
    expect(h.api.paths).toHaveLength(5);
    expect(new Set(h.api.paths).size).toBe(5);
  });

  it('turns an API error into one clear evidence line, counted, and does not retry it', async () => {
    const h = harness();
    h.api.answer = (path) => {
      throw new KubeRequestError(500, path, JSON.stringify({ kind: 'Status', status: 'Failure', message: 'Get "https://10.240.0.1:10250/containerLogs/shop/x/app": dial tcp 10.240.0.1:10250: connect: connection refused', code: 500 }));
    };
    h.reconcile();
    await settle();
    expect(h.results).toEqual(['unavailable']);
    const evidence = crashLoop(h.reconcile())?.evidence ?? [];
    expect(evidence.at(-1)).toBe('log of the previous instance of container app (restart 9): not available (the API server answered 500: Get "https://10.240.0.1:10250/containerLogs/shop/x/app": dial tcp 10.240.0.1:10250: connect: connection refused)');
    h.reconcile();
    await settle();
    expect(h.api.paths).toHaveLength(1);
  });

  it('drops a queued read whose pod went away before its turn', async () => {
    const h = harness({ perMinute: 1 });
    h.setCluster(cluster(9, 1));
    h.reconcile();
    await settle();
    expect(h.api.paths).toHaveLength(1);
    h.setCluster(cluster(9, 0));
    h.clock.advance(120_000);
    await settle();
    expect(h.api.paths).toHaveLength(1);
    expect(h.evidence.queued).toBe(0);
  });

  it('leaves findings about other things as they are', () => {
    const h = harness();
    const findings = cluster(9).findings.get(SUBJECT) ?? [];
    const others = findings.filter((f) => f.check !== 'PodCrashLooping');
    expect(h.evidence.withLogs(SUBJECT, others)).toBe(others);
  });
});
