// Incremental analysis: after a batch of changes, only the analyzers that read a changed kind run
// again (on just the changed namespaces when their findings are local to a namespace), and at the
// moments analyzers asked to be re-checked (a threshold crossing), only those; the others keep
// their previous findings. The result is grouped by subject, and the
// subjects whose findings changed (in canonical form) are returned for their reports to be written.
import { runAnalyzers } from '../analyzers/engine.js';
import type { Recheck } from '../analyzers/engine.js';
import type { AnalysisSettings } from '../analyzers/settings.js';
import type { Analyzer, Finding } from '../analyzers/types.js';
import { isLocalToNamespace } from '../analyzers/types.js';
import type { ClusterView } from '../cluster/view.js';
import { scopeToNamespaces } from '../cluster/view.js';
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

/** What a pass re-analyses. */
export interface PassRequest {
  /** Kinds whose objects changed; undefined: everything (start-up, resync, configuration change). */
  readonly kinds?: ReadonlySet<KindName> | undefined;
  /** The only namespaces whose objects changed; undefined: not confined to namespaces. */
  readonly namespaces?: ReadonlySet<string> | undefined;
  /** Unparseable objects appeared or went. */
  readonly unparseable?: boolean;
  /** Re-checks that fell due (see `dueRechecks`): their analyzers run again, on their namespaces. */
  readonly due?: readonly Recheck[];
}

