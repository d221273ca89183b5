// Istio picks a Service port's protocol from its appProtocol or from the port name's prefix
// (`http-web`, `grpc`); without either it falls back to sniffing, which breaks server-first
// protocols and disables HTTP routing features for the port.
import type { ServicePort } from '../../model/core.js';
import { objectRef } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';
import { isMeshedNamespace } from './mesh.js';

/** Protocols Istio recognises in a port name: the name is one of them, or starts with one and a dash. */
export const PORT_NAME_PROTOCOLS: readonly string[] = ['http', 'http2', 'https', 'grpc', 'grpc-web', 'tcp', 'tls', 'udp', 'mongo', 'mysql', 'redis'];

/** Transport protocols the sidecar does not proxy: their port names do not matter to Istio. */
const UNPROXIED_TRANSPORTS = new Set(['UDP', 'SCTP']);

export function declaresProtocol(port: ServicePort): boolean {
  if (port.appProtocol) return true;
  const name = (port.name ?? '').toLowerCase();
  return PORT_NAME_PROTOCOLS.some((protocol) => name === protocol || name.startsWith(`${protocol}-`));
}

function describePort(port: ServicePort): string {
  return `${port.name ? `"${port.name}"` : '(unnamed)'} ${port.port}/${port.protocol ?? 'TCP'}`;
}

export const istioPortNames: Analyzer = {
  name: 'istio-port-names',
  description: 'Service ports in meshed namespaces whose protocol Istio cannot tell from a name prefix or appProtocol.',
  checks: ['IstioPortNameConvention'],
  reads: ['Service'],
  optionalReads: ['Namespace', 'Pod'],
  analyze({ view }) {
    const findings: Finding[] = [];
    for (const namespace of view.namespaces()) {
      const services = view.inNamespace('Service', namespace);
      if (services.length === 0) continue;
      const ns = view.has('Namespace') ? view.get('Namespace', undefined, namespace) : undefined;
      const pods = view.has('Pod') ? view.inNamespace('Pod', namespace) : [];
      if (!isMeshedNamespace(ns, pods)) continue;
      for (const service of services) {
        if (service.spec.type === 'ExternalName') continue;
        const unnamed = (service.spec.ports ?? []).filter((port) => !UNPROXIED_TRANSPORTS.has(port.protocol ?? 'TCP') && !declaresProtocol(port));
        if (unnamed.length === 0) continue;
        const ports = unnamed.map(describePort);
        findings.push({
          check: 'IstioPortNameConvention',
          severity: 'warning',
          subject: objectRef(service),
          object: objectRef(service),
          message: `Service ${namespace}/${service.metadata.name} in meshed namespace ${namespace} has ${unnamed.length === 1 ? 'port' : 'ports'} ${ports.join(', ')} without a protocol prefix or appProtocol, so Istio has to guess the protocol.`,
          evidence: [
            ...unnamed.map((port) => `port ${describePort(port)}: name has no prefix of ${PORT_NAME_PROTOCOLS.join(', ')}; appProtocol not set`),
            'name ports <protocol>[-<suffix>] (e.g. http-web, grpc, tcp-postgres) or set spec.ports[].appProtocol',
          ],
        });
      }
    }
    return findings;
  },
};

