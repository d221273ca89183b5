// Incremental analysis: after a batch of changes, only the analyzers that read a changed kind run
// again (on just the subjects the changes can affect when the analyzer's findings are per subject
// and every change mapped exactly, else on just the changed namespaces when its findings are local
// to a namespace), and at the
// moments analyzers asked to be re-checked (a threshold crossing), only those; the others keep
// their previous findings. The result is grouped by subject, and the
// subjects whose findings changed (in canonical form) are returned for their reports to be written.
import { runAnalyzers } from '../analyzers/engine.js';
import type { Recheck } from '../analyzers/engine.js';
import type { AnalysisSettings } from '../analyzers/settings.js';
import type { Analyzer, Finding } from '../analyzers/types.js';
import { isLocalToNamespace } from '../analyzers/types.js';
import type { ClusterView } from '../cluster/view.js';
import { focusOnSubjects, scopeToNamespaces } from '../cluster/view.js';
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
  /** Subjects re-analyzed one by one (by the analyzers of scope 'subject'), not as a namespace. */
  readonly subjectsRun: number;
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

/**
 * Findings of one analyzer by the namespace of their subject ('' for cluster-scoped subjects), then
 * by subject key: a namespace run replaces a namespace, a subject run replaces single subjects.
 */
type FindingsByNamespace = Map<string, Map<string, Finding[]>>;

function byNamespace(findings: readonly Finding[]): FindingsByNamespace {
  const out: FindingsByNamespace = new Map();
  for (const finding of findings) {
    const namespace = finding.subject.namespace ?? '';
    let subjects = out.get(namespace);
    if (!subjects) out.set(namespace, (subjects = new Map()));
    const key = refKey(finding.subject);
    const list = subjects.get(key);
    if (list) list.push(finding);
    else subjects.set(key, [finding]);
  }
  return out;
}

/** The namespace part of a subject key (`Kind/namespace/name`; names hold no '/'). */
const namespaceOfKey = (key: string): string => key.split('/')[1] ?? '';

/** What one analyzer re-analyses in a pass. */
interface Rerun {
  whole: boolean;
  readonly namespaces: Set<string>;
  readonly subjects: Set<string>;
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
  /**
   * Subjects (refKey) whose findings the changes can affect (src/cluster/dependents.ts); undefined:
   * not known. The analyzers of scope 'subject' re-run on just these, unless one of their inputs
   * is in `inexactKinds`.
   */
  readonly subjects?: ReadonlySet<string> | undefined;
  /** Kinds with a change whose affected subjects could not be told exactly. */
  readonly inexactKinds?: ReadonlySet<KindName> | undefined;
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

