import { describe, expect, it } from 'vitest';
import { snapshotOf } from '../../src/cluster/snapshot.js';
import { matchesLabelSelector } from '../../src/cluster/selectors.js';
import { ClusterView, restrictView } from '../../src/cluster/view.js';

const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace: 'batch', uid: `uid-${name}`, ...extra });
const owner = (kind: string, name: string) => ({ ownerReferences: [{ apiVersion: kind === 'Job' || kind === 'CronJob' ? 'batch/v1' : 'apps/v1', kind, name, uid: `uid-${name}`, controller: true }] });
const pod = (name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: meta(name, extra), spec: { containers: [{ name: 'main', image: 'busybox:1.36' }] }, status: { phase: 'Running' } });

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'frontend', canary: 'true' };
  it.each([
    [{ matchLabels: { app: 'web' } }, true],
    [{ matchLabels: { app: 'api' } }, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'In' as const, values: ['frontend', 'edge'] }] }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'NotIn' as const, values: ['frontend'] }] }, false],
    [{ matchExpressions: [{ key: 'missing', operator: 'NotIn' as const, values: ['x'] }] }, true],
    [{ matchExpressions: [{ key: 'canary', operator: 'Exists' as const }] }, true],
    [{ matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' as const }] }, false],
    [{}, true],
  ])('%j -> %s', (selector, expected) => {
    expect(matchesLabelSelector(labels, selector)).toBe(expected);
  });
});

describe('subjects: findings roll up to the top-level controller', () => {
  const objects = [
    { apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta('nightly'), spec: { schedule: '0 3 * * *' } },
    { apiVersion: 'batch/v1', kind: 'Job', metadata: meta('nightly-29123', owner('CronJob', 'nightly')), spec: { template: { spec: { containers: [] } } } },
    pod('nightly-29123-abcde', owner('Job', 'nightly-29123')),
    // The ReplicaSet is not in the dump: the Deployment is inferred from the pod-template-hash suffix.
    pod('api-6d4cf56db6-x7k2p', { labels: { app: 'api', 'pod-template-hash': '6d4cf56db6' }, ...owner('ReplicaSet', 'api-6d4cf56db6') }),
    pod('debug'),
  ];
  const view = new ClusterView(snapshotOf(objects));
  const subject = (name: string) => {
    const p = view.get('Pod', 'batch', name);
    if (!p) throw new Error(`no pod ${name}`);
    return view.subjectOf(p);
  };

  it('Pod -> Job -> CronJob', () => expect(subject('nightly-29123-abcde')).toMatchObject({ kind: 'CronJob', name: 'nightly' }));
  it('Pod -> (absent) ReplicaSet -> Deployment', () => expect(subject('api-6d4cf56db6-x7k2p')).toMatchObject({ kind: 'Deployment', name: 'api', namespace: 'batch' }));
  it('a bare pod is its own subject', () => expect(subject('debug')).toMatchObject({ kind: 'Pod', name: 'debug' }));
});

describe('owner look-ups agree on the kind', () => {
  // A broken object (or a dump merged from two clusters) can carry the uid of an object of another kind.
  const collidingStatefulSet = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { ...meta('db'), uid: 'uid-web-5d8c7b9f6' }, spec: { selector: {}, template: { spec: { containers: [] } } } };
  const replicaSet = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: meta('web-5d8c7b9f6', owner('Deployment', 'web')), spec: { selector: {} } };
  const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('web'), spec: { selector: {}, template: { spec: { containers: [] } } } };
  const webPod = pod('web-5d8c7b9f6-k2x9q', { labels: { 'pod-template-hash': '5d8c7b9f6' }, ...owner('ReplicaSet', 'web-5d8c7b9f6') });

  it.each([
    ['the colliding object listed last', [deployment, replicaSet, collidingStatefulSet, webPod]],
    ['the colliding object listed first', [collidingStatefulSet, deployment, replicaSet, webPod]],
  ])('resolves the ReplicaSet a pod names, not a StatefulSet with its uid (%s)', (_, objects) => {
    const view = new ClusterView(snapshotOf(objects));
    const p = view.get('Pod', 'batch', 'web-5d8c7b9f6-k2x9q');
    if (!p) throw new Error('no pod');
    expect(view.controllerOf(p)?.object?.kind).toBe('ReplicaSet');
    expect(view.subjectOf(p)).toMatchObject({ kind: 'Deployment', name: 'web' });
  });

  it('never returns an object of another kind, even when the named one is absent', () => {
    const view = new ClusterView(snapshotOf([collidingStatefulSet, webPod]));
    const p = view.get('Pod', 'batch', 'web-5d8c7b9f6-k2x9q');
    if (!p) throw new Error('no pod');
    expect(view.controllerOf(p)).toEqual({ ref: expect.objectContaining({ kind: 'ReplicaSet' }) });
    expect(view.subjectOf(p)).toMatchObject({ kind: 'Deployment', name: 'web' });
  });
});

