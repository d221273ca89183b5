// A Gateway server is a listener on its gateway pods; traffic from outside reaches it only through a
// Service in front of those pods. istiod binds a server whose number is a Service port on that port's
// targetPort, and any other number as written, so a server port that is neither a port nor a
// targetPort of such a Service listens where nothing leads.
import type { Pod, Service } from '../../model/core.js';
import { matchesEqualitySelector } from '../../cluster/selectors.js';
import { objectRef } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';
import { describeGateway, gatewayPods, hasSelector } from './gateway-workloads.js';

/** The container port a Service's targetPort names on these pods (a number, or a port name). */
function targetPortNumbers(targetPort: number | string | undefined, port: number, pods: readonly Pod[]): number[] {
  if (targetPort === undefined) return [port];
  if (typeof targetPort === 'number') return [targetPort];
  if (/^\d+$/.test(targetPort)) return [Number(targetPort)];
  return pods.flatMap((pod) => pod.spec.containers.flatMap((c) => (c.ports ?? []).filter((p) => p.name === targetPort).map((p) => p.containerPort)));
}

/** Services in the pods' namespaces whose selector picks at least one of them. */
function servicesInFront(services: readonly Service[], pods: readonly Pod[]): Service[] {
  return services.filter((service) => service.spec.type !== 'ExternalName'
    && pods.some((pod) => pod.metadata.namespace === service.metadata.namespace && matchesEqualitySelector(pod.metadata.labels, service.spec.selector)));
}

export const istioGatewayServicePorts: Analyzer = {
  name: 'istio-gateway-service-ports',
  description: 'Gateway server ports that no Service in front of the gateway pods exposes.',
  checks: ['IstioGatewayPortNotOnService'],
  reads: ['Gateway', 'Pod', 'Service'],
  analyze({ view }) {
    const findings: Finding[] = [];
    for (const gateway of view.list('Gateway')) {
      if (gateway.metadata.deletionTimestamp || !hasSelector(gateway)) continue;
      // No pod: IstioGatewaySelectorNoPods. No Service: reached some other way, nothing to compare.
      const pods = gatewayPods(view, gateway);
      const namespaces = [...new Set(pods.map((pod) => pod.metadata.namespace ?? ''))];
      const services = servicesInFront(namespaces.flatMap((ns) => view.inNamespace('Service', ns)), pods);
      if (pods.length === 0 || services.length === 0) continue;
      const reachable = new Set<number>();
      for (const service of services) {
        const selected = pods.filter((pod) => pod.metadata.namespace === service.metadata.namespace && matchesEqualitySelector(pod.metadata.labels, service.spec.selector));
        for (const port of service.spec.ports ?? []) {
          if (port.protocol && port.protocol !== 'TCP') continue;
          reachable.add(port.port);
          for (const target of targetPortNumbers(port.targetPort, port.port, selected)) reachable.add(target);
        }
      }
      const missing = [...new Set(gateway.spec.servers.map((s) => s.port.number))].filter((port) => !reachable.has(port)).sort((a, b) => a - b);
      if (missing.length === 0) continue;
      const describeService = (s: Service): string => `Service ${s.metadata.namespace ?? ''}/${s.metadata.name}`;
      const exposed = services.map((s) => `${describeService(s)} ports: ${(s.spec.ports ?? []).map((p) => (p.targetPort !== undefined && String(p.targetPort) !== String(p.port) ? `${p.port}->${p.targetPort}` : `${p.port}`) + (p.protocol && p.protocol !== 'TCP' ? `/${p.protocol}` : '')).join(', ') || 'none'}`);
      findings.push({
        check: 'IstioGatewayPortNotOnService',
        severity: 'critical',
        subject: objectRef(gateway),
        object: objectRef(gateway),
        message: `${describeGateway(gateway)} serves port${missing.length === 1 ? '' : 's'} ${missing.join(', ')}, which ${services.map(describeService).join(', ')} in front of its gateway pods ${services.length === 1 ? 'does' : 'do'} not expose: nothing outside reaches ${missing.length === 1 ? 'that server' : 'those servers'}.`,
        evidence: [
          ...gateway.spec.servers.filter((s) => missing.includes(s.port.number)).map((s) => `server port ${s.port.number}${s.port.name ? ` (${s.port.name})` : ''}, hosts ${s.hosts.join(', ') || 'none'}: no Service port or targetPort ${s.port.number}`),
          ...exposed,
        ],
        related: services.map((service) => objectRef(service)),
      });
    }
    return findings;
  },
};
