// The controller: informers feed a cluster cache; a change triggers an incremental analysis pass
// (debounced, so bursts coalesce); subjects whose findings changed go to the work queue; workers
// reconcile one subject at a time into its HealthReport, only on the leader. Time-based thresholds
// are re-checked at the moment analyzers said they can change; a slow full pass over the cache (no
// API request) is a safety net.
import type { Logger } from 'pino';
import { z } from 'zod';
import { ANALYZERS } from '../analyzers/registry.js';
import type { Analyzer } from '../analyzers/types.js';
import type { ControllerConfig } from '../config/controller.js';
import type { KubeGetter } from '../kube/http.js';
import { KubeRequestError } from '../kube/http.js';
import { servedGroupVersions } from '../input/live.js';
import type { KindDescriptor, KindName } from '../model/kinds.js';
import { KIND_DESCRIPTORS, KIND_NAMES, apiVersionOf } from '../model/kinds.js';
import type { KubeObject } from '../model/meta.js';
import { desiredHealthReport, healthyReportExpiry, parseStoredReport } from '../report/healthreport.js';
import type { StoredReport } from '../report/healthreport.js';
import { HEALTHREPORT_GROUP, HEALTHREPORT_PLURAL, HEALTHREPORT_VERSION } from '../report/healthreport-types.js';
import { planReportWrite } from '../report/report-content.js';
import { refKey } from '../report/report.js';
import type { OperatorMetrics } from '../server/metrics.js';
import type { Probe } from '../server/http.js';
import { ClusterCache } from './cluster-cache.js';
import { StringPool } from '../model/intern.js';
import { IncrementalAnalysis } from './incremental-analysis.js';
import { LogEvidence } from './log-evidence/log-evidence.js';
import { Informer } from './informer.js';
import type { CacheEntry, InformerHooks, WatchedResource } from './informer.js';
import { WorkQueue } from './queue.js';
import { controllerRateLimiter } from './rate-limiter.js';
import { systemClock } from './clock.js';
import { reportWriter } from './report-writer.js';
import { SubjectChanges } from './subject-changes.js';
import type { ReportWriter } from './report-writer.js';

export interface ManagerOptions {
  readonly api: KubeGetter;
  readonly config: ControllerConfig;
  readonly metrics: OperatorMetrics;
  readonly log: Logger;
  readonly analyzers?: readonly Analyzer[];
  readonly now?: () => number;
  /** Coalescing window of change bursts before an analysis pass. */
  readonly debounceMs?: number;
  readonly informerBackoff?: { readonly initialMs: number; readonly maxMs: number };
  /** Checks the heap budget: before each analysis pass and between its analyzers. */
  readonly heapCheck?: () => void;
}

const CRD_RESOURCE: WatchedResource = { name: 'CustomResourceDefinition', plural: 'customresourcedefinitions', namespaced: false, metadataOnly: true };
const REPORT_RESOURCE: WatchedResource = { name: 'HealthReport', plural: HEALTHREPORT_PLURAL, namespaced: true };

const REDISCOVER_FIRST_DELAY_MS = 250;
const REDISCOVER_MAX_DELAY_MS = 5_000;
const REDISCOVER_GIVE_UP_MS = 180_000;

const resourceKey = (apiVersion: string, plural: string): string => `${apiVersion}/${plural}`;

/**
 * The resources (`apiVersion/plural`) the API server serves of the kinds the analyzers read. A group
 * version says too little: its CRDs are installed one by one (an Istio without the Sidecar CRD, a
 * cert-manager of a release without one kind), and an informer on a resource that is not served
 * would retry its LIST (404) forever and keep the cache from ever counting as synced.
 */
