import type { CheckCase } from '../../helpers/cases.js';

const NODE_CHECKS = ['NodeNotReady', 'NodePressure', 'NodeOvercommitted', 'NodeCordoned'] as const;

export const cases: readonly CheckCase[] = [
  {
    name: 'healthy, moderately loaded nodes',
    fixtures: ['nodes/healthy.yaml'],
    checks: [...NODE_CHECKS],
    expected: [],
  },
  {
    name: 'a node that stopped reporting; a node NotReady for only 30 seconds',
    fixtures: ['nodes/not-ready.yaml'],
    checks: [...NODE_CHECKS],
    expected: ['NodeNotReady Node/worker-3'],
  },
  {
    name: 'a node the cluster-autoscaler is removing',
    fixtures: ['nodes/scale-down.yaml'],
    checks: [...NODE_CHECKS],
    expected: [],
  },
  {
    name: 'a longer nodeNotReadyAfter threshold waits longer',
    fixtures: ['nodes/not-ready.yaml'],
    checks: ['NodeNotReady'],
    settings: { thresholds: { nodeNotReadyAfter: '30m' } },
    expected: [],
  },
  {
    name: 'a node under memory and disk pressure',
    fixtures: ['nodes/pressure.yaml', 'nodes/healthy.yaml'],
    checks: [...NODE_CHECKS],
    expected: ['NodePressure Node/worker-5'],
  },
  {
    name: 'memory limits far above allocatable; init containers and completed pods do not count twice',
    fixtures: ['nodes/overcommitted.yaml'],
    checks: [...NODE_CHECKS],
    expected: ['NodeOvercommitted Node/worker-6'],
  },
  {
    name: 'overcommit thresholds are configurable',
    fixtures: ['nodes/overcommitted.yaml'],
    checks: ['NodeOvercommitted'],
    settings: { thresholds: { nodeMemoryLimitsOvercommit: 2, nodeRequestsOvercommit: 0.8 } },
    expected: ['NodeOvercommitted Node/worker-7'],
  },
  {
    name: 'a node cordoned for three days; recently cordoned and undated cordons are not reported; DaemonSet pods there are fine',
    fixtures: ['nodes/cordoned.yaml'],
    checks: [...NODE_CHECKS],
    expected: ['NodeCordoned Node/worker-8'],
  },
  {
    name: 'a cordon dated by the kubelet\'s NodeNotSchedulable event (Node events live in the default namespace)',
    fixtures: ['nodes/cordoned-event.yaml'],
    checks: ['NodeCordoned'],
    expected: ['NodeCordoned Node/worker-11'],
  },
  {
    name: 'metrics-server never installed',
    fixtures: ['nodes/apiservices-without-metrics.yaml'],
    checks: ['MetricsServerUnavailable'],
    expected: ['MetricsServerUnavailable Cluster/cluster'],
  },
  {
    name: 'metrics-server registered but unreachable',
    fixtures: ['nodes/apiservices-metrics-failing.yaml'],
    checks: ['MetricsServerUnavailable'],
    expected: ['MetricsServerUnavailable APIService/v1beta1.metrics.k8s.io'],
  },
  {
    name: 'metrics-server available',
    fixtures: ['nodes/apiservices-metrics-ok.yaml'],
    checks: ['MetricsServerUnavailable'],
    expected: [],
  },
  {
    name: 'without APIServices in view the metrics API cannot be judged',
    fixtures: ['nodes/healthy.yaml'],
    checks: ['MetricsServerUnavailable'],
    expected: [],
  },
];
