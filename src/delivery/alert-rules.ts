// The alert rules, one source for two files (`npm run docs` writes both, a test fails when either is
// stale): the plain Prometheus rule file deploy/prometheus/healthreport-rules.yaml (the defaults, for a
// Prometheus without the Prometheus Operator) and the chart's PrometheusRule template, whose `for`
// durations and runbook base URL come from the chart's values.
//
// Why the rules look the way they do:
// - They fire on `healthreport_finding{root="true"}` only: a finding another active finding explains
//   (a Service without endpoints because its pods crash) is root="false", so one breakage pages once.
// - `max by (cluster, namespace, subject_kind, subject_name, check)` drops the scrape's own labels
//   (instance, pod): when leadership moves to the other replica the alert keeps its identity instead
//   of resolving and firing again. `cluster` (the chart's serviceMonitor.cluster) keeps the same
//   subject in two clusters apart; without it the label is simply absent.
// - The check's title is not a metric label (labels come from bounded sets, never from text), so the
//   description looks it up from the catalogue in a generated template branch per check.
// - Prometheus' own templates (`{{ $labels.check }}`) must reach Prometheus unchanged through Helm,
//   which would evaluate them: in the chart template every Prometheus action is wrapped as a Go raw
//   string, {{`{{ $labels.check }}`}}, which Helm prints back verbatim.
import { dump } from 'js-yaml';
import { CATALOGUE } from '../analyzers/catalogue.js';
import { REPORT_LABELS } from '../report/healthreport-types.js';

/** The settings the chart exposes as `prometheusRule.*` values; the plain file uses the defaults. */
export interface AlertRuleSettings {
  /** How long a critical root-cause finding must stay active before HealthReportCritical fires. */
  readonly criticalFor: string;
  readonly warningFor: string;
  /** How long the operator may be unscraped, or without a leader, before it is reported down. */
  readonly operatorDownFor: string;
  /** Where docs/checks.md is served; runbook_url is this + '#' + the check's anchor. */
  readonly runbookBaseUrl: string;
  /**
   * PromQL label matchers (`{cluster="prod"}`) for the operator's own series in HealthReportOperatorDown,
   * so that in a Prometheus shared by several clusters one cluster's operator cannot hide another's
   * absence. Empty: any. The chart sets it from serviceMonitor.cluster.
   */
  readonly operatorSelector: string;
}

export const DEFAULT_ALERT_SETTINGS: AlertRuleSettings = {
  criticalFor: '2m',
  warningFor: '15m',
  operatorDownFor: '5m',
  // A placeholder that says "set me": where the users read docs/checks.md (a fork, a wiki) is theirs.
  runbookBaseUrl: 'https://example.com/healthreport-operator/docs/checks.md',
  operatorSelector: '',
};

export const ALERT_NAMES = ['HealthReportCritical', 'HealthReportWarning', 'HealthReportOperatorDown', 'HealthReportOperatorUnhealthy'] as const;
export type AlertName = (typeof ALERT_NAMES)[number];

export interface AlertingRule {
  readonly alert: AlertName;
  readonly expr: string;
  readonly for: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly AlertingRule[];
}

/** The labels a finding alert carries besides severity: they name the subject and the check. */
export const FINDING_ALERT_LABELS = ['namespace', 'subject_kind', 'subject_name', 'check'] as const;

const subjectText = '{{ $labels.subject_kind }} {{ with $labels.namespace }}{{ . }}/{{ end }}{{ $labels.subject_name }}';

/**
 * `{{ $labels.check }}: <its title>` as a Prometheus template: one branch per check of the catalogue,
 * the bare ID for a check this build does not know (an operator newer than its rules).
 */