async function servedResources(api: KubeGetter): Promise<Set<string>> {
  const groupVersions = await servedGroupVersions(api);
  const wanted = new Set(KIND_NAMES.flatMap((kind) => KIND_DESCRIPTORS[kind].variants.map(apiVersionOf)).filter((gv) => groupVersions.has(gv)));
  const served = new Set<string>();
  await Promise.all([...wanted].map(async (gv) => {
    let list: unknown;
    try {
      list = await api.getJson(gv.includes('/') ? `/apis/${gv}` : `/api/${gv}`);
    } catch (error) {
      // Removed since the group list was read, or an aggregated API that is down: not served now.
      if (error instanceof KubeRequestError && error.status !== 403 && error.status !== 401) return;
      throw error;
    }
    const resources = (list as { resources?: unknown } | undefined)?.resources;
    for (const resource of Array.isArray(resources) ? resources : []) {
      const name = (resource as { name?: unknown }).name;
      if (typeof name === 'string' && !name.includes('/')) served.add(resourceKey(gv, name));
    }
  }));
  return served;
}

/** Objects the controller keeps as they come (its own reports, CRD names): no model schema applies. */
function keepAsIs(raw: unknown): CacheEntry {
  const parsed = storedObject.safeParse(raw);
  return parsed.success ? { type: 'object', object: { ...parsed.data, ...(raw as object) } } : { type: 'ignored' };
}
const storedObject = z.object({ apiVersion: z.string(), kind: z.string(), metadata: z.object({ name: z.string(), namespace: z.string().optional(), resourceVersion: z.string().optional() }) });

export class Manager {
  private readonly cache = new ClusterCache();
  private readonly strings = new StringPool();
  private readonly analysis: IncrementalAnalysis;
  private readonly queue: WorkQueue;
  private readonly writer: ReportWriter;
  /** Log lines of crashed containers for the reports' evidence, when the config asks for them. */
  private readonly logEvidence: LogEvidence | undefined;
  private readonly now: () => number;
  private readonly storedBySubject = new Map<string, { report: StoredReport; raw: KubeObject }>();
  private readonly subjectByReportName = new Map<string, string>();
  private reportInformer: Informer | undefined;
  private crdInformer: Informer | undefined;
  private served = new Set<string>();
  private changedKinds = new Set<KindName>();
  /** Namespaces of the objects that changed since the last pass; undefined: any (a kind synced, stopped). */
  private changedNamespaces: Set<string> | undefined = new Set();
  private unparseableChanged = false;
  /** Subjects the changes since the last pass can affect (scope 'subject' analyzers). */
  private readonly subjectChanges: SubjectChanges;
  private passTimer: NodeJS.Timeout | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private recheckTimer: NodeJS.Timeout | undefined;
  private recheckAt: number | undefined;
  private rechecksDue = false;
  private workers: Promise<void>[] = [];
  private leading = false;
  private stopping = false;
  private firstPassDone = false;

