// Leader election on a coordination.k8s.io/v1 Lease: only the leader writes reports; the other
// replicas keep warm caches and take over when the leader's lease runs out.
//
// Safety rests on two durations: a leader that has not renewed for renewDeadline stops leading,
// and a candidate takes over only after it has seen the lease unchanged for leaseDuration (measured
// on its own clock, so clock skew between nodes does not matter). renewDeadline < leaseDuration
// means the old leader has stepped down before a new one can start.
//
// Requests at rest (issue 12): the leader renews with a single PUT naming the resourceVersion it
// last wrote (a GET only when that PUT conflicts), and a candidate polls with a GET every
// retryPeriod but makes its last poll exactly when the lease it watches would run out, so the
// worst-case takeover is leaseDuration + one polling interval, not + two. A graceful stop releases
// the lease (as client-go's ReleaseOnCancel), so a rolling update fails over at the next poll.
import { z } from 'zod';
import type { KubeGetter } from '../kube/http.js';
import { KubeRequestError } from '../kube/http.js';
import type { Clock, Timer } from './clock.js';
import { systemClock } from './clock.js';
import { LEADER_ELECTION_DEFAULTS } from '../config/controller.js';

export interface LeaseRecord {
  /** Empty when nobody holds the lease (released). */
  readonly holderIdentity: string;
  readonly leaseDurationSeconds: number;
  readonly acquireTime?: number;
  readonly renewTime?: number;
  readonly leaseTransitions: number;
}

export interface StoredLease {
  readonly record: LeaseRecord;
  /** For optimistic concurrency: an update names the version it read. */
  readonly resourceVersion: string;
}

export type LeaseDecision =
  | { readonly type: 'create' }
  | { readonly type: 'acquire' }
  | { readonly type: 'renew' }
  | { readonly type: 'wait'; readonly holder: string; readonly expiresAt: number };

/**
 * What to do with the lease as last read. `observedAt` is when this replica first saw the current
 * record (our clock, not the holder's renewTime): the holder counts as gone once the record has not
 * changed for its lease duration.
 */
export function decideLeaseAction(lease: StoredLease | undefined, identity: string, observedAt: number, now: number): LeaseDecision {
  if (!lease) return { type: 'create' };
  const { holderIdentity, leaseDurationSeconds } = lease.record;
  if (holderIdentity === identity) return { type: 'renew' };
  if (holderIdentity === '') return { type: 'acquire' };
  const expiresAt = observedAt + leaseDurationSeconds * 1000;
  if (now >= expiresAt) return { type: 'acquire' };
  return { type: 'wait', holder: holderIdentity, expiresAt };
}

/** The record to write for a create, acquire or renew decision. */
export function claimedRecord(current: LeaseRecord | undefined, identity: string, now: number, leaseDurationMs: number): LeaseRecord {
  const leaseDurationSeconds = Math.ceil(leaseDurationMs / 1000);
  if (current && current.holderIdentity === identity) {
    return { ...current, leaseDurationSeconds, renewTime: now };
  }
  return {
    holderIdentity: identity,
    leaseDurationSeconds,
    acquireTime: now,
    renewTime: now,
    leaseTransitions: current ? current.leaseTransitions + 1 : 0,
  };
}

/** A released lease: no holder, so that another replica acquires it at its next try instead of waiting it out. */
export function releasedRecord(current: LeaseRecord, now: number): LeaseRecord {
  return { ...current, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now };
}

/** A stable string for "has the record changed since we last looked". */
export function recordFingerprint(record: LeaseRecord): string {
  return JSON.stringify([record.holderIdentity, record.leaseDurationSeconds, record.acquireTime ?? null, record.renewTime ?? null, record.leaseTransitions]);
}

export type LeaseWriteResult = { readonly type: 'written'; readonly lease: StoredLease } | { readonly type: 'conflict' };

/** The lease API, reduced to what election needs; the Kubernetes implementation is below. */
export interface LeaseClient {
  get(): Promise<StoredLease | undefined>;
  create(record: LeaseRecord): Promise<LeaseWriteResult>;
  update(record: LeaseRecord, resourceVersion: string): Promise<LeaseWriteResult>;
}

