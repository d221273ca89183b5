import { describe, expect, it } from 'vitest';
import { GATEWAY_API_GATEWAY } from '../../src/model/gateway-api.js';
import { kindIdentity, kindIdentityOf, wireKind } from '../../src/model/kind-identity.js';
import { KIND_DESCRIPTORS, KIND_NAMES } from '../../src/model/kinds.js';
import { parseObject } from '../../src/model/parse.js';

const meta = { name: 'public', namespace: 'shop' };

describe('kind identities', () => {
  it('qualify the Gateway API Gateway by its group and leave every other kind its name', () => {
    expect(kindIdentity('Gateway', 'gateway.networking.k8s.io')).toBe(GATEWAY_API_GATEWAY);
    expect(kindIdentity('Gateway', 'networking.istio.io')).toBe('Gateway');
    expect(kindIdentityOf('HTTPRoute', 'gateway.networking.k8s.io/v1')).toBe('HTTPRoute');
    expect(kindIdentityOf('Deployment', 'apps/v1')).toBe('Deployment');
    // Our own identity passed in again stays as it is.
    expect(kindIdentity(GATEWAY_API_GATEWAY, 'gateway.networking.k8s.io')).toBe(GATEWAY_API_GATEWAY);
    expect(wireKind(GATEWAY_API_GATEWAY)).toBe('Gateway');
  });

  it('are unique per (wire kind, group) in the registry, and only colliding names are qualified', () => {
    const seen = new Map<string, string>();
    for (const name of KIND_NAMES) {
      for (const variant of KIND_DESCRIPTORS[name].variants) {
        const key = `${wireKind(name)}|${variant.group}`;
        expect(seen.get(key) ?? name, key).toBe(name);
        seen.set(key, name);
        expect(kindIdentity(wireKind(name), variant.group), key).toBe(name);
      }
    }
    const qualified = KIND_NAMES.filter((name) => name !== wireKind(name));
    expect(qualified).toEqual([GATEWAY_API_GATEWAY]);
    for (const name of qualified) expect(KIND_NAMES).toContain(wireKind(name));
  });
});

describe('parsing kinds of the same name', () => {
  it('tells the Gateways apart by apiVersion', () => {
    const istio = parseObject({ apiVersion: 'networking.istio.io/v1beta1', kind: 'Gateway', metadata: meta, spec: { selector: { istio: 'ingressgateway' }, servers: [] } });
    const gatewayApi = parseObject({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: meta, spec: { gatewayClassName: 'eg', listeners: [] } });
    expect(istio).toMatchObject({ type: 'parsed', kind: 'Gateway', object: { kind: 'Gateway' } });
    expect(gatewayApi).toMatchObject({ type: 'parsed', kind: GATEWAY_API_GATEWAY, object: { kind: GATEWAY_API_GATEWAY, apiVersion: 'gateway.networking.k8s.io/v1' } });
  });

  it('reports a Gateway API Gateway of an unknown version under its qualified kind, and ignores other groups\' Gateways', () => {
    expect(parseObject({ apiVersion: 'gateway.networking.k8s.io/v1alpha2', kind: 'Gateway', metadata: meta, spec: {} })).toEqual({
      type: 'unparseable',
      error: { apiVersion: 'gateway.networking.k8s.io/v1alpha2', kind: GATEWAY_API_GATEWAY, name: 'public', namespace: 'shop', field: 'apiVersion', problem: 'version gateway.networking.k8s.io/v1alpha2 is not one of gateway.networking.k8s.io/v1, gateway.networking.k8s.io/v1beta1' },
    });
    expect(parseObject({ apiVersion: 'example.com/v1', kind: 'Gateway', metadata: meta })).toEqual({ type: 'ignored', apiVersion: 'example.com/v1', kind: 'Gateway' });
  });

  it('qualifies the kinds that owner references and events name', () => {
    const pod = parseObject({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { ...meta, name: 'public-istio-7d9f', ownerReferences: [{ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', name: 'public', uid: 'u1' }] },
      spec: { containers: [{ name: 'istio-proxy', image: 'istio/proxyv2:1.24.0' }] },
      status: { phase: 'Running' },
    });
    expect(pod.type === 'parsed' && pod.object.metadata.ownerReferences?.[0]?.kind).toBe(GATEWAY_API_GATEWAY);
    const event = parseObject({
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'public.1', namespace: 'shop' },
      regarding: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', name: 'public', namespace: 'shop' },
      reason: 'Reconciled',
      note: 'ok',
    });
    expect(event.type === 'parsed' && 'involved' in event.object && event.object.involved.kind).toBe(GATEWAY_API_GATEWAY);
  });
});
