// One subject's findings -> the HealthReport the cluster should hold for it (DESIGN.md "The API").
// Pure and deterministic: the same findings and previous status give the same object, so the
// controller can compare it with what is stored (report-content.ts) and write only on change.
import { z } from 'zod';
import { SEVERITY_RANK } from '../analyzers/catalogue.js';
import type { Severity } from '../analyzers/catalogue.js';
import type { ReportBounds } from './report-bounds.js';
import { boundEvidence, chooseReportBounds, truncateText } from './report-bounds.js';
import type { ReportNameOptions } from './report-naming.js';
import { reportLabels, reportName, reportNamespace, reportOwnerReferences } from './report-naming.js';
import type { ReportFinding } from './report.js';
import { refKey, summarize } from './report.js';
import type { FindingSeverity, HealthReport, HealthReportStatus, ReportCondition, ReportSeverity, StatusFinding, StatusObjectRef, SubjectRef } from './healthreport-types.js';
import { CRD_LIMITS, HEALTHREPORT_API_VERSION, HEALTHREPORT_KIND, HEALTHY_CONDITION } from './healthreport-types.js';

export const STATUS_SEVERITY = { critical: 'Critical', warning: 'Warning', info: 'Info' } as const satisfies Record<Severity, FindingSeverity>;
const STATUS_SEVERITY_RANK: Readonly<Record<FindingSeverity, number>> = { Critical: SEVERITY_RANK.critical, Warning: SEVERITY_RANK.warning, Info: SEVERITY_RANK.info };

/** RFC 3339 to the second, as Kubernetes writes metav1.Time: one spelling per instant. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

function normalizeTimestamp(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : rfc3339(ms);
}

/** What identifies "the same finding" across analyses, for carrying firstSeen over. */
const findingIdentity = (check: string, object: StatusObjectRef): string => `${check}|${object.kind}/${object.namespace ?? ''}/${object.name}|${object.container ?? ''}`;

// The previous status is read from the API and may be from another version or edited by hand:
// each part is parsed on its own, and a part that does not parse is simply not carried over.
const previousFinding = z.object({
  check: z.string(),
  object: z.object({ kind: z.string(), namespace: z.string().optional(), name: z.string(), container: z.string().optional() }),
  firstSeen: z.string().optional(),
});
const previousCondition = z.object({ type: z.string(), status: z.string(), lastTransitionTime: z.string() });
const previousStatusSchema = z.object({
  findings: z.array(z.unknown()).catch([]),
  conditions: z.array(z.unknown()).catch([]),
});

interface PreviousStatusFacts {
  readonly firstSeen: ReadonlyMap<string, string>;
  readonly conditions: ReadonlyMap<string, { readonly status: string; readonly lastTransitionTime: string }>;
}

export function previousStatusFacts(previousStatus: unknown): PreviousStatusFacts {
  const firstSeen = new Map<string, string>();
  const conditions = new Map<string, { status: string; lastTransitionTime: string }>();
  const parsed = previousStatusSchema.safeParse(previousStatus);
  if (!parsed.success) return { firstSeen, conditions };
  for (const raw of parsed.data.findings) {
    const finding = previousFinding.safeParse(raw);
    const seen = finding.success ? normalizeTimestamp(finding.data.firstSeen) : undefined;
    if (finding.success && seen) {
      const key = findingIdentity(finding.data.check, finding.data.object);
      // Two stored findings with one identity: keep the earliest.
      const known = firstSeen.get(key);
      if (!known || seen < known) firstSeen.set(key, seen);
    }
  }
  for (const raw of parsed.data.conditions) {
    const condition = previousCondition.safeParse(raw);
    if (condition.success) conditions.set(condition.data.type, condition.data);
  }
  return { firstSeen, conditions };
}

function statusObjectRef(ref: { kind: string; namespace?: string; name: string; container?: string }): StatusObjectRef {
  return { kind: ref.kind, ...(ref.namespace ? { namespace: ref.namespace } : {}), name: ref.name, ...(ref.container ? { container: ref.container } : {}) };
}

