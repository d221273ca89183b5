// The HealthReport resource as the controller writes it (crds/sre.otomi.io_healthreports.yaml).
// Only fields of the CRD's schema appear here: the API server prunes unknown fields, and a field it
// pruned would make every desired status differ from the stored one, i.e. a write per reconcile.

export const HEALTHREPORT_GROUP = 'sre.otomi.io';
export const HEALTHREPORT_VERSION = 'v1alpha1';
export const HEALTHREPORT_API_VERSION = `${HEALTHREPORT_GROUP}/${HEALTHREPORT_VERSION}`;
export const HEALTHREPORT_KIND = 'HealthReport';
export const HEALTHREPORT_PLURAL = 'healthreports';

export const REPORT_LABELS = {
  subjectKind: 'sre.otomi.io/subject-kind',
  subjectName: 'sre.otomi.io/subject-name',
  /** Lower-case (critical, warning, info, healthy), as in metrics and `-l` selectors. */
  severity: 'sre.otomi.io/severity',
} as const;

/** The single condition a report carries: True when the subject has no active finding. */
export const HEALTHY_CONDITION = 'Healthy';

/** Limits of the CRD schema: whatever the configuration says, output never exceeds these. */
export const CRD_LIMITS = {
  maxFindings: 200,
  maxEvidenceItems: 50,
  maxEvidenceItemLength: 4096,
  maxRemediationItems: 30,
  maxRemediationItemLength: 2048,
  maxMessageLength: 2048,
  maxConditionMessageLength: 32768,
  maxConditionReasonLength: 1024,
} as const;

export type ReportSeverity = 'Critical' | 'Warning' | 'Info' | 'Healthy';
export type FindingSeverity = Exclude<ReportSeverity, 'Healthy'>;

export interface SubjectRef {
  readonly apiVersion?: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly uid?: string;
}

export interface StatusObjectRef {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly container?: string;
}

export interface StatusFinding {
  readonly check: string;
  readonly severity: FindingSeverity;
  readonly object: StatusObjectRef;
  readonly message: string;
  readonly evidence: readonly string[];
  readonly remediation: readonly string[];
  readonly rootCause?: { readonly check: string; readonly subject: { readonly kind: string; readonly namespace?: string; readonly name: string } };
  readonly firstSeen: string;
}

export interface ReportCondition {
  readonly type: string;
  readonly status: 'True' | 'False' | 'Unknown';
  readonly lastTransitionTime: string;
  readonly reason: string;
  readonly message: string;
}

export interface ReportSummary {
  readonly critical: number;
  readonly warning: number;
  readonly info: number;
  readonly total: number;
}

export interface HealthReportStatus {
  readonly severity: ReportSeverity;
  /** Absent when Healthy. */
  readonly topCheck?: string;
  /** Counts every active finding, also those left out of `findings`. */
  readonly summary: ReportSummary;
  readonly findings: readonly StatusFinding[];
  readonly omittedFindings: number;
  readonly lastAnalyzed: string;
  readonly conditions: readonly ReportCondition[];
}

export interface OwnerReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
  readonly controller: boolean;
  readonly blockOwnerDeletion: boolean;
}

export interface HealthReport {
  readonly apiVersion: typeof HEALTHREPORT_API_VERSION;
  readonly kind: typeof HEALTHREPORT_KIND;
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly ownerReferences?: readonly OwnerReference[];
  };
  readonly spec: { readonly subject: SubjectRef };
  readonly status: HealthReportStatus;
}
