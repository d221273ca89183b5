import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/analyzers/types.js';
import { linkRootCauses } from '../../../src/report/root-causes.js';
import { runCases } from '../../helpers/cases.js';
import { analyzeFixtures } from '../../helpers/fixtures.js';
import type { AnalyzeOptions } from '../../helpers/fixtures.js';
import { cases } from './cases.js';

runCases('pod checks', cases);

function findingsOf(fixture: string, check: string, options: AnalyzeOptions = {}): Finding[] {
  const run = analyzeFixtures([`pods/${fixture}`], options);
  expect(run.errors).toEqual([]);
  return run.findings.filter((f) => f.check === check);
}

function only(fixture: string, check: string, subjectName: string, options: AnalyzeOptions = {}): Finding {
  const matching = findingsOf(fixture, check, options).filter((f) => f.subject.name === subjectName);
  expect(matching).toHaveLength(1);
  return matching[0] as Finding;
}

describe('PodCrashLooping evidence', () => {
  it('names the container, exit code and BackOff event', () => {
    const finding = only('crashloop.yaml', 'PodCrashLooping', 'checkout');
    expect(finding.object).toMatchObject({ kind: 'Pod', name: 'checkout-7c9d8f6b5d-x2x9q', container: 'app' });
    expect(finding.message).toContain('exit code 1');
    expect(finding.evidence.join('\n')).toContain('BackOff (x41');
    // When the back-off began (the BackOff event's first occurrence), not the latest crash.
    expect(finding.firstSeen).toBe('2026-11-25T11:16:00Z');
  });

  it('adds the previous instance log lines the caller fetched, bounded by maxLogLines', () => {
    const lines = ['starting checkout 1.4.2', 'connecting to postgres://orders:5432', 'FATAL: password authentication failed for user "checkout"'];
    const finding = only('crashloop.yaml', 'PodCrashLooping', 'checkout', {
      extra: { previousLogs: new Map([['shop/checkout-7c9d8f6b5d-x2x9q/app', lines]]) },
      settings: { evidence: { maxLogLines: 2 } },
    });
    const evidence = finding.evidence.join('\n');
    expect(evidence).toContain('last log lines of the previous instance:');
    expect(evidence).toContain('FATAL: password authentication failed');
    expect(evidence).not.toContain('starting checkout');
  });
});

describe('PodOOMKilled', () => {
  it('reports the memory limit, and becomes the root cause of the crash loop it causes', () => {
    const finding = only('oom-killed.yaml', 'PodOOMKilled', 'cart');
    expect(finding.message).toBe('The container app of pod shop/cart-8kcfcj7k46-k8m2p was OOMKilled at its memory limit of 256Mi and is crash-looping.');
    expect(finding.evidence).toContain('memory limit: 256Mi');
    expect(finding.firstSeen).toBe('2026-11-25T11:57:40Z');
    const linked = linkRootCauses(analyzeFixtures(['pods/oom-killed.yaml']).findings);
    const crashLoop = linked.find((f) => f.check === 'PodCrashLooping' && f.subject.name === 'cart');
    expect(crashLoop?.rootCause).toEqual({ check: 'PodOOMKilled', subject: finding.subject });
    expect(linked.find((f) => f.check === 'PodOOMKilled' && f.subject.name === 'cart')?.rootCause).toBeUndefined();
  });

  it('does not link a crash loop that nothing on its pod explains', () => {
    const linked = linkRootCauses(analyzeFixtures(['pods/crashloop.yaml']).findings);
    expect(linked.find((f) => f.check === 'PodCrashLooping')?.rootCause).toBeUndefined();
  });

  it('reports a failed Job pod killed for memory on its CronJob', () => {
    const finding = only('oom-killed.yaml', 'PodOOMKilled', 'feed-export');
    expect(finding.subject).toMatchObject({ kind: 'CronJob', namespace: 'shop' });
    expect(finding.object).toMatchObject({ name: 'feed-export-29402640-7xq2w', container: 'export' });
  });
});