export interface LeaderElectorOptions {
  /** Unique per replica (pod name plus a random suffix, so a restarted pod does not resume a stale term). */
  readonly identity: string;
  readonly client: LeaseClient;
  readonly leaseDurationMs?: number;
  readonly renewDeadlineMs?: number;
  readonly retryPeriodMs?: number;
  readonly clock?: Clock;
  /** 0..1; spreads candidates' retries so that they do not hit the API server in step. */
  readonly random?: () => number;
  readonly onStartedLeading: () => void;
  readonly onStoppedLeading: () => void;
  /** A different replica now holds the lease (for logs). */
  readonly onNewLeader?: (identity: string) => void;
  /** A failed read or write of the lease (for logs); election goes on. */
  readonly onError?: (error: unknown) => void;
}

export { LEADER_ELECTION_DEFAULTS };

/** After a failed renewal the leader tries again this much sooner than retryPeriod (before its deadline runs out). */
const FAILED_RENEWAL_RETRY_FACTOR = 1 / 3;

/** How much longer than retryPeriod a candidate may wait between tries (client-go's jitter factor is 1.2). */
const CANDIDATE_JITTER = 0.2;

export class LeaderElector {
  private readonly identity: string;
  private readonly client: LeaseClient;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private leading = false;
  private stopped = true;
  private nextTry: Timer | undefined;
  private renewDeadline: Timer | undefined;
  private attempt: Promise<void> | undefined;
  /** The last record seen and when (our clock) it was first seen. */
  private observed: { fingerprint: string; at: number; lease: StoredLease } | undefined;
  private knownLeader: string | undefined;
  /** When the lease we wait on runs out if its holder does not renew (our clock); undefined unless waiting. */
  private waitingUntil: number | undefined;
  /** The last attempt failed (an error or no answer), not merely found the lease taken. */
  private lastAttemptFailed = false;

