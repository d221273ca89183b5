// Leader failover with the default leader election timings (config/controller.ts,
// LEADER_ELECTION_DEFAULTS: 20 s / 15 s / 6 s) on the real API server: replicas are child
// processes of `healthreport run`, so one can be SIGKILLed (no release) and one SIGTERMed (release).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LEADER_ELECTION_DEFAULTS } from '../../src/config/controller.js';
import { applyProjectCrds, kube, tempNamespace, waitFor, type Kube } from './kube.js';
import { controllerConfig, startChild, type ChildController } from './reliability-helpers.js';

const { leaseDurationMs: LEASE, retryPeriodMs: RETRY } = LEADER_ELECTION_DEFAULTS;
/** A standby's longest wait between polls: retryPeriod with its 20 % jitter. */
const POLL = 1.2 * RETRY;
/** What measuring adds: /metrics polled every 50 ms, a process start-up's event loop, an API round trip. */
const SLACK = 1_500;
const LEASE_NAME = 'healthreport-failover';

interface LeaseSpec {
  holderIdentity?: string;
  renewTime?: string;
  leaseDurationSeconds?: number;
  leaseTransitions?: number;
}

let k: Kube;
beforeAll(async () => {
  k = kube();
  await applyProjectCrds(k);
});

describe('leader failover with the default timings', () => {
  let ns: { name: string; remove: () => Promise<void> };
  const replicas: ChildController[] = [];

  afterAll(async () => {
    for (const replica of replicas) await replica.kill('SIGKILL');
    await ns?.remove();
  });

  async function lease(): Promise<LeaseSpec> {
    const got = (await k.custom.getNamespacedCustomObject({ group: 'coordination.k8s.io', version: 'v1', namespace: ns.name, plural: 'leases', name: LEASE_NAME })) as { spec: LeaseSpec };
    return got.spec;
  }

  async function start(config: string): Promise<ChildController> {
    const replica = await startChild(inject('kubeconfig'), config);
    replicas.push(replica);
    await replica.waitReady();
    return replica;
  }

  const leads = (replica: ChildController) => async () => ((await replica.metric('healthreport_leader')) === 1 ? true : undefined);

  it('renews with one PUT per retry period; a SIGKILLed leader is replaced within leaseDuration + one poll, a SIGTERMed one at the next poll', async () => {
    ns = await tempNamespace(k, 'e2e-failover');
    // Only the timings left out: the defaults are what is tested.
    const config = controllerConfig(`namespaces: [${ns.name}]\noperatorNamespace: ${ns.name}\nleaderElection: {enabled: true, leaseName: ${LEASE_NAME}}\n`);
    const first = await start(config);
    await waitFor('the first replica to lead', leads(first), { intervalMs: 200 });
    const second = await start(config);
    expect(await second.metric('healthreport_leader')).toBe(0);

    // At rest: the leader's renewals are PUTs without a GET; the standby polls with GETs.
    const count = async (replica: ChildController, verb: string) => (await replica.metric('healthreport_leader_election_requests_total', { verb })) ?? 0;
    const before = { put: await count(first, 'update'), get: await count(first, 'get'), poll: await count(second, 'get') };
    const windowMs = 5 * RETRY;
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const renewals = (await count(first, 'update')) - before.put;
    const polls = (await count(second, 'get')) - before.poll;
    console.log(`failover: in ${windowMs / 1000} s the leader sent ${renewals} renewals, the standby ${polls} polls`);
    expect(renewals).toBeGreaterThanOrEqual(4);
    expect(renewals).toBeLessThanOrEqual(6);
    expect((await count(first, 'get')) - before.get).toBe(0);
    expect(polls).toBeGreaterThanOrEqual(3);
    expect(polls).toBeLessThanOrEqual(6);

    // SIGKILL: nothing is released, the lease has to run out.
    const held = await lease();
    const killedAt = Date.now();
    await first.kill('SIGKILL');
    const lastRenewal = Date.parse((await lease()).renewTime ?? '');
    await waitFor('the standby to take over after SIGKILL', leads(second), { timeoutMs: LEASE + 2 * POLL + 5_000, intervalMs: 50 });
    const tookOverAt = Date.now();
    console.log(`failover: SIGKILL -> new leader in ${tookOverAt - killedAt} ms (${tookOverAt - lastRenewal} ms after the last renewal; bound ${LEASE + POLL} ms)`);
    expect(tookOverAt - lastRenewal).toBeLessThanOrEqual(LEASE + POLL + SLACK);
    expect(tookOverAt - lastRenewal).toBeGreaterThanOrEqual(LEASE);
    const afterKill = await lease();
    expect(afterKill.holderIdentity).not.toBe(held.holderIdentity);
    expect(afterKill.leaseTransitions).toBe((held.leaseTransitions ?? 0) + 1);

    // SIGTERM: the leader releases the lease; the next standby takes it at its next poll.
    const third = await start(config);
    expect(await third.metric('healthreport_leader')).toBe(0);
    const stoppedAt = Date.now();
    const exited = second.kill('SIGTERM');
    await waitFor('the standby to take over after SIGTERM', leads(third), { timeoutMs: POLL + 10_000, intervalMs: 50 });
    const handedOverAt = Date.now();
    console.log(`failover: SIGTERM -> new leader in ${handedOverAt - stoppedAt} ms (bound ${POLL} ms)`);
    expect(await exited).toBe(0);
    expect(second.logs.some((l) => l.msg === 'stopped')).toBe(true);
    expect(handedOverAt - stoppedAt).toBeLessThanOrEqual(POLL + SLACK);
    // Far sooner than a lease running out: it was released, not waited out.
    expect(handedOverAt - stoppedAt).toBeLessThan(LEASE);
    expect((await lease()).holderIdentity).not.toBe(afterKill.holderIdentity);
  }, 180_000);
});
