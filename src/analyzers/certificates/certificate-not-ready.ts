// Certificates that are not Ready, with the link of the issuance chain where issuing fails.
import type { ClusterReader } from '../../cluster/view.js';
import type { ObjectRef } from '../../model/meta.js';
import { findCondition, refOf } from '../../model/meta.js';
import { ageMs, formatDuration, objectRef, recheckWhenAged } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';
import { findCertManagerComponents } from './cert-manager-components.js';
import {
  certificateWarningEvents, chainEvidence, chainRefs, describeCondition, failurePoint, issuanceChain, issuanceInProgress, resolveIssuer, tidy,
} from './chain.js';

/** The cert-manager controller Deployments: when they are down, no Certificate makes progress. */
function controllerRefs(view: ClusterReader): ObjectRef[] {
  if (!view.has('Deployment')) return [];
  return findCertManagerComponents(view).filter((c) => c.component === 'controller').map((c) => refOf(c.deployment));
}

export const notReadyCertificates: Analyzer = {
  name: 'not-ready-certificates',
  description: 'Certificates whose Ready condition is not True, traced through their request, ACME order and challenges.',
  checks: ['CertificateNotReady'],
  reads: ['Certificate'],
  optionalReads: ['CertificateRequest', 'Order', 'Challenge', 'Issuer', 'ClusterIssuer', 'Event', 'Deployment'],
  analyze(ctx) {
    const { view, now } = ctx;
    const grace = ctx.settings.thresholds.certificateIssuanceGrace;
    const findings: Finding[] = [];
    const controllers = controllerRefs(view);
    for (const cert of view.list('Certificate')) {
      if (cert.metadata.deletionTimestamp) continue;
      const name = `${cert.metadata.namespace ?? ''}/${cert.metadata.name}`;
      const ready = findCondition(cert.status.conditions, 'Ready');
      if (ready?.status === 'True') continue;
      // A Certificate nobody has looked at yet, or whose first issuance just started, is not a problem yet.
      const since = ready?.lastTransitionTime ?? cert.metadata.creationTimestamp;
      const age = ageMs(since, now);
      recheckWhenAged(ctx, since, grace, cert.metadata.namespace);
      if (age !== undefined && age < grace) continue;
      if (issuanceInProgress(cert, ctx, grace)) continue;
      const chain = issuanceChain(view, cert);
      const issuer = resolveIssuer(view, cert.metadata.namespace, cert.spec.issuerRef);
      const failing = failurePoint(chain, issuer);
      const state = ready
        ? `is not ready${ready.reason ? ` (${ready.reason}${tidy(ready.message) ? `: ${tidy(ready.message)}` : ''})` : ''}`
        : 'has no Ready condition (cert-manager has not processed it)';
      const duration = age !== undefined ? ` for ${formatDuration(age)}` : '';
      const issuing = findCondition(cert.status.conditions, 'Issuing');
      findings.push({
        check: 'CertificateNotReady',
        severity: 'critical',
        subject: objectRef(cert),
        object: objectRef(cert),
        message: `Certificate ${name} ${state}${duration}${failing ? `; issuance fails because ${failing}` : ''}.`,
        evidence: [
          `Secret: ${cert.spec.secretName}`,
          ...(ready ? [describeCondition(ready)] : []),
          ...(issuing ? [describeCondition(issuing)] : []),
          ...(cert.status.failedIssuanceAttempts ? [`failed issuance attempts: ${cert.status.failedIssuanceAttempts}${cert.status.lastFailureTime ? `, last at ${cert.status.lastFailureTime}` : ''}`] : []),
          ...chainEvidence(chain, issuer),
          ...certificateWarningEvents(view, cert, chain.request?.metadata.name, ctx.settings.evidence.maxEvents),
        ],
        ...(since ? { firstSeen: since } : {}),
        related: [...chainRefs(chain, issuer), objectRef(cert), ...controllers],
      });
    }
    return findings;
  },
};
