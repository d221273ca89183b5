// Certificates whose current certificate has expired, or expires soon without being renewed.
import { findCondition } from '../../model/meta.js';
import { ageMs, formatDuration, objectRef } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';
import { chainEvidence, chainRefs, describeCondition, failurePoint, issuanceChain, renewalStalled, resolveIssuer } from './chain.js';

export const expiringCertificates: Analyzer = {
  name: 'expiring-certificates',
  description: 'Certificates past their notAfter, or close to it while the renewal that should have happened has not.',
  checks: ['CertificateExpired', 'CertificateExpiringSoon'],
  reads: ['Certificate'],
  optionalReads: ['CertificateRequest', 'Order', 'Challenge', 'Issuer', 'ClusterIssuer'],
  analyze(ctx) {
    const { view, now } = ctx;
    const { certificateExpiryWarning, certificateExpiryCritical, certificateIssuanceGrace } = ctx.settings.thresholds;
    const findings: Finding[] = [];
    for (const cert of view.list('Certificate')) {
      const notAfter = cert.status.notAfter;
      const sinceExpiry = ageMs(notAfter, now);
      if (!notAfter || sinceExpiry === undefined || cert.metadata.deletionTimestamp) continue;
      const remaining = -sinceExpiry;
      // The verdict steps at three moments before notAfter and after: expiring soon (warning), then
      // critical, then expired.
      const expiry = Date.parse(notAfter);
      for (const before of [certificateExpiryWarning, certificateExpiryCritical, 0]) ctx.recheckAt(expiry - before, cert.metadata.namespace);
      const name = `${cert.metadata.namespace ?? ''}/${cert.metadata.name}`;
      const chain = issuanceChain(view, cert);
      const issuer = resolveIssuer(view, cert.metadata.namespace, cert.spec.issuerRef);
      const failing = failurePoint(chain, issuer);
      const issuing = findCondition(cert.status.conditions, 'Issuing');
      const evidence = [
        `Secret: ${cert.spec.secretName}`,
        `notAfter: ${notAfter}`,
        `renewalTime: ${cert.status.renewalTime ?? 'not set'}`,
        ...(issuing ? [describeCondition(issuing)] : ['no issuance in progress']),
        ...(cert.status.failedIssuanceAttempts ? [`failed issuance attempts: ${cert.status.failedIssuanceAttempts}${cert.status.lastFailureTime ? `, last at ${cert.status.lastFailureTime}` : ''}`] : []),
        ...chainEvidence(chain, issuer),
      ];
      const related = chainRefs(chain, issuer);
      const because = failing ? `; renewal fails because ${failing}` : '';
      if (remaining <= 0) {
        findings.push({
          check: 'CertificateExpired',
          severity: 'critical',
          subject: objectRef(cert),
          object: objectRef(cert),
          message: `Certificate ${name} expired ${formatDuration(sinceExpiry)} ago (notAfter ${notAfter}), so Secret ${cert.spec.secretName} holds an expired certificate${because}.`,
          evidence,
          firstSeen: notAfter,
          related,
        });
        continue;
      }
      if (remaining > certificateExpiryWarning || !renewalStalled(cert, ctx, certificateIssuanceGrace)) continue;
      const renewal = cert.status.renewalTime ? `its renewal time ${cert.status.renewalTime} has passed` : 'it has no renewal time';
      findings.push({
        check: 'CertificateExpiringSoon',
        severity: remaining <= certificateExpiryCritical ? 'critical' : 'warning',
        subject: objectRef(cert),
        object: objectRef(cert),
        message: `Certificate ${name} expires in ${formatDuration(remaining)} (notAfter ${notAfter}) and is not being renewed although ${renewal}${because}.`,
        evidence,
        ...(cert.status.renewalTime ? { firstSeen: cert.status.renewalTime } : {}),
        related,
      });
    }
    return findings;
  },
};
