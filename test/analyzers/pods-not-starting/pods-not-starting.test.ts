import { describe, expect, it } from 'vitest';
import { runCases } from '../../helpers/cases.js';
import { linkRootCauses } from '../../../src/report/root-causes.js';
import { analyzeFixtures } from '../../helpers/fixtures.js';
import { cases } from './cases.js';

runCases('pods-not-starting checks', cases);

function finding(fixture: string, check: string, subjectName: string, options: Parameters<typeof analyzeFixtures>[1] = {}) {
  const found = analyzeFixtures([fixture], options).findings.find((f) => f.check === check && f.subject.name === subjectName);
  if (!found) throw new Error(`no ${check} finding for ${subjectName}`);
  return found;
}

describe('PodUnschedulable evidence', () => {
  it('splits the scheduler message into causes with node counts', () => {
    const f = finding('pods-not-starting/scheduling.yaml', 'PodUnschedulable', 'api');
    expect(f.object).toMatchObject({ kind: 'Pod', name: 'api-6b9f7c5d8-q9w4n' });
    expect(f.message).toContain('unschedulable for 20m');
    expect(f.evidence).toContain('cause (resources): Insufficient cpu on 3 nodes');
    expect(f.evidence).toContain('cause (taints): untolerated taint {node-role.kubernetes.io/control-plane: } on 1 node');
    expect(f.evidence.some((e) => e.startsWith('preemption: '))).toBe(true);
    expect(f.firstSeen).toBe('2026-11-25T11:40:00Z');
  });

  it('shows why the cluster-autoscaler did not help', () => {
    const f = finding('pods-not-starting/scheduling.yaml', 'PodUnschedulable', 'api');
    expect(f.evidence.join('\n')).toContain("NotTriggerScaleUp (x110, last 2026-11-25T11:59:00Z): pod didn't trigger scale-up: 1 max node group size reached");
  });

  it('names the node selector mismatch', () => {
    const f = finding('pods-not-starting/scheduling.yaml', 'PodUnschedulable', 'cache');
    expect(f.evidence).toContain("cause (node selector/affinity): didn't match Pod's node affinity/selector on 3 nodes");
  });
});

describe('PodRequestsExceedNodeCapacity evidence', () => {
  it('names the largest of several candidate nodes', () => {
    const f = finding('pods-not-starting/scheduling.yaml', 'PodRequestsExceedNodeCapacity', 'trainer');
    expect(f.message).toBe(
      'Pod sched/trainer-5f4d8c7b9-m2v8d requests cpu 16 (container trainer alone), more than any of the 4 nodes can allocate (largest: 3.86 on control-plane-1), so it can never be scheduled.',
    );
  });

  it('compares with the nodes the selector allows only', () => {
    const f = finding('pods-not-starting/scheduling.yaml', 'PodRequestsExceedNodeCapacity', 'cache');
    expect(f.object.container).toBe('redis');
    expect(f.message).toContain('requests memory 24Gi');
    expect(f.message).toContain('more than the only node its node selector and affinity allow (worker-3) can allocate (14.4Gi)');
    expect(f.evidence).toContain('candidate nodes: worker-3');
  });
});

describe('PodImagePullFailed evidence', () => {
  it('explains the registry error and quotes it', () => {
    const web = finding('pods-not-starting/image-pull.yaml', 'PodImagePullFailed', 'web');
    expect(web.message).toContain('the image or tag does not exist (ImagePullBackOff)');
    expect(web.evidence.join('\n')).toContain('registry.example.com/pull/web:2.14.0: not found');
    expect(web.evidence.join('\n')).not.toContain('Error: ImagePullBackOff');
    const ledger = finding('pods-not-starting/image-pull.yaml', 'PodImagePullFailed', 'private');
    expect(ledger.message).toContain('refused access');
  });
});

describe('PodImagePullSecretMissing severity', () => {
  it('is critical for a pod held up and info for a running one', () => {
    expect(finding('pods-not-starting/image-pull.yaml', 'PodImagePullSecretMissing', 'private').severity).toBe('critical');
    const builder = finding('pods-not-starting/image-pull.yaml', 'PodImagePullSecretMissing', 'builder');
    expect(builder.severity).toBe('info');
    expect(builder.message).toContain('ci-registry');
  });
});

describe('PodVolumeMountFailed', () => {
  it('names the Multi-Attach error rather than the later mount timeout', () => {
    const f = finding('pods-not-starting/volumes.yaml', 'PodVolumeMountFailed', 'uploader');
    expect(f.message).toContain('still attached to another node (Multi-Attach error)');
    expect(f.related).toEqual([{ apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: 'vol', name: 'uploads' }]);
  });
});