  constructor(private readonly options: LeaderElectorOptions) {
    this.identity = options.identity;
    this.client = options.client;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.leaseDurationMs = options.leaseDurationMs ?? LEADER_ELECTION_DEFAULTS.leaseDurationMs;
    this.renewDeadlineMs = options.renewDeadlineMs ?? LEADER_ELECTION_DEFAULTS.renewDeadlineMs;
    this.retryPeriodMs = options.retryPeriodMs ?? LEADER_ELECTION_DEFAULTS.retryPeriodMs;
    if (!(this.renewDeadlineMs < this.leaseDurationMs)) throw new Error('renewDeadline must be shorter than leaseDuration');
    if (!(this.retryPeriodMs > 0 && this.retryPeriodMs < this.renewDeadlineMs)) throw new Error('retryPeriod must be positive and shorter than renewDeadline');
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /** Starts trying to acquire the lease; callbacks report when leadership starts and ends. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.scheduleTry(0);
  }

  /**
   * Stops election: a leader calls onStoppedLeading, then releases the lease so that another replica
   * takes over at once. Callers finish in-flight writes before calling stop().
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.nextTry?.cancel();
    this.nextTry = undefined;
    await this.attempt;
    const mayHold = this.leading || this.observed?.lease.record.holderIdentity === this.identity;
    // Stop acting as leader before the release lets another replica start.
    this.stepDown();
    if (!mayHold) return;
    try {
      await this.withTimeout(this.release(), this.renewDeadlineMs);
    } catch (error) {
      // The lease then expires on its own after leaseDuration.
      this.options.onError?.(error);
    }
  }

  /** Clears the holder: first from our last write (one PUT), else from a fresh read if that PUT conflicts. */
  private async release(): Promise<void> {
    const last = this.observed?.lease;
    if (last && last.record.holderIdentity === this.identity) {
      const result = await this.client.update(releasedRecord(last.record, this.clock.now()), last.resourceVersion);
      if (result.type === 'written') return;
    }
    const lease = await this.client.get();
    if (lease && lease.record.holderIdentity === this.identity) {
      await this.client.update(releasedRecord(lease.record, this.clock.now()), lease.resourceVersion);
    }
  }

  private withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = this.clock.schedule(() => reject(new Error(`lease request: no answer within ${ms / 1000}s`)), ms);
      work.then(
        (value) => {
          timer.cancel();
          resolve(value);
        },
        (error: unknown) => {
          timer.cancel();
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  private scheduleTry(delayMs: number): void {
    if (this.stopped) return;
    this.nextTry = this.clock.schedule(() => {
      this.nextTry = undefined;
      this.attempt = this.tryAcquireOrRenew().finally(() => {
        this.attempt = undefined;
        this.scheduleTry(this.nextDelay());
      });
    }, delayMs);
  }

  /** How long until the next try, from the outcome of the last one. */
  private nextDelay(): number {
    if (this.leading) return this.lastAttemptFailed ? this.retryPeriodMs * FAILED_RENEWAL_RETRY_FACTOR : this.retryPeriodMs;
    const polled = this.retryPeriodMs * (1 + CANDIDATE_JITTER * this.random());
    // Poll again exactly when the lease runs out rather than up to a retry period later: the
    // worst-case takeover shrinks by a retry period at no extra requests.
    if (this.waitingUntil === undefined) return polled;
    return Math.min(polled, Math.max(0, this.waitingUntil - this.clock.now()));
  }

  private async tryAcquireOrRenew(): Promise<void> {
    this.lastAttemptFailed = false;
    // Set again by a successful read; after a failed one the next poll is a retry period away, not
    // at an expiry already past (which would retry at once, in a loop, while the API is down).
    this.waitingUntil = undefined;
    try {
      // A request that hangs must not stall election: the next try starts after the timeout.
      await this.withTimeout(this.claim(this.clock.now()), this.renewDeadlineMs);
    } catch (error) {
      // A leader that cannot reach the API keeps trying until its renew deadline makes it step down.
      this.lastAttemptFailed = true;
      this.options.onError?.(error);
    }
  }

  /**
   * The leader's renewal: one PUT of the record it last wrote, naming that write's resourceVersion.
   * Undefined when there is nothing to renew from or the PUT conflicts (someone else wrote): the
   * caller then reads the lease and decides as a candidate would.
   */
  private async renewFromLastWrite(startedAt: number): Promise<boolean | undefined> {
    const last = this.observed?.lease;
    if (!this.leading || !last || last.record.holderIdentity !== this.identity) return undefined;
    const result = await this.client.update(claimedRecord(last.record, this.identity, this.clock.now(), this.leaseDurationMs), last.resourceVersion);
    if (result.type === 'conflict') return undefined;
    this.observe(result.lease, this.clock.now());
    if (this.stopped) return false;
    this.renewed(startedAt);
    return true;
  }

  /** One read and, if the decision says so, one write (a renewal: just the write). True when we hold the lease afterwards. */
  private async claim(startedAt: number): Promise<boolean> {
    const renewed = await this.renewFromLastWrite(startedAt);
    if (renewed !== undefined) return renewed;
    const lease = await this.client.get();
    const now = this.clock.now();
    if (lease) this.observe(lease, now);
    const decision = decideLeaseAction(lease, this.identity, this.observed?.at ?? now, now);
    this.waitingUntil = decision.type === 'wait' ? decision.expiresAt : undefined;
    if (decision.type === 'wait') {
      this.noteLeader(decision.holder);
      if (this.leading) this.stepDown();
      return false;
    }
    const record = claimedRecord(lease?.record, this.identity, now, this.leaseDurationMs);
    const result = lease ? await this.client.update(record, lease.resourceVersion) : await this.client.create(record);
    // Another replica wrote in between (409): read again at the next try.
    if (result.type === 'conflict') return false;
    this.observe(result.lease, this.clock.now());
    // Stopped while writing: stop() releases what we just took.
    if (this.stopped) return false;
    this.renewed(startedAt);
    return true;
  }

  private observe(lease: StoredLease, now: number): void {
    const fingerprint = recordFingerprint(lease.record);
    if (this.observed?.fingerprint !== fingerprint) this.observed = { fingerprint, at: now, lease };
  }

  /**
   * The deadline counts from when the successful attempt started, not from when its answer arrived:
   * other replicas may have seen the write from that moment on, so that is when their wait began.
   */
  private renewed(attemptStartedAt: number): void {
    this.renewDeadline?.cancel();
    this.renewDeadline = this.clock.schedule(() => {
      this.renewDeadline = undefined;
      if (this.leading) this.stepDown();
    }, attemptStartedAt + this.renewDeadlineMs - this.clock.now());
    this.noteLeader(this.identity);
    if (!this.leading) {
      this.leading = true;
      this.options.onStartedLeading();
    }
  }

  private stepDown(): void {
    this.renewDeadline?.cancel();
    this.renewDeadline = undefined;
    if (!this.leading) return;
    this.leading = false;
    this.options.onStoppedLeading();
  }

  private noteLeader(identity: string): void {
    if (identity === this.knownLeader) return;
    this.knownLeader = identity;
    if (identity !== this.identity) this.options.onNewLeader?.(identity);
  }
}

// --- The Kubernetes Lease API -------------------------------------------------------------------

function statusCode(error: unknown): number | undefined {
  return error instanceof KubeRequestError ? error.status : undefined;
}

/** A MicroTime as the Lease API requires it: RFC 3339 with six fractional digits ("2026-11-25T12:00:00.000000Z"). */
export function formatMicroTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function timeMs(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The fields of a coordination.k8s.io/v1 Lease that election reads. */
const LeaseSchema = z.object({
  metadata: z.object({ resourceVersion: z.string().optional() }).optional(),
  spec: z
    .object({
      holderIdentity: z.string().nullish(),
      leaseDurationSeconds: z.number().nullish(),
      acquireTime: z.string().nullish(),
      renewTime: z.string().nullish(),
      leaseTransitions: z.number().nullish(),
    })
    .nullish(),
});

/** A Lease as the API server sends and takes it (JSON). */
export interface LeaseObject {
  readonly apiVersion: 'coordination.k8s.io/v1';
  readonly kind: 'Lease';
  readonly metadata: { readonly name: string; readonly namespace: string; readonly resourceVersion?: string };
  readonly spec: {
    readonly holderIdentity: string;
    readonly leaseDurationSeconds: number;
    readonly leaseTransitions: number;
    readonly acquireTime?: string;
    readonly renewTime?: string;
  };
}

export function leaseFromApi(raw: unknown): StoredLease {
  const parsed = LeaseSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`the API server answered with something that is not a Lease: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  const lease = parsed.data;
  const spec = lease.spec ?? {};
  const acquireTime = timeMs(spec.acquireTime);
  const renewTime = timeMs(spec.renewTime);
  return {
    record: {
      holderIdentity: spec.holderIdentity ?? '',
      leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
      ...(acquireTime !== undefined ? { acquireTime } : {}),
      ...(renewTime !== undefined ? { renewTime } : {}),
      leaseTransitions: spec.leaseTransitions ?? 0,
    },
    resourceVersion: lease.metadata?.resourceVersion ?? '',
  };
}

export function leaseToApi(record: LeaseRecord, namespace: string, name: string, resourceVersion?: string): LeaseObject {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace, ...(resourceVersion ? { resourceVersion } : {}) },
    spec: {
      holderIdentity: record.holderIdentity,
      leaseDurationSeconds: record.leaseDurationSeconds,
      leaseTransitions: record.leaseTransitions,
      ...(record.acquireTime !== undefined ? { acquireTime: formatMicroTime(record.acquireTime) } : {}),
      ...(record.renewTime !== undefined ? { renewTime: formatMicroTime(record.renewTime) } : {}),
    },
  };
}

/** The requests election makes (a KubeGetter fits). */
export type LeaseApi = Pick<KubeGetter, 'getJson' | 'send'>;

/** The Lease NAMESPACE/NAME read and written over our HTTP client: 404 reads as absent, 409 as a lost race. */
export function kubernetesLeaseClient(api: LeaseApi, namespace: string, name: string): LeaseClient {
  const collection = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/leases`;
  const path = `${collection}/${encodeURIComponent(name)}`;
  async function write(call: () => Promise<unknown>): Promise<LeaseWriteResult> {
    try {
      return { type: 'written', lease: leaseFromApi(await call()) };
    } catch (error) {
      // 409: a create lost the race (AlreadyExists) or an update named a stale resourceVersion.
      if (statusCode(error) === 409) return { type: 'conflict' };
      throw error;
    }
  }
  return {
    async get() {
      try {
        return leaseFromApi(await api.getJson(path));
      } catch (error) {
        if (statusCode(error) === 404) return undefined;
        throw error;
      }
    },
    create: (record) => write(() => api.send('POST', collection, leaseToApi(record, namespace, name))),
    update: (record, resourceVersion) => write(() => api.send('PUT', path, leaseToApi(record, namespace, name, resourceVersion))),
  };
}
