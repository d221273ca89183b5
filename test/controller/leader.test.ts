import { describe, expect, it } from 'vitest';
import type { LeaseClient, LeaseRecord, LeaseWriteResult, StoredLease } from '../../src/controller/leader.js';
import type { LeaseApi } from '../../src/controller/leader.js';
import { LEADER_ELECTION_DEFAULTS, LeaderElector, claimedRecord, decideLeaseAction, formatMicroTime, kubernetesLeaseClient, leaseFromApi, leaseToApi, releasedRecord } from '../../src/controller/leader.js';
import { KubeRequestError } from '../../src/kube/http.js';
import { parseControllerConfig } from '../../src/config/controller.js';
import { ManualClock } from './manual-clock.js';

const T0 = Date.parse('2026-11-25T12:00:00Z');
const held = (holderIdentity: string, renewTime = T0, extra: Partial<LeaseRecord> = {}): StoredLease => ({
  record: { holderIdentity, leaseDurationSeconds: 15, acquireTime: T0 - 60_000, renewTime, leaseTransitions: 3, ...extra },
  resourceVersion: '41',
});

describe('lease decisions', () => {
  it('creates a lease that does not exist', () => {
    expect(decideLeaseAction(undefined, 'a', T0, T0)).toEqual({ type: 'create' });
  });

  it('renews its own lease', () => {
    expect(decideLeaseAction(held('a'), 'a', T0, T0 + 5_000)).toEqual({ type: 'renew' });
  });

  it('acquires a released lease at once', () => {
    expect(decideLeaseAction(held(''), 'a', T0, T0)).toEqual({ type: 'acquire' });
  });

  it('waits while another holder renewed within the lease duration, as observed on its own clock', () => {
    expect(decideLeaseAction(held('b'), 'a', T0, T0 + 14_999)).toEqual({ type: 'wait', holder: 'b', expiresAt: T0 + 15_000 });
    // The holder's renewTime says nothing to a candidate whose clock differs: what counts is when the record was seen.
    expect(decideLeaseAction(held('b', T0 - 3_600_000), 'a', T0, T0 + 1_000).type).toBe('wait');
  });

  it('acquires once the record has not changed for the lease duration', () => {
    expect(decideLeaseAction(held('b'), 'a', T0, T0 + 15_000)).toEqual({ type: 'acquire' });
  });

  it('counts a change of holder as a transition, not a renewal', () => {
    expect(claimedRecord(held('b').record, 'a', T0, 15_000)).toEqual({ holderIdentity: 'a', leaseDurationSeconds: 15, acquireTime: T0, renewTime: T0, leaseTransitions: 4 });
    expect(claimedRecord(held('a').record, 'a', T0 + 2_000, 15_000)).toEqual({ ...held('a').record, renewTime: T0 + 2_000 });
    expect(claimedRecord(undefined, 'a', T0, 15_000).leaseTransitions).toBe(0);
  });

  it('releases by clearing the holder', () => {
    expect(releasedRecord(held('a').record, T0 + 9_000)).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1, renewTime: T0 + 9_000, leaseTransitions: 3 });
  });
});

describe('lease API mapping', () => {
  it('writes MicroTime timestamps and reads them back from strings', () => {
    const body = leaseToApi(held('a').record, 'healthreport-system', 'healthreport-operator', '41');
    const wire = JSON.parse(JSON.stringify(body)) as { spec: { renewTime: string; acquireTime: string }; metadata: { resourceVersion: string } };
    expect(wire.spec.renewTime).toBe('2026-11-25T12:00:00.000000Z');
    expect(wire.spec.acquireTime).toBe('2026-11-25T11:59:00.000000Z');
    expect(wire.metadata.resourceVersion).toBe('41');
    expect(leaseFromApi(wire)).toEqual(held('a'));
  });

  it('keeps milliseconds and pads them to microseconds', () => {
    expect(formatMicroTime(Date.parse('2026-11-25T12:00:01.234Z'))).toBe('2026-11-25T12:00:01.234000Z');
  });

  it('reads a released lease without times and rejects what is not a Lease', () => {
    expect(leaseFromApi({ metadata: { resourceVersion: '3' }, spec: {} })).toEqual({ record: { holderIdentity: '', leaseDurationSeconds: 0, leaseTransitions: 0 }, resourceVersion: '3' });
    expect(() => leaseFromApi({ spec: { leaseDurationSeconds: 'fifteen' } })).toThrow(/not a Lease/);
  });
});