describe('PodConfigMissing', () => {
  it('names the missing key and where it is referenced', () => {
    const f = finding('pods-not-starting/config.yaml', 'PodConfigMissing', 'billing');
    expect(f.severity).toBe('critical');
    expect(f.object.container).toBe('billing');
    expect(f.message).toContain('ConfigMap app-settings has no key FEATURE_FLAGS, referenced by env FEATURE_FLAGS of container billing');
  });

  it('reports a deleted Secret of a running pod as info', () => {
    const f = finding('pods-not-starting/config.yaml', 'PodConfigMissing', 'mailer');
    expect(f.severity).toBe('info');
    expect(f.message).toContain('will not restart: Secret smtp-relay does not exist');
  });

  it('does not report the runAsNonRoot rejection as missing config', () => {
    const run = analyzeFixtures(['pods-not-starting/config.yaml']);
    expect(run.findings.filter((f) => f.subject.name === 'secure').map((f) => f.check)).not.toContain('PodConfigMissing');
  });
});

describe('PodStartCommandFailed and PodExecFormatError', () => {
  it('names the missing executable and the command', () => {
    const f = finding('pods-not-starting/start-failures.yaml', 'PodStartCommandFailed', 'api');
    expect(f.message).toContain('executable "api-server" is not found');
    expect(f.evidence).toContain('command: api-server --port=8080');
  });

  it('names the node architecture', () => {
    const f = finding('pods-not-starting/start-failures.yaml', 'PodExecFormatError', 'tool');
    expect(f.message).toContain('node arm-1 (arm64)');
    expect(f.evidence).toContain('node arm-1 architecture: arm64');
  });

  it('finds "exec format error" in the previous instance\'s log', () => {
    const previousLogs = new Map([['start/worker-2b3c4d5e6-k7l8m/app', ['exec /usr/local/bin/worker: exec format error']]]);
    const f = finding('pods-not-starting/start-failures.yaml', 'PodExecFormatError', 'worker', { extra: { previousLogs } });
    expect(f.evidence).toContain('previous log: exec /usr/local/bin/worker: exec format error');
  });
});

describe('PodEnvVarNotExpanded', () => {
  it('reports one finding per workload and container, with the Kubernetes form', () => {
    const run = analyzeFixtures(['pods-not-starting/start-failures.yaml']);
    const found = run.findings.filter((f) => f.check === 'PodEnvVarNotExpanded');
    expect(found).toHaveLength(1);
    expect(found[0]?.message).toContain('${SLACK_WEBHOOK_URL}, $CHANNEL');
    expect(found[0]?.message).toContain('$(SLACK_WEBHOOK_URL), $(CHANNEL)');
    expect(found[0]?.message).not.toContain('INTERVAL');
  });

  it('reports on the workload whose template carries the mistake, once per subject', () => {
    const run = analyzeFixtures(['pods-not-starting/templates.yaml', 'pods-not-starting/templates-pods.yaml']);
    const reindex = run.findings.filter((f) => f.check === 'PodEnvVarNotExpanded' && f.subject.name === 'reindex');
    expect(reindex).toHaveLength(1);
    expect(reindex[0]?.object).toMatchObject({ kind: 'Job', name: 'reindex', container: 'reindex' });
    expect(reindex[0]?.message).toBe('Container reindex of the pod template of Job batch/reindex passes $INDEX_NAME literally to reindex: without a shell Kubernetes expands only $(INDEX_NAME).');
    const digest = run.findings.find((f) => f.check === 'PodEnvVarNotExpanded' && f.subject.name === 'digest');
    expect(digest?.object).toMatchObject({ kind: 'CronJob', container: 'digest' });
  });
});

describe('Workload failed-create evidence', () => {
  it('shows the quota usage', () => {
    const f = finding('pods-not-starting/failed-create.yaml', 'WorkloadQuotaExceeded', 'quota-app');
    expect(f.object).toMatchObject({ kind: 'ReplicaSet', name: 'quota-app-6f7a8b9c1' });
    expect(f.evidence).toContain('ResourceQuota compute: limits.memory 6Gi/8Gi, pods 11/20, requests.cpu 3800m/4, requests.memory 3Gi/4Gi');
  });

  it('quotes the admission policy', () => {
    const f = finding('pods-not-starting/failed-create.yaml', 'WorkloadAdmissionDenied', 'policy-app');
    expect(f.evidence).toContain('webhook: validation.gatekeeper.sh');
    expect(f.evidence.find((e) => e.startsWith('policy: '))).toContain('[require-resource-limits] container <policy-app> has no cpu limit');
  });
});