/** Most severe first; among equals, findings nothing else explains (roots) first, then by identity. */
export function compareStatusFindings(a: StatusFinding, b: StatusFinding): number {
  return (
    STATUS_SEVERITY_RANK[b.severity] - STATUS_SEVERITY_RANK[a.severity] ||
    Number(a.rootCause !== undefined) - Number(b.rootCause !== undefined) ||
    a.check.localeCompare(b.check) ||
    findingIdentity(a.check, a.object).localeCompare(findingIdentity(b.check, b.object)) ||
    a.message.localeCompare(b.message)
  );
}

function toStatusFinding(finding: ReportFinding, firstSeen: string, evidenceItemLength: number): StatusFinding {
  return {
    check: finding.check,
    severity: STATUS_SEVERITY[finding.severity],
    object: statusObjectRef(finding.object),
    message: truncateText(finding.message, CRD_LIMITS.maxMessageLength),
    // Counted and cut later (chooseReportBounds); only item lengths are bounded here.
    evidence: finding.evidence.map((item) => truncateText(item, evidenceItemLength)),
    remediation: finding.remediation.slice(0, CRD_LIMITS.maxRemediationItems).map((step) => truncateText(step, CRD_LIMITS.maxRemediationItemLength)),
    ...(finding.rootCause ? { rootCause: { check: finding.rootCause.check, subject: statusObjectRef(finding.rootCause.subject) } } : {}),
    firstSeen,
  };
}

function describeCounts(summary: HealthReportStatus['summary']): string {
  const parts = (['critical', 'warning', 'info'] as const).filter((s) => summary[s] > 0).map((s) => `${summary[s]} ${s}`);
  return `${summary.total} active ${summary.total === 1 ? 'finding' : 'findings'} (${parts.join(', ')})`;
}

function healthyCondition(summary: HealthReportStatus['summary'], top: StatusFinding | undefined, previous: PreviousStatusFacts, now: string): ReportCondition {
  const healthy = top === undefined;
  const conditionStatus = healthy ? 'True' : 'False';
  const before = previous.conditions.get(HEALTHY_CONDITION);
  return {
    type: HEALTHY_CONDITION,
    status: conditionStatus,
    // Kept while the status stays the same: for a Healthy report it says since when, i.e. when the
    // retention period started.
    lastTransitionTime: before?.status === conditionStatus ? (normalizeTimestamp(before.lastTransitionTime) ?? now) : now,
    reason: top ? truncateText(top.check, CRD_LIMITS.maxConditionReasonLength) : 'NoActiveFindings',
    message: top ? truncateText(`${describeCounts(summary)}; most severe: ${top.message}`, CRD_LIMITS.maxConditionMessageLength) : 'No active findings.',
  };
}

export interface DesiredReportInput {
  readonly subject: SubjectRef;
  /** Every active finding of this subject: root causes linked, remediation attached (buildAnalysisReport). */
  readonly findings: readonly ReportFinding[];
  /** Milliseconds since the epoch. */
  readonly now: number;
  /** Where reports on cluster-scoped subjects live. */
  readonly operatorNamespace: string;
  /** The stored report's status as read from the API (any shape), or undefined for a new report. */
  readonly previousStatus?: unknown;
  readonly bounds: ReportBounds;
  readonly naming?: ReportNameOptions;
}

export function reportSeverity(findings: readonly Pick<ReportFinding, 'severity'>[]): ReportSeverity {
  let highest: Severity | undefined;
  for (const f of findings) if (!highest || SEVERITY_RANK[f.severity] > SEVERITY_RANK[highest]) highest = f.severity;
  return highest ? STATUS_SEVERITY[highest] : 'Healthy';
}

