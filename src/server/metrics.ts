// Every metric of DESIGN.md, created on a registry the caller owns (no global registry, so tests and
// several controllers in one process never share series). Label values come from bounded sets (check
// IDs, severities, kinds, resources) plus names of subjects that currently have a finding.
import { Counter, Gauge, Histogram, collectDefaultMetrics } from 'prom-client';
import type { Registry } from 'prom-client';
import { SEVERITY_RANK } from '../analyzers/catalogue.js';
import type { Severity } from '../analyzers/catalogue.js';
import type { ObjectRef } from '../model/meta.js';

/** What the finding series need of a report finding (a ReportFinding fits). */
export interface FindingForMetrics {
  readonly check: string;
  readonly severity: Severity;
  /** Present when another active finding explains this one: then it is not a root. */
  readonly rootCause?: unknown;
}

export type ReportWriteOperation = 'create' | 'update' | 'status' | 'delete';
export type ReportWriteResult = 'success' | 'conflict' | 'error';

type FindingLabel = 'namespace' | 'subject_kind' | 'subject_name' | 'check' | 'severity' | 'root';
type FindingLabels = Record<FindingLabel, string>;
type CountLabels = Record<'namespace' | 'check' | 'severity', string>;

export interface OperatorMetrics {
  readonly registry: Registry;
  readonly analysisDuration: Histogram;
  readonly watchEvents: Counter<'resource'>;
  readonly watchRestarts: Counter<'resource'>;
  readonly reportWrites: Counter<'operation' | 'result'>;
  readonly queueDepth: Gauge;
  readonly cacheObjects: Gauge<'resource'>;
  readonly analyzerErrors: Counter<'analyzer'>;
  readonly resourceForbidden: Gauge<'resource'>;
  readonly leader: Gauge;
  /** Requests sent to the API server, by verb (list, get, watch, create, update, patch, delete, discovery). */
  readonly apiRequests: Counter<'verb'>;
  readonly leaderElectionRequests: Counter<'verb'>;
  /** Container log reads for report evidence (evidence.logs), by result: success, unavailable (an API error), error (no answer). */
  readonly logRequests: Counter<'result'>;
  /**
   * Replaces the finding series of one subject with those of `findings`: series of findings that
   * resolved are removed (not left at 0), so alerts resolve and dead series do not pile up.
   */
  setSubjectFindings(subject: ObjectRef, findings: readonly FindingForMetrics[]): void;
  countReportWrite(operation: ReportWriteOperation, result: ReportWriteResult): void;
  setResourceForbidden(resource: string, forbidden: boolean): void;
  setLeader(leading: boolean): void;
}

export interface MetricsOptions {
  /** The operator's version, for healthreport_build_info. */
  readonly version: string;
  /** prom-client's process metrics (CPU, memory, event loop lag, ...); on unless turned off. */
  readonly defaultMetrics?: boolean;
}

// Reconciling one subject takes milliseconds; the tail matters for the 1 s change->report target.
const ANALYSIS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const subjectKey = (subject: ObjectRef): string => `${subject.kind}/${subject.namespace ?? ''}/${subject.name}`;
const labelsKey = (labels: Readonly<Record<string, string>>): string => JSON.stringify(Object.entries(labels));

/** One series per (subject, check): the highest severity, and a root unless every such finding is explained. */
export function findingSeries(subject: ObjectRef, findings: readonly FindingForMetrics[]): FindingLabels[] {
  const byCheck = new Map<string, { severity: Severity; root: boolean }>();
  for (const finding of findings) {
    const seen = byCheck.get(finding.check);
    const root = finding.rootCause === undefined;
    if (!seen) byCheck.set(finding.check, { severity: finding.severity, root });
    else {
      if (SEVERITY_RANK[finding.severity] > SEVERITY_RANK[seen.severity]) seen.severity = finding.severity;
      seen.root ||= root;
    }
  }
  return [...byCheck].map(([check, { severity, root }]) => ({
    namespace: subject.namespace ?? '',
    subject_kind: subject.kind,
    subject_name: subject.name,
    check,
    severity,
    root: String(root),
  }));
}