describe('kubernetes lease client', () => {
  const PATH = '/apis/coordination.k8s.io/v1/namespaces/healthreport-system/leases/healthreport-operator';
  const stored = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'healthreport-operator', namespace: 'healthreport-system', resourceVersion: '7' }, spec: { holderIdentity: 'b', leaseDurationSeconds: 15, leaseTransitions: 2 } };
  const fail = (status: number, method = 'GET') => () => Promise.reject(new KubeRequestError(status, PATH, `HTTP ${status}`, method));
  type Answer = () => Promise<unknown>;

  /** A getter stub that records requests; answers are per method. */
  function api(answers: { GET?: Answer; POST?: Answer; PUT?: Answer }): { api: LeaseApi; requests: { method: string; path: string; body?: unknown }[] } {
    const requests: { method: string; path: string; body?: unknown }[] = [];
    return {
      requests,
      api: {
        getJson: async (path) => {
          requests.push({ method: 'GET', path });
          return (answers.GET ?? (async () => stored))();
        },
        send: async (method, path, body) => {
          requests.push({ method, path, body });
          const answer = method === 'POST' ? answers.POST : method === 'PUT' ? answers.PUT : undefined;
          return (answer ?? fail(500, method))();
        },
      },
    };
  }
  const client = (stub: LeaseApi) => kubernetesLeaseClient(stub, 'healthreport-system', 'healthreport-operator');

  it('reads a missing lease as undefined and other errors as errors', async () => {
    await expect(client(api({ GET: fail(404) }).api).get()).resolves.toBeUndefined();
    await expect(client(api({ GET: fail(403) }).api).get()).rejects.toThrow(/403/);
    const ok = api({});
    await expect(client(ok.api).get()).resolves.toMatchObject({ record: { holderIdentity: 'b' }, resourceVersion: '7' });
    expect(ok.requests).toEqual([{ method: 'GET', path: PATH }]);
  });

  it('creates with POST on the collection and updates with PUT on the lease, naming the resourceVersion it read', async () => {
    const answer = async () => ({ ...stored, metadata: { ...stored.metadata, resourceVersion: '8' }, spec: { ...stored.spec, holderIdentity: 'a' } });
    const { api: stub, requests } = api({ POST: answer, PUT: answer });
    await expect(client(stub).create(held('a').record)).resolves.toMatchObject({ type: 'written', lease: { record: { holderIdentity: 'a' }, resourceVersion: '8' } });
    await expect(client(stub).update(held('a').record, '7')).resolves.toMatchObject({ type: 'written' });
    expect(requests.map((request) => `${request.method} ${request.path}`)).toEqual([`POST ${PATH.replace(/\/healthreport-operator$/, '')}`, `PUT ${PATH}`]);
    expect(requests[0]?.body).toMatchObject({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'healthreport-operator', namespace: 'healthreport-system' }, spec: { holderIdentity: 'a', renewTime: '2026-11-25T12:00:00.000000Z' } });
    expect((requests[0]?.body as { metadata: object }).metadata).not.toHaveProperty('resourceVersion');
    expect(requests[1]?.body).toMatchObject({ metadata: { resourceVersion: '7' } });
  });

  it('turns 409 into a conflict and other failures into errors', async () => {
    const conflicting = api({ PUT: fail(409, 'PUT'), POST: fail(409, 'POST') }).api;
    await expect(client(conflicting).update(held('a').record, '7')).resolves.toEqual({ type: 'conflict' });
    await expect(client(conflicting).create(held('a').record)).resolves.toEqual({ type: 'conflict' });
    await expect(client(api({}).api).update(held('a').record, '7')).rejects.toThrow(/PUT .*500/);
  });
});


