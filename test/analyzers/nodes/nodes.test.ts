import { describe, expect, it } from 'vitest';
import { runCases } from '../../helpers/cases.js';
import { analyzeFixtures, findingKeys } from '../../helpers/fixtures.js';
import { effectivePodResource } from '../../../src/analyzers/nodes/pod-resources.js';
import { pod } from '../../../src/model/core.js';
import { cases } from './cases.js';

runCases('node checks', cases);

function findingsOf(check: string, fixtures: string[], settings?: unknown) {
  return analyzeFixtures(fixtures, settings ? { settings } : {}).findings.filter((f) => f.check === check);
}

describe('NodeNotReady evidence', () => {
  it('tells an unreachable node from a not-ready one and counts its pods', () => {
    const [finding] = findingsOf('NodeNotReady', ['nodes/not-ready.yaml']);
    expect(finding?.message).toBe('Node worker-3 has stopped reporting its status for 14m (NodeStatusUnknown).');
    expect(finding?.evidence).toContain('last heartbeat: 2026-11-25T11:44:20Z');
    expect(finding?.evidence).toContain('non-terminated pods on the node: 1');
    expect(finding?.evidence.join('\n')).toContain('node.kubernetes.io/unreachable:NoExecute');
    expect(finding?.firstSeen).toBe('2026-11-25T11:45:10Z');
  });
});

describe('NodePressure evidence', () => {
  it('lists each pressure condition, first since the earliest', () => {
    const [finding] = findingsOf('NodePressure', ['nodes/pressure.yaml']);
    expect(finding?.message).toBe('Node worker-5 reports MemoryPressure and DiskPressure.');
    expect(finding?.evidence[0]).toBe('MemoryPressure=True (KubeletHasInsufficientMemory) since 2026-11-25T11:50:00Z: kubelet has insufficient memory available');
    expect(finding?.firstSeen).toBe('2026-11-25T11:41:00Z');
  });
});

describe('NodeOvercommitted evidence', () => {
  it('shows the allocated resources like kubectl describe node', () => {
    const [finding] = findingsOf('NodeOvercommitted', ['nodes/overcommitted.yaml']);
    expect(finding?.message).toBe('Node worker-6 is overcommitted: memory limits at 159.1% of allocatable (threshold 150%).');
    expect(finding?.evidence).toEqual([
      'non-terminated pods: 5',
      'cpu: requests 2.05 (52%), limits 0m (0%) of allocatable 3.92',
      'memory: requests 8.1Gi (53%), limits 24.1Gi (159%) of allocatable 15.2Gi',
      'largest memory limits: nodes-analytics/spark-executor-7f6d5c4b3-a1b2c 6Gi, nodes-analytics/spark-executor-7f6d5c4b3-d3e4f 6Gi, nodes-analytics/spark-executor-7f6d5c4b3-g5h6j 6Gi',
    ]);
  });

  it('counts a pod at the larger of its init containers and its running containers', () => {
    const finding = findingsOf('NodeOvercommitted', ['nodes/overcommitted.yaml'], { thresholds: { nodeRequestsOvercommit: 0.8 } }).find((f) => f.object.name === 'worker-7');
    expect(finding?.message).toBe('Node worker-7 is overcommitted: cpu requests at 85.5% of allocatable (threshold 80%).');
    expect(finding?.evidence).toContain('non-terminated pods: 2');
    expect(finding?.evidence[1]).toBe('cpu: requests 3.35 (85%), limits 3.3 (84%) of allocatable 3.92');
  });
});

describe('effectivePodResource', () => {
  const base = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'n' },
    spec: {
      initContainers: [
        { name: 'sidecar-a', restartPolicy: 'Always', resources: { requests: { memory: '100Mi' } } },
        { name: 'migrate', resources: { requests: { memory: '1Gi' } } },
        { name: 'sidecar-b', restartPolicy: 'Always', resources: { requests: { memory: '200Mi' } } },
      ],
      containers: [{ name: 'app', resources: { requests: { memory: '500Mi' } } }, { name: 'no-requests' }],
    },
  };

  it('adds native sidecars to the running containers and to later init containers', () => {
    // init peak: migrate 1Gi + sidecar-a 100Mi = 1124Mi; running: 500 + 100 + 200 = 800Mi.
    expect(effectivePodResource(pod.parse(base), 'requests', 'memory')).toBe(1124 * 2 ** 20);
  });

  it('takes the running containers when they need more than any init container', () => {
    const bigger = { ...base, spec: { ...base.spec, containers: [{ name: 'app', resources: { requests: { memory: '2Gi' } } }] } };
    expect(effectivePodResource(pod.parse(bigger), 'requests', 'memory')).toBe(2 * 2 ** 30 + 300 * 2 ** 20);
  });
});

describe('NodeCordoned', () => {
  it('dates the cordon from the unschedulable taint', () => {
    const [finding] = findingsOf('NodeCordoned', ['nodes/cordoned.yaml']);
    expect(finding?.severity).toBe('info');
    expect(finding?.message).toBe('Node worker-8 has been cordoned (unschedulable) for 3d.');
    expect(finding?.evidence[0]).toBe('cordoned since: taint node.kubernetes.io/unschedulable added 2026-11-22T09:15:00Z');
    expect(finding?.firstSeen).toBe('2026-11-22T09:15:00Z');
  });

  it('raises no warning or critical finding of any check for DaemonSet pods on cordoned nodes', () => {
    expect(findingKeys(analyzeFixtures(['nodes/cordoned.yaml']), ['critical', 'warning'])).toEqual([]);
  });
});

describe('MetricsServerUnavailable evidence', () => {
  it('carries the APIService reason and message', () => {
    const [finding] = findingsOf('MetricsServerUnavailable', ['nodes/apiservices-metrics-failing.yaml']);
    expect(finding?.message).toBe('The APIService v1beta1.metrics.k8s.io is not Available (FailedDiscoveryCheck): the metrics API does not answer.');
    expect(finding?.evidence).toContain('backing Service: kube-system/metrics-server');
    expect(finding?.evidence.join('\n')).toContain('context deadline exceeded');
    expect(finding?.firstSeen).toBe('2026-11-25T11:21:07Z');
  });

  it('names the missing APIService on the cluster subject', () => {
    const [finding] = findingsOf('MetricsServerUnavailable', ['nodes/apiservices-without-metrics.yaml']);
    expect(finding?.subject).toEqual({ kind: 'Cluster', name: 'cluster' });
    expect(finding?.object).toMatchObject({ kind: 'APIService', name: 'v1beta1.metrics.k8s.io' });
  });
});
