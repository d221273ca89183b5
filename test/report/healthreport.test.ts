import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/analyzers/types.js';
import { buildAnalysisReport } from '../../src/report/report.js';
import type { ReportFinding } from '../../src/report/report.js';
import { desiredHealthReport, findingsBySubject, healthyReportExpiry, parseStoredReport } from '../../src/report/healthreport.js';
import type { DesiredReportInput } from '../../src/report/healthreport.js';
import type { HealthReport, SubjectRef } from '../../src/report/healthreport-types.js';
import { jsonBytes } from '../../src/report/report-bounds.js';
import { planReportWrite, reportContentEquals, reportMetadataEquals } from '../../src/report/report-content.js';
import { reportName, subjectNameLabel } from '../../src/report/report-naming.js';
import type { OpenApiSchema } from '../helpers/openapi-validator.js';
import { validateOpenApi } from '../helpers/openapi-validator.js';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const MINUTE = 60_000;

const checkout: SubjectRef = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'checkout', uid: '3f6c2a1e-8d4b-4f7a-9c1e-2b5d7e9f0a11' };
const checkoutService: SubjectRef = { apiVersion: 'v1', kind: 'Service', namespace: 'shop', name: 'checkout', uid: '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d' };
const worker: SubjectRef = { apiVersion: 'v1', kind: 'Node', name: 'worker-1', uid: '9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d' };
const pod = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name, uid: `uid-${name}` });

const crash = (podName: string, container = 'app'): Finding => ({
  check: 'PodCrashLooping',
  severity: 'critical',
  subject: checkout,
  object: { ...pod(podName), container },
  message: `Container ${container} of pod shop/${podName} is crash-looping (exit code 1, 7 restarts).`,
  evidence: ['last state: Terminated (Error), exit code 1', 'Warning BackOff (x31 over 14m): Back-off restarting failed container app', 'log: panic: connect to postgres:5432: connection refused'],
  firstSeen: '2026-11-25T11:46:03Z',
});
const replicasUnavailable: Finding = {
  check: 'WorkloadReplicasUnavailable',
  severity: 'critical',
  subject: checkout,
  object: checkout,
  message: 'Deployment shop/checkout has 0 of 3 replicas available for 14m.',
  evidence: ['Available=False (MinimumReplicasUnavailable)'],
  related: [pod('checkout-7d9f8b6c5-x2k4q')],
};
const noEndpoints: Finding = {
  check: 'ServiceNoReadyEndpoints',
  severity: 'critical',
  subject: checkoutService,
  object: checkoutService,
  message: 'Service shop/checkout has no ready endpoints for 14m.',
  evidence: ['3 endpoints not ready'],
  related: [pod('checkout-7d9f8b6c5-x2k4q')],
};
const notReady: Finding = {
  check: 'PodNotReady',
  severity: 'warning',
  subject: checkout,
  object: { ...pod('checkout-7d9f8b6c5-9wz7m'), container: 'app' },
  message: 'Pod shop/checkout-7d9f8b6c5-9wz7m is not ready: readiness probe failing for 6m.',
  evidence: ['Warning Unhealthy (x40 over 6m): Readiness probe failed: HTTP probe failed with statuscode: 503'],
};
const nodeNotReady: Finding = {
  check: 'NodeNotReady',
  severity: 'critical',
  subject: worker,
  object: worker,
  message: 'Node worker-1 is NotReady for 5m: kubelet stopped posting node status.',
  evidence: ['Ready=Unknown (NodeStatusUnknown) since 2026-11-25T11:55:00Z'],
  firstSeen: '2026-11-25T11:55:00.123456Z',
};

function linked(...findings: Finding[]): ReportFinding[] {
  return [...buildAnalysisReport(findings).findings];
}

const bounds = { maxFindingsPerReport: 50, maxEvidencePerFinding: 30, maxReportBytes: 256 * 1024 };

function build(subject: SubjectRef, findings: readonly ReportFinding[], extra: Partial<DesiredReportInput> = {}): HealthReport {
  return desiredHealthReport({ subject, findings: findings.filter((f) => f.subject.name === subject.name && f.subject.kind === subject.kind), now: NOW, operatorNamespace: 'healthreport-system', bounds, ...extra });
}

/** The status as the API server returns it: through JSON, keys sorted (Go maps). */
function roundTrip<T>(value: T): T {
  const sortKeys = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sortKeys) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])])) : v;
  return sortKeys(JSON.parse(JSON.stringify(value))) as T;
}

