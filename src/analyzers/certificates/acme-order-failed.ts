// ACME Orders of a Certificate's current request that ended invalid or errored, or one of whose
// Challenges did: a Challenge in a final failed state fails its Order (cert-manager's order controller
// marks the Order invalid on its next sync, which a dump or a stalled controller may not show yet).
// Orders of older requests are history: cert-manager retries with a new request, and only the
// current one matters.
import type { Challenge, Order } from '../../model/certmanager.js';
import { refOf } from '../../model/meta.js';
import { eventEvidence, objectRef } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';
import { challengeDiagnosis } from './acme-challenge-pending.js';
import { challengesOf, currentRequest, describeChallenge, describeOrder, isChallengeFailed, isOrderFailed, ordersOf, tidy } from './chain.js';

/** Why the Order failed: its own reason, else the first failed Challenge's. */
function failureReason(order: Order, failed: readonly Challenge[]): string {
  if (isOrderFailed(order)) return `is ${order.status.state ?? ''}${order.status.reason ? `: ${tidy(order.status.reason)}` : ' (no reason given)'}`;
  const [first] = failed;
  const state = order.status.state ? ` (the Order still says ${order.status.state})` : '';
  return `failed: its ${first?.spec.type ?? ''} challenge for ${first?.spec.dnsName ?? ''} is ${first?.status.state ?? ''}${first?.status.reason ? `: ${tidy(first.status.reason)}` : ''}${state}`;
}

export const failedAcmeOrders: Analyzer = {
  name: 'failed-acme-orders',
  description: 'ACME Orders of the current CertificateRequest in state invalid or errored, or with a Challenge in a failed state, with the reason.',
  checks: ['ACMEOrderFailed'],
  reads: ['Certificate', 'CertificateRequest', 'Order'],
  optionalReads: ['Challenge', 'Event'],
  analyze(ctx) {
    const { view } = ctx;
    const findings: Finding[] = [];
    for (const cert of view.list('Certificate')) {
      if (cert.metadata.deletionTimestamp) continue;
      const request = currentRequest(view, cert);
      if (!request) continue;
      for (const order of ordersOf(view, request)) {
        const challenges = challengesOf(view, order);
        const failed = challenges.filter(isChallengeFailed);
        if (!isOrderFailed(order) && failed.length === 0) continue;
        const warnings = (kind: string, name: string) => (view.has('Event') ? view.eventsFor({ kind, namespace: order.metadata.namespace, name }).filter((e) => e.type === 'Warning') : []);
        const events = [...warnings('Order', order.metadata.name), ...failed.flatMap((c) => warnings('Challenge', c.metadata.name))];
        const diagnoses = [...new Set(failed.map(challengeDiagnosis).filter((d): d is string => Boolean(d)))];
        const failedSince = events.map((e) => e.firstTimestamp ?? e.lastTimestamp).filter((t): t is string => Boolean(t)).sort()[0];
        const firstSeen = order.status.failureTime ?? failedSince;
        findings.push({
          check: 'ACMEOrderFailed',
          severity: 'critical',
          subject: objectRef(cert),
          object: objectRef(order),
          message: `ACME Order ${order.metadata.namespace ?? ''}/${order.metadata.name} of Certificate ${cert.metadata.name} ${failureReason(order, failed)}.`,
          evidence: [
            describeOrder(order),
            `domains: ${[order.spec.commonName, ...(order.spec.dnsNames ?? [])].filter((d, i, all): d is string => Boolean(d) && all.indexOf(d) === i).join(', ') || 'none listed'}`,
            ...challenges.map(describeChallenge),
            ...diagnoses.map((d) => `likely cause: ${d}`),
            ...eventEvidence(events, ctx.settings.evidence.maxEvents),
          ],
          ...(firstSeen ? { firstSeen } : {}),
          related: challenges.map(refOf),
        });
      }
    }
    return findings;
  },
};