export class IncrementalAnalysis {
  private readonly byAnalyzer = new Map<string, FindingsByNamespace>();
  /** The earliest re-check each analyzer asked for, by namespace ('' for cluster-scoped objects). */
  private readonly rechecks = new Map<string, Map<string, number>>();
  private readonly analyzerInputs: ReadonlyMap<string, ReadonlySet<KindName>>;
  private readonly byName: ReadonlyMap<string, Analyzer>;
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
    this.byName = new Map(analyzers.map((a) => [a.name, a]));
    this.checkOwner = new Map(analyzers.flatMap((a) => a.checks.map((c): [string, string] => [c, a.name])));
  }

  /** The earliest moment a time-based verdict can change, if any analyzer asked for one. */
  nextRecheckAt(): number | undefined {
    let next: number | undefined;
    for (const byNamespace of this.rechecks.values()) for (const at of byNamespace.values()) if (next === undefined || at < next) next = at;
    return next;
  }

  /**
   * The re-checks due at `now`, taken out of the schedule: the pass that handles them asks again
   * for what is still ahead (and an analyzer that no longer runs cannot keep firing).
   */
  dueRechecks(now: number): Recheck[] {
    const due: Recheck[] = [];
    for (const [analyzer, byNamespace] of this.rechecks) {
      for (const [namespace, at] of byNamespace) {
        if (at > now) continue;
        due.push({ analyzer, namespace, at });
        byNamespace.delete(namespace);
      }
    }
    return due;
  }

  /**
   * Which analyzers re-run, each on some namespaces (a Set) or on the whole cluster (undefined).
   * Analyzers of scope 'namespace' re-run on just the namespaces changed or due, unless a
   * cluster-scoped kind they read changed too.
   */
  private plan(request: PassRequest, toggled: ReadonlySet<KindName>): Map<string, Set<string> | undefined> {
    const plan = new Map<string, Set<string> | undefined>();
    if (!request.kinds) {
      for (const analyzer of this.analyzers) plan.set(analyzer.name, undefined);
      return plan;
    }
    const kinds = new Set<KindName>([...request.kinds, ...toggled]);
    const clusterKinds = [...kinds].filter((kind) => !KIND_DESCRIPTORS[kind].namespaced);
    const widen = (name: string, namespaces: Iterable<string> | undefined): void => {
      if (plan.has(name) && plan.get(name) === undefined) return;
      if (namespaces === undefined) {
        plan.set(name, undefined);
        return;
      }
      const known = plan.get(name) ?? new Set<string>();
      for (const namespace of namespaces) known.add(namespace);
      plan.set(name, known);
    };
    for (const analyzer of this.analyzers) {
      const inputs = this.analyzerInputs.get(analyzer.name);
      const readsChange = [...kinds].some((kind) => inputs?.has(kind)) || (request.unparseable === true && analyzer.reads.length === 0);
      if (!readsChange) continue;
      const local = isLocalToNamespace(analyzer) && request.namespaces !== undefined && !clusterKinds.some((kind) => inputs?.has(kind));
      widen(analyzer.name, local ? request.namespaces : undefined);
    }
    for (const recheck of request.due ?? []) {
      const analyzer = this.byName.get(recheck.analyzer);
      if (!analyzer) continue;
      widen(analyzer.name, isLocalToNamespace(analyzer) && recheck.namespace !== '' ? [recheck.namespace] : undefined);
    }
    return plan;
  }

  /** Runs a pass: re-analyses what the request names; the other analyzers keep their findings. */
  run(view: ClusterView, now: number, request: PassRequest = {}): AnalysisPass {
    const started = performance.now();
    // A kind that became loaded or unloaded (a CRD installed, RBAC granted) changes what can run.
    const loaded = new Set(view.loadedKinds());
    const toggled = new Set<KindName>([...loaded].filter((k) => !this.loadedBefore.has(k)).concat([...this.loadedBefore].filter((k) => !loaded.has(k))));
    this.loadedBefore = loaded;
    const plan = this.plan(request, toggled);
    const whole = new Set([...plan].filter(([, namespaces]) => namespaces === undefined).map(([name]) => name));
    const local = new Set([...plan].filter(([, namespaces]) => namespaces !== undefined).map(([name]) => name));
    // One scoped run over every namespace any local analyzer needs: per namespace, its findings are
    // exactly those of a whole run, so running one analyzer on a few more namespaces is harmless.
    const localNamespaces = new Set([...plan.values()].flatMap((namespaces) => [...(namespaces ?? [])]));
    const options = { settings: this.settings(), now };
    const empty = { findings: [], errors: [], rechecks: [] };
    const wholeRun = whole.size ? runAnalyzers(view, this.analyzers, { ...options, only: whole }) : empty;
    const localRun = local.size ? runAnalyzers(scopeToNamespaces(view, localNamespaces), this.analyzers, { ...options, only: local }) : empty;
    const produced = (findings: readonly Finding[]): Map<string, Finding[]> => {
      const out = new Map<string, Finding[]>();
      for (const finding of findings) {
        const owner = this.checkOwner.get(finding.check) ?? '';
        out.set(owner, [...(out.get(owner) ?? []), finding]);
      }
      return out;
    };
    const rechecksOf = (rechecks: readonly Recheck[]): Map<string, Map<string, number>> => {
      const out = new Map<string, Map<string, number>>();
      for (const recheck of rechecks) {
        const byNamespace = out.get(recheck.analyzer) ?? new Map<string, number>();
        byNamespace.set(recheck.namespace, recheck.at);
        out.set(recheck.analyzer, byNamespace);
      }
      return out;
    };
    // An analyzer that failed keeps its previous findings: a bug must not read as "all resolved".
    const failed = new Set([...wholeRun.errors, ...localRun.errors].map((e) => e.analyzer));
    const fromWhole = produced(wholeRun.findings);
    const wholeRechecks = rechecksOf(wholeRun.rechecks);
    for (const name of whole) {
      if (failed.has(name)) continue;
      this.byAnalyzer.set(name, byNamespace(fromWhole.get(name) ?? []));
      this.rechecks.set(name, wholeRechecks.get(name) ?? new Map());
    }
    const fromLocal = produced(localRun.findings);
    const localRechecks = rechecksOf(localRun.rechecks);
    for (const name of local) {
      if (failed.has(name)) continue;
      const buckets = this.byAnalyzer.get(name) ?? new Map<string, readonly Finding[]>();
      const schedule = this.rechecks.get(name) ?? new Map<string, number>();
      const fresh = byNamespace(fromLocal.get(name) ?? []);
      const freshRechecks = localRechecks.get(name);
      for (const namespace of localNamespaces) {
        const findings = fresh.get(namespace);
        if (findings) buckets.set(namespace, findings);
        else buckets.delete(namespace);
        const at = freshRechecks?.get(namespace);
        if (at === undefined) schedule.delete(namespace);
        else schedule.set(namespace, at);
      }
      this.byAnalyzer.set(name, buckets);
      this.rechecks.set(name, schedule);
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
    return { changed: [...changed].sort(), durationMs: performance.now() - started, analyzersRun: plan.size, errors: run.errors };
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