const { leaseDurationMs: LEASE, renewDeadlineMs: DEADLINE, retryPeriodMs: RETRY } = LEADER_ELECTION_DEFAULTS;
/** A candidate's longest wait between polls (retryPeriod plus its 20 % jitter). */
const CANDIDATE_POLL = 1.2 * RETRY;

/** An in-memory Lease with resourceVersion checks, shared by the replicas of a test; counts requests per replica. */
class FakeLeaseStore {
  lease: StoredLease | undefined;
  private version = 0;
  writes = 0;
  readonly requests: string[] = [];

  client(identity = '?', reachable: () => boolean = () => true): LeaseClient {
    const check = (verb: string) => {
      if (!reachable()) throw new Error('connect ECONNREFUSED');
      this.requests.push(`${identity} ${verb}`);
    };
    return {
      get: async () => {
        check('get');
        return this.lease;
      },
      create: async (record) => {
        check('create');
        if (this.lease) return { type: 'conflict' };
        return this.write(record);
      },
      update: async (record, resourceVersion) => {
        check('update');
        if (!this.lease || this.lease.resourceVersion !== resourceVersion) return { type: 'conflict' };
        return this.write(record);
      },
    };
  }

  count(identity: string, verb: string): number {
    return this.requests.filter((request) => request === `${identity} ${verb}`).length;
  }

  private write(record: LeaseRecord): LeaseWriteResult {
    this.writes += 1;
    this.version += 1;
    this.lease = { record, resourceVersion: String(this.version) };
    return { type: 'written', lease: this.lease };
  }
}

interface Replica {
  readonly elector: LeaderElector;
  readonly events: string[];
}

function replica(identity: string, store: FakeLeaseStore, clock: ManualClock, log: string[], reachable?: () => boolean, random = () => 0.5): Replica {
  const events: string[] = [];
  const elector = new LeaderElector({
    identity,
    client: store.client(identity, reachable),
    clock,
    random,
    onStartedLeading: () => {
      events.push('started');
      log.push(`${clock.now() - T0}ms ${identity} started`);
    },
    onStoppedLeading: () => {
      events.push('stopped');
      log.push(`${clock.now() - T0}ms ${identity} stopped`);
    },
  });
  return { elector, events };
}

