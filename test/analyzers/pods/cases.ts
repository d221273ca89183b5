import type { CheckCase } from '../../helpers/cases.js';
import type { CheckId } from '../../../src/analyzers/catalogue.js';

/** Every check of the 'Pods not working' section: the healthy rows must raise none of them. */
const POD_CHECKS: readonly CheckId[] = [
  'PodCrashLooping', 'PodOOMKilled', 'PodNotReady', 'PodLivenessProbeFailing', 'PodRestartingOften', 'PodLifecycleHookFailed',
  'PodEvicted', 'PodStuckTerminating', 'PodProbesMissing', 'PodResourcesMissing', 'PodCPUThrottled', 'PodSidecarNotReady',
];

export const cases: readonly CheckCase[] = [
  {
    name: 'an owner reference rolls up through the ReplicaSet it names, not through a StatefulSet that holds the same uid',
    fixtures: ['pods/owner-uid-collision.yaml'],
    checks: ['PodCrashLooping', 'WorkloadReplicasUnavailable'],
    expected: ['PodCrashLooping Deployment/media/transcoder', 'WorkloadReplicasUnavailable Deployment/media/transcoder'],
  },
  {
    name: 'the StatefulSet whose uid collides gets no finding: its own pod is healthy',
    fixtures: ['pods/owner-uid-collision.yaml'],
    checks: ['PodNotReady', 'PodRestartingOften', 'PodOOMKilled', 'WorkloadRolloutStuck'],
    expected: [],
  },
  {
    name: 'a Deployment whose only pod crash-loops',
    fixtures: ['pods/crashloop.yaml'],
    checks: ['PodCrashLooping', 'PodOOMKilled', 'PodRestartingOften', 'PodNotReady'],
    expected: ['PodCrashLooping Deployment/shop/checkout'],
  },
  {
    name: 'a crash loop on OOM kills; an OOM kill three hours ago is history; a CronJob run killed for memory',
    fixtures: ['pods/oom-killed.yaml'],
    checks: ['PodCrashLooping', 'PodOOMKilled', 'PodRestartingOften'],
    expected: ['PodCrashLooping Deployment/shop/cart', 'PodOOMKilled CronJob/shop/feed-export', 'PodOOMKilled Deployment/shop/cart'],
  },
  {
    name: 'a recent OOM kill is reported when the window is widened to a day',
    fixtures: ['pods/oom-killed.yaml'],
    checks: ['PodOOMKilled'],
    settings: { thresholds: { podOOMKilledWithin: '1d' } },
    expected: ['PodOOMKilled CronJob/shop/feed-export', 'PodOOMKilled Deployment/shop/cart', 'PodOOMKilled StatefulSet/shop/search'],
  },
  {
    name: 'a readiness probe failing for 30 minutes; a pod 90 seconds into its start; a crash-looping neighbour; a container without probes',
    fixtures: ['pods/not-ready.yaml'],
    checks: ['PodNotReady', 'PodCrashLooping'],
    expected: ['PodCrashLooping Deployment/catalog/indexer', 'PodNotReady Deployment/catalog/api'],
  },
  {
    name: 'PodNotReady waits for thresholds.podNotReadyAfter',
    fixtures: ['pods/not-ready.yaml'],
    checks: ['PodNotReady'],
    settings: { thresholds: { podNotReadyAfter: '45m' } },
    expected: [],
  },
  {
    name: 'restarted by its liveness probe; one failed check without a restart; liveness restarts nine hours ago',
    fixtures: ['pods/liveness.yaml'],
    checks: ['PodLivenessProbeFailing', 'PodRestartingOften', 'PodCrashLooping'],
    expected: ['PodLivenessProbeFailing Deployment/billing/invoices'],
  },
  {
    name: '37 restarts over 20 days; 6 restarts in 40 minutes; 6 restarts over five days; a crash loop with 40 restarts; a completed init container',
    fixtures: ['pods/restarts.yaml'],
    checks: ['PodRestartingOften', 'PodCrashLooping'],
    expected: ['PodCrashLooping Deployment/ingest/enricher', 'PodRestartingOften Deployment/ingest/collector', 'PodRestartingOften Deployment/ingest/parser'],
  },
  {
    name: 'restart thresholds come from the settings',
    fixtures: ['pods/restarts.yaml'],
    checks: ['PodRestartingOften'],
    settings: { thresholds: { restartCountHigh: 50, restartsPerHour: 10 } },
    expected: [],
  },
  {
    name: 'a failing postStart hook and a failing preStop hook; a hook that failed yesterday; no readiness noise from the restarts',
    fixtures: ['pods/lifecycle-hooks.yaml'],
    checks: ['PodLifecycleHookFailed', 'PodStuckTerminating', 'PodNotReady'],
    expected: ['PodLifecycleHookFailed Deployment/media/thumbnailer', 'PodLifecycleHookFailed Deployment/media/transcoder'],
  },
  {
    name: 'how long hook failures stay news comes from the settings',
    fixtures: ['pods/lifecycle-hooks.yaml'],
    checks: ['PodLifecycleHookFailed'],
    settings: { thresholds: { podEventsWithin: '2d' } },
    expected: ['PodLifecycleHookFailed Deployment/media/streamer', 'PodLifecycleHookFailed Deployment/media/thumbnailer', 'PodLifecycleHookFailed Deployment/media/transcoder'],
  },
  {
    name: 'an eviction 3h ago on a node still under DiskPressure is news; one three days ago on a node that has recovered is history',
    fixtures: ['pods/evicted-history.yaml'],
    checks: ['PodEvicted'],
    expected: ['PodEvicted Deployment/search/thumbnailer'],
  },
  {
    name: 'a window of four days (thresholds.podEvictedWithin) makes the three-day-old eviction news again',
    fixtures: ['pods/evicted-history.yaml'],
    checks: ['PodEvicted'],
    settings: { thresholds: { podEvictedWithin: '4d' } },
    expected: ['PodEvicted Deployment/search/indexer', 'PodEvicted Deployment/search/thumbnailer'],
  },
  {
    name: 'two hours later the memory evictions on a node without pressure are history',
    fixtures: ['pods/evicted.yaml'],
    checks: ['PodEvicted'],
    now: '2026-11-25T14:00:00Z',
    expected: [],
  },
  {
    name: 'three evicted pods of one Deployment make one finding; failed and completed Job pods are not evictions',
    fixtures: ['pods/evicted.yaml'],
    checks: ['PodEvicted', 'PodOOMKilled', 'PodCrashLooping'],
    expected: ['PodEvicted Deployment/reports/renderer'],
  },
  {
    name: 'a pod held by a finalizer; a pod on an unreachable node; a pod terminating within its grace period',
    fixtures: ['pods/stuck-terminating.yaml'],
    checks: ['PodStuckTerminating', 'PodNotReady', 'PodCrashLooping'],
    expected: ['PodStuckTerminating Deployment/legacy/gateway', 'PodStuckTerminating StatefulSet/legacy/queue'],
  },
  {
    name: 'a lost node takes its StatefulSet pod with it: 1/2 replicas available for an hour while the pod sits terminating; the Deployment whose pod a finalizer holds has its replacement available',
    fixtures: ['pods/stuck-terminating.yaml'],
    checks: ['WorkloadReplicasUnavailable', 'PodStuckTerminating'],
    expected: ['PodStuckTerminating Deployment/legacy/gateway', 'PodStuckTerminating StatefulSet/legacy/queue', 'WorkloadReplicasUnavailable StatefulSet/legacy/queue'],
  },
  {
    name: 'the StatefulSet short of the replica on the lost node is within a two-hour replicasUnavailableAfter',
    fixtures: ['pods/stuck-terminating.yaml'],
    checks: ['WorkloadReplicasUnavailable'],
    settings: { thresholds: { replicasUnavailableAfter: '2h' } },
    expected: [],
  },
  {
    name: 'probes and resources: one finding per container of a workload, not per replica; Jobs and mirror pods left out',
    fixtures: ['pods/probes-resources.yaml'],
    checks: ['PodProbesMissing', 'PodResourcesMissing'],
    expected: [
      'PodProbesMissing Deployment/tools/mailer',
      'PodProbesMissing Deployment/tools/wiki',
      'PodResourcesMissing Deployment/tools/mailer',
      'PodResourcesMissing Deployment/tools/wiki',
    ],
  },
  {
    name: 'CPU usage at 97% of the limit; 12% of the limit; no limit; metrics of a pod that is gone',
    fixtures: ['pods/cpu-throttled.yaml'],
    checks: ['PodCPUThrottled'],
    expected: ['PodCPUThrottled Deployment/analytics/aggregator'],
  },
  {
    name: 'the throttling ratio comes from the settings',
    fixtures: ['pods/cpu-throttled.yaml'],
    checks: ['PodCPUThrottled'],
    settings: { thresholds: { cpuThrottledRatio: 0.1 } },
    expected: ['PodCPUThrottled Deployment/analytics/aggregator', 'PodCPUThrottled Deployment/analytics/dashboard'],
  },
  {
    name: 'sidecars: a crash-looping proxy, a native sidecar that never starts, an unready log shipper; not when the app fails itself, not istio-proxy',
    fixtures: ['pods/sidecars.yaml'],
    checks: ['PodSidecarNotReady', 'PodCrashLooping', 'PodNotReady', 'PodRestartingOften'],
    expected: [
      'PodCrashLooping Deployment/payments/checkout-api',
      'PodNotReady Deployment/payments/edge-envoy',
      'PodSidecarNotReady Deployment/payments/fraud-check',
      'PodSidecarNotReady Deployment/payments/ledger-api',
      'PodSidecarNotReady Deployment/payments/notifier',
    ],
  },
  {
    name: 'healthy workloads, a pod being created, a rollout in progress, a DaemonSet pod on a cordoned node, a completed Job',
    fixtures: ['pods/healthy.yaml'],
    checks: POD_CHECKS,
    expected: [],
  },
];
