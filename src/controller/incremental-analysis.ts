// Incremental analysis: after a batch of changes, only the analyzers that read a changed kind run
// again; the others keep their previous findings. The result is grouped by subject, and the
// subjects whose findings changed (in canonical form) are returned for their reports to be written.
import { runAnalyzers } from '../analyzers/engine.js';
import type { AnalysisSettings } from '../analyzers/settings.js';
import type { Analyzer, Finding } from '../analyzers/types.js';
import type { ClusterSnapshot } from '../cluster/view.js';
import { ClusterView, scopeToNamespaces } from '../cluster/view.js';
import type { KindName } from '../model/kinds.js';
import { KIND_DESCRIPTORS } from '../model/kinds.js';
import type { ObjectRef } from '../model/meta.js';
import type { ReportFinding } from '../report/report.js';
import { buildAnalysisReport, refKey } from '../report/report.js';

export interface SubjectFindings {
  readonly subject: ObjectRef;
  readonly findings: readonly ReportFinding[];
}

export interface AnalysisPass {
  /** Subjects whose findings differ from the previous pass (including ones that now have none). */
  readonly changed: readonly string[];
  readonly durationMs: number;
  readonly analyzersRun: number;
  readonly errors: readonly { readonly analyzer: string; readonly message: string }[];
}

/**
 * What makes a subject's findings "changed": which checks fire on which objects, at what severity,
 * explained by what, since when, and the message with its numbers masked. Evidence and counters
 * (event counts, "pending for 12m") are refreshed whenever a report is written for a real change,
 * but do not by themselves cause writes: a steady cluster must cause none.
 */
export function canonicalFindings(findings: readonly ReportFinding[]): string {
  return JSON.stringify(
    findings.map((f) => [f.check, f.severity, refKey(f.object), f.object.container ?? '', f.rootCause ? `${f.rootCause.check} ${refKey(f.rootCause.subject)}` : '', f.firstSeen ?? '', f.message.replace(/\d+/g, '#')]),
  );
}

/** Findings of one analyzer by the namespace of their subject ('' for cluster-scoped subjects). */
type FindingsByNamespace = Map<string, readonly Finding[]>;

function byNamespace(findings: readonly Finding[]): FindingsByNamespace {
  const out: FindingsByNamespace = new Map();
  for (const finding of findings) {
    const namespace = finding.subject.namespace ?? '';
    out.set(namespace, [...(out.get(namespace) ?? []), finding]);
  }
  return out;
}

export class IncrementalAnalysis {
  private readonly byAnalyzer = new Map<string, FindingsByNamespace>();
  private readonly analyzerInputs: ReadonlyMap<string, ReadonlySet<KindName>>;
  private subjects = new Map<string, SubjectFindings>();
  private canonicalBySubject = new Map<string, string>();
  private loadedBefore = new Set<KindName>();
  /**
   * The earliest firstSeen of each finding so far. A report keeps the earliest firstSeen across
   * updates, so a later one changes nothing in it; and some sources of firstSeen move on every
   * occurrence (a crash loop without back-off events is dated by its latest exit). Comparing the
   * latest would turn every restart into a report write.
   */
  private earliestFirstSeen = new Map<string, string>();

  private readonly resolved = new Map<string, ObjectRef>();
  private readonly checkOwner: ReadonlyMap<string, string>;

  constructor(private readonly analyzers: readonly Analyzer[], private readonly settings: () => AnalysisSettings) {
    this.analyzerInputs = new Map(analyzers.map((a) => [a.name, new Set<KindName>([...a.reads, ...(a.optionalReads ?? [])])]));
    this.checkOwner = new Map(analyzers.flatMap((a) => a.checks.map((c): [string, string] => [c, a.name])));
  }

  /** The analyzers to re-run for these changed kinds (`undefined` = all). */
  private affected(changed: ReadonlySet<KindName> | undefined, unparseableChanged: boolean): Set<string> | undefined {
    if (!changed) return undefined;
    const names = new Set<string>();
    for (const analyzer of this.analyzers) {
      const inputs = this.analyzerInputs.get(analyzer.name);
      if ([...changed].some((kind) => inputs?.has(kind))) names.add(analyzer.name);
      if (unparseableChanged && analyzer.reads.length === 0) names.add(analyzer.name);
    }
    return names;
  }

