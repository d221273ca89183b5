// Ready Certificates whose renewal is late or keeps failing: still valid today, broken tomorrow.
import { findCondition } from '../../model/meta.js';
import { ageMs, formatDuration, objectRef } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';
import {
  certificateWarningEvents, chainEvidence, chainRefs, describeCondition, failurePoint, issuanceChain, renewalStalled, resolveIssuer, tidy,
} from './chain.js';

export const overdueRenewals: Analyzer = {
  name: 'overdue-certificate-renewals',
  description: 'Ready Certificates past their renewal time without a renewal under way, or whose issuance attempts failed.',
  checks: ['CertificateRenewalOverdue'],
  reads: ['Certificate'],
  optionalReads: ['CertificateRequest', 'Order', 'Challenge', 'Issuer', 'ClusterIssuer', 'Event'],
  analyze(ctx) {
    const { view, now } = ctx;
    const grace = ctx.settings.thresholds.certificateIssuanceGrace;
    const findings: Finding[] = [];
    for (const cert of view.list('Certificate')) {
      if (cert.metadata.deletionTimestamp) continue;
      // Not Ready is CertificateNotReady's case, with the whole chain; this check is about the
      // certificate that still works.
      const ready = findCondition(cert.status.conditions, 'Ready');
      if (ready?.status !== 'True') continue;
      const issuing = findCondition(cert.status.conditions, 'Issuing');
      const failedAttempts = cert.status.failedIssuanceAttempts ?? 0;
      const retrying = issuing?.status === 'False' && failedAttempts > 0;
      const sinceRenewal = ageMs(cert.status.renewalTime, now);
      const late = sinceRenewal !== undefined && renewalStalled(cert, ctx, grace);
      if (!retrying && !late) continue;
      const name = `${cert.metadata.namespace ?? ''}/${cert.metadata.name}`;
      const chain = issuanceChain(view, cert);
      const issuer = resolveIssuer(view, cert.metadata.namespace, cert.spec.issuerRef);
      const failing = failurePoint(chain, issuer);
      const what = retrying
        ? `failed ${failedAttempts} issuance attempt${failedAttempts === 1 ? '' : 's'}${cert.status.lastFailureTime ? ` (last at ${cert.status.lastFailureTime})` : ''}`
        : `is ${formatDuration(sinceRenewal ?? 0)} past its renewal time ${cert.status.renewalTime ?? ''} and has not been renewed`;
      const firstSeen = retrying ? cert.status.lastFailureTime ?? issuing?.lastTransitionTime : cert.status.renewalTime;
      findings.push({
        check: 'CertificateRenewalOverdue',
        severity: 'warning',
        subject: objectRef(cert),
        object: objectRef(cert),
        message: `Certificate ${name} ${what}${failing ? `; renewal fails because ${failing}` : issuing?.message && retrying ? `: ${tidy(issuing.message)}` : ''}.`,
        evidence: [
          `notAfter: ${cert.status.notAfter ?? 'not set'}`,
          `renewalTime: ${cert.status.renewalTime ?? 'not set'}`,
          ...(issuing ? [describeCondition(issuing)] : []),
          ...chainEvidence(chain, issuer),
          ...certificateWarningEvents(view, cert, chain.request?.metadata.name, ctx.settings.evidence.maxEvents),
        ],
        ...(firstSeen ? { firstSeen } : {}),
        related: chainRefs(chain, issuer),
      });
    }
    return findings;
  },
};
