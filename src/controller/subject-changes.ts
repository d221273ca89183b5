// The subjects that the watch events since the last analysis pass can affect, for the analyzers
// of scope 'subject' (the controller's event -> keys mapper). Each event is mapped on both sides
// of its change: the old object on the view before it (the reports it leaves), the new one on the
// view after (the reports it joins). A change that cannot be mapped exactly marks its kind, and
// the analyzers reading that kind re-analyze namespaces instead in the next pass.
import type { Analyzer } from '../analyzers/types.js';
import { keepsOwnership, subjectsAffectedBy } from '../cluster/dependents.js';
import type { ClusterReader } from '../cluster/view.js';
import type { KindName } from '../model/kinds.js';
import type { KubeObject } from '../model/meta.js';
import type { InformerEvent } from './informer.js';

export class SubjectChanges {
  private subjects = new Set<string>();
  private inexact = new Set<KindName>();
  /** Kinds the analyzers of scope 'subject' read: the only changes worth mapping. */
  private readonly inputs: ReadonlySet<KindName>;

  constructor(analyzers: readonly Analyzer[]) {
    this.inputs = new Set(analyzers.filter((a) => a.scope === 'subject').flatMap((a) => [...a.reads, ...(a.optionalReads ?? [])]));
  }

  /**
   * Applies one watch event to the view (`apply`), mapping it before and after. `mapped` false:
   * the next pass analyzes everything anyway (the initial list, a resync), so mapping each object
   * would be wasted work.
   */
  record(view: ClusterReader, kind: KindName, event: InformerEvent, apply: () => void, mapped = true): void {
    if (!mapped) {
      apply();
      return;
    }
    const ownershipKept = event.type === 'updated' && keepsOwnership(event.old, event.object);
    if (event.type !== 'added') this.map(view, kind, event.type === 'updated' ? event.old : event.object, ownershipKept);
    apply();
    if (event.type !== 'deleted') this.map(view, kind, event.object, ownershipKept);
  }

  /** A change of a kind not confined to known objects (a relist, a kind that came or went). */
  markInexact(kind: KindName): void {
    this.inexact.add(kind);
  }

  /** What the next pass re-analyzes per subject; the collection starts again. */
  take(): { subjects: ReadonlySet<string>; inexactKinds: ReadonlySet<KindName> } {
    const taken = { subjects: this.subjects, inexactKinds: this.inexact };
    this.subjects = new Set();
    this.inexact = new Set();
    return taken;
  }

  private map(view: ClusterReader, kind: KindName, obj: KubeObject, ownershipKept: boolean): void {
    if (!this.inputs.has(kind) || this.inexact.has(kind)) return;
    const affected = subjectsAffectedBy(view, kind, obj, { ownershipKept });
    if (!affected.exact) this.inexact.add(kind);
    else for (const subject of affected.subjects) this.subjects.add(subject);
  }
}
