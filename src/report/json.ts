// The machine-readable output of `healthreport analyze -o json|yaml` (../shared/DESIGN.md).
import type { ObjectRef } from '../model/meta.js';
import type { AnalysisReport, ReportFinding, Summary } from './report.js';

interface JsonRef {
  kind: string;
  namespace?: string;
  name: string;
}

export interface JsonFinding {
  check: string;
  severity: 'critical' | 'warning' | 'info';
  subject: JsonRef;
  object: JsonRef & { container?: string };
  message: string;
  evidence: string[];
  remediation: string[];
  rootCause?: { check: string; subject: JsonRef };
  firstSeen?: string;
}

export interface JsonOutput {
  findings: JsonFinding[];
  summary: Summary;
}

function jsonRef(ref: ObjectRef): JsonRef {
  return { kind: ref.kind, ...(ref.namespace ? { namespace: ref.namespace } : {}), name: ref.name };
}

export function toJsonFinding(f: ReportFinding): JsonFinding {
  return {
    check: f.check,
    severity: f.severity,
    subject: jsonRef(f.subject),
    object: { ...jsonRef(f.object), ...(f.object.container ? { container: f.object.container } : {}) },
    message: f.message,
    evidence: [...f.evidence],
    remediation: [...f.remediation],
    ...(f.rootCause ? { rootCause: { check: f.rootCause.check, subject: jsonRef(f.rootCause.subject) } } : {}),
    ...(f.firstSeen ? { firstSeen: f.firstSeen } : {}),
  };
}

export function toJsonOutput(report: AnalysisReport): JsonOutput {
  return { findings: report.findings.map(toJsonFinding), summary: { ...report.summary } };
}