function crdSchema(): OpenApiSchema {
  const crd = yaml.load(readFileSync(new URL('../../crds/sre.otomi.io_healthreports.yaml', import.meta.url), 'utf8')) as {
    spec: { versions: { name: string; schema: { openAPIV3Schema: OpenApiSchema } }[] };
  };
  const version = crd.spec.versions.find((v) => v.name === 'v1alpha1');
  if (!version) throw new Error('the CRD has no v1alpha1 version');
  return version.schema.openAPIV3Schema;
}

describe('report name, namespace and labels', () => {
  it('names a report after the subject kind and name, in the subject namespace', () => {
    const report = build(checkout, linked(crash('checkout-7d9f8b6c5-x2k4q')));
    expect(report.metadata).toMatchObject({
      name: 'deployment-checkout',
      namespace: 'shop',
      labels: { 'sre.otomi.io/subject-kind': 'Deployment', 'sre.otomi.io/subject-name': 'checkout', 'sre.otomi.io/severity': 'critical' },
    });
    expect(report.spec.subject).toEqual(checkout);
  });

  it('puts reports on cluster-scoped subjects in the operator namespace, without an owner', () => {
    const report = build(worker, linked(nodeNotReady));
    expect(report.metadata.name).toBe('node-worker-1');
    expect(report.metadata.namespace).toBe('healthreport-system');
    expect(report.metadata.ownerReferences).toBeUndefined();
    expect(report.spec.subject).toEqual({ apiVersion: 'v1', kind: 'Node', name: 'worker-1', uid: worker.uid });
  });

  it('makes a namespaced subject with a known uid the owner, without blocking its deletion', () => {
    expect(build(checkout, linked(crash('checkout-1'))).metadata.ownerReferences).toEqual([
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'checkout', uid: checkout.uid, controller: false, blockOwnerDeletion: false },
    ]);
    const { uid: _uid, ...withoutUid } = checkout;
    expect(build(withoutUid, linked({ ...crash('checkout-1'), subject: withoutUid })).metadata.ownerReferences).toBeUndefined();
  });

  it('shortens long names with a stable hash, valid as a DNS subdomain and a label value', () => {
    const subject = { kind: 'Deployment', namespace: 'shop', name: 'recommendation-engine-batch-scoring-worker-for-the-european-region' };
    const name = reportName(subject);
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^deployment-recommendation-engine-batch-scoring-worke[a-z-]*-[0-9a-f]{10}$/);
    expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(reportName({ ...subject })).toBe(name);
    expect(reportName({ ...subject, namespace: 'shop-staging' })).not.toBe(name);
    const label = subjectNameLabel(subject);
    expect(label.length).toBeLessThanOrEqual(63);
    expect(label).toMatch(/^recommendation-engine-batch-scoring-worker-for-the-e-[0-9a-f]{10}$/);
  });

  it('keeps label values valid for dotted names at the length limit', () => {
    const fits = { kind: 'Certificate', namespace: 'shop', name: `${'a'.repeat(51)}.example.com` };
    expect(subjectNameLabel(fits)).toBe(fits.name);
    // Cut after 52 characters, the name would end in "." — not a valid end for a label value.
    const tooLong = { ...fits, name: `${'a'.repeat(51)}.b.example.com` };
    expect(subjectNameLabel(tooLong)).toMatch(/^a{51}-[0-9a-f]{10}$/);
  });

  it('uses the hashed name when the plain one belongs to another subject', () => {
    const name = reportName(checkout, { collides: (candidate) => candidate === 'deployment-checkout' });
    expect(name).toMatch(/^deployment-checkout-[0-9a-f]{10}$/);
    expect(reportName(checkout, { collides: () => false })).toBe('deployment-checkout');
  });
});

