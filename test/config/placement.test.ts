import { describe, expect, it } from 'vitest';
import { chooseLeaderElection, operatorNamespaceOrigin, runsInPod } from '../../src/config/placement.js';
import { normalizeLeaderElectFlag } from '../../src/cli/run.js';

describe('where the controller runs', () => {
  it('is in a pod when the kubelet set the API server Service address', () => {
    expect(runsInPod({ KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' })).toBe(true);
    expect(runsInPod({ KUBERNETES_SERVICE_HOST: '10.96.0.1' })).toBe(false);
    expect(runsInPod({ KUBERNETES_SERVICE_HOST: '', KUBERNETES_SERVICE_PORT: '443' })).toBe(false);
    expect(runsInPod({ HOME: '/root' })).toBe(false);
  });
});

describe('leader election default', () => {
  it('is off outside a pod and on in one, unless the flag or the config file says otherwise', () => {
    expect(chooseLeaderElection(undefined, undefined, false)).toEqual({ enabled: false, reason: 'not running in a pod' });
    expect(chooseLeaderElection(undefined, undefined, true)).toEqual({ enabled: true, reason: 'running in a pod' });
    expect(chooseLeaderElection(undefined, true, false)).toEqual({ enabled: true, reason: 'leaderElection.enabled' });
    expect(chooseLeaderElection(undefined, false, true)).toEqual({ enabled: false, reason: 'leaderElection.enabled' });
    expect(chooseLeaderElection(true, false, false)).toEqual({ enabled: true, reason: '--leader-elect' });
    expect(chooseLeaderElection(false, true, true)).toEqual({ enabled: false, reason: '--leader-elect' });
  });

  it('reads a bare --leader-elect as true, like a Go bool flag, and leaves explicit values alone', () => {
    expect(normalizeLeaderElectFlag(['--leader-elect'])).toEqual(['--leader-elect=true']);
    expect(normalizeLeaderElectFlag(['--leader-elect', '--namespace', 'shop'])).toEqual(['--leader-elect=true', '--namespace', 'shop']);
    expect(normalizeLeaderElectFlag(['--leader-elect', 'false'])).toEqual(['--leader-elect', 'false']);
    expect(normalizeLeaderElectFlag(['--leader-elect=false', '--log-level', 'info'])).toEqual(['--leader-elect=false', '--log-level', 'info']);
  });
});

describe('operator namespace origin', () => {
  it('names where the namespace came from', () => {
    expect(operatorNamespaceOrigin('ops', { podNamespace: 'platform' })).toBe('operatorNamespace of the config file');
    expect(operatorNamespaceOrigin('platform', { podNamespace: 'platform', contextNamespace: 'shop' })).toBe('$POD_NAMESPACE');
    expect(operatorNamespaceOrigin('shop', { contextNamespace: 'shop' })).toBe("the kubeconfig context's namespace");
    expect(operatorNamespaceOrigin('shop', { contextNamespace: 'shop' }, true)).toBe("the service account's namespace");
    expect(operatorNamespaceOrigin('default', {})).toBe('the default, as for kubectl');
  });
});
