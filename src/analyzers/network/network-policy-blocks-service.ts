// Services that NetworkPolicies cut off: every pod behind the Service is isolated for ingress and
// no rule of the policies that isolate it admits any of the Service's target ports. A rule with
// any peer counts as allowing traffic (which clients the peers describe is the owner's intent, not
// something to second-guess), so this only catches deny-all and port lists that miss the Service.
import type { Pod, Service } from '../../model/core.js';
import type { NetworkPolicy } from '../../model/networking.js';
import { objectRef } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';
import { describePolicies, isolatingPolicies, portsAdmit } from './network-policy-semantics.js';
import type { PortOnPod } from './network-policy-semantics.js';
import { backendPods, resolveTargetPort, selectsPods } from './service-backends.js';

/** The Service's target ports as this pod serves them; undefined when one cannot be resolved (then nothing is claimed). */
function targetPortsOn(service: Service, pod: Pod): PortOnPod[] | undefined {
  const ports: PortOnPod[] = [];
  for (const port of service.spec.ports ?? []) {
    const target = port.targetPort ?? port.port;
    const protocol = port.protocol ?? 'TCP';
    const resolved = resolveTargetPort(pod, target, protocol);
    if (resolved) ports.push({ number: resolved.number, protocol, ...(resolved.name ? { name: resolved.name } : {}) });
    else if (typeof target === 'number') ports.push({ number: target, protocol });
    else return undefined;
  }
  return ports;
}

/** The policies that block the pod from every Service port, or undefined when some traffic gets in. */
function blockingPolicies(policies: readonly NetworkPolicy[], ports: readonly PortOnPod[]): readonly NetworkPolicy[] | undefined {
  if (policies.length === 0 || ports.length === 0) return undefined;
  const rules = policies.flatMap((p) => p.spec.ingress ?? []);
  const admitted = ports.some((port) => rules.some((rule) => portsAdmit(rule.ports, port)));
  return admitted ? undefined : policies;
}

export const networkPolicyBlockedServices: Analyzer = {
  name: 'network-policy-blocked-services',
  description: 'Services whose every pod is isolated for ingress by NetworkPolicies that admit no traffic to its ports.',
  checks: ['NetworkPolicyBlocksService'],
  reads: ['NetworkPolicy', 'Service', 'Pod'],
  analyze({ view }) {
    const findings: Finding[] = [];
    for (const service of view.list('Service')) {
      if (service.metadata.deletionTimestamp || !selectsPods(service)) continue;
      // Policies isolate the pods of their own namespace only: without one there, nothing is blocked
      // (and a pass at rest need not walk every Service's pods).
      if (view.inNamespace('NetworkPolicy', service.metadata.namespace ?? '').length === 0) continue;
      const pods = backendPods(view, service);
      if (pods.length === 0) continue;
      const blocking: NetworkPolicy[] = [];
      let portsShown: readonly PortOnPod[] = [];
      const allBlocked = pods.every((pod) => {
        const ports = targetPortsOn(service, pod);
        const policies = ports ? blockingPolicies(isolatingPolicies(view, pod, 'Ingress'), ports) : undefined;
        if (!policies || !ports) return false;
        blocking.push(...policies);
        portsShown = ports;
        return true;
      });
      if (!allBlocked) continue;
      const distinct = [...new Map(blocking.map((p) => [`${p.metadata.namespace ?? ''}/${p.metadata.name}`, p])).values()];
      const portList = portsShown.map((p) => `${p.number ?? p.name ?? '?'}/${p.protocol}`).join(', ');
      const names = describePolicies(blocking);
      const hasRules = distinct.some((p) => (p.spec.ingress ?? []).length > 0);
      findings.push({
        check: 'NetworkPolicyBlocksService',
        severity: 'warning',
        subject: objectRef(service),
        object: objectRef(service),
        message: `Service ${service.metadata.namespace ?? ''}/${service.metadata.name} is unreachable: NetworkPolicy ${names} isolate${distinct.length === 1 ? 's' : ''} all ${pods.length} of its pods for ingress and ${hasRules ? `no rule admits its port${portsShown.length === 1 ? '' : 's'} ${portList}` : `allow${distinct.length === 1 ? 's' : ''} no peer at all`}.`,
        evidence: [
          `isolating NetworkPolicies: ${names}`,
          `ingress rules: ${distinct.reduce((n, p) => n + (p.spec.ingress ?? []).length, 0)}`,
          `Service target ports: ${portList}`,
        ],
        related: distinct.map((p) => objectRef(p)),
      });
    }
    return findings;
  },
};