describe('report status', () => {
  it('summarises the findings, most severe and unexplained first', () => {
    const findings = linked(notReady, replicasUnavailable, crash('checkout-7d9f8b6c5-x2k4q'));
    const { status } = build(checkout, findings);
    expect(status.severity).toBe('Critical');
    expect(status.summary).toEqual({ critical: 2, warning: 1, info: 0, total: 3 });
    expect(status.findings.map((f) => [f.check, f.severity, f.rootCause?.check ?? null])).toEqual([
      ['PodCrashLooping', 'Critical', null],
      ['WorkloadReplicasUnavailable', 'Critical', 'PodCrashLooping'],
      ['PodNotReady', 'Warning', null],
    ]);
    expect(status.topCheck).toBe('PodCrashLooping');
    expect(status.omittedFindings).toBe(0);
    expect(status.lastAnalyzed).toBe('2026-11-25T12:00:00Z');
    expect(status.conditions).toEqual([{
      type: 'Healthy',
      status: 'False',
      lastTransitionTime: '2026-11-25T12:00:00Z',
      reason: 'PodCrashLooping',
      message: '3 active findings (2 critical, 1 warning); most severe: Container app of pod shop/checkout-7d9f8b6c5-x2k4q is crash-looping (exit code 1, 7 restarts).',
    }]);
  });

  it('writes findings with the object, remediation and root cause, without API-only fields', () => {
    const { status } = build(checkoutService, linked(noEndpoints, crash('checkout-7d9f8b6c5-x2k4q')));
    const [finding] = status.findings;
    expect(finding).toMatchObject({
      check: 'ServiceNoReadyEndpoints',
      object: { kind: 'Service', namespace: 'shop', name: 'checkout' },
      rootCause: { check: 'PodCrashLooping', subject: { kind: 'Deployment', namespace: 'shop', name: 'checkout' } },
      evidence: ['3 endpoints not ready'],
    });
    expect(finding?.remediation.length).toBeGreaterThan(0);
    expect(finding?.object).not.toHaveProperty('uid');
    expect(finding?.rootCause?.subject).not.toHaveProperty('apiVersion');
  });

  it('takes firstSeen from the previous report, else from the data, else now', () => {
    const first = build(checkout, linked(crash('checkout-a'), notReady));
    expect(first.status.findings.map((f) => f.firstSeen)).toEqual(['2026-11-25T11:46:03Z', '2026-11-25T12:00:00Z']);
    // Later, the data shows another start (the container restarted) and the pod became not ready again.
    const later = desiredHealthReport({
      subject: checkout,
      findings: linked({ ...crash('checkout-a'), firstSeen: '2026-11-25T12:20:00Z' }, notReady, crash('checkout-b')),
      now: NOW + 30 * MINUTE,
      operatorNamespace: 'healthreport-system',
      bounds,
      previousStatus: roundTrip(first.status),
    });
    expect(later.status.findings.map((f) => [f.object.name, f.firstSeen])).toEqual([
      ['checkout-a', '2026-11-25T11:46:03Z'],
      ['checkout-b', '2026-11-25T11:46:03Z'],
      ['checkout-7d9f8b6c5-9wz7m', '2026-11-25T12:00:00Z'],
    ]);
  });

  it('normalises timestamps to seconds', () => {
    expect(build(worker, linked(nodeNotReady)).status.findings[0]?.firstSeen).toBe('2026-11-25T11:55:00Z');
  });

  it('turns Healthy when every finding resolved, and keeps the time it did', () => {
    const broken = build(checkout, linked(crash('checkout-a')));
    const healed = desiredHealthReport({ subject: checkout, findings: [], now: NOW + 10 * MINUTE, operatorNamespace: 'x', bounds, previousStatus: roundTrip(broken.status) });
    expect(healed.status).toEqual({
      severity: 'Healthy',
      summary: { critical: 0, warning: 0, info: 0, total: 0 },
      findings: [],
      omittedFindings: 0,
      lastAnalyzed: '2026-11-25T12:10:00Z',
      conditions: [{ type: 'Healthy', status: 'True', lastTransitionTime: '2026-11-25T12:10:00Z', reason: 'NoActiveFindings', message: 'No active findings.' }],
    });
    expect(healed.metadata.labels['sre.otomi.io/severity']).toBe('healthy');
    const stillHealthy = desiredHealthReport({ subject: checkout, findings: [], now: NOW + 40 * MINUTE, operatorNamespace: 'x', bounds, previousStatus: roundTrip(healed.status) });
    expect(stillHealthy.status.conditions[0]?.lastTransitionTime).toBe('2026-11-25T12:10:00Z');
    expect(healthyReportExpiry(roundTrip(stillHealthy.status), 60 * MINUTE)).toBe(NOW + 70 * MINUTE);
    expect(healthyReportExpiry(roundTrip(broken.status), 60 * MINUTE)).toBeUndefined();
    expect(healthyReportExpiry(undefined, 60 * MINUTE)).toBeUndefined();
  });
});