export function desiredHealthReport(input: DesiredReportInput): HealthReport {
  const { subject, findings, bounds } = input;
  const now = rfc3339(input.now);
  const previous = previousStatusFacts(input.previousStatus);
  const evidenceItemLength = Math.min(bounds.maxEvidenceItemLength ?? CRD_LIMITS.maxEvidenceItemLength, CRD_LIMITS.maxEvidenceItemLength);

  const statusFindings = findings
    .map((finding) => {
      const object = statusObjectRef(finding.object);
      // A finding keeps the firstSeen it was first reported with, so "since when" does not move
      // (and does not cause a write) when the data behind it changes, e.g. a new restart.
      const firstSeen = previous.firstSeen.get(findingIdentity(finding.check, object)) ?? normalizeTimestamp(finding.firstSeen) ?? now;
      return toStatusFinding(finding, firstSeen, evidenceItemLength);
    })
    .sort(compareStatusFindings);

  const severity = reportSeverity(findings);
  const name = reportName(subject, input.naming);
  const namespace = reportNamespace(subject, input.operatorNamespace);
  const ownerReferences = reportOwnerReferences(subject, namespace);
  const top = statusFindings[0];
  const summary = summarize(findings);
  const conditions = [healthyCondition(summary, top, previous, now)];

  const { report } = chooseReportBounds(statusFindings.length, bounds, (choice): HealthReport => ({
    apiVersion: HEALTHREPORT_API_VERSION,
    kind: HEALTHREPORT_KIND,
    metadata: {
      name,
      namespace,
      labels: reportLabels(subject, severity),
      ...(ownerReferences ? { ownerReferences } : {}),
    },
    spec: {
      subject: {
        ...(subject.apiVersion ? { apiVersion: subject.apiVersion } : {}),
        kind: subject.kind,
        ...(subject.namespace ? { namespace: subject.namespace } : {}),
        name: subject.name,
        ...(subject.uid ? { uid: subject.uid } : {}),
      },
    },
    status: {
      severity,
      ...(top ? { topCheck: top.check } : {}),
      summary,
      findings: statusFindings.slice(0, choice.findings).map((f) => ({ ...f, evidence: boundEvidence(f.evidence, choice.evidencePerFinding, evidenceItemLength) })),
      omittedFindings: statusFindings.length - choice.findings,
      lastAnalyzed: now,
      conditions,
    },
  }));
  return report;
}

/** Findings grouped by subject (key: `Kind/namespace/name`), in the order they come. */
export function findingsBySubject(findings: readonly ReportFinding[]): Map<string, { readonly subject: SubjectRef; readonly findings: ReportFinding[] }> {
  const groups = new Map<string, { subject: SubjectRef; findings: ReportFinding[] }>();
  for (const finding of findings) {
    const key = refKey(finding.subject);
    const group = groups.get(key);
    if (group) group.findings.push(finding);
    else groups.set(key, { subject: finding.subject, findings: [finding] });
  }
  return groups;
}

/**
 * When a Healthy report may be deleted: the time its Healthy condition turned True plus the
 * retention. Undefined while it has findings (or when the status says nothing usable).
 */
export function healthyReportExpiry(status: unknown, retentionMs: number): number | undefined {
  const parsed = z.object({ severity: z.literal('Healthy'), conditions: z.array(z.unknown()) }).safeParse(status);
  if (!parsed.success) return undefined;
  for (const raw of parsed.data.conditions) {
    const condition = previousCondition.safeParse(raw);
    if (!condition.success || condition.data.type !== HEALTHY_CONDITION || condition.data.status !== 'True') continue;
    const since = Date.parse(condition.data.lastTransitionTime);
    return Number.isNaN(since) ? undefined : since + retentionMs;
  }
  return undefined;
}

const storedReportSchema = z.object({
  metadata: z.object({ name: z.string(), namespace: z.string(), resourceVersion: z.string().optional() }),
  spec: z.object({
    subject: z.object({ apiVersion: z.string().optional(), kind: z.string().min(1), namespace: z.string().optional(), name: z.string().min(1), uid: z.string().optional() }),
  }),
  status: z.unknown().optional(),
});

export interface StoredReport {
  readonly name: string;
  readonly namespace: string;
  readonly resourceVersion?: string;
  readonly subject: SubjectRef;
  /** As stored: pass to desiredHealthReport (previousStatus) and reportContentEquals. */
  readonly status: unknown;
}

/**
 * A HealthReport read from the API, reduced to what reconciling needs: whose report it is (for
 * orphan clean-up and name collisions) and its status. Undefined for an object that is not one.
 */
export function parseStoredReport(raw: unknown): StoredReport | undefined {
  const parsed = storedReportSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const { metadata, spec, status } = parsed.data;
  const { apiVersion, kind, namespace, name, uid } = spec.subject;
  return {
    name: metadata.name,
    namespace: metadata.namespace,
    ...(metadata.resourceVersion ? { resourceVersion: metadata.resourceVersion } : {}),
    subject: { ...(apiVersion ? { apiVersion } : {}), kind, ...(namespace ? { namespace } : {}), name, ...(uid ? { uid } : {}) },
    status,
  };
}