describe('WorkloadRolloutStuck evidence', () => {
  it('shows the template change and the failing new pod', () => {
    const f = finding('pods-not-starting/rollouts.yaml', 'WorkloadRolloutStuck', 'checkout');
    expect(f.evidence).toContain('container app image: registry.example.com/rollout/checkout:4.9.2 -> registry.example.com/rollout/checkout:5.0.0');
    expect(f.evidence).toContain('pod checkout-7b8c9d1e2-new00: container app: ImagePullBackOff');
    expect(f.related?.map((r) => r.name)).toContain('checkout-7b8c9d1e2-new00');
  });
});

describe('PodPendingTooLong', () => {
  it('says what the pod waits for', () => {
    expect(finding('pods-not-starting/pending.yaml', 'PodPendingTooLong', 'migrate').message).toBe(
      'Pod pend/migrate-q7w8e has been Pending for 25m: init container wait-for-db is still running.',
    );
    expect(finding('pods-not-starting/pending.yaml', 'PodPendingTooLong', 'gated').message).toContain('held by scheduling gates');
    // While the sidecar is within podNotReadyAfter, no more specific check explains the pod.
    const lenient = { settings: { thresholds: { podNotReadyAfter: '30m' } } };
    expect(finding('pods-not-starting/pending.yaml', 'PodPendingTooLong', 'vaulted', lenient).message).toContain('sidecar vault-agent runs but has not passed its startup probe');
  });

  it('reports a crash-looping init container as PodCrashLooping, not also as a long-Pending pod', () => {
    const run = analyzeFixtures(['pods-not-starting/pending-explained.yaml']);
    const ledger = run.findings.filter((f) => f.subject.name === 'ledger');
    expect(ledger.map((f) => f.check)).toEqual(['PodCrashLooping']);
    expect(ledger[0]?.object).toMatchObject({ name: 'ledger-6d9b7f5c48-p4x7k', container: 'migrate' });
    expect(finding('pods-not-starting/pending-explained.yaml', 'PodPendingTooLong', 'settlement').message).toBe(
      'Pod ledger/settlement-9f8e7d6c5b-r9t2y has been Pending for 22m: init container wait-for-kafka is still running.',
    );
  });
});

describe('root causes of pods-not-starting findings', () => {
  const linked = (fixture: string) => linkRootCauses(analyzeFixtures([fixture]).findings);
  const rootOf = (findings: ReturnType<typeof linkRootCauses>, check: string, subject: string) =>
    findings.find((f) => f.check === check && f.subject.name === subject)?.rootCause?.check;

  it('explains an unschedulable pod by requests no node can hold', () => {
    const findings = linked('pods-not-starting/scheduling.yaml');
    expect(rootOf(findings, 'PodUnschedulable', 'trainer')).toBe('PodRequestsExceedNodeCapacity');
    expect(rootOf(findings, 'PodUnschedulable', 'api')).toBeUndefined();
  });

  it('explains a pull failure by the missing pull secret', () => {
    expect(rootOf(linked('pods-not-starting/image-pull.yaml'), 'PodImagePullFailed', 'private')).toBe('PodImagePullSecretMissing');
  });

  it('explains a stuck rollout and unavailable replicas by the pods\' failures', () => {
    expect(rootOf(linked('pods-not-starting/rollouts.yaml'), 'WorkloadRolloutStuck', 'checkout')).toBe('PodImagePullFailed');
    expect(rootOf(linked('pods-not-starting/failed-create.yaml'), 'WorkloadReplicasUnavailable', 'quota-app')).toBe('WorkloadQuotaExceeded');
  });
});

describe('WorkloadRolloutStuck on a StatefulSet', () => {
  it('names the failing updated pod and the revisions', () => {
    const f = finding('pods-not-starting/rollouts.yaml', 'WorkloadRolloutStuck', 'queue');
    expect(f.message).toBe('StatefulSet rollout/queue is stuck rolling out revision queue-6e7f8a9b1 for 15m: pod queue-2 fails (container queue: CrashLoopBackOff); 2 pods of revision queue-5d6e7f8a9 still serve.');
    expect(f.evidence[0]).toBe('currentRevision queue-5d6e7f8a9, updateRevision queue-6e7f8a9b1, updated 1/3');
  });
});
