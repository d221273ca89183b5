// The current CertificateRequest of a Certificate that was denied, failed, is invalid, or has been
// pending too long. Reported on the Certificate (one report per certificate), naming the request.
import type { ObjectRef } from '../../model/meta.js';
import { refOf } from '../../model/meta.js';
import { ageMs, eventEvidence, formatDuration, objectRef, recheckWhenAged } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';
import {
  REQUEST_STATE_WORDS, chainEvidence, challengesOf, currentRequest, describeRequest, ordersOf, requestDetail, requestState, resolveIssuer,
} from './chain.js';

export const failedCertificateRequests: Analyzer = {
  name: 'failed-certificate-requests',
  description: 'The current CertificateRequest of each Certificate: denied, invalid, failed, or pending for too long.',
  checks: ['CertificateRequestFailed'],
  reads: ['Certificate', 'CertificateRequest'],
  optionalReads: ['Order', 'Challenge', 'Issuer', 'ClusterIssuer', 'Event'],
  analyze(ctx) {
    const { view, now } = ctx;
    const findings: Finding[] = [];
    for (const cert of view.list('Certificate')) {
      if (cert.metadata.deletionTimestamp) continue;
      const request = currentRequest(view, cert);
      if (!request || request.metadata.deletionTimestamp) continue;
      const state = requestState(request);
      if (state.state === 'issued') continue;
      const pendingFor = state.state === 'pending' ? ageMs(state.since, now) : undefined;
      // Failed once pending strictly longer than the threshold: a millisecond after since + threshold.
      if (state.state === 'pending') recheckWhenAged(ctx, state.since, ctx.settings.thresholds.certificateRequestPendingAfter + 1, request.metadata.namespace);
      if (state.state === 'pending' && (pendingFor === undefined || pendingFor <= ctx.settings.thresholds.certificateRequestPendingAfter)) continue;
      const orders = ordersOf(view, request);
      const challenges = orders.flatMap((o) => challengesOf(view, o));
      const issuer = resolveIssuer(view, cert.metadata.namespace, request.spec.issuerRef);
      const what = state.state === 'pending' ? `has been pending for ${formatDuration(pendingFor ?? 0)}` : REQUEST_STATE_WORDS[state.state];
      const detail = requestDetail(state);
      const events = view.has('Event')
        ? view.eventsFor({ kind: 'CertificateRequest', namespace: request.metadata.namespace, name: request.metadata.name }).filter((e) => e.type === 'Warning')
        : [];
      const related: ObjectRef[] = [...(issuer.type === 'external' ? [] : [issuer.ref]), ...orders.map(refOf), ...challenges.map(refOf)];
      findings.push({
        check: 'CertificateRequestFailed',
        severity: 'critical',
        subject: objectRef(cert),
        object: objectRef(request),
        message: `CertificateRequest ${request.metadata.namespace ?? ''}/${request.metadata.name} of Certificate ${cert.metadata.name} ${what}${detail ? `: ${detail}` : ''}.`,
        evidence: [
          describeRequest(request),
          ...chainEvidence({ certificate: cert, orders, challenges }, issuer),
          ...eventEvidence(events, ctx.settings.evidence.maxEvents),
        ],
        ...(state.since ? { firstSeen: state.since } : {}),
        related,
      });
    }
    return findings;
  },
};
