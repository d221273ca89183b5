import { describe, expect, it } from 'vitest';
import { linkRootCauses } from '../../../src/report/root-causes.js';
import { runCases } from '../../helpers/cases.js';
import { analyzeFixtures, analyzeObjects, loadFixture } from '../../helpers/fixtures.js';
import { cases } from './cases.js';

runCases('HorizontalPodAutoscaler checks', cases);

describe('HPAUnableToScale', () => {
  it('has metrics-server\'s unavailability as its root cause when resource metrics are missing', () => {
    const linked = linkRootCauses(analyzeFixtures(['autoscaling/metrics-unavailable.yaml']).findings).find((f) => f.check === 'HPAUnableToScale');
    expect(linked?.message).toBe('HorizontalPodAutoscaler shop-hpa/checkout cannot scale Deployment checkout: it cannot read resource metrics from the metrics API (metrics-server).');
    expect(linked?.rootCause).toEqual({ check: 'MetricsServerUnavailable', subject: expect.objectContaining({ kind: 'APIService', name: 'v1beta1.metrics.k8s.io' }) });
    expect(linked?.evidence).toContain('replicas: current 4, desired 4, min 2, max 12');
    expect(linked?.evidence.some((e) => e.startsWith('Warning FailedGetResourceMetric (x75'))).toBe(true);
    expect(linked?.firstSeen).toBe('2026-11-25T11:22:40Z');
  });

  it('names a missing target, and containers without requests without blaming metrics-server', () => {
    const findings = linkRootCauses(analyzeFixtures(['autoscaling/cannot-scale.yaml']).findings).filter((f) => f.check === 'HPAUnableToScale');
    const search = findings.find((f) => f.subject.name === 'search-api');
    const indexer = findings.find((f) => f.subject.name === 'indexer');
    expect(search?.message).toBe('HorizontalPodAutoscaler search-hpa/search-api cannot scale Deployment search-api-v2: its target Deployment search-api-v2 does not exist.');
    expect(indexer?.message).toContain('containers of its target have no resource request to compute utilization from (missing request for cpu in container app');
    expect(indexer?.related).toBeUndefined();
  });

  it('tells a missing target from the view alone when the HPA has no status (a manifest), after the threshold from its creation', () => {
    const manifest = loadFixture('autoscaling/cannot-scale.yaml').map((o) => ((o as { kind: string }).kind === 'HorizontalPodAutoscaler' ? { ...(o as object), status: undefined } : o));
    const at = (now: string) => analyzeObjects(manifest, { now: Date.parse(now) }).findings.filter((f) => f.check === 'HPAUnableToScale').map((f) => f.message);
    expect(at('2026-11-25T12:00:00Z')).toEqual(['HorizontalPodAutoscaler search-hpa/search-api cannot scale Deployment search-api-v2: its target Deployment search-api-v2 does not exist.']);
    // Created at 10:01: not yet 5 minutes old at 10:05.
    expect(at('2026-11-25T10:05:00Z')).toEqual([]);
  });
});

describe('HPAAtMaxReplicas', () => {
  it('pairs each metric with its target', () => {
    const [finding] = analyzeFixtures(['autoscaling/scaling.yaml']).findings.filter((f) => f.check === 'HPAAtMaxReplicas');
    expect(finding?.evidence).toEqual([
      'replicas: current 10, desired 10, min 2, max 10',
      'ScalingLimited=True (TooManyReplicas) since 2026-11-25T11:20:30Z: the desired replica count is more than the maximum replica count',
      'metric Resource cpu: 134% (target 70%)',
    ]);
  });
});
