export const SEVERITIES = ['critical', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Higher is more severe; used to sort and to compare against thresholds. */
export const SEVERITY_RANK: { readonly [S in Severity]: number } = { critical: 3, warning: 2, info: 1 };

export const AREAS = [
  'Pods not starting',
  'Pods not working',
  'Network services',
  'Istio',
  'DNS',
  'Certificates',
  'Storage and nodes',
  'Beyond the runbook',
  'General',
] as const;
export type Area = (typeof AREAS)[number];

export interface CheckDefinition {
  /** Stable: used in reports, metrics, alert rules and suppressions. Retired IDs are never reused. */
  readonly id: string;
  readonly severity: Severity;
  readonly area: Area;
  readonly title: string;
  /** What the check detects, for the documentation. */
  readonly description: string;
  /** The runbook's steps: what an SRE does about it. Shown as a finding's remediation. */
  readonly runbook: readonly string[];
}
