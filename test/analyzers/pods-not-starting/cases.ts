import type { CheckCase } from '../../helpers/cases.js';

const POD_START_CHECKS = [
  'PodUnschedulable', 'PodRequestsExceedNodeCapacity', 'PodImagePullFailed', 'PodImagePullSecretMissing', 'PodConfigMissing',
  'PodVolumeMountFailed', 'PodStartCommandFailed', 'PodExecFormatError', 'PodEnvVarNotExpanded', 'PodRunAsNonRootViolation', 'PodPendingTooLong',
] as const;
const WORKLOAD_CHECKS = [
  'WorkloadQuotaExceeded', 'WorkloadLimitRangeViolation', 'WorkloadServiceAccountMissing', 'WorkloadAdmissionDenied', 'WorkloadRolloutStuck', 'WorkloadReplicasUnavailable',
] as const;

export const cases: readonly CheckCase[] = [
  {
    name: 'healthy workloads, a stale FailedCreate and a rollout that just started raise nothing',
    fixtures: ['pods-not-starting/healthy.yaml'],
    checks: [...POD_START_CHECKS, ...WORKLOAD_CHECKS],
    expected: [],
  },
  {
    name: 'unschedulable pods, one of them with requests no node can hold; not a pod being scheduled for 30s, nor one the autoscaler adds a node for; requests an autoscaled node group can hold are not "never schedulable"',
    fixtures: ['pods-not-starting/scheduling.yaml'],
    checks: ['PodUnschedulable', 'PodRequestsExceedNodeCapacity', 'PodPendingTooLong'],
    expected: [
      'PodUnschedulable Deployment/sched/api',
      'PodUnschedulable Deployment/sched/cache',
      'PodUnschedulable Deployment/sched/render',
      'PodUnschedulable Deployment/sched/trainer',
      'PodRequestsExceedNodeCapacity Deployment/sched/cache',
      'PodRequestsExceedNodeCapacity Deployment/sched/trainer',
    ],
  },
  {
    name: 'an hour later the pod that was being scheduled is unschedulable too, and so is the one a scale-up did not help',
    fixtures: ['pods-not-starting/scheduling.yaml'],
    checks: ['PodUnschedulable', 'PodRequestsExceedNodeCapacity'],
    now: '2026-11-25T13:00:00Z',
    expected: [
      'PodUnschedulable Deployment/sched/api',
      'PodUnschedulable Deployment/sched/batch',
      'PodUnschedulable Deployment/sched/cache',
      'PodUnschedulable Deployment/sched/render',
      'PodUnschedulable Deployment/sched/trainer',
      'PodUnschedulable Deployment/sched/worker',
      'PodRequestsExceedNodeCapacity Deployment/sched/cache',
      'PodRequestsExceedNodeCapacity Deployment/sched/trainer',
    ],
  },
  {
    name: 'without Node objects capacity cannot be judged, scheduling still can',
    fixtures: ['pods-not-starting/image-pull.yaml', 'pods-not-starting/volumes.yaml'],
    checks: ['PodUnschedulable', 'PodRequestsExceedNodeCapacity'],
    expected: ['PodUnschedulable StatefulSet/vol/db'],
  },
  {
    name: 'image pulls: missing tag and missing pull secret fail; a running pod with a deleted pull secret is info; a pod still pulling is fine',
    fixtures: ['pods-not-starting/image-pull.yaml'],
    checks: ['PodImagePullFailed', 'PodImagePullSecretMissing', 'PodPendingTooLong'],
    expected: [
      'PodImagePullFailed Deployment/pull/private',
      'PodImagePullFailed Deployment/pull/web',
      'PodImagePullSecretMissing Deployment/pull/builder',
      'PodImagePullSecretMissing Deployment/pull/private',
    ],
  },
  {
    name: 'missing ConfigMap and key block pods; a deleted Secret of a running pod is info; a 20-second-old pod gets a grace period',
    fixtures: ['pods-not-starting/config.yaml'],
    checks: ['PodConfigMissing', 'PodRunAsNonRootViolation', 'PodPendingTooLong'],
    expected: [
      'PodConfigMissing Deployment/cfg/billing',
      'PodConfigMissing Deployment/cfg/mailer',
      'PodConfigMissing Deployment/cfg/orders',
      'PodRunAsNonRootViolation Deployment/cfg/secure',
    ],
  },
  {
    name: 'past the grace period the new pod\'s missing ConfigMap is reported',
    fixtures: ['pods-not-starting/config.yaml'],
    checks: ['PodConfigMissing'],
    now: '2026-11-25T12:05:00Z',
    expected: [
      'PodConfigMissing Deployment/cfg/billing',
      'PodConfigMissing Deployment/cfg/mailer',
      'PodConfigMissing Deployment/cfg/orders',
      'PodConfigMissing Deployment/cfg/setup',
    ],
  },
  {
    name: 'a dump without Secrets of a namespace proves no Secret of it missing',
    fixtures: ['pods-not-starting/start-failures.yaml', 'pods-not-starting/image-pull.yaml'],
    checks: ['PodConfigMissing'],
    expected: [],
  },
  {
    name: 'Multi-Attach and a deleted claim hold pods up; a claim provisioned for a new pod does not',
    fixtures: ['pods-not-starting/volumes.yaml'],
    checks: ['PodVolumeMountFailed', 'PodConfigMissing', 'PodPendingTooLong'],
    expected: ['PodVolumeMountFailed Deployment/vol/uploader', 'PodVolumeMountFailed StatefulSet/vol/db'],
  },
  {
    name: 'start failures: executable not found, permission denied, wrong architecture; an application exiting 1 is not one',
    fixtures: ['pods-not-starting/start-failures.yaml'],
    checks: ['PodStartCommandFailed', 'PodExecFormatError', 'PodEnvVarNotExpanded'],
    expected: [
      'PodEnvVarNotExpanded Deployment/start/notifier',
      'PodExecFormatError Deployment/start/tool',
      'PodStartCommandFailed Deployment/start/api',
      'PodStartCommandFailed Deployment/start/scripts',
    ],
  },
  {
    name: 'the pod template decides $VAR without a shell: a Job whose pods all failed, a CronJob that has not run yet, a Deployment scaled to zero; not a Job that succeeded, nor $(VAR)',
    fixtures: ['pods-not-starting/templates.yaml', 'pods-not-starting/templates-pods.yaml'],
    checks: ['PodEnvVarNotExpanded'],
    expected: ['PodEnvVarNotExpanded CronJob/batch/digest', 'PodEnvVarNotExpanded Deployment/batch/exporter-legacy', 'PodEnvVarNotExpanded Job/batch/reindex'],
  },
  {
    name: 'probes and resources are judged on the template of a Deployment scaled to zero; run-to-completion templates need no probe, and complete templates raise nothing',
    fixtures: ['pods-not-starting/templates.yaml', 'pods-not-starting/templates-pods.yaml'],
    checks: ['PodProbesMissing', 'PodResourcesMissing'],
    expected: ['PodProbesMissing Deployment/batch/exporter-legacy', 'PodResourcesMissing Deployment/batch/exporter-legacy'],
  },
  {
    name: 'a CronJob that has not run yet asks for a ConfigMap key that does not exist: its next pod will not start; a Deployment scaled to zero whose Secret exists is fine',
    fixtures: ['pods-not-starting/templates.yaml', 'pods-not-starting/templates-pods.yaml'],
    checks: ['PodConfigMissing'],
    expected: ['PodConfigMissing CronJob/batch/digest'],
  },
  {
    name: 'without the workloads in the dump, the failed pods of a Job that has not succeeded are read (once per Job); a succeeded pod and $(VAR) are not reported',
    fixtures: ['pods-not-starting/templates-pods.yaml'],
    checks: ['PodEnvVarNotExpanded'],
    expected: ['PodEnvVarNotExpanded Job/batch/reindex'],
  },
  {
    name: 'long-pending pods without a more specific cause; an init container running for 5 minutes is within the threshold; a native sidecar that never gets ready is PodSidecarNotReady\'s, not also PodPendingTooLong',
    fixtures: ['pods-not-starting/pending.yaml'],
    checks: ['PodPendingTooLong', 'PodUnschedulable', 'PodSidecarNotReady'],
    expected: ['PodPendingTooLong Job/pend/migrate', 'PodPendingTooLong Pod/pend/gated', 'PodSidecarNotReady Deployment/pend/vaulted'],
  },
  {
    name: 'ten minutes later the replacement pod has been not ready for longer than the threshold',
    fixtures: ['pods-not-starting/replicas.yaml'],
    checks: ['WorkloadReplicasUnavailable'],
    now: '2026-11-25T12:10:00Z',
    expected: ['WorkloadReplicasUnavailable DaemonSet/avail/node-exporter', 'WorkloadReplicasUnavailable Deployment/avail/catalog', 'WorkloadReplicasUnavailable Deployment/avail/inventory', 'WorkloadReplicasUnavailable Deployment/avail/pricing'],
  },
  {
    name: 'PodPendingTooLong is the check of last resort: not for an init container in CrashLoopBackOff, nor an ImagePullBackOff of a container or init container; an init container waiting for a dependency for 22 minutes is',
    fixtures: ['pods-not-starting/pending-explained.yaml'],
    checks: ['PodPendingTooLong', 'PodCrashLooping', 'PodImagePullFailed'],
    expected: ['PodCrashLooping Deployment/ledger/ledger', 'PodImagePullFailed Deployment/ledger/reporting', 'PodImagePullFailed Deployment/ledger/statements', 'PodPendingTooLong Deployment/ledger/settlement'],
  },
  {
    name: 'with PodCrashLooping disabled, the crash-looping init container still explains the Pending pod',
    fixtures: ['pods-not-starting/pending-explained.yaml'],
    checks: ['PodPendingTooLong'],
    settings: { disabledChecks: ['PodCrashLooping'] },
    expected: ['PodPendingTooLong Deployment/ledger/settlement'],
  },
  {
    name: 'a lower podPendingTooLongAfter threshold reports the slow init container too',
    fixtures: ['pods-not-starting/pending.yaml'],
    checks: ['PodPendingTooLong'],
    settings: { thresholds: { podPendingTooLongAfter: '4m' } },
    expected: ['PodPendingTooLong Deployment/pend/slow', 'PodPendingTooLong Job/pend/migrate', 'PodPendingTooLong Pod/pend/gated'],
  },
  {
    name: 'controllers that cannot create pods, on their top controller; a FailedCreate that is history is not reported',
    fixtures: ['pods-not-starting/failed-create.yaml'],
    checks: ['WorkloadQuotaExceeded', 'WorkloadLimitRangeViolation', 'WorkloadServiceAccountMissing', 'WorkloadAdmissionDenied'],
    expected: [
      'WorkloadAdmissionDenied Deployment/wl/policy-app',
      'WorkloadLimitRangeViolation Deployment/wl/limits-app',
      'WorkloadQuotaExceeded CronJob/wl/backup',
      'WorkloadQuotaExceeded Deployment/wl/quota-app',
      'WorkloadServiceAccountMissing StatefulSet/wl/sa-app',
    ],
  },
  {
    name: 'rollouts: deadline exceeded, new pods failing behind old ones (Deployment and StatefulSet); rollouts of 1-2 minutes are progressing',
    fixtures: ['pods-not-starting/rollouts.yaml'],
    checks: ['WorkloadRolloutStuck', 'WorkloadReplicasUnavailable'],
    expected: ['WorkloadRolloutStuck Deployment/rollout/checkout', 'WorkloadRolloutStuck Deployment/rollout/search', 'WorkloadRolloutStuck StatefulSet/rollout/queue'],
  },
  {
    name: 'unavailable replicas for long; not for 2 minutes, a replacement pod of 3 minutes, a DaemonSet pod on a cordoned node, a healthy StatefulSet or a completed Job',
    fixtures: ['pods-not-starting/replicas.yaml'],
    checks: ['WorkloadReplicasUnavailable', 'WorkloadRolloutStuck', 'PodPendingTooLong'],
    expected: ['WorkloadReplicasUnavailable DaemonSet/avail/node-exporter', 'WorkloadReplicasUnavailable Deployment/avail/inventory'],
  },
];