  /** `afterEachAnalyzer`: a hook between analyzers (the controller's heap budget check). */
  constructor(private readonly analyzers: readonly Analyzer[], private readonly settings: () => AnalysisSettings, private readonly afterEachAnalyzer?: () => void) {
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
   * Which analyzers re-run, each on the whole cluster, or on some namespaces and some subjects.
   * Analyzers of scope 'subject' re-run on just the subjects the changes map to when every change
   * of a kind they read mapped exactly; analyzers of scope 'namespace' (and 'subject' ones whose
   * changes did not map exactly) on just the namespaces changed or due, unless a cluster-scoped
   * kind they read changed too.
   */
  private plan(request: PassRequest, toggled: ReadonlySet<KindName>): Map<string, Rerun> {
    const plan = new Map<string, Rerun>();
    const rerun = (name: string): Rerun => {
      let found = plan.get(name);
      if (!found) plan.set(name, (found = { whole: false, namespaces: new Set(), subjects: new Set() }));
      return found;
    };
    if (!request.kinds) {
      for (const analyzer of this.analyzers) rerun(analyzer.name).whole = true;
      return plan;
    }
    const kinds = new Set<KindName>([...request.kinds, ...toggled]);
    const clusterKinds = [...kinds].filter((kind) => !KIND_DESCRIPTORS[kind].namespaced);
    // A kind that became loaded or unloaded changes every subject at once.
    const inexact = new Set<KindName>([...(request.inexactKinds ?? []), ...toggled]);
    for (const analyzer of this.analyzers) {
      const inputs = this.analyzerInputs.get(analyzer.name);
      const readsChange = [...kinds].some((kind) => inputs?.has(kind)) || (request.unparseable === true && analyzer.reads.length === 0);
      if (!readsChange) continue;
      const entry = rerun(analyzer.name);
      const exact = analyzer.scope === 'subject' && request.subjects !== undefined && ![...inexact].some((kind) => inputs?.has(kind));
      if (exact) {
        for (const subject of request.subjects ?? []) entry.subjects.add(subject);
        continue;
      }
      const local = isLocalToNamespace(analyzer) && request.namespaces !== undefined && !clusterKinds.some((kind) => inputs?.has(kind));
      if (!local) entry.whole = true;
      else for (const namespace of request.namespaces ?? []) entry.namespaces.add(namespace);
    }
    for (const recheck of request.due ?? []) {
      const analyzer = this.byName.get(recheck.analyzer);
      if (!analyzer) continue;
      const entry = rerun(analyzer.name);
      if (isLocalToNamespace(analyzer) && recheck.namespace !== '') entry.namespaces.add(recheck.namespace);
      else entry.whole = true;
    }
    for (const entry of plan.values()) {
      if (entry.whole) {
        entry.namespaces.clear();
        entry.subjects.clear();
      }
      // A subject of a namespace that re-runs whole is covered by that run.
      for (const subject of entry.subjects) if (entry.namespaces.has(namespaceOfKey(subject))) entry.subjects.delete(subject);
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
    const whole = new Set([...plan].filter(([, entry]) => entry.whole).map(([name]) => name));
    const local = new Set([...plan].filter(([, entry]) => entry.namespaces.size > 0).map(([name]) => name));
    // One scoped run over every namespace any local analyzer needs: per namespace, its findings are
    // exactly those of a whole run, so running one analyzer on a few more namespaces is harmless.
    const localNamespaces = new Set([...plan.values()].flatMap((entry) => [...entry.namespaces]));
    const options = { settings: this.settings(), now, ...(this.afterEachAnalyzer ? { afterEach: this.afterEachAnalyzer } : {}) };
    const empty = { findings: [], errors: [], rechecks: [] };
    const wholeRun = whole.size ? runAnalyzers(view, this.analyzers, { ...options, only: whole }) : empty;
    const localRun = local.size ? runAnalyzers(scopeToNamespaces(view, localNamespaces), this.analyzers, { ...options, only: local }) : empty;
    // Subject runs, one per set of subject kinds: likewise, per subject the focused run gives the
    // whole run's findings, so the analyzers of a group share the union of their subjects.
    const groups = new Map<string, { kinds: readonly KindName[]; names: Set<string>; subjects: Set<string> }>();
    for (const [name, entry] of plan) {
      const kinds = this.byName.get(name)?.subjectKinds;
      if (entry.subjects.size === 0 || !kinds) continue;
      const id = [...kinds].sort().join(',');
      const group = groups.get(id) ?? { kinds, names: new Set<string>(), subjects: new Set<string>() };
      group.names.add(name);
      for (const subject of entry.subjects) group.subjects.add(subject);
      groups.set(id, group);
    }
    const subjectRuns = [...groups.values()].map((group) => {
      const scoped = scopeToNamespaces(view, new Set([...group.subjects].map(namespaceOfKey)));
      return { group, run: runAnalyzers(focusOnSubjects(scoped, group.subjects, group.kinds), this.analyzers, { ...options, only: group.names }) };
    });
    const produced = (findings: readonly Finding[]): Map<string, Finding[]> => {
      const out = new Map<string, Finding[]>();
      for (const finding of findings) {
        const owner = this.checkOwner.get(finding.check) ?? '';
        // Pushed, not copied: a whole-cluster pass can hand one analyzer thousands of findings.
        const list = out.get(owner);
        if (list) list.push(finding);
        else out.set(owner, [finding]);
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
    const errors = [...wholeRun.errors, ...localRun.errors, ...subjectRuns.flatMap((r) => r.run.errors)];
    // An analyzer that failed keeps its previous findings: a bug must not read as "all resolved".
    const failed = new Set(errors.map((e) => e.analyzer));
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
      const buckets = this.byAnalyzer.get(name) ?? new Map<string, Map<string, Finding[]>>();
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
    for (const { group, run } of subjectRuns) {
      const fromSubjects = produced(run.findings);
      const subjectRechecks = rechecksOf(run.rechecks);
      for (const name of group.names) {
        if (failed.has(name)) continue;
        const buckets = this.byAnalyzer.get(name) ?? new Map<string, Map<string, Finding[]>>();
        const fresh = byNamespace(fromSubjects.get(name) ?? []);
        for (const subject of group.subjects) {
          const namespace = namespaceOfKey(subject);
          const findings = fresh.get(namespace)?.get(subject);
          const bucket = buckets.get(namespace) ?? new Map<string, Finding[]>();
          if (findings) bucket.set(subject, findings);
          else bucket.delete(subject);
          if (bucket.size) buckets.set(namespace, bucket);
          else buckets.delete(namespace);
        }
        this.byAnalyzer.set(name, buckets);
        // A namespace's re-check covers all its subjects, and a subject run saw only some: keep the
        // earlier of the two (a re-check that comes early re-runs the namespace, which is harmless).
        const schedule = this.rechecks.get(name) ?? new Map<string, number>();
        for (const [namespace, at] of subjectRechecks.get(name) ?? []) schedule.set(namespace, Math.min(at, schedule.get(namespace) ?? Infinity));
        this.rechecks.set(name, schedule);
      }
    }
    const subjectsRun = new Set(subjectRuns.flatMap(({ group }) => [...group.subjects])).size;

    const all = [...this.byAnalyzer.values()].flatMap((buckets) => [...buckets.values()].flatMap((subjects) => [...subjects.values()].flat()));
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
    return { changed: [...changed].sort(), durationMs: performance.now() - started, analyzersRun: plan.size, subjectsRun, errors };
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