export function checkTitleTemplate(checks: readonly { id: string; title: string }[] = CATALOGUE): string {
  const lines = ['{{ $labels.check }}:'];
  checks.forEach((check, i) => {
    if (/[{}`"\\\n]/.test(check.title) || /[^A-Za-z0-9]/.test(check.id)) {
      throw new Error(`check ${check.id}: its ID or title holds characters the alert template cannot carry verbatim`);
    }
    lines.push(`{{- ${i === 0 ? 'if' : 'else if'} eq $labels.check "${check.id}" }} ${check.title}`);
  });
  lines.push('{{- else }} (a check this rule file does not know){{ end }}');
  return lines.join('\n');
}

function findingRule(severity: 'critical' | 'warning', forDuration: string, runbookBaseUrl: string): AlertingRule {
  const alert = severity === 'critical' ? 'HealthReportCritical' : 'HealthReportWarning';
  return {
    alert,
    expr: `max by (cluster, ${FINDING_ALERT_LABELS.join(', ')}) (healthreport_finding{root="true", severity="${severity}"})`,
    for: forDuration,
    labels: { severity },
    annotations: {
      summary: `{{ $labels.check }} on ${subjectText}`,
      description: [
        `${subjectText} has had a ${severity} finding for at least ${forDuration}, and it is a root cause (no other active finding explains it).`,
        checkTitleTemplate(),
        `Its HealthReport holds the evidence and what to do: kubectl get healthreports -A -l ${REPORT_LABELS.subjectKind}={{ $labels.subject_kind }},${REPORT_LABELS.subjectName}={{ $labels.subject_name }} -o yaml`,
      ].join('\n'),
      // docs/checks.md's anchors are the lower-cased check IDs (checkAnchor; a test holds them equal).
      runbook_url: `${runbookBaseUrl}#{{ $labels.check | toLower }}`,
    },
  };
}

interface OperatorCondition {
  readonly reason: string;
  readonly expr: string;
  readonly for: string;
  readonly summary: string;
  readonly description: string;
}

// Per-replica labels are aggregated away (`without (instance, pod)`): the condition is the operator's,
// whichever replica reports it.
function operatorConditions(settings: AlertRuleSettings): OperatorCondition[] {
  return [
    {
      reason: 'watch_restarts',
      expr: 'sum without (instance, pod) (increase(healthreport_watch_restarts_total[10m])) > 5',
      for: settings.warningFor,
      summary: 'The operator keeps restarting its watch of {{ $labels.resource }}',
      description: 'More than 5 watch restarts of {{ $labels.resource }} in 10 minutes, for ' + settings.warningFor + ': the API server drops or refuses the watch (see the operator\'s "watch failed" log lines); reports on that kind lag behind.',
    },
    {
      reason: 'analyzer_errors',
      expr: 'sum without (instance, pod) (increase(healthreport_analyzer_errors_total[10m])) > 0',
      for: settings.warningFor,
      summary: 'Analyzer {{ $labels.analyzer }} keeps failing',
      description: 'Analyzer {{ $labels.analyzer }} threw in every 10-minute window for ' + settings.warningFor + ': its checks report nothing. The operator logs the error with the object it choked on; please report it as a bug.',
    },
    {
      reason: 'resource_forbidden',
      expr: 'max without (instance, pod) (healthreport_resource_forbidden) == 1',
      for: settings.warningFor,
      summary: 'The operator may not list or watch {{ $labels.resource }}',
      description: 'RBAC forbids the operator to list or watch {{ $labels.resource }}: the checks that need it stay dormant. Grant it in the operator\'s ClusterRole (the Helm chart does), or accept the gap.',
    },
    {
      reason: 'report_write_errors',
      expr: 'sum without (instance, pod, operation) (increase(healthreport_report_writes_total{result="error"}[10m])) > 0',
      for: settings.warningFor,
      summary: 'The operator fails to write HealthReports',
      description: 'HealthReport writes have failed in every 10-minute window for ' + settings.warningFor + ': kubectl get healthreports shows stale results. The operator logs each failed write with the API server\'s answer.',
    },
    {
      reason: 'no_leader',
      expr: 'max without (instance, pod) (healthreport_leader) == 0',
      for: settings.operatorDownFor,
      summary: 'No operator replica holds the leader lease',
      description: 'Every scraped replica has reported healthreport_leader 0 for ' + settings.operatorDownFor + ': nobody writes HealthReports. Check the Lease in the operator\'s namespace and the replicas\' logs.',
    },
  ];
}

/** HealthReportOperatorDown's condition: per cluster (when series carry one), or no operator series at all. */
export function operatorDownExpr(selector: string): string {
  const info = `healthreport_build_info${selector}`;
  return `(group by (cluster) (max_over_time(${info}[1d])) unless group by (cluster) (${info})) or absent(${info})`;
}

export function alertRuleGroups(settings: AlertRuleSettings = DEFAULT_ALERT_SETTINGS): RuleGroup[] {
  return [
    {
      name: 'healthreport.findings',
      rules: [findingRule('critical', settings.criticalFor, settings.runbookBaseUrl), findingRule('warning', settings.warningFor, settings.runbookBaseUrl)],
    },
    {
      name: 'healthreport.operator',
      rules: [
        {
          alert: 'HealthReportOperatorDown',
          // A target that fails its scrape has its series marked stale at once, so absent() covers
          // both "no target discovered" and "up == 0". absent() alone sees only "no operator
          // anywhere": with several clusters in one Prometheus, Thanos or Mimir (a `cluster` label)
          // the first part names each cluster whose operator reported within a day and no longer does.
          expr: operatorDownExpr(settings.operatorSelector),
          for: settings.operatorDownFor,
          labels: { severity: 'critical' },
          annotations: {
            summary: 'The healthreport operator is down or not scraped',
            description: `No healthreport_build_info series for ${settings.operatorDownFor}: no operator replica is running, or Prometheus cannot scrape its metrics port (check the ServiceMonitor or scrape config, and the operator's pods). HealthReports and finding alerts are stale meanwhile.`,
          },
        },
        ...operatorConditions(settings).map(
          (condition): AlertingRule => ({
            alert: 'HealthReportOperatorUnhealthy',
            expr: condition.expr,
            for: condition.for,
            labels: { severity: 'warning', reason: condition.reason },
            annotations: { summary: condition.summary, description: condition.description },
          }),
        ),
      ],
    },
  ];
}

const GENERATED_NOTE = 'Generated from src/delivery/alert-rules.ts by `npm run docs`. Do not edit by hand.';

const yaml = (value: unknown): string => dump(value, { lineWidth: -1, noRefs: true, quotingType: '"' });

/** deploy/prometheus/healthreport-rules.yaml: `rule_files:` of a plain Prometheus. */
export function renderPlainRuleFile(settings: AlertRuleSettings = DEFAULT_ALERT_SETTINGS): string {
  return `# ${GENERATED_NOTE}\n# The same rules as the Helm chart's PrometheusRule, with the chart's default values.\n${yaml({ groups: alertRuleGroups(settings) })}`;
}

/** The Helm template text of each setting: the chart value it comes from. */
const HELM_VALUES: Record<keyof AlertRuleSettings, string> = {
  criticalFor: '{{ .Values.prometheusRule.criticalFor }}',
  warningFor: '{{ .Values.prometheusRule.warningFor }}',
  operatorDownFor: '{{ .Values.prometheusRule.operatorDownFor }}',
  runbookBaseUrl: '{{ .Values.prometheusRule.runbookBaseUrl }}',
  // The label the chart's ServiceMonitor adds; `quote` gives the double-quoted string PromQL wants.
  operatorSelector: '{{ with .Values.serviceMonitor.cluster }}{cluster={{ . | quote }}}{{ end }}',
};

/** Wraps each Prometheus template action as a Go raw string, which Helm prints back unchanged. */
export function escapeForHelm(text: string): string {
  return text.replace(/\{\{.*?\}\}/g, (action) => {
    if (action.includes('`')) throw new Error(`a Prometheus template action with a backtick cannot be escaped for Helm: ${action}`);
    return `{{\`${action}\`}}`;
  });
}

/** The chart's templates/prometheusrule.yaml. */
export function renderHelmPrometheusRule(): string {
  // Placeholders survive the YAML dump as plain words; each becomes the Helm expression of its value.
  const token = (key: keyof AlertRuleSettings): string => `HELMVALUE${key}HELMVALUE`;
  const placeholders = Object.fromEntries(Object.keys(HELM_VALUES).map((key) => [key, token(key as keyof AlertRuleSettings)])) as unknown as AlertRuleSettings;
  let groups = escapeForHelm(yaml({ groups: alertRuleGroups(placeholders) }));
  for (const [key, template] of Object.entries(HELM_VALUES)) {
    groups = groups.replaceAll(token(key as keyof AlertRuleSettings), template);
  }
  const indented = groups.trimEnd().split('\n').map((line) => (line ? `  ${line}` : line)).join('\n');
  return [
    `{{- /* ${GENERATED_NOTE} */ -}}`,
    '{{- if .Values.prometheusRule.enabled }}',
    'apiVersion: monitoring.coreos.com/v1',
    'kind: PrometheusRule',
    'metadata:',
    '  name: {{ include "healthreport-operator.fullname" . }}',
    '  namespace: {{ .Release.Namespace }}',
    '  labels:',
    '    {{- include "healthreport-operator.labels" . | nindent 4 }}',
    '    {{- with .Values.prometheusRule.additionalLabels }}',
    '    {{- toYaml . | nindent 4 }}',
    '    {{- end }}',
    'spec:',
    indented,
    '{{- end }}',
    '',
  ].join('\n');
}
