import type { CheckId } from '../../../src/analyzers/catalogue.js';
import type { CheckCase } from '../../helpers/cases.js';

const ALL: readonly CheckId[] = [
  'CertManagerUnhealthy', 'CertificateNotReady', 'CertificateExpiringSoon', 'CertificateExpired', 'CertificateIssuerNotReady',
  'CertificateRenewalOverdue', 'CertificateRequestFailed', 'ACMEOrderFailed', 'ACMEChallengePending',
];
const HEALTHY_CERT_MANAGER = 'certificates/cert-manager-healthy.yaml';

export const cases: readonly CheckCase[] = [
  {
    name: 'cert-manager and its issuers healthy, certificates up to date (a short-lived one inside 3 days of expiry, before its renewal time)',
    fixtures: [HEALTHY_CERT_MANAGER, 'certificates/healthy-certificates.yaml'],
    checks: ALL,
    expected: [],
  },
  {
    name: 'a Certificate being renewed normally (Issuing=True for 3 min, renewal time just passed) and a first issuance just begun',
    fixtures: [HEALTHY_CERT_MANAGER, 'certificates/renewing-normally.yaml'],
    checks: ALL,
    expected: [],
  },
  {
    name: 'a DNS-01 challenge waiting for propagation for two hours',
    fixtures: [HEALTHY_CERT_MANAGER, 'certificates/acme-challenge-stuck.yaml'],
    checks: ALL,
    expected: [
      'ACMEChallengePending Certificate/api/api-tls',
      'CertificateNotReady Certificate/api/api-tls',
      'CertificateRequestFailed Certificate/api/api-tls',
    ],
  },
  {
    name: 'the same DNS-01 challenge seven minutes after the Certificate was created',
    fixtures: [HEALTHY_CERT_MANAGER, 'certificates/acme-challenge-stuck.yaml'],
    checks: ALL,
    expected: [],
    now: '2026-11-25T10:05:00Z',
  },
  {
    name: 'an ACME order made invalid by a rejected HTTP-01 validation: the invalid challenge failed, it is not pending',
    fixtures: [HEALTHY_CERT_MANAGER, 'certificates/acme-order-invalid.yaml'],
    checks: ALL,
    expected: [
      'ACMEOrderFailed Certificate/www/www-tls',
      'CertificateNotReady Certificate/www/www-tls',
      'CertificateRequestFailed Certificate/www/www-tls',
    ],
  },
  {
    name: 'a DNS-01 challenge the ACME server rejected while its Order still says pending: the Order failed, the challenge is not pending',
    fixtures: [HEALTHY_CERT_MANAGER, 'certificates/acme-challenge-invalid.yaml'],
    checks: ALL,
    expected: [
      'ACMEOrderFailed Certificate/shop/shop-tls',
      'CertificateNotReady Certificate/shop/shop-tls',
      'CertificateRequestFailed Certificate/shop/shop-tls',
    ],
  },
  {
    name: 'a DNS-01 challenge still waiting for propagation has not failed its Order',
    fixtures: [HEALTHY_CERT_MANAGER, 'certificates/acme-challenge-stuck.yaml'],
    checks: ['ACMEOrderFailed'],
    expected: [],
  },
  {
    name: 'an issuerRef without kind names an Issuer that does not exist (only a ClusterIssuer of that name)',
    fixtures: [HEALTHY_CERT_MANAGER, 'certificates/issuer-missing.yaml'],
    checks: ALL,
    expected: [
      'CertificateIssuerNotReady Certificate/reports/reports-tls',
      'CertificateNotReady Certificate/reports/reports-tls',
      'CertificateRequestFailed Certificate/reports/reports-tls',
    ],
  },
  {
    name: 'the same Certificate three minutes after it was applied, before its issuer could follow (GitOps ordering)',
    fixtures: [HEALTHY_CERT_MANAGER, 'certificates/issuer-missing.yaml'],
    checks: ALL,
    expected: [],
    now: '2026-11-25T10:58:00Z',
  },
  {
    name: 'Certificates of an external issuer group (awspca.cert-manager.io) are never reported as missing their issuer',
    fixtures: [HEALTHY_CERT_MANAGER, 'certificates/external-issuer.yaml'],
    checks: ALL,
    expected: [],
  },
  {
    name: 'a CA Issuer without its key pair Secret blocks a renewal due two days ago',
    fixtures: [HEALTHY_CERT_MANAGER, 'certificates/issuer-not-ready.yaml'],
    checks: ALL,
    expected: [
      'CertificateExpiringSoon Certificate/internal/internal-api-tls',
      'CertificateIssuerNotReady Issuer/internal/internal-ca',
      'CertificateRenewalOverdue Certificate/internal/internal-api-tls',
      'CertificateRequestFailed Certificate/internal/internal-api-tls',
    ],
  },
  {
    name: 'with certificateExpiryWarning at 3 days, five days left is not yet "expiring soon"',
    fixtures: [HEALTHY_CERT_MANAGER, 'certificates/issuer-not-ready.yaml'],
    checks: ['CertificateExpiringSoon'],
    expected: [],
    settings: { thresholds: { certificateExpiryWarning: '3d', certificateExpiryCritical: '1d' } },
  },
  {
    name: 'a Certificate expired after denied renewals, another about to expire because Vault refuses to sign',
    fixtures: [HEALTHY_CERT_MANAGER, 'certificates/expired.yaml'],
    checks: ALL,
    expected: [
      'CertificateExpired Certificate/legacy/legacy-tls',
      'CertificateExpiringSoon Certificate/legacy/reports-db-tls',
      'CertificateNotReady Certificate/legacy/legacy-tls',
      'CertificateRenewalOverdue Certificate/legacy/reports-db-tls',
      'CertificateRequestFailed Certificate/legacy/legacy-tls',
      'CertificateRequestFailed Certificate/legacy/reports-db-tls',
    ],
  },
  {
    name: 'the cert-manager webhook crash-loops and has been unavailable for 40 minutes',
    fixtures: [HEALTHY_CERT_MANAGER, 'certificates/cert-manager-webhook-down.yaml'],
    checks: ALL,
    expected: ['CertManagerUnhealthy Deployment/cert-manager/cert-manager-webhook'],
  },
  {
    name: 'the cert-manager controller Deployment was deleted while its webhook and cainjector run',
    fixtures: ['certificates/cert-manager-controller-missing.yaml', 'certificates/healthy-certificates.yaml'],
    checks: ['CertManagerUnhealthy'],
    expected: ['CertManagerUnhealthy Deployment/cert-manager/cert-manager'],
  },
  {
    name: 'cert-manager uninstalled: Certificates and its namespace remain, no Deployment of it anywhere',
    fixtures: ['certificates/cert-manager-uninstalled.yaml', 'certificates/healthy-certificates.yaml'],
    checks: ['CertManagerUnhealthy'],
    expected: ['CertManagerUnhealthy Deployment/cert-manager/cert-manager', 'CertManagerUnhealthy Deployment/cert-manager/cert-manager-webhook'],
  },
  {
    name: 'a view of other namespaces only (Certificates and Deployments, nothing of cert-manager\'s namespace) does not call cert-manager missing',
    fixtures: ['certificates/namespaces.yaml', 'certificates/healthy-certificates.yaml', 'certificates/unrelated-webhook.yaml'],
    checks: ['CertManagerUnhealthy'],
    expected: [],
  },
  {
    name: 'a down Deployment named "webhook" that is not cert-manager\'s, in a cluster without cert-manager',
    fixtures: ['certificates/unrelated-webhook.yaml'],
    checks: ['CertManagerUnhealthy'],
    expected: [],
  },
  {
    name: 'a Certificate without issuerRef.name is unparseable, and the expired one next to it is still analyzed',
    fixtures: [HEALTHY_CERT_MANAGER, 'certificates/malformed.yaml'],
    checks: ['ResourceUnparseable', 'CertificateExpired', 'CertificateNotReady', 'CertificateIssuerNotReady'],
    expected: [
      'CertificateExpired Certificate/misc/old-tls',
      'CertificateNotReady Certificate/misc/old-tls',
      'ResourceUnparseable Certificate/misc/broken-tls',
    ],
  },
];