describe('PodNotReady', () => {
  it('gives the readiness failures as evidence and the Ready transition as firstSeen', () => {
    const finding = only('not-ready.yaml', 'PodNotReady', 'api');
    expect(finding.message).toBe('The container app of pod catalog/api-rsljsgmfd6-qw7rt has been running but not ready for 30m: its readiness probe is failing.');
    expect(finding.evidence).toContain('0/1 containers ready');
    expect(finding.evidence.join('\n')).toContain('Readiness probe failed: HTTP probe failed with statuscode: 503');
    expect(finding.firstSeen).toBe('2026-11-25T11:29:10Z');
  });
});

describe('PodLivenessProbeFailing', () => {
  it('shows the failed probe and the kubelet killing the container', () => {
    const finding = only('liveness.yaml', 'PodLivenessProbeFailing', 'invoices');
    expect(finding.message).toContain('failed 21 times recently and the container has restarted 7 times');
    const evidence = finding.evidence.join('\n');
    expect(evidence).toContain('context deadline exceeded');
    expect(evidence).toContain('Killing (x7');
    expect(finding.firstSeen).toBe('2026-11-25T11:00:00Z');
  });
});

describe('PodRestartingOften', () => {
  it('tells the hourly rule from the runbook total', () => {
    expect(only('restarts.yaml', 'PodRestartingOften', 'parser').message).toContain('has restarted 6 times in 40m, about 6 per hour');
    const total = only('restarts.yaml', 'PodRestartingOften', 'collector');
    expect(total.message).toContain('has restarted 37 times in 20d');
    expect(total.message).not.toContain('per hour');
  });
});

describe('PodLifecycleHookFailed', () => {
  it('names the hook, the container and its handler', () => {
    const finding = only('lifecycle-hooks.yaml', 'PodLifecycleHookFailed', 'thumbnailer');
    expect(finding.object).toMatchObject({ container: 'app' });
    expect(finding.message).toContain('The preStop hook of the container app of pod media/thumbnailer-');
    expect(finding.evidence[0]).toBe('preStop handler: {"httpGet":{"path":"/drain","port":8080,"scheme":"HTTP"}}');
    expect(only('lifecycle-hooks.yaml', 'PodLifecycleHookFailed', 'transcoder').message).toContain('postStart hook of the container app');
  });
});

describe('PodEvicted', () => {
  it('rolls three evictions up into one finding on the latest pod', () => {
    const finding = only('evicted.yaml', 'PodEvicted', 'renderer');
    expect(finding.object.name).toBe('renderer-x4vjqjxdz5-g5h6j');
    expect(finding.message).toMatch(/^3 pods of Deployment reports\/renderer were evicted from worker-2: The node was low on resource: memory\./);
    expect(finding.evidence).toHaveLength(3);
    expect(finding.firstSeen).toBe('2026-11-25T06:50:00Z');
  });

  it('names the node still under pressure that keeps an old eviction news', () => {
    const finding = only('evicted-history.yaml', 'PodEvicted', 'thumbnailer');
    expect(finding.severity).toBe('warning');
    expect(finding.evidence).toContain('node still under pressure: worker-5: DiskPressure since 2026-11-25T08:40:00Z');
  });
});

