// Log lines as evidence in the controller's reports (config `evidence.logs`). The analysis pass
// stays pure and synchronous: when a subject's report is reconciled, findings about a crashed or
// failed container get the log lines already read for that container instance, and the instances
// not read yet are queued. Reads run in the background, within a global budget of requests per
// minute, once per (pod, container, restart count); when one completes, the subjects waiting for it
// are reconciled again. That second reconcile never asks for more logs, so a container that keeps
// restarting cannot chain read after read: a new restart is read at the next reconcile that a real
// change of the subject causes. At rest there are no reconciles, hence no log requests.
import type { ClusterReader } from '../../cluster/view.js';
import type { LogEvidenceSettings } from '../../config/controller.js';
import type { ContainerLog } from '../../input/live.js';
import { readContainerLog } from '../../input/live.js';
import type { KubeGetter } from '../../kube/http.js';
import type { Clock, Timer } from '../clock.js';
import type { LogFindingRef, LogTarget } from './log-targets.js';
import { LOG_EVIDENCE_CHECKS, containerKey, crashedInstance, logTargetOf } from './log-targets.js';
import { containerStatuses } from '../../analyzers/evidence.js';

export type LogRequestResult = 'success' | 'unavailable' | 'error';

export interface LogEvidenceOptions {
  readonly api: Pick<KubeGetter, 'getText'>;
  readonly settings: Pick<LogEvidenceSettings, 'maxLogLines' | 'logRequestsPerMinute'>;
  /** The controller's cluster view as it is now. */
  readonly view: () => ClusterReader;
  readonly clock: Clock;
  /** Counts each log request sent, by result (healthreport_log_requests_total). */
  readonly countRequest: (result: LogRequestResult) => void;
  /** The log lines a subject's findings wait for have arrived: reconcile it again. */
  readonly onEvidence: (subjectKey: string) => void;
  /** Log requests in flight at once. */
  readonly concurrency?: number;
}

/** What a finding's evidence gets from one read: the lines, or why there are none. */
interface ReadEvidence {
  readonly restartCount: number;
  readonly previous: boolean;
  readonly evidence: readonly string[];
}

interface PendingRead {
  target: LogTarget;
  readonly subjects: Set<string>;
}

// Bounds of the remembered reads and of the reads waiting for budget: each entry is a few log
// lines, and what is dropped is simply read again at a later reconcile.
const MAX_READS = 4096;
const MAX_PENDING = 1024;
/** A log line is cut to the evidence item length later; the request need not carry more. */
const BYTES_PER_LINE = 4096;

/** The evidence lines of one read, headed by which instance they come from. */
export function describeLog(target: LogTarget, log: ContainerLog): string[] {
  const instance = `${target.previous ? 'the previous instance' : 'the exited instance'} of container ${target.container} (restart ${target.restartCount})`;
  if (log.type === 'lines') {
    if (log.lines.length === 0) return [`log of ${instance}: empty`];
    return [`last ${log.lines.length} log lines of ${instance}:`, ...log.lines.map((line) => `  ${line}`)];
  }
  if (log.type === 'unavailable') return [`log of ${instance}: not available (the API server answered ${log.status}: ${log.reason})`];
  return [`log of ${instance}: not available (no answer from the API server: ${log.reason})`];
}

/** The target as the pod is now: the same pod (uid) and a died instance, perhaps of a later restart. */
function currentTarget(view: ClusterReader, target: LogTarget): LogTarget | undefined {
  const pod = view.has('Pod') ? view.get('Pod', target.namespace, target.pod) : undefined;
  if (!pod || (pod.metadata.uid ?? '') !== target.podUid) return undefined;
  const status = containerStatuses(pod).find((c) => c.name === target.container)?.status;
  const instance = status ? crashedInstance(status) : undefined;
  return status && instance ? { ...target, restartCount: status.restartCount, previous: instance.previous } : undefined;
}

export class LogEvidence {
  private readonly reads = new Map<string, ReadEvidence>();
  private readonly pending = new Map<string, PendingRead>();
  /** Reads sent and not answered yet: a second reconcile meanwhile waits for the same answer. */
  private readonly reading = new Map<string, PendingRead>();
  /** Subjects reconciled again because their logs arrived: that reconcile asks for no more. */
  private readonly delivered = new Set<string>();
  private readonly ratePerMs: number;
  private readonly capacity: number;
  private tokens: number;
  private refilledAt: number;
  private inFlight = 0;
  private timer: Timer | undefined;
  private stopped = false;