/** Moves the manual clock in small steps, letting the async lease calls settle in between. */
async function run(clock: ManualClock, ms: number, step = 100): Promise<void> {
  for (let elapsed = 0; elapsed < ms; elapsed += step) {
    clock.advance(step);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** When (our clock) the log line "<identity> <event>" was written. */
function loggedAt(log: string[], line: string): number {
  const entry = log.find((l) => l.endsWith(line));
  if (!entry) throw new Error(`no "${line}" in ${JSON.stringify(log)}`);
  return T0 + Number(entry.split('ms')[0]);
}

describe('leader election defaults', () => {
  it('keep the safety rule and a worst-case takeover within 30 s, with several times fewer renewals than 2 s', () => {
    expect(DEADLINE).toBeLessThan(LEASE);
    expect(LEASE - DEADLINE).toBeGreaterThanOrEqual(5_000);
    // The leader gets at least two tries before its deadline.
    expect(2 * RETRY).toBeLessThan(DEADLINE);
    expect(LEASE + CANDIDATE_POLL).toBeLessThanOrEqual(30_000);
    expect(3_600_000 / RETRY).toBeLessThanOrEqual(1_800 / 3);
  });

  it('are the config file defaults too', () => {
    const config = parseControllerConfig({}, 'test');
    expect(config.leaderElection).toMatchObject({ leaseDuration: LEASE, renewDeadline: DEADLINE, retryPeriod: RETRY });
  });
});

describe('leader elector', () => {
  it('acquires a free lease at start and renews it every retry period with one PUT, no GET', async () => {
    const clock = new ManualClock(T0);
    const store = new FakeLeaseStore();
    const a = replica('a', store, clock, []);
    a.elector.start();
    await run(clock, 100);
    expect(a.elector.isLeader).toBe(true);
    expect(store.requests).toEqual(['a get', 'a create']);
    const acquiredAt = store.lease?.record.acquireTime ?? 0;
    await run(clock, 10 * RETRY);
    expect(store.count('a', 'update')).toBe(10);
    expect(store.count('a', 'get')).toBe(1);
    expect(store.lease?.record.renewTime).toBe(acquiredAt + 10 * RETRY);
    expect(store.lease?.record.acquireTime).toBe(acquiredAt);
    expect(a.events).toEqual(['started']);
    await a.elector.stop();
  });

  it('lets only one of two replicas lead; the standby polls with one GET per retry period', async () => {
    const clock = new ManualClock(T0);
    const store = new FakeLeaseStore();
    const log: string[] = [];
    const a = replica('a', store, clock, log);
    const b = replica('b', store, clock, log);
    a.elector.start();
    b.elector.start();
    await run(clock, 600_000);
    expect([a.elector.isLeader, b.elector.isLeader].filter(Boolean)).toHaveLength(1);
    expect(log).toHaveLength(1);
    const [leader, standby] = a.elector.isLeader ? ['a', 'b'] : ['b', 'a'];
    // 10 minutes: 100 renewals at 6 s (500 at client-go's 2 s, each a GET and a PUT).
    expect(store.count(leader, 'update')).toBeGreaterThanOrEqual(99);
    expect(store.count(leader, 'update')).toBeLessThanOrEqual(101);
    expect(store.count(leader, 'get')).toBeLessThanOrEqual(1);
    // The standby's polls: one every 6.6 s on average (random 0.5), plus its first.
    expect(store.count(standby, 'get')).toBeGreaterThanOrEqual(Math.floor(600_000 / (1.1 * RETRY)));
    expect(store.count(standby, 'get')).toBeLessThanOrEqual(Math.ceil(600_000 / (1.1 * RETRY)) + 2);
    expect(store.count(standby, 'update') + store.count(standby, 'create')).toBeLessThanOrEqual(1);
    await a.elector.stop();
    await b.elector.stop();
  });

  it('hands over when the leader dies without releasing: the old leader stops before the new one starts, within leaseDuration + one poll', async () => {
    // Every phase of the standby's polling against the leader's renewals: the bound holds for all.
    for (const offset of [0, 1_000, 2_500, 4_000, 5_900]) {
      for (const jitter of [0, 1]) {
        const clock = new ManualClock(T0);
        const store = new FakeLeaseStore();
        const log: string[] = [];
        let aReachable = true;
        const a = replica('a', store, clock, log, () => aReachable);
        a.elector.start();
        await run(clock, 100 + offset);
        const b = replica('b', store, clock, log, undefined, () => jitter);
        b.elector.start();
        await run(clock, 3 * RETRY);
        expect(a.elector.isLeader).toBe(true);
        expect(b.elector.isLeader).toBe(false);
        // The leader renews once more, then loses the API (as seen from b: it died).
        await run(clock, RETRY);
        const lastRenewal = store.lease?.record.renewTime ?? 0;
        aReachable = false;
        await run(clock, LEASE + 2 * RETRY + 1_000);
        expect(a.elector.isLeader).toBe(false);
        expect(b.elector.isLeader).toBe(true);
        const stoppedAt = loggedAt(log, 'a stopped');
        const startedAt = loggedAt(log, 'b started');
        expect(stoppedAt).toBeLessThanOrEqual(lastRenewal + DEADLINE);
        expect(startedAt).toBeGreaterThanOrEqual(lastRenewal + LEASE);
        expect(startedAt - lastRenewal, `offset ${offset}, jitter ${jitter}`).toBeLessThanOrEqual(LEASE + CANDIDATE_POLL + 100);
        expect(store.lease?.record).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
        await a.elector.stop();
        await b.elector.stop();
      }
    }
  });

  it('polls no faster than every retry period while the API fails, even past the expiry it waited for', async () => {
    const clock = new ManualClock(T0);
    const store = new FakeLeaseStore();
    const log: string[] = [];
    const a = replica('a', store, clock, log);
    a.elector.start();
    await run(clock, 100);
    let bReachable = true;
    let failedPolls = 0;
    const healthy = store.client('b');
    const client: LeaseClient = {
      get: () => (bReachable ? healthy.get() : Promise.reject(new Error(`connect ECONNREFUSED (${(failedPolls += 1)})`))),
      create: (record) => healthy.create(record),
      update: (record, rv) => healthy.update(record, rv),
    };
    const b = new LeaderElector({ identity: 'b', client, clock, random: () => 0, onStartedLeading: () => undefined, onStoppedLeading: () => undefined });
    b.start();
    await run(clock, RETRY);
    // b waits for an expiry LEASE after its last read; the API then fails for b past that moment.
    bReachable = false;
    await run(clock, LEASE + 10 * RETRY);
    expect(failedPolls).toBeLessThanOrEqual(Math.ceil((LEASE + 10 * RETRY) / RETRY) + 1);
    expect(failedPolls).toBeGreaterThanOrEqual(Math.floor((LEASE + 10 * RETRY) / RETRY) - 1);
    await a.elector.stop();
    await b.stop();
  });

  it('keeps leadership through one failed renewal by retrying sooner than a retry period', async () => {
    const clock = new ManualClock(T0);
    const store = new FakeLeaseStore();
    let failNext = 0;
    const healthy = store.client('a');
    const client: LeaseClient = {
      get: () => healthy.get(),
      create: (record) => healthy.create(record),
      update: (record, rv) => (failNext-- > 0 ? Promise.reject(new Error('etcdserver: request timed out')) : healthy.update(record, rv)),
    };
    const events: string[] = [];
    const elector = new LeaderElector({ identity: 'a', client, clock, onStartedLeading: () => events.push('started'), onStoppedLeading: () => events.push('stopped') });
    elector.start();
    await run(clock, 100);
    const renewedAt = clock.now();
    // Two renewals in a row fail (at +6 s and +8 s); the third, at +10 s, is before the 15 s deadline.
    failNext = 2;
    await run(clock, RETRY + 2 * RETRY / 3 + 100);
    expect(store.lease?.record.renewTime).toBeLessThan(renewedAt + DEADLINE);
    expect(store.lease?.record.renewTime).toBeGreaterThan(renewedAt + RETRY);
    await run(clock, 60_000);
    expect(events).toEqual(['started']);
    expect(elector.isLeader).toBe(true);
    await elector.stop();
  });

  it('releases the lease on stop (one PUT) so that a standby takes over at its next poll', async () => {
    const clock = new ManualClock(T0);
    const store = new FakeLeaseStore();
    const log: string[] = [];
    const a = replica('a', store, clock, log);
    a.elector.start();
    await run(clock, 100);
    const b = replica('b', store, clock, log, undefined, () => 1);
    b.elector.start();
    await run(clock, 30_000);
    expect(b.elector.isLeader).toBe(false);
    const requestsBefore = store.requests.length;
    const stoppedAt = clock.now();
    await a.elector.stop();
    expect(store.requests.slice(requestsBefore)).toEqual(['a update']);
    expect(a.events).toEqual(['started', 'stopped']);
    expect(store.lease?.record).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1 });
    await run(clock, CANDIDATE_POLL + 200);
    expect(b.elector.isLeader).toBe(true);
    expect(loggedAt(log, 'b started') - stoppedAt).toBeLessThanOrEqual(CANDIDATE_POLL);
    await b.elector.stop();
  });

  it('releases from a fresh read when its last write is stale', async () => {
    const clock = new ManualClock(T0);
    const store = new FakeLeaseStore();
    const a = replica('a', store, clock, []);
    a.elector.start();
    await run(clock, 100);
    // Someone touched the lease (an annotation added by kubectl): a's resourceVersion is stale, the holder is still a.
    store.lease = { record: store.lease!.record, resourceVersion: '999' };
    await a.elector.stop();
    expect(store.requests.slice(-3)).toEqual(['a update', 'a get', 'a update']);
    expect(store.lease?.record.holderIdentity).toBe('');
  });

  it('steps down at once when it finds the lease taken by another replica (its renewal conflicts, then it reads)', async () => {
    const clock = new ManualClock(T0);
    const store = new FakeLeaseStore();
    const a = replica('a', store, clock, []);
    a.elector.start();
    await run(clock, 100);
    // An operator with a stale view forced the lease over (e.g. kubectl edit).
    store.lease = { record: { ...store.lease!.record, holderIdentity: 'intruder' }, resourceVersion: '999' };
    await run(clock, RETRY);
    expect(a.elector.isLeader).toBe(false);
    expect(a.events).toEqual(['started', 'stopped']);
    expect(store.requests.slice(-2)).toEqual(['a update', 'a get']);
    expect(store.lease?.record.holderIdentity).toBe('intruder');
    await a.elector.stop();
  });

  it('refuses timings that would let two leaders overlap', () => {
    const store = new FakeLeaseStore();
    const base = { identity: 'a', client: store.client(), onStartedLeading: () => undefined, onStoppedLeading: () => undefined };
    expect(() => new LeaderElector({ ...base, leaseDurationMs: 10_000, renewDeadlineMs: 10_000 })).toThrow(/renewDeadline/);
    expect(() => new LeaderElector({ ...base, retryPeriodMs: DEADLINE })).toThrow(/retryPeriod/);
  });
});

