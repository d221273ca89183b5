import { describe, expect, it } from 'vitest';
import { dnsNameProblem } from '../../../src/analyzers/network/dns-names.js';
import { policyTypesOf, portsAdmit } from '../../../src/analyzers/network/network-policy-semantics.js';
import type { Finding } from '../../../src/analyzers/types.js';
import type { NetworkPolicy } from '../../../src/model/networking.js';
import { linkRootCauses } from '../../../src/report/root-causes.js';
import type { LinkedFinding } from '../../../src/report/root-causes.js';
import { runCases } from '../../helpers/cases.js';
import { analyzeFixtures } from '../../helpers/fixtures.js';
import { cases } from './cases.js';

runCases('network checks', cases);

function only(findings: readonly Finding[], check: string, subjectName?: string): Finding[] {
  return findings.filter((f) => f.check === check && (subjectName === undefined || f.subject.name === subjectName));
}

function linked(fixtures: string[]): LinkedFinding[] {
  return linkRootCauses(analyzeFixtures(fixtures).findings);
}

describe('ServiceNoReadyEndpoints', () => {
  const findings = analyzeFixtures(['network/crashing-backends.yaml']).findings;
  const [orders] = only(findings, 'ServiceNoReadyEndpoints', 'orders');

  it('names the selected pods as related objects, so that their findings can explain it', () => {
    expect(orders?.related?.map((r) => `${r.kind}/${r.name}`).sort()).toEqual(
      findings.filter((f) => f.check === 'PodCrashLooping' && f.subject.name === 'orders').map((f) => `Pod/${f.object.name}`).sort(),
    );
    expect(orders?.related).toHaveLength(2);
  });

  it('says since when, and shows each pod and why it is not ready', () => {
    expect(orders?.firstSeen).toBe('2026-11-25T11:20:00Z');
    expect(orders?.message).toBe('Service net-orders/orders has no ready endpoints: none of its 2 selected pods are ready (for 40m).');
    expect(orders?.evidence).toContain('EndpointSlices list no ready endpoint');
    expect(orders?.evidence.join('\n')).toMatch(/pod net-orders\/orders-\S+: Running, 0\/1 containers ready \(app: waiting: CrashLoopBackOff/);
  });
});

describe('root causes of network findings', () => {
  const all = linked(['network/crashing-backends.yaml']);

  it('links a Service without ready endpoints to its crash-looping pods, and the Ingress to the Service', () => {
    const service = all.find((f) => f.check === 'ServiceNoReadyEndpoints' && f.subject.name === 'orders');
    const ingress = all.find((f) => f.check === 'IngressBackendMissing');
    expect(service?.rootCause).toMatchObject({ check: 'PodCrashLooping', subject: { kind: 'Deployment', name: 'orders' } });
    expect(ingress?.rootCause).toMatchObject({ check: 'ServiceNoReadyEndpoints', subject: { kind: 'Service', name: 'orders' } });
    expect(ingress?.related).toEqual([expect.objectContaining({ kind: 'Service', namespace: 'net-orders', name: 'orders' })]);
  });

  it('links one crash loop to several dependents: the Service and the workload; the Ingress hangs under the Service', () => {
    const dependents = (name: string): string[] =>
      all.filter((f) => f.rootCause?.check === 'PodCrashLooping' && f.rootCause.subject.name === name).map((f) => `${f.check} ${f.subject.kind}/${f.subject.name}`);
    expect(dependents('orders')).toEqual(expect.arrayContaining(['ServiceNoReadyEndpoints Service/orders', 'WorkloadReplicasUnavailable Deployment/orders']));
    expect(dependents('queue')).toEqual(expect.arrayContaining(['ServiceNoReadyEndpoints Service/queue']));
    expect(dependents('orders')).not.toContain('IngressBackendMissing Ingress/orders');
  });

  it('links a missing Ingress TLS Secret to the Certificate that should write it', () => {
    const tls = linked(['network/ingress-cert-manager.yaml']).find((f) => f.check === 'IngressTLSSecretMissing');
    expect(tls?.related).toEqual([expect.objectContaining({ kind: 'Certificate', name: 'store-example-com-tls' })]);
    expect(tls?.rootCause).toMatchObject({ check: 'CertificateNotReady', subject: { kind: 'Certificate', name: 'store-example-com-tls' } });
  });

  it('links a Service whose Deployment cannot create pods to the Deployment\'s quota finding', () => {
    const service = linked(['network/workload-without-pods.yaml']).find((f) => f.check === 'ServiceNoReadyEndpoints');
    expect(service?.related).toEqual([expect.objectContaining({ kind: 'Deployment', name: 'checkout' })]);
    expect(service?.evidence.join('\n')).toContain('ReplicaFailure=True (FailedCreate): pods "checkout-');
    expect(service?.rootCause).toMatchObject({ check: 'WorkloadQuotaExceeded', subject: { kind: 'Deployment', name: 'checkout' } });
  });

  it('links cluster DNS being down to the crash-looping CoreDNS pods', () => {
    const dns = linked(['network/coredns-down.yaml']).find((f) => f.check === 'ClusterDNSUnhealthy');
    expect(dns?.object).toMatchObject({ kind: 'Service', namespace: 'kube-system', name: 'kube-dns' });
    expect(dns?.rootCause).toMatchObject({ check: 'PodCrashLooping', subject: { kind: 'Deployment', name: 'coredns' } });
    expect(dns?.message).toBe('Cluster DNS is down: Service kube-system/kube-dns has no ready endpoints (0 of 2 DNS pods ready).');
  });
});

describe('finding content', () => {
  it('ServiceSelectorMatchesNothing shows the label values the pods do carry', () => {
    const [finding] = only(analyzeFixtures(['network/selector-typo.yaml']).findings, 'ServiceSelectorMatchesNothing');
    expect(finding?.evidence).toEqual(['selector: app.kubernetes.io/name=kart', 'pods in net-shop with label app.kubernetes.io/name: cart']);
  });

  it('ServiceTargetPortMismatch names the missing port and the declared ones', () => {
    const findings = only(analyzeFixtures(['network/target-ports.yaml']).findings, 'ServiceTargetPortMismatch');
    const catalog = findings.find((f) => f.subject.name === 'catalog');
    expect(catalog?.message).toContain('named port "http-api"');
    expect(catalog?.evidence).toContain('ports declared by the selected pods: app:http/8080/TCP');
    expect(findings.find((f) => f.subject.name === 'reports')?.evidence).toContain('ports declared by the selected pods: app:http/8080/TCP, app:metrics/9090/TCP');
  });

  it('IngressBackendMissing tells a missing Service from a missing port', () => {
    const messages = only(analyzeFixtures(['network/ingress-broken.yaml']).findings, 'IngressBackendMissing').map((f) => f.message).sort();
    expect(messages).toEqual([
      'Ingress net-web/shop routes www.example.com/api to Service api-gateway (port 80), which does not exist.',
      'Ingress net-web/shop routes www.example.com/static to Service frontend (port 8080), whose port 8080 does not exist.',
    ]);
  });

  it('NetworkPolicyBlocksService names the policy and the port it fails to admit', () => {
    const [finding] = only(analyzeFixtures(['network/netpol-wrong-ports.yaml']).findings, 'NetworkPolicyBlocksService');
    expect(finding?.message).toBe('Service net-fw/shop is unreachable: NetworkPolicy net-fw/shop-ingress isolates all 2 of its pods for ingress and no rule admits its port 8080/TCP.');
    expect(finding?.related).toEqual([expect.objectContaining({ kind: 'NetworkPolicy', name: 'shop-ingress' })]);
  });

  it('NetworkPolicyBlocksDNS is reported once per workload, on one of its pods', () => {
    const findings = only(analyzeFixtures(['network/netpol-deny-all.yaml']).findings, 'NetworkPolicyBlocksDNS');
    expect(findings).toHaveLength(1);
    expect(findings[0]?.object.kind).toBe('Pod');
    expect(findings[0]?.message).toContain('2 pods of Deployment net-locked/api are isolated for egress by NetworkPolicy net-locked/default-deny-all');
  });
});

describe('dnsNameProblem', () => {
  const strict = { wildcard: true, anyCase: false, absolute: false };
  const lenient = { wildcard: true, anyCase: true, absolute: true };

  it('accepts labels of up to 63 characters and rejects 64', () => {
    expect(dnsNameProblem(`${'a'.repeat(63)}.example.com`, strict)).toBeUndefined();
    expect(dnsNameProblem(`${'a'.repeat(64)}.example.com`, strict)).toMatch(/label of 64 characters/);
  });

  it('rejects names over 253 characters', () => {
    const name = Array.from({ length: 5 }, () => 'a'.repeat(60)).join('.');
    expect(dnsNameProblem(name, strict)).toMatch(/over 253/);
  });

  it('allows a wildcard only as the whole first label', () => {
    expect(dnsNameProblem('*.apps.example.com', strict)).toBeUndefined();
    expect(dnsNameProblem('api.*.example.com', strict)).toMatch(/invalid label "\*"/);
    expect(dnsNameProblem('*.example.com', { ...strict, wildcard: false })).toMatch(/invalid label/);
  });

  it('rejects underscores, leading and trailing hyphens and empty labels', () => {
    expect(dnsNameProblem('api_v2.example.com', lenient)).toMatch(/invalid label "api_v2"/);
    expect(dnsNameProblem('-api.example.com', lenient)).toMatch(/invalid label/);
    expect(dnsNameProblem('api-.example.com', lenient)).toMatch(/invalid label/);
    expect(dnsNameProblem('api..example.com', lenient)).toMatch(/empty label/);
  });

  it('takes case and a trailing dot as the rules say', () => {
    expect(dnsNameProblem('Shop.Example.com', strict)).toMatch(/upper case is not allowed/);
    expect(dnsNameProblem('Shop.Example.com.', lenient)).toBeUndefined();
    expect(dnsNameProblem('shop.example.com.', strict)).toMatch(/empty label/);
  });
});

describe('NetworkPolicy semantics', () => {
  const policy = (spec: Partial<NetworkPolicy['spec']>): NetworkPolicy => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'p', namespace: 'ns' },
    spec: { podSelector: {}, ...spec },
  });

  it('defaults policyTypes to Ingress, plus Egress when egress rules exist', () => {
    expect(policyTypesOf(policy({}))).toEqual(['Ingress']);
    expect(policyTypesOf(policy({ egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] }))).toEqual(['Ingress', 'Egress']);
    expect(policyTypesOf(policy({ policyTypes: ['Egress'] }))).toEqual(['Egress']);
  });

  it('matches ports by number, range, name and protocol (TCP by default)', () => {
    expect(portsAdmit(undefined, { number: 1, protocol: 'TCP' })).toBe(true);
    expect(portsAdmit([{ port: 8080 }], { number: 8080, protocol: 'TCP' })).toBe(true);
    expect(portsAdmit([{ port: 8080 }], { number: 8080, protocol: 'UDP' })).toBe(false);
    expect(portsAdmit([{ port: 8000, endPort: 8999, protocol: 'TCP' }], { number: 8443, protocol: 'TCP' })).toBe(true);
    expect(portsAdmit([{ port: 8000, endPort: 8999, protocol: 'TCP' }], { number: 9000, protocol: 'TCP' })).toBe(false);
    expect(portsAdmit([{ port: 'http' }], { number: 8080, name: 'http', protocol: 'TCP' })).toBe(true);
    expect(portsAdmit([{ port: 'http' }], { number: 8080, protocol: 'TCP' })).toBe(false);
    expect(portsAdmit([{ protocol: 'UDP' }], { number: 53, protocol: 'UDP' })).toBe(true);
  });
});