describe('report content comparison', () => {
  it('sees no change when only the analysis time moved', () => {
    const findings = linked(crash('checkout-a'), notReady);
    const first = build(checkout, findings);
    const again = desiredHealthReport({ subject: checkout, findings, now: NOW + 5 * MINUTE, operatorNamespace: 'healthreport-system', bounds, previousStatus: roundTrip(first.status) });
    expect(again.status.lastAnalyzed).not.toBe(first.status.lastAnalyzed);
    expect(reportContentEquals(roundTrip(first.status), again.status)).toBe(true);
  });

  it('sees no change when a finding without data-based firstSeen is analyzed again later', () => {
    const first = build(checkout, linked(notReady));
    const again = desiredHealthReport({ subject: checkout, findings: linked(notReady), now: NOW + 5 * MINUTE, operatorNamespace: 'x', bounds, previousStatus: roundTrip(first.status) });
    expect(reportContentEquals(roundTrip(first.status), again.status)).toBe(true);
  });

  it('sees a change in a message, a severity, a finding or a condition status', () => {
    const first = build(checkout, linked(crash('checkout-a'), notReady));
    const previous = roundTrip(first.status);
    const next = (findings: Finding[]) => desiredHealthReport({ subject: checkout, findings: linked(...findings), now: NOW + MINUTE, operatorNamespace: 'x', bounds, previousStatus: previous }).status;
    expect(reportContentEquals(previous, next([crash('checkout-a'), { ...notReady, message: 'Pod shop/checkout-7d9f8b6c5-9wz7m is not ready: readiness probe failing for 7m.' }]))).toBe(false);
    expect(reportContentEquals(previous, next([crash('checkout-a'), { ...notReady, severity: 'critical' }]))).toBe(false);
    expect(reportContentEquals(previous, next([crash('checkout-a')]))).toBe(false);
    expect(reportContentEquals(previous, next([]))).toBe(false);
    expect(reportContentEquals(undefined, first.status)).toBe(false);
    expect(reportContentEquals('garbage', first.status)).toBe(false);
  });
});