describe('events', () => {
  const view = new ClusterView(
    snapshotOf([
      pod('web-1'),
      {
        apiVersion: 'v1', kind: 'Event', metadata: { name: 'web-1.a', namespace: 'batch' },
        involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'batch' }, reason: 'BackOff', message: 'Back-off restarting failed container', type: 'Warning', count: 7,
        firstTimestamp: '2026-11-25T11:00:00Z', lastTimestamp: '2026-11-25T11:50:00Z',
      },
      {
        apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'web-1.b', namespace: 'batch', creationTimestamp: '2026-11-25T11:55:00Z' },
        regarding: { kind: 'Pod', name: 'web-1', namespace: 'batch' }, reason: 'Unhealthy', note: 'Readiness probe failed: HTTP probe failed with statuscode: 503', type: 'Warning',
        eventTime: '2026-11-25T11:55:00.000000Z', series: { count: 12, lastObservedTime: '2026-11-25T11:58:00.000000Z' }, reportingController: 'kubelet',
      },
    ]),
  );

  it('normalises core/v1 and events.k8s.io/v1 events and sorts them newest first', () => {
    const events = view.eventsFor({ kind: 'Pod', namespace: 'batch', name: 'web-1' });
    expect(events.map((e) => [e.reason, e.count, e.message.slice(0, 20)])).toEqual([
      ['Unhealthy', 12, 'Readiness probe fail'],
      ['BackOff', 7, 'Back-off restarting '],
    ]);
  });
});

describe('restricted views', () => {
  it('refuse a kind the analyzer did not declare', () => {
    const view = restrictView(new ClusterView(snapshotOf([pod('a')])), new Set(['Pod']), 'test');
    expect(view.list('Pod')).toHaveLength(1);
    expect(() => view.list('Node')).toThrow('analyzer test reads Node but does not declare it');
  });
});

describe('parsing keeps only what analyzers read', () => {
  it('drops managedFields, last-applied-configuration and Secret data', () => {
    const view = new ClusterView(
      snapshotOf([
        { ...pod('p', { managedFields: [{ manager: 'kubectl' }], annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', 'sre.otomi.io/ignore-checks': 'PodProbesMissing' } }) },
        { apiVersion: 'v1', kind: 'Secret', metadata: meta('db-credentials'), type: 'Opaque', data: { password: 'c2VjcmV0' }, stringData: { user: 'admin' } },
      ]),
    );
    const p = view.get('Pod', 'batch', 'p');
    expect(p?.metadata).not.toHaveProperty('managedFields');
    expect(p?.metadata.annotations).toEqual({ 'sre.otomi.io/ignore-checks': 'PodProbesMissing' });
    const secret = view.get('Secret', 'batch', 'db-credentials');
    expect(secret).toEqual({ apiVersion: 'v1', kind: 'Secret', metadata: expect.objectContaining({ name: 'db-credentials' }), type: 'Opaque' });
    expect(JSON.stringify(secret)).not.toContain('c2VjcmV0');
  });
});
