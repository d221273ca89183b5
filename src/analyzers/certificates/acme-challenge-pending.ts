// ACME Challenges of a Certificate's current issuance that are still in progress (not valid, not
// failed) after the threshold, with cert-manager's reason and what that reason usually means. A
// Challenge in a final failed state (invalid, errored, expired) is not pending: its Order failed,
// and ACMEOrderFailed reports it with the Challenge's reason.
import type { Challenge } from '../../model/certmanager.js';
import { ageMs, eventEvidence, formatDuration, objectRef, recheckWhenAged } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';
import { challengesOf, currentRequest, describeChallenge, isChallengeFailed, ordersOf } from './chain.js';

/** What a Challenge's reason points at, in the words of the usual fix; undefined when unclear. */
export function challengeDiagnosis(challenge: Challenge): string | undefined {
  const reason = challenge.status.reason ?? '';
  if (challenge.status.state === 'invalid') return 'the ACME server rejected the challenge: it will not turn valid, cert-manager retries with a new order';
  if (challenge.status.state === 'expired') return 'the authorization expired before the challenge was validated: cert-manager retries with a new order';
  if (challenge.status.state === 'errored') return 'cert-manager gave up on the challenge after an unrecoverable error: fix the cause, then a new order is created';
  if (/DNS-01 challenge propagation|not yet propagated|TXT record/i.test(reason)) {
    return `DNS propagation: the TXT record _acme-challenge.${challenge.spec.dnsName} is not visible on the authoritative name servers yet`;
  }
  if (/HTTP-01 challenge propagation|self check/i.test(reason)) {
    return `HTTP-01 self check failing: http://${challenge.spec.dnsName}/.well-known/acme-challenge/ does not reach the solver (DNS, ingress class, firewall or redirects)`;
  }
  if (/error (presenting|getting|initializing)|credentials|forbidden|unauthorized|access denied/i.test(reason)) {
    return 'the solver cannot present the challenge: check the DNS provider credentials and permissions in the issuer';
  }
  if (!challenge.status.presented && !reason) return 'not presented yet: cert-manager has not acted on it (is the controller running?)';
  return undefined;
}

export const pendingAcmeChallenges: Analyzer = {
  name: 'pending-acme-challenges',
  description: 'ACME Challenges of the current issuance still in progress (neither valid nor failed) after the threshold.',
  checks: ['ACMEChallengePending'],
  reads: ['Certificate', 'CertificateRequest', 'Order', 'Challenge'],
  optionalReads: ['Event'],
  analyze(ctx) {
    const { view, now } = ctx;
    const findings: Finding[] = [];
    for (const cert of view.list('Certificate')) {
      if (cert.metadata.deletionTimestamp) continue;
      const request = currentRequest(view, cert);
      if (!request) continue;
      for (const order of ordersOf(view, request)) {
        for (const challenge of challengesOf(view, order)) {
          if (challenge.status.state === 'valid' || isChallengeFailed(challenge) || challenge.metadata.deletionTimestamp) continue;
          const age = ageMs(challenge.metadata.creationTimestamp, now);
          // Pending once strictly past the threshold: a millisecond after creation + threshold.
          recheckWhenAged(ctx, challenge.metadata.creationTimestamp, ctx.settings.thresholds.acmeChallengePendingAfter + 1, challenge.metadata.namespace);
          if (age === undefined || age <= ctx.settings.thresholds.acmeChallengePendingAfter) continue;
          const diagnosis = challengeDiagnosis(challenge);
          const events = view.has('Event')
            ? view.eventsFor({ kind: 'Challenge', namespace: challenge.metadata.namespace, name: challenge.metadata.name })
            : [];
          findings.push({
            check: 'ACMEChallengePending',
            severity: 'warning',
            subject: objectRef(cert),
            object: objectRef(challenge),
            message: `The ${challenge.spec.type} challenge ${challenge.metadata.name} for ${challenge.spec.dnsName} (Certificate ${cert.metadata.namespace ?? ''}/${cert.metadata.name}) has not been valid for ${formatDuration(age)}: ${challenge.status.reason || `state ${challenge.status.state || 'unset'}`}.`,
            evidence: [
              describeChallenge(challenge),
              ...(diagnosis ? [`likely cause: ${diagnosis}`] : []),
              ...eventEvidence(events, ctx.settings.evidence.maxEvents),
            ],
            ...(challenge.metadata.creationTimestamp ? { firstSeen: challenge.metadata.creationTimestamp } : {}),
          });
        }
      }
    }
    return findings;
  },
};
