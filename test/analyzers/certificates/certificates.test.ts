import { describe, expect, it } from 'vitest';
import { findCertManagerComponents } from '../../../src/analyzers/certificates/cert-manager-components.js';
import { certificatesProducingSecret, currentRequest, issuanceChain } from '../../../src/analyzers/certificates/chain.js';
import type { Finding } from '../../../src/analyzers/types.js';
import { snapshotOf } from '../../../src/cluster/snapshot.js';
import { ClusterView } from '../../../src/cluster/view.js';
import { linkRootCauses } from '../../../src/report/root-causes.js';
import { runCases } from '../../helpers/cases.js';
import { analyzeFixtures, loadFixture } from '../../helpers/fixtures.js';
import { cases } from './cases.js';

runCases('certificate checks', cases);

const HEALTHY = 'certificates/cert-manager-healthy.yaml';

function only(findings: readonly Finding[], check: string, name?: string): Finding {
  const found = findings.filter((f) => f.check === check && (!name || f.subject.name === name));
  expect(found).toHaveLength(1);
  return found[0] as Finding;
}

describe('issuance chain', () => {
  it('takes the request of revision status.revision + 1 while issuing, not the older issued one', () => {
    const view = new ClusterView(snapshotOf(loadFixture('certificates/renewing-normally.yaml')));
    const cert = view.get('Certificate', 'blog', 'blog-tls');
    expect(cert).toBeDefined();
    if (!cert) return;
    expect(currentRequest(view, cert)?.metadata.name).toBe('blog-tls-k2w9d');
    const chain = issuanceChain(view, cert);
    expect(chain.orders.map((o) => o.metadata.name)).toEqual(['blog-tls-k2w9d-2957213744']);
    expect(chain.challenges.map((c) => c.spec.dnsName)).toEqual(['blog.example.com']);
  });

  it('recognises cert-manager\'s Deployments by name and chart labels, not any Deployment called webhook', () => {
    const view = new ClusterView(snapshotOf(loadFixture(HEALTHY, 'certificates/unrelated-webhook.yaml')));
    expect(findCertManagerComponents(view).map((c) => `${c.component} ${c.deployment.metadata.namespace ?? ''}/${c.deployment.metadata.name}`)).toEqual([
      'controller cert-manager/cert-manager',
      'cainjector cert-manager/cert-manager-cainjector',
      'webhook cert-manager/cert-manager-webhook',
    ]);
  });

  it('finds the Certificates that produce a Secret', () => {
    const view = new ClusterView(snapshotOf(loadFixture('certificates/healthy-certificates.yaml')));
    expect(certificatesProducingSecret(view, 'shop', 'shop-tls')).toEqual([
      { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', namespace: 'shop', name: 'shop-tls', uid: '5a1c0b7e-3e2d-4c55-8f10-1a0000000001' },
    ]);
    expect(certificatesProducingSecret(view, 'shop', 'other-tls')).toEqual([]);
    expect(certificatesProducingSecret(view, 'blog', 'shop-tls')).toEqual([]);
  });
});

describe('certificate findings', () => {
  it('CertificateNotReady names the failing challenge and carries the chain', () => {
    const run = analyzeFixtures([HEALTHY, 'certificates/acme-challenge-stuck.yaml']);
    const finding = only(run.findings, 'CertificateNotReady');
    expect(finding.message).toContain('Certificate api/api-tls is not ready (DoesNotExist');
    expect(finding.message).toContain('the DNS-01 challenge for api.example.com is pending: Waiting for DNS-01 challenge propagation');
    const evidence = finding.evidence.join('\n');
    expect(evidence).toContain('issuer ClusterIssuer letsencrypt-prod (ACME (https://acme-v02.api.letsencrypt.org/directory)): Ready');
    expect(evidence).toContain('CertificateRequest api/api-tls-r7vbn (revision 1): pending');
    expect(evidence).toContain('Order api/api-tls-r7vbn-3412685713: pending');
    // The valid challenge of the same order is not evidence of anything.
    expect(evidence).not.toContain('949162270');
    expect(finding.firstSeen).toBe('2026-11-25T09:58:00Z');
    expect(finding.related?.map((r) => `${r.kind}/${r.name}`)).toEqual(expect.arrayContaining([
      'ClusterIssuer/letsencrypt-prod', 'CertificateRequest/api-tls-r7vbn', 'Order/api-tls-r7vbn-3412685713', 'Challenge/api-tls-r7vbn-3412685713-2870491337',
    ]));
  });

  it('ACMEChallengePending is about the Challenge, on the Certificate, with the likely cause', () => {
    const run = analyzeFixtures([HEALTHY, 'certificates/acme-challenge-stuck.yaml']);
    const finding = only(run.findings, 'ACMEChallengePending');
    expect(finding.subject).toMatchObject({ kind: 'Certificate', namespace: 'api', name: 'api-tls' });
    expect(finding.object).toMatchObject({ kind: 'Challenge', name: 'api-tls-r7vbn-3412685713-2870491337' });
    expect(finding.message).toContain('has not been valid for 2h1m');
    expect(finding.evidence.join('\n')).toContain('likely cause: DNS propagation: the TXT record _acme-challenge.api.example.com');
    expect(finding.evidence.join('\n')).toContain('Normal Presented');
  });

  it('ACMEOrderFailed carries the ACME reason; the request names the order', () => {
    const run = analyzeFixtures([HEALTHY, 'certificates/acme-order-invalid.yaml']);
    const order = only(run.findings, 'ACMEOrderFailed');
    expect(order.object).toMatchObject({ kind: 'Order', name: 'www-tls-9q2xk-1196420851' });
    expect(order.message).toContain('is invalid: Authorization for www.example.com failed: 403');
    expect(order.firstSeen).toBe('2026-11-25T08:04:29Z');
    const request = only(run.findings, 'CertificateRequestFailed');
    expect(request.object).toMatchObject({ kind: 'CertificateRequest', name: 'www-tls-9q2xk' });
    expect(request.message).toBe('CertificateRequest www/www-tls-9q2xk of Certificate www-tls failed: Failed to wait for order resource "www-tls-9q2xk-1196420851" to become ready: order is in "invalid" state.');
    const notReady = only(run.findings, 'CertificateNotReady');
    expect(notReady.evidence.join('\n')).toContain('Warning Failed');
    expect(notReady.evidence.join('\n')).toContain('failed issuance attempts: 1, last at 2026-11-25T08:04:30Z');
  });

  it('a missing Issuer is reported on the Certificate and hints at the ClusterIssuer of the same name', () => {
    const run = analyzeFixtures([HEALTHY, 'certificates/issuer-missing.yaml']);
    const finding = only(run.findings, 'CertificateIssuerNotReady');
    expect(finding.object).toMatchObject({ kind: 'Issuer', namespace: 'reports', name: 'letsencrypt-prod' });
    expect(finding.message).toContain('a ClusterIssuer letsencrypt-prod exists: set issuerRef.kind to ClusterIssuer');
  });

  it('a not-ready Issuer is its own subject and lists the Certificates it blocks', () => {
    const run = analyzeFixtures([HEALTHY, 'certificates/issuer-not-ready.yaml']);
    const finding = only(run.findings, 'CertificateIssuerNotReady');
    expect(finding.subject).toMatchObject({ kind: 'Issuer', namespace: 'internal', name: 'internal-ca' });
    expect(finding.message).toContain('(CA (Secret internal-ca-key-pair)) is not ready for 2d (ErrGetKeyPair');
    expect(finding.evidence).toContain('Certificates using it: internal/internal-api-tls');
    expect(finding.evidence.join('\n')).toContain('Warning ErrGetKeyPair (x311');
  });

  it('CertificateExpiringSoon is a warning within 14 days and critical within 3 days', () => {
    const soon = analyzeFixtures([HEALTHY, 'certificates/issuer-not-ready.yaml']);
    expect(only(soon.findings, 'CertificateExpiringSoon').severity).toBe('warning');
    const urgent = analyzeFixtures([HEALTHY, 'certificates/expired.yaml']);
    const finding = only(urgent.findings, 'CertificateExpiringSoon');
    expect(finding.severity).toBe('critical');
    expect(finding.message).toContain('expires in 2d (notAfter 2026-11-27T12:00:00Z)');
    expect(finding.message).toContain('renewal fails because CertificateRequest reports-db-tls-c8d2x failed: Vault failed to sign');
  });

  it('CertificateExpired and CertificateRequestFailed say why the renewal did not happen', () => {
    const run = analyzeFixtures([HEALTHY, 'certificates/expired.yaml']);
    const expired = only(run.findings, 'CertificateExpired');
    expect(expired.message).toContain('expired 2d ago (notAfter 2026-11-23T12:00:00Z), so Secret legacy-tls holds an expired certificate');
    expect(expired.firstSeen).toBe('2026-11-23T12:00:00Z');
    const denied = only(run.findings, 'CertificateRequestFailed', 'legacy-tls');
    expect(denied.message).toContain('was denied: policy.cert-manager.io: No policy approved this request');
  });

  it('CertificateRenewalOverdue counts the failed attempts', () => {
    const run = analyzeFixtures([HEALTHY, 'certificates/expired.yaml']);
    const finding = only(run.findings, 'CertificateRenewalOverdue');
    expect(finding.message).toContain('Certificate legacy/reports-db-tls failed 2 issuance attempts (last at 2026-11-25T04:00:00Z)');
    expect(finding.firstSeen).toBe('2026-11-25T04:00:00Z');
  });

  it('CertManagerUnhealthy names the component, its consequence and the crash-looping pod', () => {
    const run = analyzeFixtures([HEALTHY, 'certificates/cert-manager-webhook-down.yaml']);
    const finding = only(run.findings, 'CertManagerUnhealthy');
    expect(finding.message).toBe(
      'The cert-manager webhook Deployment cert-manager/cert-manager-webhook has 0 of 1 replicas available for 40m, so the API server cannot admit changes to cert-manager resources.',
    );
    expect(finding.evidence.join('\n')).toContain('pod cert-manager-webhook-5c8f7d9b6-kq4tz container cert-manager-webhook: waiting: CrashLoopBackOff');
  });

  it('an unparseable Certificate becomes ResourceUnparseable naming the field', () => {
    const run = analyzeFixtures([HEALTHY, 'certificates/malformed.yaml']);
    expect(run.errors).toEqual([]);
    const finding = only(run.findings, 'ResourceUnparseable');
    expect(finding.message).toContain('Certificate misc/broken-tls');
    expect(finding.message).toContain('spec.issuerRef.name');
  });
});

describe('certificate root causes', () => {
  const rootOf = (findings: ReturnType<typeof linkRootCauses>, check: string, name?: string): string | undefined =>
    findings.find((f) => f.check === check && (!name || f.subject.name === name))?.rootCause?.check;

  it('a stuck challenge explains the pending request, which explains the not-ready Certificate', () => {
    const linked = linkRootCauses(analyzeFixtures([HEALTHY, 'certificates/acme-challenge-stuck.yaml']).findings);
    expect(rootOf(linked, 'CertificateNotReady')).toBe('CertificateRequestFailed');
    expect(rootOf(linked, 'CertificateRequestFailed')).toBe('ACMEChallengePending');
    expect(rootOf(linked, 'ACMEChallengePending')).toBeUndefined();
  });

  it('an invalid order explains the Certificate and the request; the rejected challenge is the order\'s evidence, not a pending challenge', () => {
    const linked = linkRootCauses(analyzeFixtures([HEALTHY, 'certificates/acme-order-invalid.yaml']).findings);
    expect(rootOf(linked, 'CertificateNotReady')).toBe('ACMEOrderFailed');
    expect(rootOf(linked, 'CertificateRequestFailed')).toBe('ACMEOrderFailed');
    expect(rootOf(linked, 'ACMEOrderFailed')).toBeUndefined();
    expect(linked.some((f) => f.check === 'ACMEChallengePending')).toBe(false);
  });

  it('a challenge that failed before its Order says so fails the Order, with the challenge\'s reason as evidence', () => {
    const linked = linkRootCauses(analyzeFixtures([HEALTHY, 'certificates/acme-challenge-invalid.yaml']).findings);
    const order = linked.find((f) => f.check === 'ACMEOrderFailed');
    expect(order?.object).toMatchObject({ kind: 'Order', name: 'shop-tls-r7vbn-3412685713' });
    expect(order?.message).toContain('failed: its DNS-01 challenge for shop.example.com is invalid: Error accepting authorization');
    expect(order?.message).toContain('(the Order still says pending)');
    expect(order?.evidence.join('\n')).toContain('NXDOMAIN looking up TXT for _acme-challenge.shop.example.com');
    expect(order?.evidence.join('\n')).toContain('likely cause: the ACME server rejected the challenge');
    expect(order?.firstSeen).toBe('2026-11-25T10:42:31Z');
    expect(rootOf(linked, 'CertificateNotReady')).toBe('ACMEOrderFailed');
    expect(rootOf(linked, 'CertificateRequestFailed')).toBe('ACMEOrderFailed');
  });

  it('one not-ready Issuer explains every symptom of the Certificate it blocks', () => {
    const linked = linkRootCauses(analyzeFixtures([HEALTHY, 'certificates/issuer-not-ready.yaml']).findings);
    for (const check of ['CertificateExpiringSoon', 'CertificateRenewalOverdue', 'CertificateRequestFailed']) {
      expect(linked.find((f) => f.check === check)?.rootCause).toEqual({
        check: 'CertificateIssuerNotReady',
        subject: expect.objectContaining({ kind: 'Issuer', namespace: 'internal', name: 'internal-ca' }),
      });
    }
    expect(rootOf(linked, 'CertificateIssuerNotReady')).toBeUndefined();
  });

  it('a missing Issuer explains the not-ready Certificate', () => {
    const linked = linkRootCauses(analyzeFixtures([HEALTHY, 'certificates/issuer-missing.yaml']).findings);
    expect(rootOf(linked, 'CertificateNotReady')).toBe('CertificateIssuerNotReady');
    expect(rootOf(linked, 'CertificateRequestFailed')).toBe('CertificateIssuerNotReady');
  });

  it('the crash-looping webhook pod explains CertManagerUnhealthy', () => {
    const linked = linkRootCauses(analyzeFixtures([HEALTHY, 'certificates/cert-manager-webhook-down.yaml']).findings);
    expect(rootOf(linked, 'CertManagerUnhealthy')).toBe('PodCrashLooping');
  });

  it('a missing TLS Secret of an Ingress or Istio Gateway is explained by the Certificate that should write it', () => {
    const objects = [...loadFixture(HEALTHY), ...loadFixture('certificates/acme-order-invalid.yaml')];
    const view = new ClusterView(snapshotOf(objects));
    const certificateFindings = analyzeFixtures([HEALTHY, 'certificates/acme-order-invalid.yaml']).findings;
    const related = certificatesProducingSecret(view, 'www', 'www-tls');
    const ingress = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', namespace: 'www', name: 'www' };
    const gateway = { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', namespace: 'www', name: 'www-gateway' };
    const dependents: Finding[] = [
      { check: 'IngressTLSSecretMissing', severity: 'critical', subject: ingress, object: ingress, message: 'Ingress www/www serves TLS Secret www-tls, which does not exist.', evidence: [], related },
      { check: 'IstioGatewayTLSSecretMissing', severity: 'critical', subject: gateway, object: gateway, message: 'Gateway www/www-gateway uses credentialName www-tls, which does not exist.', evidence: [], related },
    ];
    const linked = linkRootCauses([...certificateFindings, ...dependents]);
    for (const check of ['IngressTLSSecretMissing', 'IstioGatewayTLSSecretMissing']) {
      expect(linked.find((f) => f.check === check)?.rootCause).toEqual({
        check: 'CertificateNotReady',
        subject: expect.objectContaining({ kind: 'Certificate', namespace: 'www', name: 'www-tls' }),
      });
    }
  });
});