  /**
   * Runs a pass. `changedKinds` undefined means a full pass (start-up, time-based re-check,
   * configuration change). `changedNamespaces`, when given, are the only namespaces whose objects
   * changed: analyzers of scope 'namespace' then re-run on those namespaces alone, unless a
   * cluster-scoped kind they read changed too.
   */
  run(snapshot: ClusterSnapshot, now: number, changedKinds?: ReadonlySet<KindName>, unparseableChanged = false, changedNamespaces?: ReadonlySet<string>): AnalysisPass {
    const started = performance.now();
    // A kind that became loaded or unloaded (a CRD installed, RBAC granted) changes what can run.
    const loaded = new Set(snapshot.loadedKinds);
    const toggled = new Set<KindName>([...loaded].filter((k) => !this.loadedBefore.has(k)).concat([...this.loadedBefore].filter((k) => !loaded.has(k))));
    this.loadedBefore = loaded;
    const kinds = changedKinds ? new Set<KindName>([...changedKinds, ...toggled]) : undefined;
    const rerun = this.affected(kinds, unparseableChanged) ?? new Set(this.analyzers.map((a) => a.name));
    const clusterScopedChange = kinds !== undefined && [...kinds].some((kind) => !KIND_DESCRIPTORS[kind].namespaced);
    const local = new Set<string>();
    if (kinds && changedNamespaces) {
      for (const analyzer of this.analyzers) {
        if (!rerun.has(analyzer.name) || analyzer.scope !== 'namespace') continue;
        const inputs = this.analyzerInputs.get(analyzer.name);
        const readsClusterChange = clusterScopedChange && [...kinds].some((kind) => !KIND_DESCRIPTORS[kind].namespaced && inputs?.has(kind));
        if (!readsClusterChange) local.add(analyzer.name);
      }
    }
    const whole = new Set([...rerun].filter((name) => !local.has(name)));
    const view = new ClusterView(snapshot);
    const options = { settings: this.settings(), now };
    const wholeRun = whole.size ? runAnalyzers(view, this.analyzers, { ...options, only: whole }) : { findings: [], errors: [] };
    const localRun = local.size && changedNamespaces ? runAnalyzers(scopeToNamespaces(view, changedNamespaces), this.analyzers, { ...options, only: local }) : { findings: [], errors: [] };
    const produced = (findings: readonly Finding[]): Map<string, Finding[]> => {
      const out = new Map<string, Finding[]>();
      for (const finding of findings) {
        const owner = this.checkOwner.get(finding.check) ?? '';
        out.set(owner, [...(out.get(owner) ?? []), finding]);
      }
      return out;
    };
    // An analyzer that failed keeps its previous findings: a bug must not read as "all resolved".
    const failed = new Set([...wholeRun.errors, ...localRun.errors].map((e) => e.analyzer));
    const fromWhole = produced(wholeRun.findings);
    for (const name of whole) if (!failed.has(name)) this.byAnalyzer.set(name, byNamespace(fromWhole.get(name) ?? []));
    const fromLocal = produced(localRun.findings);
    for (const name of local) {
      if (failed.has(name)) continue;
      const buckets = this.byAnalyzer.get(name) ?? new Map<string, readonly Finding[]>();
      const fresh = byNamespace(fromLocal.get(name) ?? []);
      for (const namespace of changedNamespaces ?? []) {
        const findings = fresh.get(namespace);
        if (findings) buckets.set(namespace, findings);
        else buckets.delete(namespace);
      }
      this.byAnalyzer.set(name, buckets);
    }
    const run = { errors: [...wholeRun.errors, ...localRun.errors] };

    const all = [...this.byAnalyzer.values()].flatMap((buckets) => [...buckets.values()].flat());
    const report = buildAnalysisReport(all);
    const next = new Map<string, SubjectFindings>();
    for (const finding of report.findings) {
      const key = refKey(finding.subject);
      const entry = next.get(key);
      if (entry) (entry.findings as ReportFinding[]).push(finding);
      else next.set(key, { subject: finding.subject, findings: [finding] });
    }
    const earliest = new Map<string, string>();
    const withEarliest = (finding: ReportFinding): ReportFinding => {
      if (!finding.firstSeen) return finding;
      const id = `${finding.check} ${refKey(finding.object)} ${finding.object.container ?? ''}`;
      const known = earliest.get(id) ?? this.earliestFirstSeen.get(id);
      const first = known !== undefined && Date.parse(known) <= Date.parse(finding.firstSeen) ? known : finding.firstSeen;
      earliest.set(id, first);
      return first === finding.firstSeen ? finding : { ...finding, firstSeen: first };
    };
    const nextCanonical = new Map<string, string>();
    for (const [key, entry] of next) nextCanonical.set(key, canonicalFindings(entry.findings.map(withEarliest)));
    // Findings that are gone are forgotten: if they come back, they are new.
    this.earliestFirstSeen = earliest;
    const changed = new Set<string>();
    for (const [key, text] of nextCanonical) if (this.canonicalBySubject.get(key) !== text) changed.add(key);
    for (const key of this.canonicalBySubject.keys()) if (!nextCanonical.has(key)) changed.add(key);
    const previous = this.subjects;
    this.subjects = next;
    this.canonicalBySubject = nextCanonical;
    // Subjects that lost all findings keep their identity so that their report can turn Healthy.
    for (const key of changed) {
      const before = previous.get(key);
      if (!next.has(key) && before) this.resolved.set(key, before.subject);
      if (next.has(key)) this.resolved.delete(key);
    }
    return { changed: [...changed].sort(), durationMs: performance.now() - started, analyzersRun: rerun.size, errors: run.errors };
  }

  /** The current findings of a subject; an empty list with its identity when it just resolved. */
  subject(key: string): SubjectFindings | undefined {
    const current = this.subjects.get(key);
    if (current) return current;
    const subject = this.resolved.get(key);
    return subject ? { subject, findings: [] } : undefined;
  }

  /** The report of a resolved subject was written as Healthy: no need to remember it. */
  forgetResolved(key: string): void {
    this.resolved.delete(key);
  }

  subjectKeys(): string[] {
    return [...this.subjects.keys()];
  }
}
