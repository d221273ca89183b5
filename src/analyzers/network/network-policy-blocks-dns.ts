// Pods that cannot resolve names: isolated for egress by NetworkPolicies of which no rule admits
// port 53. A rule counts when it admits port 53 (UDP or TCP, by number, range or the DNS pods'
// port name) or all ports, towards any peer: where the peers point is not second-guessed.
import { ROLL_UP_KINDS } from '../../cluster/view.js';
import type { ClusterReader } from '../../cluster/view.js';
import type { Pod } from '../../model/core.js';
import type { NetworkPolicy } from '../../model/networking.js';
import type { ObjectRef } from '../../model/meta.js';
import { isPodTerminal, objectRef } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';
import { describePolicies, isolatingPolicies, portsAdmit } from './network-policy-semantics.js';
import { CLUSTER_DNS_LABEL, CLUSTER_DNS_NAMESPACE } from './service-backends.js';

const DNS_PORT = 53;

/** Names a rule may use for the DNS port: CoreDNS's own (`dns`, `dns-tcp`) and whatever the DNS pods declare on 53. */
function dnsPortNames(view: ClusterReader): ReadonlySet<string> {
  const names = new Set(['dns', 'dns-tcp', 'dns-udp']);
  for (const pod of view.inNamespace('Pod', CLUSTER_DNS_NAMESPACE)) {
    if (pod.metadata.labels?.[CLUSTER_DNS_LABEL.key] !== CLUSTER_DNS_LABEL.value) continue;
    for (const c of pod.spec.containers) for (const p of c.ports ?? []) if (p.containerPort === DNS_PORT && p.name) names.add(p.name);
  }
  return names;
}

function allowsDns(policies: readonly NetworkPolicy[], names: ReadonlySet<string>): boolean {
  const targets = ['UDP', 'TCP'].flatMap((protocol) => [{ number: DNS_PORT, protocol }, ...[...names].map((name) => ({ number: DNS_PORT, name, protocol }))]);
  return policies.some((p) => (p.spec.egress ?? []).some((rule) => targets.some((t) => portsAdmit(rule.ports, t))));
}

export const networkPolicyBlockedDns: Analyzer = {
  name: 'network-policy-blocked-dns',
  description: 'Pods isolated for egress by NetworkPolicies that admit no DNS traffic (port 53).',
  checks: ['NetworkPolicyBlocksDNS'],
  reads: ['NetworkPolicy', 'Pod'],
  optionalReads: [...ROLL_UP_KINDS],
  analyze({ view }) {
    const names = dnsPortNames(view);
    const groups = new Map<string, { subject: ObjectRef; pods: Pod[]; policies: NetworkPolicy[] }>();
    // Only a namespace with a NetworkPolicy can isolate a pod (policies select pods of their own namespace).
    const pods = view.namespaces().filter((ns) => view.inNamespace('NetworkPolicy', ns).length > 0).flatMap((ns) => view.inNamespace('Pod', ns));
    for (const pod of pods) {
      if (isPodTerminal(pod) || pod.metadata.deletionTimestamp) continue;
      const policies = isolatingPolicies(view, pod, 'Egress');
      if (policies.length === 0 || allowsDns(policies, names)) continue;
      const subject = view.subjectOf(pod);
      const key = `${subject.kind}/${subject.namespace ?? ''}/${subject.name}`;
      const group = groups.get(key) ?? { subject, pods: [], policies: [] };
      group.pods.push(pod);
      group.policies.push(...policies);
      groups.set(key, group);
    }
    const findings: Finding[] = [];
    for (const { subject, pods, policies } of groups.values()) {
      const [first] = pods;
      if (!first) continue;
      const policyNames = describePolicies(policies);
      const who = subject.kind === 'Pod' ? `Pod ${subject.namespace ?? ''}/${subject.name} is` : `${pods.length} pod${pods.length === 1 ? '' : 's'} of ${subject.kind} ${subject.namespace ?? ''}/${subject.name} ${pods.length === 1 ? 'is' : 'are'}`;
      findings.push({
        check: 'NetworkPolicyBlocksDNS',
        severity: 'critical',
        subject,
        object: objectRef(first),
        message: `${who} isolated for egress by NetworkPolicy ${policyNames} with no rule allowing DNS (port 53), so name lookups fail.`,
        evidence: [
          `isolating NetworkPolicies (Egress): ${policyNames}`,
          `egress rules: ${[...new Set(policies)].reduce((n, p) => n + (p.spec.egress ?? []).length, 0)}, none admits port 53/UDP or 53/TCP`,
          `pods: ${pods.slice(0, 5).map((p) => p.metadata.name).join(', ')}${pods.length > 5 ? ` and ${pods.length - 5} more` : ''}`,
        ],
        related: [...new Map(policies.map((p) => [`${p.metadata.namespace ?? ''}/${p.metadata.name}`, objectRef(p)])).values()],
      });
    }
    return findings;
  },
};
