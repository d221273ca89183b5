// Checks of the runbook section 'Certificates'. This text is the user documentation (docs/checks.md).
import type { CheckDefinition } from './types.js';

export const certificatesChecks = [
  {
    id: 'CertManagerUnhealthy',
    severity: 'critical',
    area: 'Certificates',
    title: 'cert-manager is not running',
    description:
      'The cert-manager controller, cainjector or webhook Deployment (found by name, e.g. `cert-manager-webhook`, or by the `app.kubernetes.io/name` labels of its chart) has had no available replica for longer than `replicasUnavailableAfter` (default 5 min), is scaled to zero, or — where cert-manager is evidently installed (one of its parts runs, or its resources are served and the `cert-manager` namespace exists) — the controller or webhook Deployment is missing. Without the controller no Certificate is issued or renewed; without the webhook no cert-manager resource can be created or changed. The evidence lists the states of its pods.',
    runbook: [
      'Look at its Deployments and pods: `kubectl get deploy,pods -n cert-manager`',
      'Read the failing pod\'s events and logs: `kubectl describe pod -n cert-manager <pod>` and `kubectl logs -n cert-manager deploy/cert-manager-webhook`',
      'Check for the usual causes: image pull failures, missing CRDs after an upgrade (`kubectl get crd | grep cert-manager.io`), a NetworkPolicy blocking the API server from the webhook',
      'Verify end to end with `cmctl check api` once the pods are ready',
    ],
  },
  {
    id: 'CertificateNotReady',
    severity: 'critical',
    area: 'Certificates',
    title: 'Certificate not ready',
    description:
      'A Certificate\'s Ready condition is False (or missing) for longer than `certificateIssuanceGrace` (default 10 min), and no failure-free issuance started within that time. The message gives the Ready reason and where issuance breaks; the evidence follows the chain: the Issuer or ClusterIssuer, the current CertificateRequest (the revision being issued), its ACME Order and the Challenges that are not valid. A first issuance or a reissue that is still within the grace period is not reported.',
    runbook: [
      'Follow the chain: `kubectl describe certificate -n <namespace> <name>`, then `kubectl describe certificaterequest -n <namespace> <request>`',
      'For ACME issuers, look at the order and challenges: `kubectl describe orders.acme.cert-manager.io,challenges.acme.cert-manager.io -n <namespace>`',
      'Fix the broken link (issuer, DNS, HTTP-01 reachability, request denied by a policy), then trigger a retry: `cmctl renew -n <namespace> <name>`',
      'Overview of every certificate: `kubectl get certificates.cert-manager.io -A`',
    ],
  },
  {
    id: 'CertificateExpiringSoon',
    severity: 'warning',
    area: 'Certificates',
    title: 'Certificate expires soon and is not being renewed',
    description:
      'The certificate\'s notAfter is within `certificateExpiryWarning` (default 14 days) and its renewalTime passed more than `certificateIssuanceGrace` ago without a failure-free renewal under way: cert-manager should have renewed it and did not. Critical within `certificateExpiryCritical` (default 3 days). A certificate whose renewal time lies ahead (a short-lived certificate) or whose renewal has just started is not reported.',
    runbook: [
      'See why renewal does not happen: `kubectl describe certificate -n <namespace> <name>` (Issuing condition, failed attempts) and its latest CertificateRequest',
      'Fix the cause (issuer, ACME challenge, cert-manager itself) and force a renewal: `cmctl renew -n <namespace> <name>`',
      'Check the Secret\'s certificate afterwards: `kubectl get secret -n <namespace> <secret> -o jsonpath=\'{.data.tls\\.crt}\' | base64 -d | openssl x509 -noout -enddate`',
    ],
  },
  {
    id: 'CertificateExpired',
    severity: 'critical',
    area: 'Certificates',
    title: 'Certificate expired',
    description:
      'The certificate in the Certificate\'s Secret is past its notAfter: clients reject it now. The message names the Secret and, where the issuance chain shows it, why renewal failed.',
    runbook: [
      'Find why it was not renewed: `kubectl describe certificate -n <namespace> <name>` and its CertificateRequest, Order and Challenges',
      'Fix the cause and reissue at once: `cmctl renew -n <namespace> <name>`',
      'Confirm the Secret was updated and restart workloads that read the certificate only at start-up',
    ],
  },
  {
    id: 'CertificateIssuerNotReady',
    severity: 'critical',
    area: 'Certificates',
    title: 'Certificate issuer missing or not ready',
    description:
      'A Certificate\'s issuerRef names an Issuer (kind omitted or `Issuer`, looked up in the Certificate\'s namespace) or a ClusterIssuer that does not exist, or one whose Ready condition is not True (for ACME: account registration failed; for CA: the key pair Secret is missing). Reported on the Certificate when the issuer is missing, and on the issuer itself when it is not ready, listing the Certificates it blocks. issuerRefs of other API groups (external issuers such as `awspca.cert-manager.io`) are not judged.',
    runbook: [
      'List the issuers: `kubectl get issuers.cert-manager.io -A` and `kubectl get clusterissuers.cert-manager.io`',
      'Check the Certificate\'s issuerRef: an Issuer must live in the Certificate\'s namespace; for a ClusterIssuer set `kind: ClusterIssuer`',
      'Read why an issuer is not ready: `kubectl describe clusterissuer <name>` (ACME account e-mail and server, the CA Secret, Vault credentials)',
    ],
  },
  {
    id: 'CertificateRenewalOverdue',
    severity: 'warning',
    area: 'Certificates',
    title: 'Certificate renewal overdue',
    description:
      'A Certificate that is still Ready is more than `certificateIssuanceGrace` past its renewalTime without a failure-free renewal under way, or its Issuing condition is False after failed issuance attempts (cert-manager backs off exponentially between retries, up to 32 h). The certificate still works; it will not once it expires. Certificates that are not Ready are CertificateNotReady\'s case.',
    runbook: [
      'Read the Issuing condition and failed attempts: `kubectl describe certificate -n <namespace> <name>`',
      'Follow the latest CertificateRequest (and for ACME its Order and Challenges) to the failure and fix it',
      'Retry without waiting for the back-off: `cmctl renew -n <namespace> <name>`',
    ],
  },
  {
    id: 'CertificateRequestFailed',
    severity: 'critical',
    area: 'Certificates',
    title: 'CertificateRequest denied, failed or stuck',
    description:
      'The current CertificateRequest of a Certificate (owned by it, of the revision being issued, or the latest) is Denied (by an approver policy), InvalidRequest, Ready=False with reason Failed, or has been pending for longer than `certificateRequestPendingAfter` (default 10 min). Reported on the Certificate, naming the request; older revisions are history and not reported.',
    runbook: [
      'Read the request\'s conditions: `kubectl describe certificaterequest -n <namespace> <request>`',
      'Denied: check the approver (e.g. approver-policy `CertificateRequestPolicy` objects) allows this issuer and these names',
      'Pending: check the issuer is ready and, for ACME, the Order and Challenges; Failed: fix the reason, then `cmctl renew -n <namespace> <certificate>`',
    ],
  },
  {
    id: 'ACMEOrderFailed',
    severity: 'critical',
    area: 'Certificates',
    title: 'ACME order failed',
    description:
      'The ACME Order of a Certificate\'s current CertificateRequest is in state invalid or errored, or one of its Challenges is in a final failed state (invalid, errored, expired) before the Order says so; the message carries the ACME server\'s reason (the Order\'s, else the failed Challenge\'s: a failed authorization, rate limits) and the evidence the states and reasons of its Challenges. Reported on the Certificate.',
    runbook: [
      'Read the reason: `kubectl describe orders.acme.cert-manager.io -n <namespace> <order>`',
      'Check the challenges of that order: `kubectl describe challenges.acme.cert-manager.io -n <namespace>`',
      'Rate limited: wait for the window (Let\'s Encrypt: 5 failed validations per hour per name) or test against the staging server',
      'After fixing the cause, retry with a new order: `cmctl renew -n <namespace> <certificate>`',
    ],
  },
  {
    id: 'ACMEChallengePending',
    severity: 'warning',
    area: 'Certificates',
    title: 'ACME challenge not completing',
    description:
      'A Challenge of a Certificate\'s current ACME order is still in progress (neither valid nor failed) after `acmeChallengePendingAfter` (default 10 min). The evidence gives cert-manager\'s reason and what it usually means: DNS-01 record not propagated, HTTP-01 self check failing (the solver is not reachable from inside the cluster), the solver unable to present (DNS provider credentials). A Challenge the ACME server rejected (invalid, errored, expired) has failed, not stalled: ACMEOrderFailed reports it. Reported on the Certificate.',
    runbook: [
      'Read the reason: `kubectl describe challenges.acme.cert-manager.io -n <namespace> <challenge>`',
      'DNS-01: check the TXT record `_acme-challenge.<domain>` on the authoritative servers (`dig TXT _acme-challenge.<domain> @<ns>`) and the DNS provider credentials in the issuer',
      'HTTP-01: `curl http://<domain>/.well-known/acme-challenge/<token>` from inside the cluster; check the solver Ingress/Service, the ingress class and redirects to HTTPS',
    ],
  },
] as const satisfies readonly CheckDefinition[];
