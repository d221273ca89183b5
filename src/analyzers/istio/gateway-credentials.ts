// Gateway TLS servers whose credentialName Secret does not exist where the gateway pods run:
// the server's listener is not served (TLS handshakes fail) until the Secret appears.
import type { ObjectRef } from '../../model/meta.js';
import { objectRef } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';
import { describeGateway, gatewayPods } from './gateway-workloads.js';

/** Modes in which the gateway terminates TLS with a certificate of its own. */
const TERMINATING_MODES = new Set(['SIMPLE', 'MUTUAL', 'OPTIONAL_MUTUAL']);

/** The Secret name of a credentialName, or undefined for a non-Kubernetes source (sds://, file paths). */
export function credentialSecretName(credentialName: string): string | undefined {
  const name = credentialName.startsWith('kubernetes://') ? credentialName.slice('kubernetes://'.length) : credentialName;
  return name.includes('://') || name.includes('/') ? undefined : name;
}

export const istioGatewayCredentials: Analyzer = {
  name: 'istio-gateway-credentials',
  description: "Gateway servers whose credentialName Secret is missing from the gateway pods' namespace.",
  checks: ['IstioGatewayTLSSecretMissing'],
  reads: ['Gateway', 'Pod', 'Secret'],
  optionalReads: ['Certificate'],
  analyze({ view }) {
    const findings: Finding[] = [];
    for (const gateway of view.list('Gateway')) {
      if (gateway.metadata.deletionTimestamp) continue;
      // No gateway pod, no namespace to look in: IstioGatewaySelectorNoPods says so.
      const namespaces = [...new Set(gatewayPods(view, gateway).map((pod) => pod.metadata.namespace ?? ''))].sort();
      if (namespaces.length === 0) continue;
      const missing: { port: number; secret: string; namespace: string }[] = [];
      for (const server of gateway.spec.servers) {
        const credential = server.tls?.credentialName;
        if (!credential || !TERMINATING_MODES.has(server.tls?.mode ?? '')) continue;
        const secret = credentialSecretName(credential);
        if (!secret) continue;
        for (const namespace of namespaces) {
          if (!view.get('Secret', namespace, secret)) missing.push({ port: server.port.number, secret, namespace });
        }
      }
      if (missing.length === 0) continue;
      // The cert-manager Certificates meant to write these Secrets: their failure explains this one.
      const certificates = view.has('Certificate')
        ? missing.flatMap(({ secret, namespace }) => view.inNamespace('Certificate', namespace).filter((c) => c.spec.secretName === secret))
        : [];
      const related: ObjectRef[] = certificates.map((c) => objectRef(c));
      const [first] = missing;
      findings.push({
        check: 'IstioGatewayTLSSecretMissing',
        severity: 'critical',
        subject: objectRef(gateway),
        object: objectRef(gateway),
        message: `${describeGateway(gateway)} serves TLS on port ${first?.port ?? ''} with credentialName ${first?.secret ?? ''}, but Secret ${first?.namespace ?? ''}/${first?.secret ?? ''} does not exist in the gateway pods' namespace.`,
        evidence: [
          ...missing.map((m) => `port ${m.port}: Secret ${m.namespace}/${m.secret} not found`),
          `gateway pods run in: ${namespaces.join(', ')}`,
          ...[...new Set(missing.map((m) => m.secret))]
            .filter((secret) => !namespaces.includes(gateway.metadata.namespace ?? '') && view.get('Secret', gateway.metadata.namespace, secret))
            .map((secret) => `Secret ${secret} exists in the Gateway's namespace ${gateway.metadata.namespace ?? ''}, but gateways read credentials from their own namespace`),
          ...certificates.map((c) => `Certificate ${c.metadata.namespace ?? ''}/${c.metadata.name} is meant to write Secret ${c.spec.secretName}`),
        ],
        ...(related.length > 0 ? { related } : {}),
      });
    }
    return findings;
  },
};
