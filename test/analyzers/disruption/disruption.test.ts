import { describe, expect, it } from 'vitest';
import { linkRootCauses } from '../../../src/report/root-causes.js';
import { runCases } from '../../helpers/cases.js';
import { analyzeFixtures } from '../../helpers/fixtures.js';
import { cases } from './cases.js';

runCases('PodDisruptionBudget checks', cases);

describe('PDBBlocksDisruption', () => {
  it('says what in the budget forbids evictions, with the controller\'s counts', () => {
    const findings = analyzeFixtures(['disruption/budgets.yaml']).findings.filter((f) => f.check === 'PDBBlocksDisruption');
    const byName = new Map(findings.map((f) => [f.subject.name, f]));
    expect(byName.get('ledger')?.message).toBe(
      'PodDisruptionBudget payments/ledger allows no disruption although its pods are healthy: it requires 2 healthy of 2 pods, so every eviction is refused and node drains hang.',
    );
    expect(byName.get('kafka')?.message).toContain('maxUnavailable is 0');
    expect(byName.get('kafka')?.evidence).toEqual(['maxUnavailable: 0, selector: app.kubernetes.io/name=kafka', 'disruptionsAllowed: 0, currentHealthy: 3, desiredHealthy: 3, expectedPods: 3']);
    expect(byName.get('fraud-api')?.message).toBe('PodDisruptionBudget payments/fraud-api selects no pod, and no workload of its namespace has a pod template it matches: it protects nothing.');
    // A budget that forbids evictions by itself is a root: it names nothing that could explain it.
    expect(findings.every((f) => f.related === undefined)).toBe(true);
  });

  it('links a budget at 0 because of unhealthy pods to the workload\'s finding', () => {
    const linked = linkRootCauses(analyzeFixtures(['disruption/unhealthy-pods.yaml']).findings).find((f) => f.check === 'PDBBlocksDisruption');
    expect(linked?.message).toBe('PodDisruptionBudget shop-orders/orders allows no disruption because only 2 of its 3 pods are healthy (it requires 2).');
    expect(linked?.evidence).toContain('pods not ready: orders-9658403816-76c59');
    expect(linked?.rootCause).toEqual({ check: 'PodCrashLooping', subject: expect.objectContaining({ kind: 'Deployment', namespace: 'shop-orders', name: 'orders' }) });
  });
});
