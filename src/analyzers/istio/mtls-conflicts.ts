// What the server side of a workload accepts (PeerAuthentication: mesh-wide in the root namespace,
// namespace-wide, per workload, per port) against what clients send it (DestinationRule
// trafficPolicy.tls.mode, per port and per subset). A STRICT server gets plain text or foreign TLS,
// or a DISABLE server gets Istio mTLS: every request fails.
import type { Pod, Service, ServicePort } from '../../model/core.js';
import type { DestinationRule, PeerAuthentication, TrafficPolicy } from '../../model/istio.js';
import type { ObjectRef } from '../../model/meta.js';
import { matchesEqualitySelector } from '../../cluster/selectors.js';
import type { ClusterReader } from '../../cluster/view.js';
import { subsetSelects } from './workload-labels.js';
import { objectRef } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';
import { ServiceRegistry, resolveHost } from './hosts.js';
import { ROOT_NAMESPACE, isLivePod, proxyContainerOf } from './mesh.js';

export type ServerMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE';

export interface EffectiveMtls {
  readonly mode: ServerMode;
  /** The PeerAuthentication that decided the mode; none when it is the mesh default (PERMISSIVE). */
  readonly from?: PeerAuthentication;
  readonly scope: 'default' | 'mesh' | 'namespace' | 'workload' | 'port';
}

const SERVER_MODES: readonly ServerMode[] = ['STRICT', 'PERMISSIVE', 'DISABLE'];

/** UNSET (or nothing) inherits from the level above. */
function modeOf(value: string | undefined): ServerMode | undefined {
  return SERVER_MODES.find((mode) => mode === value);
}

function hasSelector(pa: PeerAuthentication): boolean {
  return Object.keys(pa.spec.selector?.matchLabels ?? {}).length > 0;
}

/** When several policies apply at the same level, Istio uses the oldest. */
function oldest(policies: readonly PeerAuthentication[]): PeerAuthentication | undefined {
  return [...policies].sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || a.metadata.name.localeCompare(b.metadata.name))[0];
}

/**
 * The mTLS mode a pod's sidecar enforces on a (container) port: the workload policy's port-level
 * setting, else its mode, else the namespace policy, else the mesh policy, else PERMISSIVE; an
 * UNSET mode inherits from the level above.
 */
export function effectiveMtls(policies: readonly PeerAuthentication[], pod: Pod, port: number | undefined): EffectiveMtls {
  const namespace = pod.metadata.namespace ?? '';
  const mesh = oldest(policies.filter((pa) => pa.metadata.namespace === ROOT_NAMESPACE && !hasSelector(pa)));
  // In the root namespace the namespace-wide policy is the mesh-wide one.
  const ns = namespace === ROOT_NAMESPACE ? undefined : oldest(policies.filter((pa) => pa.metadata.namespace === namespace && !hasSelector(pa)));
  const workload = oldest(policies.filter((pa) => pa.metadata.namespace === namespace && hasSelector(pa) && matchesEqualitySelector(pod.metadata.labels, pa.spec.selector?.matchLabels)));
  let result: EffectiveMtls = { mode: 'PERMISSIVE', scope: 'default' };
  const levels = [[mesh, 'mesh'], [ns, 'namespace'], [workload, 'workload']] as const;
  for (const [pa, scope] of levels) {
    const mode = modeOf(pa?.spec.mtls?.mode);
    if (pa && mode) result = { mode, from: pa, scope };
  }
  const portMode = port !== undefined ? modeOf(workload?.spec.portLevelMtls?.[String(port)]?.mode) : undefined;
  if (workload && portMode) result = { mode: portMode, from: workload, scope: 'port' };
  return result;
}

/** The client TLS mode a traffic policy sets for a Service port: port-level first, then the policy's own. */
export function clientTlsMode(policy: TrafficPolicy | undefined, port: number): string | undefined {
  if (!policy) return undefined;
  const portLevel = policy.portLevelSettings.find((s) => s.port?.number === port)?.tls?.mode;
  return portLevel ?? policy.tls?.mode;
}

/** The container port a Service port sends to on this pod. */
function targetPortOn(pod: Pod, servicePort: ServicePort): number | undefined {
  const target = servicePort.targetPort ?? servicePort.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  return pod.spec.containers.flatMap((c) => c.ports ?? []).find((p) => p.name === target)?.containerPort;
}

function conflictOf(client: string, server: ServerMode): string | undefined {
  if (server === 'STRICT' && client !== 'ISTIO_MUTUAL') {
    return client === 'DISABLE' ? 'clients send plain text' : `clients originate their own TLS (${client})`;
  }
  if (server === 'DISABLE' && client === 'ISTIO_MUTUAL') return 'clients send Istio mutual TLS';
  return undefined;
}

function describePolicy(effective: EffectiveMtls): string {
  if (!effective.from) return 'the mesh default';
  const where = `PeerAuthentication ${effective.from.metadata.namespace ?? ''}/${effective.from.metadata.name}`;
  return effective.scope === 'port' ? `${where} (port-level)` : effective.scope === 'mesh' ? `${where} (mesh-wide)` : where;
}

