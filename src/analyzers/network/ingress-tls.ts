// Ingress TLS entries whose Secret does not exist: the controller then serves its default (self-
// signed) certificate and clients reject the connection. When cert-manager is expected to write
// the Secret, the finding names the Certificate that should, so a Certificate that is not ready
// shows as the root cause; and a freshly created Ingress gets the time issuance normally takes.
import type { ObjectRef } from '../../model/meta.js';
import type { Ingress } from '../../model/networking.js';
import { ageMs, objectRef } from '../evidence.js';
import type { AnalysisContext, Analyzer, Finding } from '../types.js';

const CERT_MANAGER_ISSUER_ANNOTATIONS = ['cert-manager.io/issuer', 'cert-manager.io/cluster-issuer'];

function usesCertManager(ingress: Ingress): boolean {
  return CERT_MANAGER_ISSUER_ANNOTATIONS.some((a) => ingress.metadata.annotations?.[a] !== undefined);
}

/**
 * The Certificate expected to write the Secret. cert-manager's ingress-shim names the Certificate
 * after the Secret, and hand-written Certificates usually follow the same convention.
 */
function expectedCertificate(ingress: Ingress, secretName: string): ObjectRef {
  return { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', name: secretName, ...(ingress.metadata.namespace ? { namespace: ingress.metadata.namespace } : {}) };
}

function stillIssuing(ctx: AnalysisContext, ingress: Ingress): boolean {
  const age = ageMs(ingress.metadata.creationTimestamp, ctx.now);
  return usesCertManager(ingress) && age !== undefined && age < ctx.settings.thresholds.certificateRequestPendingAfter;
}

export const ingressTlsSecrets: Analyzer = {
  name: 'ingress-tls-secrets',
  description: 'Ingress TLS entries whose secretName names no Secret.',
  checks: ['IngressTLSSecretMissing'],
  reads: ['Ingress', 'Secret'],
  analyze(ctx) {
    const { view } = ctx;
    const findings: Finding[] = [];
    for (const ingress of view.list('Ingress')) {
      if (ingress.metadata.deletionTimestamp || stillIssuing(ctx, ingress)) continue;
      const namespace = ingress.metadata.namespace ?? '';
      const seen = new Set<string>();
      for (const tls of ingress.spec.tls ?? []) {
        // No secretName: the controller's default certificate is wanted (or SNI passthrough).
        const secretName = tls.secretName;
        if (!secretName || seen.has(secretName) || view.get('Secret', namespace, secretName)) continue;
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
          related: [expectedCertificate(ingress, secretName)],
        });
      }
    }
    return findings;
  },
};
