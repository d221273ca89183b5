import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/analyzers/types.js';
import { linkRootCauses } from '../../src/report/root-causes.js';
import { buildAnalysisReport } from '../../src/report/report.js';

const podRef = (name: string) => ({ kind: 'Pod', namespace: 'shop', name });
const deployment = { kind: 'Deployment', namespace: 'shop', name: 'cart' };

function finding(check: Finding['check'], severity: Finding['severity'], subject: Finding['subject'], object: Finding['object'], related?: Finding['related']): Finding {
  return { check, severity, subject, object, message: `${check} on ${object.name}`, evidence: [], ...(related ? { related } : {}) };
}

describe('root-cause linking', () => {
  const crash = finding('PodCrashLooping', 'critical', deployment, { ...podRef('cart-1'), container: 'app' });
  const serviceA = finding('ServiceNoReadyEndpoints', 'critical', { kind: 'Service', namespace: 'shop', name: 'cart' }, { kind: 'Service', namespace: 'shop', name: 'cart' }, [podRef('cart-1'), podRef('cart-2')]);
  const serviceB = finding('ServiceNoReadyEndpoints', 'critical', { kind: 'Service', namespace: 'shop', name: 'cart-admin' }, { kind: 'Service', namespace: 'shop', name: 'cart-admin' }, [podRef('cart-1')]);
  const unrelated = finding('ServiceNoReadyEndpoints', 'critical', { kind: 'Service', namespace: 'shop', name: 'search' }, { kind: 'Service', namespace: 'shop', name: 'search' }, [podRef('search-1')]);

  it('links one root cause to several dependents, and leaves the unexplained alone', () => {
    const linked = linkRootCauses([serviceA, crash, serviceB, unrelated]);
    expect(linked.map((f) => [f.subject.name, f.check, f.rootCause ?? null])).toEqual([
      ['cart', 'ServiceNoReadyEndpoints', { check: 'PodCrashLooping', subject: deployment }],
      ['cart', 'PodCrashLooping', null],
      ['cart-admin', 'ServiceNoReadyEndpoints', { check: 'PodCrashLooping', subject: deployment }],
      ['search', 'ServiceNoReadyEndpoints', null],
    ]);
  });

  it('prefers the more severe, then the more specific cause', () => {
    const notReady = finding('PodNotReady', 'warning', deployment, podRef('cart-2'));
    const [linked] = linkRootCauses([serviceA, notReady, crash]);
    expect(linked?.rootCause?.check).toBe('PodCrashLooping');
  });

  it('never links a cycle', () => {
    const a = finding('PVCPending', 'critical', { kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'data' }, { kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'data' }, [{ kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'data2' }]);
    const b = finding('PVCPending', 'critical', { kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'data2' }, { kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'data2' }, [{ kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'data' }]);
    const rules = [{ dependent: 'PVCPending' as const, causes: ['PVCPending' as const] }];
    const linked = linkRootCauses([a, b], rules);
    expect(linked.filter((f) => f.rootCause)).toHaveLength(1);
  });

  it('keeps the link when the root is filtered out of the output', () => {
    const report = buildAnalysisReport([serviceA, crash], { namespace: 'shop', minSeverity: 'critical' });
    expect(report.findings.find((f) => f.check === 'ServiceNoReadyEndpoints')?.rootCause?.check).toBe('PodCrashLooping');
  });
});

describe('report ordering', () => {
  it('is deterministic whatever the input order', () => {
    const a = finding('PodProbesMissing', 'info', deployment, podRef('cart-1'));
    const b = finding('PodCrashLooping', 'critical', deployment, podRef('cart-1'));
    const c = finding('NodeNotReady', 'critical', { kind: 'Node', name: 'worker-1' }, { kind: 'Node', name: 'worker-1' });
    const one = buildAnalysisReport([a, b, c]).findings.map((f) => f.check);
    const two = buildAnalysisReport([c, a, b]).findings.map((f) => f.check);
    expect(one).toEqual(two);
    expect(one).toEqual(['PodCrashLooping', 'NodeNotReady', 'PodProbesMissing']);
  });
});

describe('root-cause rules', () => {
  it('add up when several rules name the same dependent', () => {
    const subject = { kind: 'Service', namespace: 'shop', name: 'cart' };
    const dependent = finding('ServiceNoReadyEndpoints', 'critical', subject, subject, [podRef('cart-1')]);
    const cause = finding('PodOOMKilled', 'critical', deployment, podRef('cart-1'));
    const rules = [
      { dependent: 'ServiceNoReadyEndpoints' as const, causes: ['PodCrashLooping' as const] },
      { dependent: 'ServiceNoReadyEndpoints' as const, causes: ['PodOOMKilled' as const] },
    ];
    expect(linkRootCauses([dependent, cause], rules)[0]?.rootCause?.check).toBe('PodOOMKilled');
  });
});