interface Scope {
  readonly label: string;
  readonly policies: readonly (TrafficPolicy | undefined)[];
  readonly pods: readonly Pod[];
}

/** The rule's policy over all pods, and each subset's over the pods it selects (with their node's locality labels). */
function scopesOf(view: ClusterReader, rule: DestinationRule, pods: readonly Pod[]): Scope[] {
  return [
    { label: 'trafficPolicy', policies: [rule.spec.trafficPolicy], pods },
    ...rule.spec.subsets.map((subset) => ({
      label: `subset ${subset.name}`,
      // A subset's own policy wins over the rule's for the fields it sets.
      policies: [subset.trafficPolicy, rule.spec.trafficPolicy],
      pods: subset.labels && Object.keys(subset.labels).length > 0 ? pods.filter((pod) => subsetSelects(view, pod, subset.labels ?? {}) === 'match') : pods,
    })),
  ];
}

function ruleConflicts(view: ClusterReader, rule: DestinationRule, service: Service, pods: readonly Pod[], policies: readonly PeerAuthentication[]): { lines: string[]; related: ObjectRef[] } {
  const lines: string[] = [];
  const related = new Map<string, ObjectRef>();
  for (const scope of scopesOf(view, rule, pods)) {
    for (const servicePort of service.spec.ports ?? []) {
      const client = scope.policies.map((p) => clientTlsMode(p, servicePort.port)).find((m) => m !== undefined);
      // No explicit mode: auto mTLS matches whatever the server accepts.
      if (!client) continue;
      if (scope.label !== 'trafficPolicy' && client === clientTlsMode(rule.spec.trafficPolicy, servicePort.port)) continue;
      const clashes = new Map<string, { effective: EffectiveMtls; conflict: string; pods: string[] }>();
      for (const pod of scope.pods) {
        const effective = effectiveMtls(policies, pod, targetPortOn(pod, servicePort));
        const conflict = conflictOf(client, effective.mode);
        if (!conflict) continue;
        const key = `${describePolicy(effective)} ${effective.mode}`;
        const entry = clashes.get(key) ?? { effective, conflict, pods: [] };
        entry.pods.push(pod.metadata.name);
        clashes.set(key, entry);
      }
      for (const { effective, conflict, pods: names } of clashes.values()) {
        const where = scope.label === 'trafficPolicy' ? '' : ` (${scope.label})`;
        lines.push(`port ${servicePort.port}${where}: tls.mode ${client}, but ${describePolicy(effective)} makes ${names.length} pod${names.length === 1 ? '' : 's'} (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', ...' : ''}) ${effective.mode}: ${conflict}`);
        if (effective.from) related.set(`${effective.from.metadata.namespace ?? ''}/${effective.from.metadata.name}`, objectRef(effective.from));
      }
    }
  }
  return { lines, related: [...related.values()] };
}

export const istioMtlsConflicts: Analyzer = {
  name: 'istio-mtls-conflicts',
  description: 'DestinationRule client TLS modes that contradict the PeerAuthentication mTLS mode of the workloads behind the host.',
  checks: ['IstioMTLSConflict'],
  reads: ['DestinationRule', 'PeerAuthentication', 'Service', 'Pod'],
  optionalReads: ['Node'],
  analyze({ view }) {
    const registry = new ServiceRegistry(view, false);
    const policies = view.list('PeerAuthentication').filter((pa) => !pa.metadata.deletionTimestamp);
    const findings: Finding[] = [];
    for (const rule of view.list('DestinationRule')) {
      if (rule.metadata.deletionTimestamp || (rule.spec.exportTo.length > 0 && rule.spec.exportTo.every((e) => e === '~'))) continue;
      const namespace = rule.metadata.namespace ?? '';
      const service = registry.service(resolveHost(rule.spec.host, namespace));
      const selector = service?.spec.selector;
      if (!service || !selector || Object.keys(selector).length === 0) continue;
      // PeerAuthentication is enforced by the server's sidecar: pods without one accept anything.
      const pods = view.podsWithLabels(service.metadata.namespace ?? '', selector).filter((pod) => isLivePod(pod) && proxyContainerOf(pod) !== undefined);
      if (pods.length === 0) continue;
      const { lines, related } = ruleConflicts(view, rule, service, pods, policies);
      if (lines.length === 0) continue;
      findings.push({
        check: 'IstioMTLSConflict',
        severity: 'critical',
        subject: objectRef(rule),
        object: objectRef(rule),
        message: `DestinationRule ${namespace}/${rule.metadata.name} contradicts the mTLS mode of Service ${service.metadata.namespace ?? ''}/${service.metadata.name}: ${lines[0] ?? ''}.`,
        evidence: lines,
        related: [...related, objectRef(service)],
      });
    }
    return findings;
  },
};