describe('PodStuckTerminating', () => {
  it('names the finalizer, or the unreachable node, as the likely cause', () => {
    const gateway = only('stuck-terminating.yaml', 'PodStuckTerminating', 'gateway');
    expect(gateway.message).toContain('finalizer example.com/drain-connections has not been removed');
    expect(gateway.firstSeen).toBe('2026-11-25T11:20:30Z');
    const queue = only('stuck-terminating.yaml', 'PodStuckTerminating', 'queue');
    expect(queue.object.name).toBe('queue-1');
    expect(queue.message).toContain('node worker-3 is not Ready');
    expect(queue.evidence.join('\n')).toContain('its kubelet cannot finish the deletion');
  });

  it('links the NotReady node as the root cause of a pod stuck on it, and of the StatefulSet short of that replica', () => {
    const linked = linkRootCauses(analyzeFixtures(['pods/stuck-terminating.yaml']).findings);
    const root = (check: string, subject: string) => linked.find((f) => f.check === check && f.subject.name === subject)?.rootCause;
    expect(root('PodStuckTerminating', 'queue')).toEqual({ check: 'NodeNotReady', subject: expect.objectContaining({ kind: 'Node', name: 'worker-3' }) });
    expect(root('PodStuckTerminating', 'gateway')).toBeUndefined();
    expect(root('WorkloadReplicasUnavailable', 'queue')).toEqual({ check: 'NodeNotReady', subject: expect.objectContaining({ kind: 'Node', name: 'worker-3' }) });
    const unavailable = linked.find((f) => f.check === 'WorkloadReplicasUnavailable' && f.subject.name === 'queue');
    expect(unavailable?.message).toBe('StatefulSet legacy/queue has had 1/2 replicas available for 64m (pod queue-1: terminating since 2026-11-25T10:56:00Z on node worker-3, which is not Ready).');
  });
});

describe('hygiene findings', () => {
  it('report each container of a workload once, on its pod template, listing what is missing', () => {
    const probes = only('probes-resources.yaml', 'PodProbesMissing', 'wiki');
    expect(probes.object).toMatchObject({ kind: 'Deployment', name: 'wiki', container: 'app' });
    expect(probes.evidence[0]).toBe('judged on the pod template of Deployment tools/wiki');
    expect(probes.message).toBe('Container app of Deployment tools/wiki has no readiness probe (nor a liveness probe).');
    expect(only('probes-resources.yaml', 'PodResourcesMissing', 'wiki').message).toBe('Container app of Deployment tools/wiki has no cpu request, no memory request and no memory limit.');
    expect(only('probes-resources.yaml', 'PodResourcesMissing', 'mailer').message).toBe('Container mailer of Deployment tools/mailer has no cpu request and no memory limit.');
  });
});

describe('PodCPUThrottled', () => {
  it('states the usage against the limit and the single-sample rule', () => {
    const finding = only('cpu-throttled.yaml', 'PodCPUThrottled', 'aggregator');
    expect(finding.message).toContain('uses 487m CPU, 97% of its 500m limit');
    expect(finding.evidence.join('\n')).toContain('one metrics sample at or above 90% of the limit');
    expect(finding.severity).toBe('warning');
  });
});

describe('PodSidecarNotReady', () => {
  it('reports a crash-looping sidecar once, as a sidecar failure', () => {
    const finding = only('sidecars.yaml', 'PodSidecarNotReady', 'ledger-api');
    expect(finding.object).toMatchObject({ container: 'cloud-sql-proxy' });
    expect(finding.message).toContain('is crash-looping after 9 restarts (last exit code 1, Error), so the pod is out of its Services\' endpoints although application container app is ready');
    expect(findingsOf('sidecars.yaml', 'PodCrashLooping').map((f) => f.object.container)).toEqual(['app']);
  });

  it('explains a native sidecar that keeps the application from starting', () => {
    const finding = only('sidecars.yaml', 'PodSidecarNotReady', 'fraud-check');
    expect(finding.message).toContain('The native sidecar container vault-agent');
    expect(finding.message).toContain('so the application container app is not ready while it waits for it');
    expect(finding.evidence).toContain('application container app: waiting: PodInitializing');
    expect(finding.firstSeen).toBe('2026-11-25T11:44:40Z');
  });

  it('treats every container but the default-container as a sidecar', () => {
    expect(only('sidecars.yaml', 'PodSidecarNotReady', 'notifier').object).toMatchObject({ container: 'log-shipper' });
  });
});

describe('root causes', () => {
  it('a native sidecar that never starts explains why its pod stays Pending: PodPendingTooLong, the check of last resort, stays silent', () => {
    const findings = analyzeFixtures(['pods/sidecars.yaml']).findings.filter((f) => f.subject.name === 'fraud-check');
    expect(findings.map((f) => f.check)).toContain('PodSidecarNotReady');
    expect(findings.map((f) => f.check)).not.toContain('PodPendingTooLong');
  });
});
