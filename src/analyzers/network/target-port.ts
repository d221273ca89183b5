// Service ports whose targetPort no selected pod serves.
//
// Kubernetes resolves a named targetPort per pod from its containers' declared ports: a name no
// container declares leaves the pod out of that port's endpoints, so it is always a fault. A
// numeric targetPort needs no declaration at all (container ports are informational), so it is
// only flagged when the pods' declarations look complete (every container of every selected pod
// declares at least one port) and none of them is that number: then it is almost surely a typo or
// a stale port, and a container that serves on an undeclared port never triggers it.
import type { Pod, ServicePort } from '../../model/core.js';
import { objectRef } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';
import { describeDeclaredPorts, resolveTargetPort, selectorServicesWithBackends, servingContainers } from './service-backends.js';

function declaresEveryPort(pods: readonly Pod[]): boolean {
  return pods.every((pod) => servingContainers(pod).every((c) => (c.ports ?? []).length > 0));
}

function describePort(port: ServicePort): string {
  return `port ${port.name ? `${port.name} (${port.port})` : port.port}`;
}

export const serviceTargetPorts: Analyzer = {
  name: 'service-target-ports',
  description: 'Service ports whose targetPort is declared by no container of the selected pods.',
  checks: ['ServiceTargetPortMismatch'],
  reads: ['Service', 'Pod'],
  scope: 'subject',
  subjectKinds: ['Service'],
  analyze({ view }) {
    const findings: Finding[] = [];
    for (const { service, pods } of selectorServicesWithBackends(view)) {
      if (pods.length === 0) continue;
      for (const port of service.spec.ports ?? []) {
        const target = port.targetPort ?? port.port;
        const protocol = port.protocol ?? 'TCP';
        if (pods.some((pod) => resolveTargetPort(pod, target, protocol))) continue;
        const named = typeof target === 'string';
        if (!named && !declaresEveryPort(pods)) continue;
        const svc = `${service.metadata.namespace ?? ''}/${service.metadata.name}`;
        findings.push({
          check: 'ServiceTargetPortMismatch',
          severity: 'critical',
          subject: objectRef(service),
          object: objectRef(service),
          message: named
            ? `Service ${svc} ${describePort(port)} targets the named port "${target}" (${protocol}), which no container of its ${pods.length} selected pod${pods.length === 1 ? '' : 's'} declares.`
            : `Service ${svc} ${describePort(port)} targets port ${target}/${protocol}, but the containers of its ${pods.length} selected pod${pods.length === 1 ? '' : 's'} declare only other ports.`,
          evidence: [`targetPort: ${target} (${protocol})`, `ports declared by the selected pods: ${describeDeclaredPorts(pods)}`],
        });
      }
    }
    return findings;
  },
};
