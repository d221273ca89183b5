import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/server/metrics.js';
import type { FindingForMetrics } from '../../src/server/metrics.js';

const cart = { kind: 'Deployment', namespace: 'shop', name: 'cart' };
const cartService = { kind: 'Service', namespace: 'shop', name: 'cart' };
const node = { kind: 'Node', name: 'worker-1' };

/** The exposition lines of one metric family, without HELP/TYPE, sorted. */
async function series(registry: Registry, name: string): Promise<string[]> {
  const text = await registry.metrics();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .sort();
}

function setup() {
  const registry = new Registry();
  return { registry, metrics: createMetrics(registry, { version: '1.2.3', defaultMetrics: false }) };
}

describe('operator metrics', () => {
  it('creates every metric of the design on the given registry only', async () => {
    const registry = new Registry();
    createMetrics(registry, { version: '1.2.3' });
    const names = (await registry.getMetricsAsJSON()).map((m) => m.name);
    expect(names).toEqual(expect.arrayContaining([
      'healthreport_finding', 'healthreport_findings', 'healthreport_analysis_duration_seconds',
      'healthreport_watch_events_total', 'healthreport_watch_restarts_total', 'healthreport_report_writes_total',
      'healthreport_queue_depth', 'healthreport_cache_objects', 'healthreport_analyzer_errors_total',
      'healthreport_resource_forbidden', 'healthreport_leader', 'healthreport_build_info',
      'process_cpu_user_seconds_total', 'nodejs_eventloop_lag_seconds',
    ]));
    // A second registry gets its own metrics: nothing was registered globally.
    const other = new Registry();
    expect(() => createMetrics(other, { version: '1.2.3' })).not.toThrow();
    expect(await series(registry, 'healthreport_build_info')).toEqual(['healthreport_build_info{version="1.2.3"} 1']);
    expect(await series(registry, 'healthreport_leader')).toEqual(['healthreport_leader 0']);
  });

  it('exports one series per subject and check, root unless explained', async () => {
    const { registry, metrics } = setup();
    const crash: FindingForMetrics = { check: 'PodCrashLooping', severity: 'critical' };
    metrics.setSubjectFindings(cart, [crash, { check: 'PodCrashLooping', severity: 'critical' }, { check: 'PodNotReady', severity: 'warning' }]);
    metrics.setSubjectFindings(cartService, [{ check: 'ServiceNoReadyEndpoints', severity: 'critical', rootCause: { check: 'PodCrashLooping', subject: cart } }]);
    metrics.setSubjectFindings(node, [{ check: 'NodeNotReady', severity: 'critical' }]);
    expect(await series(registry, 'healthreport_finding')).toEqual([
      'healthreport_finding{namespace="",subject_kind="Node",subject_name="worker-1",check="NodeNotReady",severity="critical",root="true"} 1',
      'healthreport_finding{namespace="shop",subject_kind="Deployment",subject_name="cart",check="PodCrashLooping",severity="critical",root="true"} 1',
      'healthreport_finding{namespace="shop",subject_kind="Deployment",subject_name="cart",check="PodNotReady",severity="warning",root="true"} 1',
      'healthreport_finding{namespace="shop",subject_kind="Service",subject_name="cart",check="ServiceNoReadyEndpoints",severity="critical",root="false"} 1',
    ]);
    expect(await series(registry, 'healthreport_findings')).toEqual([
      'healthreport_findings{namespace="",check="NodeNotReady",severity="critical"} 1',
      'healthreport_findings{namespace="shop",check="PodCrashLooping",severity="critical"} 2',
      'healthreport_findings{namespace="shop",check="PodNotReady",severity="warning"} 1',
      'healthreport_findings{namespace="shop",check="ServiceNoReadyEndpoints",severity="critical"} 1',
    ]);
  });

  it('keeps a check a root when one of its findings is unexplained, and takes its highest severity', async () => {
    const { registry, metrics } = setup();
    metrics.setSubjectFindings(cart, [
      { check: 'PodNotReady', severity: 'warning', rootCause: { check: 'NodeNotReady', subject: node } },
      { check: 'PodNotReady', severity: 'critical' },
    ]);
    expect(await series(registry, 'healthreport_finding')).toEqual([
      'healthreport_finding{namespace="shop",subject_kind="Deployment",subject_name="cart",check="PodNotReady",severity="critical",root="true"} 1',
    ]);
  });

  it('removes the series of resolved findings instead of leaving them at 0', async () => {
    const { registry, metrics } = setup();
    metrics.setSubjectFindings(cart, [{ check: 'PodCrashLooping', severity: 'critical' }, { check: 'PodNotReady', severity: 'warning' }]);
    metrics.setSubjectFindings(cartService, [{ check: 'ServiceNoReadyEndpoints', severity: 'critical' }]);
    metrics.setSubjectFindings(cart, [{ check: 'PodNotReady', severity: 'warning' }]);
    expect(await series(registry, 'healthreport_finding')).toEqual([
      'healthreport_finding{namespace="shop",subject_kind="Deployment",subject_name="cart",check="PodNotReady",severity="warning",root="true"} 1',
      'healthreport_finding{namespace="shop",subject_kind="Service",subject_name="cart",check="ServiceNoReadyEndpoints",severity="critical",root="true"} 1',
    ]);
    expect(await series(registry, 'healthreport_findings')).toEqual([
      'healthreport_findings{namespace="shop",check="PodNotReady",severity="warning"} 1',
      'healthreport_findings{namespace="shop",check="ServiceNoReadyEndpoints",severity="critical"} 1',
    ]);
    metrics.setSubjectFindings(cart, []);
    metrics.setSubjectFindings(cartService, []);
    expect(await series(registry, 'healthreport_finding')).toEqual([]);
    expect(await series(registry, 'healthreport_findings')).toEqual([]);
  });

  it('replaces a series whose root label changed', async () => {
    const { registry, metrics } = setup();
    const noEndpoints = { check: 'ServiceNoReadyEndpoints', severity: 'critical' as const };
    metrics.setSubjectFindings(cartService, [noEndpoints]);
    metrics.setSubjectFindings(cartService, [{ ...noEndpoints, rootCause: { check: 'PodCrashLooping', subject: cart } }]);
    expect(await series(registry, 'healthreport_finding')).toEqual([
      'healthreport_finding{namespace="shop",subject_kind="Service",subject_name="cart",check="ServiceNoReadyEndpoints",severity="critical",root="false"} 1',
    ]);
  });

  it('counts writes, forbidden resources and leadership', async () => {
    const { registry, metrics } = setup();
    metrics.countReportWrite('status', 'success');
    metrics.countReportWrite('status', 'success');
    metrics.countReportWrite('create', 'conflict');
    metrics.setResourceForbidden('secrets', true);
    metrics.setResourceForbidden('nodes', false);
    metrics.setLeader(true);
    metrics.queueDepth.set(7);
    expect(await series(registry, 'healthreport_report_writes_total')).toEqual([
      'healthreport_report_writes_total{operation="create",result="conflict"} 1',
      'healthreport_report_writes_total{operation="status",result="success"} 2',
    ]);
    expect(await series(registry, 'healthreport_resource_forbidden')).toEqual([
      'healthreport_resource_forbidden{resource="nodes"} 0',
      'healthreport_resource_forbidden{resource="secrets"} 1',
    ]);
    expect(await series(registry, 'healthreport_leader')).toEqual(['healthreport_leader 1']);
    expect(await series(registry, 'healthreport_queue_depth')).toEqual(['healthreport_queue_depth 7']);
  });
});
