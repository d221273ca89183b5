import type { CheckCase } from '../../helpers/cases.js';

export const cases: readonly CheckCase[] = [
  {
    name: 'budgets that forbid every eviction of healthy pods (minAvailable = pods, maxUnavailable 0) and one that selects no pod; not: maxUnavailable 1, a workload scaled to zero',
    fixtures: ['disruption/budgets.yaml'],
    checks: ['PDBBlocksDisruption'],
    expected: ['PDBBlocksDisruption PodDisruptionBudget/payments/fraud-api', 'PDBBlocksDisruption PodDisruptionBudget/payments/kafka', 'PDBBlocksDisruption PodDisruptionBudget/payments/ledger'],
  },
  {
    name: 'a budget at 0 because a pod crash-loops (reported as a consequence)',
    fixtures: ['disruption/unhealthy-pods.yaml'],
    checks: ['PDBBlocksDisruption'],
    expected: ['PDBBlocksDisruption PodDisruptionBudget/shop-orders/orders'],
  },
  {
    name: 'a budget at 0 for less than pdbDisruptionsBlockedAfter',
    fixtures: ['disruption/unhealthy-pods.yaml'],
    checks: ['PDBBlocksDisruption'],
    settings: { thresholds: { pdbDisruptionsBlockedAfter: '2h' } },
    expected: [],
  },
];