  constructor(private readonly options: LogEvidenceOptions) {
    this.capacity = options.settings.logRequestsPerMinute;
    this.ratePerMs = options.settings.logRequestsPerMinute / 60_000;
    this.tokens = this.capacity;
    this.refilledAt = options.clock.now();
  }

  /**
   * The subject's findings with the log lines read for them added to their evidence (the list
   * itself when there are none); instances not read yet are queued for reading.
   */
  withLogs<F extends LogFindingRef & { readonly evidence: readonly string[] }>(subjectKey: string, findings: readonly F[]): readonly F[] {
    const mayRead = !this.delivered.delete(subjectKey) && !this.stopped;
    let out: F[] | undefined;
    let view: ClusterReader | undefined;
    // One container's log once per report: on its first (most severe) finding.
    const shown = new Set<string>();
    findings.forEach((finding, i) => {
      if (!LOG_EVIDENCE_CHECKS.has(finding.check)) return;
      view ??= this.options.view();
      const target = logTargetOf(finding, view);
      if (!target) return;
      const key = containerKey(target);
      const read = this.reads.get(key);
      if (mayRead && (!read || read.restartCount !== target.restartCount || read.previous !== target.previous)) this.request(key, target, subjectKey);
      if (!read || shown.has(key)) return;
      shown.add(key);
      out ??= [...findings];
      out[i] = { ...finding, evidence: [...finding.evidence, ...read.evidence] };
    });
    return out ?? findings;
  }

  /** Reads waiting for budget (for tests and debugging). */
  get queued(): number {
    return this.pending.size;
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
    this.pending.clear();
  }

  private request(key: string, target: LogTarget, subjectKey: string): void {
    const sent = this.reading.get(key);
    if (sent && sent.target.restartCount === target.restartCount && sent.target.previous === target.previous) {
      sent.subjects.add(subjectKey);
      return;
    }
    const waiting = this.pending.get(key);
    if (waiting) {
      waiting.target = target;
      waiting.subjects.add(subjectKey);
      return;
    }
    if (this.pending.size >= MAX_PENDING) return;
    this.pending.set(key, { target, subjects: new Set([subjectKey]) });
    this.pump();
  }

  private refill(): void {
    const now = this.options.clock.now();
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.refilledAt) * this.ratePerMs);
    this.refilledAt = now;
  }

  /** Starts the reads the budget and the concurrency allow; wakes up when the next token is due. */
  private pump(): void {
    if (this.stopped) return;
    const concurrency = this.options.concurrency ?? 2;
    while (this.inFlight < concurrency && this.pending.size > 0) {
      this.refill();
      if (this.tokens < 1) {
        if (!this.timer) {
          this.timer = this.options.clock.schedule(() => {
            this.timer = undefined;
            this.pump();
          }, Math.ceil((1 - this.tokens) / this.ratePerMs));
        }
        return;
      }
      const [key, read] = this.pending.entries().next().value as [string, PendingRead];
      this.pending.delete(key);
      // The pod may have gone or restarted while the read waited: read what is there now, or nothing.
      const target = currentTarget(this.options.view(), read.target);
      if (!target) continue;
      this.tokens -= 1;
      this.inFlight += 1;
      const sent = { target, subjects: read.subjects };
      this.reading.set(key, sent);
      void this.read(key, sent).finally(() => {
        if (this.reading.get(key) === sent) this.reading.delete(key);
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  private async read(key: string, { target, subjects }: PendingRead): Promise<void> {
    const { maxLogLines } = this.options.settings;
    const log = await readContainerLog(this.options.api, target, { previous: target.previous, tailLines: maxLogLines, limitBytes: maxLogLines * BYTES_PER_LINE });
    this.options.countRequest(log.type === 'lines' ? 'success' : log.type);
    if (this.stopped) return;
    this.reads.delete(key);
    this.reads.set(key, { restartCount: target.restartCount, previous: target.previous, evidence: describeLog(target, log) });
    if (this.reads.size > MAX_READS) this.reads.delete(this.reads.keys().next().value as string);
    if (this.delivered.size > MAX_READS) this.delivered.clear();
    for (const subject of subjects) {
      this.delivered.add(subject);
      this.options.onEvidence(subject);
    }
  }
}