export function createMetrics(registry: Registry, options: MetricsOptions): OperatorMetrics {
  const registers = [registry];
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });

  const finding = new Gauge<FindingLabel>({
    name: 'healthreport_finding',
    help: '1 per active finding (subject, check); root="false" when another active finding explains it.',
    labelNames: ['namespace', 'subject_kind', 'subject_name', 'check', 'severity', 'root'],
    registers,
  });
  const findings = new Gauge<'namespace' | 'check' | 'severity'>({
    name: 'healthreport_findings',
    help: 'Active findings by namespace, check and severity.',
    labelNames: ['namespace', 'check', 'severity'],
    registers,
  });
  const analysisDuration = new Histogram({
    name: 'healthreport_analysis_duration_seconds',
    help: 'Time to analyze one subject and compute its report.',
    buckets: ANALYSIS_BUCKETS,
    registers,
  });
  const watchEvents = new Counter<'resource'>({ name: 'healthreport_watch_events_total', help: 'Watch events received, by resource.', labelNames: ['resource'], registers });
  const watchRestarts = new Counter<'resource'>({ name: 'healthreport_watch_restarts_total', help: 'Watches restarted after an error or a 410 Gone, by resource.', labelNames: ['resource'], registers });
  const reportWrites = new Counter<'operation' | 'result'>({ name: 'healthreport_report_writes_total', help: 'HealthReport API writes, by operation and result.', labelNames: ['operation', 'result'], registers });
  const queueDepth = new Gauge({ name: 'healthreport_queue_depth', help: 'Subjects waiting in the work queue.', registers });
  const cacheObjects = new Gauge<'resource'>({ name: 'healthreport_cache_objects', help: 'Objects held in the informer caches, by resource.', labelNames: ['resource'], registers });
  const analyzerErrors = new Counter<'analyzer'>({ name: 'healthreport_analyzer_errors_total', help: 'Analyzer runs that threw, by analyzer.', labelNames: ['analyzer'], registers });
  const resourceForbidden = new Gauge<'resource'>({ name: 'healthreport_resource_forbidden', help: '1 for a resource the operator may not list or watch (RBAC); its analyzers stay dormant.', labelNames: ['resource'], registers });
  const leader = new Gauge({ name: 'healthreport_leader', help: '1 while this replica holds the leader lease and writes reports.', registers });
  const apiRequests = new Counter<'verb'>({ name: 'healthreport_api_requests_total', help: 'Requests sent to the API server, by verb; at rest only watches are re-established.', labelNames: ['verb'], registers });
  // Apart from apiRequests, whose contract is "at rest only watches are re-established": with leader
  // election on, the Lease is renewed (leader) or polled (standby) every retryPeriod.
  const leaderElectionRequests = new Counter<'verb'>({ name: 'healthreport_leader_election_requests_total', help: 'Requests for the leader election Lease, by verb: renewals (update) by the leader, polls (get) by a standby.', labelNames: ['verb'], registers });
  const logRequests = new Counter<'result'>({ name: 'healthreport_log_requests_total', help: 'Container log reads for report evidence (evidence.logs), by result; none at rest.', labelNames: ['result'], registers });
  const buildInfo = new Gauge<'version'>({ name: 'healthreport_build_info', help: 'Always 1; the version label names the running build.', labelNames: ['version'], registers });
  buildInfo.set({ version: options.version }, 1);
  leader.set(0);

  /** The series each subject currently exports, by labels key. */
  const seriesBySubject = new Map<string, Map<string, FindingLabels>>();
  /** Per (namespace, check, severity): active findings, summed over subjects. */
  const counts = new Map<string, { labels: CountLabels; count: number }>();
  /** The count labels last added per subject, so that the next update can take them back. */
  const countedBySubject = new Map<string, CountLabels[]>();

  function adjustCount(labels: CountLabels, delta: number): void {
    const key = labelsKey(labels);
    const entry = counts.get(key) ?? { labels, count: 0 };
    entry.count += delta;
    if (entry.count > 0) {
      counts.set(key, entry);
      findings.set(labels, entry.count);
    } else {
      counts.delete(key);
      findings.remove(labels);
    }
  }

  const countsOf = (subject: ObjectRef, list: readonly FindingForMetrics[]): CountLabels[] =>
    list.map((f) => ({ namespace: subject.namespace ?? '', check: f.check, severity: f.severity }));

  return {
    registry,
    analysisDuration,
    watchEvents,
    watchRestarts,
    reportWrites,
    queueDepth,
    cacheObjects,
    analyzerErrors,
    resourceForbidden,
    leader,
    apiRequests,
    leaderElectionRequests,
    logRequests,
    setSubjectFindings(subject, active) {
      const key = subjectKey(subject);
      const previous = seriesBySubject.get(key) ?? new Map<string, FindingLabels>();
      const next = new Map(findingSeries(subject, active).map((labels) => [labelsKey(labels), labels]));
      for (const [seriesKey, labels] of previous) if (!next.has(seriesKey)) finding.remove(labels);
      for (const labels of next.values()) finding.set(labels, 1);
      if (next.size) seriesBySubject.set(key, next);
      else seriesBySubject.delete(key);

      for (const labels of countedBySubject.get(key) ?? []) adjustCount(labels, -1);
      const counted = countsOf(subject, active);
      for (const labels of counted) adjustCount(labels, +1);
      if (counted.length) countedBySubject.set(key, counted);
      else countedBySubject.delete(key);
    },
    countReportWrite: (operation, result) => reportWrites.inc({ operation, result }),
    setResourceForbidden: (resource, forbidden) => resourceForbidden.set({ resource }, forbidden ? 1 : 0),
    setLeader: (leading) => leader.set(leading ? 1 : 0),
  };
}
