// ACME Orders of a Certificate's current request that ended invalid or errored. Orders of older
// requests are history: cert-manager retries with a new request, and only the current one matters.
import { refOf } from '../../model/meta.js';
import { eventEvidence, objectRef } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';
import { challengesOf, currentRequest, describeChallenge, describeOrder, isOrderFailed, ordersOf, tidy } from './chain.js';

export const failedAcmeOrders: Analyzer = {
  name: 'failed-acme-orders',
  description: 'ACME Orders of the current CertificateRequest in state invalid or errored, with the reason.',
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
        if (!isOrderFailed(order)) continue;
        const challenges = challengesOf(view, order);
        const events = view.has('Event')
          ? view.eventsFor({ kind: 'Order', namespace: order.metadata.namespace, name: order.metadata.name }).filter((e) => e.type === 'Warning')
          : [];
        findings.push({
          check: 'ACMEOrderFailed',
          severity: 'critical',
          subject: objectRef(cert),
          object: objectRef(order),
          message: `ACME Order ${order.metadata.namespace ?? ''}/${order.metadata.name} of Certificate ${cert.metadata.name} is ${order.status.state ?? ''}${order.status.reason ? `: ${tidy(order.status.reason)}` : ' (no reason given)'}.`,
          evidence: [
            describeOrder(order),
            `domains: ${[order.spec.commonName, ...(order.spec.dnsNames ?? [])].filter((d, i, all): d is string => Boolean(d) && all.indexOf(d) === i).join(', ') || 'none listed'}`,
            ...challenges.map(describeChallenge),
            ...eventEvidence(events, ctx.settings.evidence.maxEvents),
          ],
          ...(order.status.failureTime ? { firstSeen: order.status.failureTime } : {}),
          related: challenges.map(refOf),
        });
      }
    }
    return findings;
  },
};
