// Issuers that cannot sign: a Certificate's issuerRef naming an Issuer/ClusterIssuer that does not
// exist, or one whose Ready condition is not True. Issuers of other API groups (external issuers
// such as awspca.cert-manager.io) are not cert-manager's to judge and are never reported missing.
import type { Certificate, ClusterIssuer, Issuer } from '../../model/certmanager.js';
import { ageMs, describeRef, eventEvidence, formatDuration, objectRef, recheckWhenAged } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';
import { describeCondition, issuerNotReadyCondition, issuerTypeOf, resolveIssuer } from './chain.js';

const MAX_NAMED_CERTIFICATES = 5;

function certificateNames(certs: readonly Certificate[]): string {
  const names = certs.slice(0, MAX_NAMED_CERTIFICATES).map((c) => `${c.metadata.namespace ?? ''}/${c.metadata.name}`);
  const more = certs.length > MAX_NAMED_CERTIFICATES ? ` and ${certs.length - MAX_NAMED_CERTIFICATES} more` : '';
  return `${names.join(', ')}${more}`;
}

export const notReadyIssuers: Analyzer = {
  name: 'not-ready-issuers',
  description: 'Issuers and ClusterIssuers that Certificates use but that are missing or not Ready.',
  checks: ['CertificateIssuerNotReady'],
  reads: ['Certificate'],
  optionalReads: ['Issuer', 'ClusterIssuer', 'Event'],
  analyze(ctx) {
    const { view, now } = ctx;
    const grace = ctx.settings.thresholds.certificateIssuanceGrace;
    const findings: Finding[] = [];
    // One finding per broken issuer (the thing to fix), listing the Certificates it blocks.
    const users = new Map<Issuer | ClusterIssuer, Certificate[]>();
    for (const cert of view.list('Certificate')) {
      if (cert.metadata.deletionTimestamp) continue;
      const resolution = resolveIssuer(view, cert.metadata.namespace, cert.spec.issuerRef);
      if (resolution.type === 'found') {
        const list = users.get(resolution.issuer);
        if (list) list.push(cert);
        else users.set(resolution.issuer, [cert]);
      }
      // An Issuer applied a moment after its Certificate (GitOps ordering) is not missing yet.
      const certificateAge = ageMs(cert.metadata.creationTimestamp, now);
      if (resolution.type === 'missing') recheckWhenAged(ctx, cert.metadata.creationTimestamp, grace, cert.metadata.namespace);
      if (resolution.type !== 'missing' || (certificateAge !== undefined && certificateAge < grace)) continue;
      const name = `${cert.metadata.namespace ?? ''}/${cert.metadata.name}`;
      const knownKind = resolution.ref.kind === 'Issuer' || resolution.ref.kind === 'ClusterIssuer';
      const clusterIssuerOfSameName = resolution.ref.kind === 'Issuer' && view.has('ClusterIssuer') && view.get('ClusterIssuer', undefined, resolution.ref.name) !== undefined;
      findings.push({
        check: 'CertificateIssuerNotReady',
        severity: 'critical',
        subject: objectRef(cert),
        object: resolution.ref,
        message: knownKind
          ? `Certificate ${name} names ${describeRef(resolution.ref)}, which does not exist${clusterIssuerOfSameName ? ` (a ClusterIssuer ${resolution.ref.name} exists: set issuerRef.kind to ClusterIssuer)` : ''}.`
          : `Certificate ${name} names an issuer of kind ${resolution.ref.kind}, which cert-manager.io does not have (use Issuer or ClusterIssuer).`,
        evidence: [`issuerRef: name ${cert.spec.issuerRef.name}, kind ${cert.spec.issuerRef.kind ?? '(default Issuer)'}, group ${cert.spec.issuerRef.group ?? '(default cert-manager.io)'}`],
      });
    }
    for (const [issuer, certs] of users) {
      const notReady = issuerNotReadyCondition(issuer);
      const age = ageMs(notReady?.lastTransitionTime, now);
      // A CA Secret created just after its Issuer, or an ACME registration being retried: transient.
      if (notReady) recheckWhenAged(ctx, notReady.lastTransitionTime, grace, issuer.metadata.namespace);
      if (!notReady || (age !== undefined && age < grace)) continue;
      const ref = objectRef(issuer);
      const events = view.has('Event') ? view.eventsFor({ kind: issuer.kind, namespace: issuer.metadata.namespace, name: issuer.metadata.name }).filter((e) => e.type === 'Warning') : [];
      findings.push({
        check: 'CertificateIssuerNotReady',
        severity: 'critical',
        subject: ref,
        object: ref,
        message: `${describeRef(ref)} (${issuerTypeOf(issuer)}) is not ready${age !== undefined ? ` for ${formatDuration(age)}` : ''}${notReady.reason ? ` (${notReady.reason}${notReady.message ? `: ${notReady.message}` : ''})` : ''}, blocking ${certs.length} Certificate${certs.length === 1 ? '' : 's'}.`,
        evidence: [
          describeCondition(notReady),
          `Certificates using it: ${certificateNames(certs)}`,
          ...eventEvidence(events, ctx.settings.evidence.maxEvents),
        ],
        ...(notReady.lastTransitionTime ? { firstSeen: notReady.lastTransitionTime } : {}),
      });
    }
    return findings;
  },
};
