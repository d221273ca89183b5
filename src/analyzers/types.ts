// The contract between the engine and each analyzer.
import type { ClusterReader } from '../cluster/view.js';
import type { KindName } from '../model/kinds.js';
import type { ObjectRef } from '../model/meta.js';
import type { CheckId, Severity } from './catalogue.js';
import type { AnalysisSettings } from './settings.js';

/** The concrete object a finding is about: a pod and, where it matters, one of its containers. */
export interface FindingObject extends ObjectRef {
  readonly container?: string;
}

export interface Finding {
  readonly check: CheckId;
  readonly severity: Severity;
  /** The report this finding belongs to: the thing a human fixes (a pod's top-level controller). */
  readonly subject: ObjectRef;
  readonly object: FindingObject;
  /** One sentence that names the object and the cause. */
  readonly message: string;
  /** Bounded: recent events, reasons and exit codes, log lines. */
  readonly evidence: readonly string[];
  /** When the condition began, where the data shows it (RFC 3339). */
  readonly firstSeen?: string;
  /**
   * Objects whose findings could explain this one (a Service's pods, a Certificate's issuer, ...).
   * The root-cause rules (src/report) pick the explaining finding among them.
   */
  readonly related?: readonly ObjectRef[];
}

/** Out-of-view evidence gathered by the caller (live mode): previous-instance log lines. */
export interface ExtraEvidence {
  /** Keyed by `namespace/pod/container`; already redacted and bounded. */
  readonly previousLogs?: ReadonlyMap<string, readonly string[]>;
  /**
   * Recent log lines of the running external-dns pods (oldest first), keyed by `namespace/pod`;
   * already redacted and bounded. Absent when logs were not fetched (file mode, no `--logs`).
   */
  readonly externalDnsLogs?: ReadonlyMap<string, readonly string[]>;
}

export interface AnalysisContext {
  readonly view: ClusterReader;
  readonly settings: AnalysisSettings;
  /** Milliseconds since the epoch: an injected clock, so that time-based checks are testable. */
  readonly now: number;
  readonly extra: ExtraEvidence;
  /**
   * Asks for this analyzer to run again at `at` (ms since the epoch): the moment a time-based
   * verdict about an object of `namespace` (undefined: a cluster-scoped object) can change.
   */
  readonly recheckAt: (at: number, namespace: string | undefined) => void;
}

export interface Analyzer {
  readonly name: string;
  readonly description: string;
  /** Every check ID this analyzer may report. */
  readonly checks: readonly CheckId[];
  /** Kinds that must be loaded for the analyzer to run at all. */
  readonly reads: readonly KindName[];
  /** Kinds used when loaded (evidence, refinements), without which the analyzer still runs. */
  readonly optionalReads?: readonly KindName[];
  /**
   * 'namespace': the findings on a namespace's objects depend only on objects of that namespace and
   * on cluster-scoped ones. The controller then re-runs it on just the namespaces a change touched
   * (a test checks the claim: per-namespace runs give exactly the full run's findings).
   *
   * 'subject': everything 'namespace' means, and the findings about a subject S are exactly those
   * the analyzer produces when the lists (list, inNamespace) of its `subjectKinds` hold only the
   * objects whose subjectOf is S, every lookup being unrestricted. The controller then re-runs it
   * on just the subjects a change can affect (src/cluster/dependents.ts; test/analyzers/subject-scope).
   */
  readonly scope?: 'namespace' | 'subject';
  /** With scope 'subject': the kinds the analyzer iterates to produce its findings. */
  readonly subjectKinds?: readonly KindName[];
  analyze(ctx: AnalysisContext): Finding[];
}

/** Scope 'subject' includes everything scope 'namespace' claims. */
export function isLocalToNamespace(analyzer: Pick<Analyzer, 'scope'>): boolean {
  return analyzer.scope === 'namespace' || analyzer.scope === 'subject';
}
