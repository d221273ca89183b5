// NetworkPolicy semantics as the API defines them: a pod is isolated for a direction once any
// policy selecting it has that policy type, and then only what some such policy's rules allow
// gets through. Policies are additive: there is no deny rule.
import type { ClusterReader } from '../../cluster/view.js';
import { matchesLabelSelector } from '../../cluster/selectors.js';
import type { Pod } from '../../model/core.js';
import type { NetworkPolicy, NetworkPolicyPort } from '../../model/networking.js';

export type Direction = 'Ingress' | 'Egress';

/** policyTypes, defaulted as the API server does: always Ingress, Egress when egress rules exist. */
export function policyTypesOf(policy: NetworkPolicy): readonly Direction[] {
  if (policy.spec.policyTypes?.length) return policy.spec.policyTypes;
  return policy.spec.egress?.length ? ['Ingress', 'Egress'] : ['Ingress'];
}

/**
 * The policies that isolate a pod in a direction. hostNetwork pods share the node's network
 * namespace, which NetworkPolicy implementations do not filter: they are never isolated.
 */
export function isolatingPolicies(view: ClusterReader, pod: Pod, direction: Direction): readonly NetworkPolicy[] {
  if (pod.spec.hostNetwork) return [];
  return view
    .inNamespace('NetworkPolicy', pod.metadata.namespace ?? '')
    .filter((policy) => !policy.metadata.deletionTimestamp && policyTypesOf(policy).includes(direction) && matchesLabelSelector(pod.metadata.labels, policy.spec.podSelector));
}

/** A port on the receiving side: its number, its container port name when declared, its protocol. */
export interface PortOnPod {
  readonly number?: number;
  readonly name?: string;
  readonly protocol: string;
}

/** Whether a rule's ports list admits a port. An empty or missing list admits every port. */
export function portsAdmit(ports: readonly NetworkPolicyPort[] | null | undefined, target: PortOnPod): boolean {
  if (!ports?.length) return true;
  return ports.some((p) => {
    if ((p.protocol ?? 'TCP') !== target.protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'string') return p.port === target.name;
    if (target.number === undefined) return false;
    return p.endPort !== undefined ? target.number >= p.port && target.number <= p.endPort : target.number === p.port;
  });
}

export function describePolicies(policies: readonly NetworkPolicy[]): string {
  return [...new Set(policies.map((p) => `${p.metadata.namespace ?? ''}/${p.metadata.name}`))].sort().join(', ');
}