describe('leader elector with a hanging API', () => {
  it('steps down and keeps trying when a renewal never answers, and stop() does not hang', async () => {
    const clock = new ManualClock(T0);
    const store = new FakeLeaseStore();
    let hang = false;
    const healthy = store.client();
    const client: LeaseClient = {
      get: () => (hang ? new Promise<never>(() => undefined) : healthy.get()),
      create: (record) => healthy.create(record),
      update: (record, rv) => (hang ? new Promise<never>(() => undefined) : healthy.update(record, rv)),
    };
    const events: string[] = [];
    const errors: string[] = [];
    const elector = new LeaderElector({ identity: 'a', client, clock, onStartedLeading: () => events.push('started'), onStoppedLeading: () => events.push('stopped'), onError: (e) => errors.push(String(e)) });
    elector.start();
    await run(clock, 100);
    expect(elector.isLeader).toBe(true);
    hang = true;
    await run(clock, DEADLINE + RETRY);
    expect(elector.isLeader).toBe(false);
    expect(events).toEqual(['started', 'stopped']);
    expect(errors[0]).toMatch(new RegExp(`no answer within ${DEADLINE / 1000}s`));
    expect(store.lease?.record.holderIdentity).toBe('a');
    hang = false;
    await run(clock, DEADLINE + 2 * RETRY);
    expect(elector.isLeader).toBe(true);
    hang = true;
    const stopping = elector.stop();
    await run(clock, 2 * DEADLINE + 1_000);
    await stopping;
    expect(events).toEqual(['started', 'stopped', 'started', 'stopped']);
  });
});