  constructor(private readonly options: ManagerOptions) {
    this.now = options.now ?? Date.now;
    const analyzers = options.analyzers ?? ANALYZERS;
    this.analysis = new IncrementalAnalysis(analyzers, () => options.config.analysis);
    this.subjectChanges = new SubjectChanges(analyzers);
    const rl = options.config.rateLimit;
    this.queue = new WorkQueue({
      rateLimiter: controllerRateLimiter(systemClock, { baseBackoffMs: rl.backoffBase, maxBackoffMs: rl.backoffMax, qps: rl.qps, burst: rl.burst }),
      onDepthChange: (depth) => options.metrics.queueDepth.set(depth),
    });
    this.writer = reportWriter(options.api, (operation, ok, status) =>
      options.metrics.countReportWrite(operation, ok ? 'success' : status === 409 ? 'conflict' : 'error'),
    );
    const evidence = options.config.evidence;
    this.logEvidence = evidence.logs
      ? new LogEvidence({
          api: options.api,
          settings: evidence,
          view: () => this.cache.view,
          clock: systemClock,
          countRequest: (result) => options.metrics.logRequests.inc({ result }),
          onEvidence: (key) => {
            if (this.leading) this.queue.add(key);
          },
        })
      : undefined;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  readiness(): Probe {
    if (!this.reportInformer?.synced) return { ok: false, reason: 'HealthReport informer not synced' };
    const pending = this.cache.all().filter((i) => i.state !== 'synced' && i.state !== 'forbidden');
    if (pending.length) return { ok: false, reason: `waiting for ${pending.map((i) => i.kind).join(', ')}` };
    if (!this.firstPassDone) return { ok: false, reason: 'first analysis pass pending' };
    return { ok: true };
  }

  private hooks(): InformerHooks {
    const { metrics, log } = this.options;
    return {
      onEvent: (kind, event) => {
        // The subjects a change affects are read off the view on both sides of it: the old object
        // before the change (the reports it leaves), the new one after (the reports it joins).
        const changedKind = kind as KindName;
        this.subjectChanges.record(this.cache.view, changedKind, event, () => this.cache.apply(changedKind, event), !this.fullPassPending);
        for (const obj of event.type === 'updated' ? [event.old, event.object] : [event.object]) {
          const namespace = obj.metadata.namespace;
          if (namespace !== undefined) this.changedNamespaces?.add(namespace);
        }
        this.changed(changedKind);
      },
      onUnparseableChange: () => {
        this.cache.refreshUnparseable();
        this.unparseableChanged = true;
        this.schedulePass();
      },
      onWatchEvent: (kind) => metrics.watchEvents.inc({ resource: kind }),
      onRestart: (kind) => metrics.watchRestarts.inc({ resource: kind }),
      onStateChange: (kind, state) => {
        metrics.setResourceForbidden(kind, state === 'forbidden');
        this.cache.refreshLoaded(kind as KindName);
        if (state === 'synced' || state === 'forbidden') this.changedEverywhere(kind as KindName);
        log.debug({ resource: kind, state }, 'informer state');
      },
    };
  }

  private informer(descriptor: WatchedResource, variant: { group: string; version: string }, namespace?: string, parse?: (raw: unknown) => CacheEntry, hooks = this.hooks()): Informer {
    const informer = new Informer({
      api: this.options.api,
      descriptor,
      variant,
      hooks,
      log: this.options.log,
      ...(namespace ? { namespace } : {}),
      // The model's objects only: the controller's own reports are kept as they come.
      ...(parse ? { parse } : { strings: this.strings }),
      ...(this.options.informerBackoff ? { backoff: this.options.informerBackoff } : {}),
    });
    informer.start();
    return informer;
  }

  private servedVariant(descriptor: KindDescriptor): KindDescriptor['variants'][number] | undefined {
    return descriptor.variants.find((v) => this.served.has(resourceKey(apiVersionOf(v), descriptor.plural)));
  }

  private startKind(kind: KindName): boolean {
    const descriptor: KindDescriptor = KIND_DESCRIPTORS[kind];
    const variant = this.servedVariant(descriptor);
    if (!variant || this.cache.has(kind)) return false;
    const namespaces = this.options.config.namespaces;
    // Node events live in `default`, cluster-scoped kinds have no namespace: watch them whole.
    const scoped = descriptor.namespaced && namespaces.length > 0 ? namespaces : [undefined];
    this.cache.set(kind, scoped.map((ns) => this.informer(descriptor, variant, ns)));
    this.options.log.info({ resource: kind, version: apiVersionOf(variant), namespaces: scoped.filter(Boolean) }, 'watching');
    return true;
  }

  private async stopKind(kind: KindName): Promise<void> {
    const informers = this.cache.remove(kind);
    await Promise.all(informers.map((i) => i.stop()));
    // The gauge is set per pass for the kinds still watched only: a stale count would claim a watch.
    this.options.metrics.cacheObjects.remove({ resource: kind });
    this.options.log.info({ resource: kind }, 'stopped watching (API no longer served)');
    this.changedEverywhere(kind);
  }

  async start(): Promise<void> {
    const { log, config } = this.options;
    this.served = await servedResources(this.options.api);
    for (const kind of KIND_NAMES) {
      if (!this.startKind(kind) && !KIND_DESCRIPTORS[kind].optional && !this.cache.has(kind)) {
        log.warn({ resource: kind }, 'not served by this cluster: its analyzers stay dormant');
      }
    }
    const reportHooks: InformerHooks = {
      onEvent: (_kind, event) => this.storedReportChanged(event.type === 'deleted' ? undefined : event.object, event.type === 'updated' ? event.old : event.type === 'deleted' ? event.object : undefined),
      onWatchEvent: (kind) => this.options.metrics.watchEvents.inc({ resource: kind }),
      onRestart: (kind) => this.options.metrics.watchRestarts.inc({ resource: kind }),
    };
    this.reportInformer = this.informer(REPORT_RESOURCE, { group: HEALTHREPORT_GROUP, version: HEALTHREPORT_VERSION }, undefined, keepAsIs, reportHooks);
    // Optional kinds (Istio, cert-manager) come and go with their CRDs: follow the CRDs by name.
    const crdHooks: InformerHooks = {
      onEvent: () => void this.rediscover(),
      onWatchEvent: (kind) => this.options.metrics.watchEvents.inc({ resource: kind }),
      onRestart: (kind) => this.options.metrics.watchRestarts.inc({ resource: kind }),
    };
    this.crdInformer = this.informer(CRD_RESOURCE, { group: 'apiextensions.k8s.io', version: 'v1' }, undefined, keepAsIs, crdHooks);
    this.resyncTimer = setInterval(() => this.schedulePass(true), config.resyncPeriod);
    this.resyncTimer.unref();
    for (let i = 0; i < config.workers; i += 1) this.workers.push(this.work());
    this.schedulePass(true);
  }

  private rediscovering: Promise<void> | undefined;
  private rediscoverAgain = false;
  /** A retry of discovery while a CRD of a kind we read exists but is not served yet. */
  private rediscoverTimer: NodeJS.Timeout | undefined;
  private rediscoverRetry: { attempt: number; since: number; gaveUp: boolean } | undefined;

  /**
   * Kinds whose CRD exists (by name, `plural.group`) while discovery serves none of the versions read.
   * The API server lists a new CRD in discovery some time after its last watch event (Established):
   * seconds on a loaded server with large schemas, like the Gateway API's. No further CRD event comes,
   * so without a retry such a kind would stay unwatched until some unrelated CRD changes.
   */
  private kindsAwaitingDiscovery(): KindName[] {
    const crdNames = new Set([...(this.crdInformer?.list() ?? [])].map((crd) => crd.metadata.name));
    return KIND_NAMES.filter((kind) => {
      const descriptor = KIND_DESCRIPTORS[kind];
      if (this.cache.has(kind) || this.servedVariant(descriptor)) return false;
      return descriptor.variants.some((variant) => variant.group.includes('.') && crdNames.has(`${descriptor.plural}.${variant.group}`));
    });
  }

  /** Looks again, backing off from 250 ms to 5 s, for up to 3 minutes after a CRD change. */
  private retryDiscoveryIfAwaited(): void {
    if (this.stopping || this.rediscoverTimer) return;
    const awaited = this.kindsAwaitingDiscovery();
    if (awaited.length === 0) {
      this.rediscoverRetry = undefined;
      return;
    }
    const retry = this.rediscoverRetry ?? { attempt: 0, since: Date.now(), gaveUp: false };
    this.rediscoverRetry = retry;
    if (retry.gaveUp) return;
    if (Date.now() - retry.since > REDISCOVER_GIVE_UP_MS) {
      // A CRD of a version the analyzers do not read (an old Gateway API with v1beta1 only, say): wait for its next change.
      this.options.log.warn({ resources: awaited }, 'CRD installed but none of the versions read is served: its analyzers stay dormant');
      retry.gaveUp = true;
      return;
    }
    const delay = Math.min(REDISCOVER_MAX_DELAY_MS, REDISCOVER_FIRST_DELAY_MS * 2 ** retry.attempt);
    retry.attempt += 1;
    this.options.log.debug({ resources: awaited, retryInMs: delay }, 'CRD not served yet: discovery again');
    this.rediscoverTimer = setTimeout(() => {
      this.rediscoverTimer = undefined;
      void this.rediscover(false);
    }, delay);
    this.rediscoverTimer.unref();
  }

  /** Re-reads discovery after a CRD change and starts or stops the optional kinds' informers. */
  private rediscover(crdChanged = true): Promise<void> {
    // A CRD event starts a new round of retries; a retry keeps counting its own.
    if (crdChanged) this.rediscoverRetry = undefined;
    if (this.rediscovering) {
      // A CRD becomes Established (and served) after the event that started this round: look again.
      this.rediscoverAgain = true;
      return this.rediscovering;
    }
    this.rediscovering = (async () => {
      do {
        this.rediscoverAgain = false;
        try {
          this.served = await servedResources(this.options.api);
          for (const kind of KIND_NAMES) {
            const servedNow = this.servedVariant(KIND_DESCRIPTORS[kind]) !== undefined;
            if (servedNow && !this.cache.has(kind)) this.startKind(kind);
            if (!servedNow && this.cache.has(kind)) await this.stopKind(kind);
          }
        } catch (error) {
          this.options.log.warn({ err: error instanceof Error ? error.message : String(error) }, 'discovery failed after a CRD change');
        }
      } while (this.rediscoverAgain && !this.stopping);
      this.rediscovering = undefined;
      this.retryDiscoveryIfAwaited();
    })();
    return this.rediscovering;
  }

  private changed(kind: KindName): void {
    this.changedKinds.add(kind);
    this.schedulePass();
  }

  /** A change not confined to some namespaces: the kind's whole list appeared or went. */
  private changedEverywhere(kind: KindName): void {
    this.changedNamespaces = undefined;
    this.subjectChanges.markInexact(kind);
    this.changed(kind);
  }

  private fullPassPending = false;

  private schedulePass(full = false): void {
    if (full) this.fullPassPending = true;
    if (this.passTimer || this.stopping) return;
    // A pass holds the event loop for as long as it runs; waiting at least that long before the next
    // one leaves half of the time to watch events and report writes. At 50,000 pods a pass at rest
    // takes hundreds of milliseconds and kwok's crash loops change pods every few milliseconds:
    // passes back to back starved the writes of the first reports and of the changes behind them.
    // At most a second: after a full pass (seconds at this scale) the next change must not wait as long.
    const spacingMs = Math.min(this.lastPassMs, 1000);
    this.passTimer = setTimeout(() => {
      this.passTimer = undefined;
      this.runPass();
    }, Math.max(this.options.debounceMs ?? 50, spacingMs));
  }

  /** How long the last analysis pass took (see schedulePass). */
  private lastPassMs = 0;

  private runPass(): void {
    const { metrics, log } = this.options;
    if (!this.cache.synced) {
      // Analysing a half-listed cluster would report (and then retract) findings on missing objects.
      this.schedulePass();
      return;
    }
    if (!this.firstPassDone) {
      // The end of the start-up LIST of every kind (the first pass follows at once): what the time to the first reports is made of.
      log.info({ objects: this.cache.kinds().reduce((sum, kind) => sum + this.cache.count(kind), 0) }, 'cache synced: every kind listed');
    }
    const now = this.now();
    const request = {
      kinds: this.fullPassPending ? undefined : this.changedKinds,
      namespaces: this.changedNamespaces,
      unparseable: this.unparseableChanged,
      due: this.rechecksDue ? this.analysis.dueRechecks(now) : [],
      ...this.subjectChanges.take(),
    };
    this.changedKinds = new Set();
    this.changedNamespaces = new Set();
    this.fullPassPending = false;
    this.unparseableChanged = false;
    this.rechecksDue = false;
    // The garbage of listing (or of many changes) goes before the pass adds its own.
    this.options.heapCheck?.();
    const pass = this.analysis.run(this.cache.view, now, request);
    this.lastPassMs = pass.durationMs;
    this.scheduleRecheck();
    metrics.analysisDuration.observe(pass.durationMs / 1000);
    log.debug({ analyzers: pass.analyzersRun, subjects: pass.subjectsRun, changed: pass.changed.length, ms: Math.round(pass.durationMs) }, 'analysis pass');
    for (const error of pass.errors) {
      metrics.analyzerErrors.inc({ analyzer: error.analyzer });
      log.error({ analyzer: error.analyzer, err: error.message }, 'analyzer failed');
    }
    for (const kind of this.cache.kinds()) metrics.cacheObjects.set({ resource: kind }, this.cache.count(kind));
    if (!this.firstPassDone) {
      this.firstPassDone = true;
      log.info({ subjects: this.analysis.subjectKeys().length, ms: Math.round(pass.durationMs) }, 'first analysis pass done');
      if (this.leading) this.enqueueAll();
      return;
    }
    if (this.leading) for (const key of pass.changed) this.queue.add(key);
  }

  /** One timer, at the earliest moment an analyzer asked to be re-checked. */
  private scheduleRecheck(): void {
    const at = this.analysis.nextRecheckAt();
    if (at === this.recheckAt || this.stopping) return;
    if (this.recheckTimer) clearTimeout(this.recheckTimer);
    this.recheckTimer = undefined;
    this.recheckAt = at;
    if (at === undefined) return;
    // setTimeout holds at most ~24.8 days; a later moment is reached in steps.
    const delay = Math.min(Math.max(at - this.now(), 0), 2_000_000_000);
    this.recheckTimer = setTimeout(() => {
      this.recheckTimer = undefined;
      this.recheckAt = undefined;
      if (this.now() < at) {
        this.scheduleRecheck();
        return;
      }
      this.rechecksDue = true;
      this.schedulePass();
    }, delay);
    this.recheckTimer.unref();
  }

  /**
   * Whether a stored report is this installation's: with `namespaces` set, only reports in those
   * namespaces or the operator namespace (cluster-scoped subjects). Another installation watching
   * other namespaces keeps its reports there; marking them Healthy (their subjects are not in our
   * view) would fight it.
   */
  private ownsReportIn(namespace: string | undefined): boolean {
    const { namespaces, operatorNamespace } = this.options.config;
    return namespaces.length === 0 || namespace === operatorNamespace || (namespace !== undefined && namespaces.includes(namespace));
  }

  private storedReportChanged(object: KubeObject | undefined, old: KubeObject | undefined): void {
    if (!this.ownsReportIn((object ?? old)?.metadata.namespace)) return;
    const previous = old ? parseStoredReport(old) : undefined;
    if (previous) {
      const key = refKey(previous.subject);
      this.storedBySubject.delete(key);
      this.subjectByReportName.delete(`${previous.namespace}/${previous.name}`);
    }
    const report = object ? parseStoredReport(object) : undefined;
    if (report && object) {
      const key = refKey(report.subject);
      this.storedBySubject.set(key, { report, raw: object });
      this.subjectByReportName.set(`${report.namespace}/${report.name}`, key);
      // Someone edited or deleted our report: level-triggered, put it back as it should be.
      if (this.leading && this.firstPassDone) this.queue.add(key);
    } else if (previous && this.leading && this.firstPassDone) {
      this.queue.add(refKey(previous.subject));
    }
  }

  /** On leadership and after the first pass: every subject with findings, and every stored report (orphans). */
  private enqueueAll(): void {
    for (const key of this.analysis.subjectKeys()) this.queue.add(key);
    for (const key of this.storedBySubject.keys()) this.queue.add(key);
  }

  startLeading(): void {
    this.leading = true;
    this.options.metrics.setLeader(true);
    if (this.firstPassDone) this.enqueueAll();
  }

  stopLeading(): void {
    this.leading = false;
    this.options.metrics.setLeader(false);
  }

  private async work(): Promise<void> {
    for (;;) {
      const item = await this.queue.get();
      if (item.type === 'shutdown') return;
      try {
        if (this.leading) await this.reconcile(item.key);
        this.queue.forget(item.key);
      } catch (error) {
        const status = error instanceof KubeRequestError ? error.status : undefined;
        // A conflict is retried as a matter of course; a write into a namespace being deleted fails
        // until the namespace (and with it the subject) is gone. Neither is a fault worth a warning.
        const expected = status === 409 || (status === 403 && error instanceof KubeRequestError && error.reason.includes('because it is being terminated'));
        this.options.log[expected ? 'debug' : 'warn']({ subject: item.key, status, err: error instanceof Error ? error.message : String(error) }, 'reconcile failed: retrying with backoff');
        this.queue.addRateLimited(item.key);
      } finally {
        this.queue.done(item.key);
      }
    }
  }

  /** Brings one subject's HealthReport to what its current findings say. */
  private async reconcile(key: string): Promise<void> {
    const { config, metrics, log } = this.options;
    const stored = this.storedBySubject.get(key);
    const current = this.analysis.subject(key) ?? (stored ? { subject: stored.report.subject, findings: [] } : undefined);
    if (!current) return;
    metrics.setSubjectFindings(current.subject, current.findings);
    const now = this.now();
    if (current.findings.length === 0) {
      if (!stored) {
        this.analysis.forgetResolved(key);
        return;
      }
      const expiry = healthyReportExpiry(stored.report.status, config.reports.retention);
      if (expiry !== undefined && now >= expiry) {
        await this.writer.delete(stored.report.namespace, stored.report.name);
        this.analysis.forgetResolved(key);
        log.info({ subject: key, report: stored.report.name }, 'deleted the report of a subject healthy for the retention period');
        return;
      }
      if (expiry !== undefined) this.queue.addAfter(key, expiry - now + 1000);
    }
    const desired = desiredHealthReport({
      subject: current.subject,
      findings: this.logEvidence ? this.logEvidence.withLogs(key, current.findings) : current.findings,
      now,
      operatorNamespace: config.operatorNamespace,
      previousStatus: stored?.report.status,
      bounds: { ...config.reports, maxEvidenceItemLength: config.analysis.evidence.maxItemLength },
      naming: { collides: (name) => this.collides(name, current.subject.namespace ?? config.operatorNamespace, key) },
    });
    const plan = planReportWrite(stored?.raw, desired);
    if (plan.type === 'create') {
      await this.writer.create(desired);
      log.info({ subject: key, report: desired.metadata.name, severity: desired.status.severity }, 'report created');
    } else if (plan.type === 'update') {
      let latest: unknown = stored?.raw;
      if (plan.metadata) latest = await this.writer.updateMetadata(desired, latest);
      if (plan.status) await this.writer.updateStatus(desired, latest);
      log.info({ subject: key, report: desired.metadata.name, severity: desired.status.severity }, 'report updated');
    }
    if (current.findings.length === 0 && plan.type !== 'none') this.queue.addAfter(key, config.reports.retention + 1000);
  }

  private collides(name: string, namespace: string, key: string): boolean {
    const owner = this.subjectByReportName.get(`${namespace}/${name}`);
    return owner !== undefined && owner !== key;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.logEvidence?.stop();
    if (this.passTimer) clearTimeout(this.passTimer);
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    if (this.recheckTimer) clearTimeout(this.recheckTimer);
    if (this.rediscoverTimer) clearTimeout(this.rediscoverTimer);
    // In-flight writes finish; then the watches stop.
    await this.queue.shutdown();
    await Promise.all(this.workers);
    await Promise.all([...this.cache.all(), ...(this.reportInformer ? [this.reportInformer] : []), ...(this.crdInformer ? [this.crdInformer] : [])].map((i) => i.stop()));
  }
}