describe('report bounds', () => {
  const manyCrashes = (count: number, evidence: readonly string[]) =>
    linked(...Array.from({ length: count }, (_, i) => ({ ...crash(`checkout-${String(i).padStart(3, '0')}`), evidence }))) as ReportFinding[];

  it('keeps at most maxFindingsPerReport findings and counts the rest', () => {
    const { status } = build(checkout, manyCrashes(80, ['exit code 1']), { bounds: { ...bounds, maxFindingsPerReport: 20 } });
    expect(status.findings).toHaveLength(20);
    expect(status.omittedFindings).toBe(60);
    expect(status.summary.total).toBe(80);
  });

  it('cuts evidence to the limit with a note saying how much was left out', () => {
    const evidence = Array.from({ length: 12 }, (_, i) => `event ${i}`);
    const { status } = build(checkout, manyCrashes(1, evidence), { bounds: { ...bounds, maxEvidencePerFinding: 5 } });
    expect(status.findings[0]?.evidence).toEqual(['event 0', 'event 1', 'event 2', 'event 3', '(8 more evidence items omitted to keep the report small)']);
  });

  it('cuts long evidence items to the CRD limit', () => {
    const { status } = build(checkout, manyCrashes(1, ['x'.repeat(10_000)]));
    expect(status.findings[0]?.evidence[0]).toHaveLength(4096);
    expect(status.findings[0]?.evidence[0]?.endsWith('…')).toBe(true);
  });

  it('trims evidence before findings to fit the byte budget', () => {
    const evidence = Array.from({ length: 30 }, (_, i) => `log line ${i}: ${'y'.repeat(1000)}`);
    const report = build(checkout, manyCrashes(20, evidence), { bounds: { ...bounds, maxReportBytes: 200 * 1024 } });
    expect(jsonBytes(report)).toBeLessThanOrEqual(200 * 1024);
    expect(report.status.findings).toHaveLength(20);
    expect(report.status.omittedFindings).toBe(0);
    const kept = report.status.findings[0]?.evidence ?? [];
    expect(kept.length).toBeLessThan(30);
    expect(kept.at(-1)).toMatch(/^\(\d+ more evidence items omitted/);
  });

  it('drops the least important findings when evidence alone cannot make it fit', () => {
    const evidence = Array.from({ length: 30 }, () => 'z'.repeat(4000));
    const report = build(checkout, [...linked(notReady), ...manyCrashes(150, evidence)], { bounds: { maxFindingsPerReport: 200, maxEvidencePerFinding: 50, maxReportBytes: 64 * 1024 } });
    expect(jsonBytes(report)).toBeLessThanOrEqual(64 * 1024);
    expect(report.status.findings.length).toBeGreaterThan(0);
    expect(report.status.findings.length + report.status.omittedFindings).toBe(151);
    expect(report.status.findings.every((f) => f.evidence.length === 1)).toBe(true);
    expect(report.status.findings.map((f) => f.check)).not.toContain('PodNotReady');
    expect(report.status.summary.total).toBe(151);
  });
});

describe('the produced objects against the CRD schema', () => {
  const schema = crdSchema();

  const scenarios: [string, HealthReport][] = [
    ['a deployment with root-caused findings', build(checkout, linked(crash('checkout-a'), crash('checkout-a', 'istio-proxy'), replicasUnavailable, notReady))],
    ['a service whose root cause is elsewhere', build(checkoutService, linked(noEndpoints, crash('checkout-7d9f8b6c5-x2k4q')))],
    ['a node in the operator namespace', build(worker, linked(nodeNotReady))],
    ['a healthy report', build(checkout, [])],
    ['a bounded report', build(checkout, linked(...Array.from({ length: 300 }, (_, i) => ({ ...crash(`checkout-${i}`), evidence: Array.from({ length: 80 }, () => 'e'.repeat(5000)) }))))],
  ];

  it.each(scenarios)('validates %s', (_name, report) => {
    expect(validateOpenApi(schema, roundTrip(report))).toEqual([]);
  });

  it('would catch an object outside the schema', () => {
    const [, report] = scenarios[0]!;
    const bad = { ...report, status: { ...report.status, severity: 'critical', extra: 1, findings: [{ ...report.status.findings[0], firstSeen: 'yesterday' }] } };
    expect(validateOpenApi(schema, bad)).toEqual([
      '$.status.severity: "critical" is not one of ["Critical","Warning","Info","Healthy"]',
      '$.status.findings[0].firstSeen: not an RFC 3339 date-time: yesterday',
      '$.status.extra: not in the schema (the API server would prune it)',
    ]);
  });
});

describe('grouping findings by subject', () => {
  it('groups in order of appearance', () => {
    const groups = findingsBySubject(linked(crash('checkout-a'), noEndpoints, notReady, nodeNotReady));
    expect([...groups.keys()]).toEqual(['Deployment/shop/checkout', 'Node//worker-1', 'Service/shop/checkout']);
    expect(groups.get('Deployment/shop/checkout')?.findings.map((f) => f.check)).toEqual(['PodCrashLooping', 'PodNotReady']);
  });
});

describe('planning the writes of a report', () => {
  const desired = build(checkout, linked(crash('checkout-a')));
  const stored = () => ({ ...roundTrip(desired), metadata: { ...roundTrip(desired.metadata), uid: 'r-1', resourceVersion: '88', creationTimestamp: '2026-11-25T11:00:00Z', labels: { ...desired.metadata.labels, 'team.example.com/owner': 'payments' } } });

  it('creates a report that does not exist', () => {
    expect(planReportWrite(undefined, desired)).toEqual({ type: 'create' });
  });

  it('writes nothing when only server fields, foreign labels and the analysis time differ', () => {
    const later = desiredHealthReport({ subject: checkout, findings: linked(crash('checkout-a')), now: NOW + 5 * MINUTE, operatorNamespace: 'x', bounds, previousStatus: stored().status });
    expect(planReportWrite(stored(), later)).toEqual({ type: 'none' });
  });

  it('updates the metadata when the severity label or the owner changed, the status when findings did', () => {
    const worse = desiredHealthReport({ subject: checkout, findings: linked(notReady), now: NOW, operatorNamespace: 'x', bounds, previousStatus: stored().status });
    expect(planReportWrite(stored(), worse)).toEqual({ type: 'update', metadata: true, status: true });
    const recreated = build({ ...checkout, uid: 'new-uid' }, linked({ ...crash('checkout-a'), subject: { ...checkout, uid: 'new-uid' } }));
    expect(planReportWrite(stored(), recreated)).toEqual({ type: 'update', metadata: true, status: false });
    expect(reportMetadataEquals(stored(), desired)).toBe(true);
  });
});

describe('reading a stored report', () => {
  it('names its subject and keeps its status as stored', () => {
    const report = roundTrip(build(worker, linked(nodeNotReady)));
    const stored = parseStoredReport({ ...report, metadata: { ...report.metadata, resourceVersion: '12', uid: 'r-2', managedFields: [] } });
    expect(stored).toEqual({ name: 'node-worker-1', namespace: 'healthreport-system', resourceVersion: '12', subject: { apiVersion: 'v1', kind: 'Node', name: 'worker-1', uid: worker.uid }, status: report.status });
  });

  it('rejects an object without a subject', () => {
    expect(parseStoredReport({ metadata: { name: 'x', namespace: 'y' }, spec: {} })).toBeUndefined();
    expect(parseStoredReport(null)).toBeUndefined();
  });
});
