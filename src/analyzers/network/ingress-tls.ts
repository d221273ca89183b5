// Ingress TLS entries whose Secret does not exist: the controller then serves its default (self-
// signed) certificate and clients reject the connection. When cert-manager is expected to write
// the Secret, the finding names the Certificate that should, so a Certificate that is not ready
// shows as the root cause; and a freshly created Ingress gets the time issuance normally takes.
import type { Certificate } from '../../model/certmanager.js';
import type { ObjectRef } from '../../model/meta.js';
import type { Ingress } from '../../model/networking.js';
import { ageMs, objectRef, recheckWhenAged } from '../evidence.js';
import type { AnalysisContext, Analyzer, Finding } from '../types.js';

const CERT_MANAGER_ISSUER_ANNOTATIONS = ['cert-manager.io/issuer', 'cert-manager.io/cluster-issuer'];

function usesCertManager(ingress: Ingress): boolean {
  return CERT_MANAGER_ISSUER_ANNOTATIONS.some((a) => ingress.metadata.annotations?.[a] !== undefined);
}

function certificatesWriting(ctx: AnalysisContext, namespace: string, secretName: string): readonly Certificate[] {
  return ctx.view.has('Certificate') ? ctx.view.inNamespace('Certificate', namespace).filter((c) => c.spec.secretName === secretName) : [];
}

/**
 * The Certificates expected to write the Secret: those in view whose secretName it is, else the
 * one cert-manager's ingress-shim would create, which it names after the Secret.
 */
function expectedCertificates(ctx: AnalysisContext, ingress: Ingress, secretName: string): ObjectRef[] {
  const namespace = ingress.metadata.namespace ?? '';
  const inView = certificatesWriting(ctx, namespace, secretName);
  if (inView.length) return inView.map((c) => objectRef(c));
  return [{ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', name: secretName, ...(namespace ? { namespace } : {}) }];
}

/** cert-manager is expected to write the Secret and has not had the time issuance normally takes. */
function stillIssuing(ctx: AnalysisContext, ingress: Ingress, secretName: string): boolean {
  const certificates = certificatesWriting(ctx, ingress.metadata.namespace ?? '', secretName);
  if (!usesCertManager(ingress) && certificates.length === 0) return false;
  const started = [ingress.metadata.creationTimestamp, ...certificates.map((c) => c.metadata.creationTimestamp)];
  const youngest = Math.min(...started.map((t) => ageMs(t, ctx.now) ?? Infinity));
  // Issuing no longer once the youngest of them is older than the threshold.
  for (const t of started) recheckWhenAged(ctx, t, ctx.settings.thresholds.certificateRequestPendingAfter, ingress.metadata.namespace);
  return youngest < ctx.settings.thresholds.certificateRequestPendingAfter;
}

export const ingressTlsSecrets: Analyzer = {
  name: 'ingress-tls-secrets',
  description: 'Ingress TLS entries whose secretName names no Secret.',
  checks: ['IngressTLSSecretMissing'],
  reads: ['Ingress', 'Secret'],
  optionalReads: ['Certificate'],
  analyze(ctx) {
    const { view } = ctx;
    const findings: Finding[] = [];
    for (const ingress of view.list('Ingress')) {
      if (ingress.metadata.deletionTimestamp) continue;
      const namespace = ingress.metadata.namespace ?? '';
      const seen = new Set<string>();
      for (const tls of ingress.spec.tls ?? []) {
        // No secretName: the controller's default certificate is wanted (or SNI passthrough).
        const secretName = tls.secretName;
        if (!secretName || seen.has(secretName) || view.get('Secret', namespace, secretName) || stillIssuing(ctx, ingress, secretName)) continue;
        seen.add(secretName);
        const hosts = tls.hosts?.length ? tls.hosts.join(', ') : 'all hosts';
        const issuer = CERT_MANAGER_ISSUER_ANNOTATIONS.map((a) => (ingress.metadata.annotations?.[a] ? `${a}: ${ingress.metadata.annotations[a]}` : undefined)).filter((s): s is string => Boolean(s));
        findings.push({
          check: 'IngressTLSSecretMissing',
          severity: 'critical',
          subject: objectRef(ingress),
          object: objectRef(ingress),
          message: `Ingress ${namespace}/${ingress.metadata.name} serves TLS for ${hosts} from Secret ${secretName}, which does not exist.`,
          evidence: [`Secret ${namespace}/${secretName}: not found`, `TLS hosts: ${hosts}`, ...issuer],
          related: expectedCertificates(ctx, ingress, secretName),
        });
      }
    }
    return findings;
  },
};
