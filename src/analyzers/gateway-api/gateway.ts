// Gateways that do not serve: not Accepted or not Programmed by their implementation, listeners
// that conflict or whose certificateRefs or route kinds do not resolve, and, where no
// implementation wrote status, what the references show: a class that does not exist or that no
// controller accepted (then the class's finding is the root cause), a certificate Secret missing.
import type { ClusterReader } from '../../cluster/view.js';
import type { GatewayApiGateway, SecretObjectReference } from '../../model/gateway-api.js';
import { GATEWAY_API_GATEWAY } from '../../model/gateway-api.js';
import type { ObjectRef } from '../../model/meta.js';
import { findCondition } from '../../model/meta.js';
import { ageMs, formatDuration, objectRef, olderThan } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';
import { currentCondition, describeCondition, laterOf, referenceGranted } from './references.js';

/** Listener conditions that say the listener does not work, with the status that says so. */
const LISTENER_TROUBLE: readonly (readonly [string, 'True' | 'False'])[] = [['Conflicted', 'True'], ['ResolvedRefs', 'False'], ['Accepted', 'False'], ['Programmed', 'False']];

/** Per listener that does not work, its bad conditions in words. */
function listenerTroubles(gateway: GatewayApiGateway): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const listener of gateway.status.listeners) {
    for (const [type, bad] of LISTENER_TROUBLE) {
      const c = currentCondition(listener.conditions, type, gateway.metadata);
      if (c?.status === bad) out.set(listener.name, [...(out.get(listener.name) ?? []), describeCondition(c)]);
    }
  }
  return out;
}

function describeSecretRef(ref: SecretObjectReference, namespace: string): string {
  return `${ref.kind ?? 'Secret'} ${ref.namespace ?? namespace}/${ref.name}`;
}

/** Listener certificateRefs that do not resolve, from the objects (Secrets are seen by metadata only). */
function certificateProblems(view: ClusterReader, gateway: GatewayApiGateway): string[] {
  if (!view.has('Secret')) return [];
  const namespace = gateway.metadata.namespace ?? '';
  const out: string[] = [];
  for (const listener of gateway.spec.listeners) {
    for (const ref of listener.tls?.certificateRefs ?? []) {
      if ((ref.group ?? '') !== '' || (ref.kind ?? 'Secret') !== 'Secret') continue;
      const secretNamespace = ref.namespace ?? namespace;
      if (secretNamespace !== namespace && view.has('ReferenceGrant') && !referenceGranted(view, 'Gateway', namespace, secretNamespace, '', 'Secret', ref.name)) {
        out.push(`listener ${listener.name}: certificateRef ${describeSecretRef(ref, namespace)} is in another namespace and no ReferenceGrant there allows it`);
      } else if (!view.get('Secret', secretNamespace, ref.name)) {
        out.push(`listener ${listener.name}: certificateRef ${describeSecretRef(ref, namespace)} does not exist`);
      }
    }
  }
  return out;
}

interface Verdict {
  readonly cause: string;
  readonly since: string | undefined;
  readonly related: readonly ObjectRef[];
}

/** Why the Gateway does not serve, or undefined when it does (as far as can be told). */
function verdictOf(view: ClusterReader, gateway: GatewayApiGateway, troubles: ReadonlyMap<string, readonly string[]>): Verdict | undefined {
  const { metadata } = gateway;
  const className = gateway.spec.gatewayClassName;
  const gatewayClass = view.has('GatewayClass') ? view.get('GatewayClass', undefined, className) : undefined;
  const classRef: ObjectRef[] = gatewayClass ? [objectRef(gatewayClass)] : [];
  const accepted = currentCondition(gateway.status.conditions, 'Accepted', metadata);
  const programmed = currentCondition(gateway.status.conditions, 'Programmed', metadata);
  if (accepted?.status === 'False') return { cause: `its implementation did not accept it${reasonOf(accepted)}`, since: accepted.lastTransitionTime, related: classRef };
  if (programmed?.status === 'False') return { cause: `it is not programmed${reasonOf(programmed)}`, since: programmed.lastTransitionTime, related: classRef };
  if (accepted || programmed) {
    // Status is current: the Gateway serves, unless a listener does not.
    const [first] = troubles;
    if (!first) return undefined;
    const count = troubles.size === 1 ? `listener ${first[0]} does` : `${troubles.size} listeners do`;
    return { cause: `${count} not work (${troubles.size === 1 ? '' : `${first[0]}: `}${first[1][0] ?? ''})`, since: undefined, related: classRef };
  }
  // No implementation wrote status for this generation: what the references show.
  const since = laterOf(findCondition(gateway.status.conditions, 'Accepted')?.lastTransitionTime, metadata.creationTimestamp);
  if (view.has('GatewayClass') && !gatewayClass) return { cause: `its GatewayClass ${className} does not exist`, since, related: [] };
  const classAccepted = gatewayClass ? currentCondition(gatewayClass.status.conditions, 'Accepted', gatewayClass.metadata) : undefined;
  if (gatewayClass && classAccepted?.status !== 'True') return { cause: `its GatewayClass ${className} is not accepted by a controller, so nothing reconciles it`, since, related: classRef };
  return { cause: `no controller has reconciled it${gatewayClass ? ` (the class's controller is ${gatewayClass.spec.controllerName})` : ''}`, since, related: classRef };
}

const reasonOf = (c: { reason?: string | undefined; message?: string | undefined }): string => `${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message.replace(/\.$/, '')}` : ''}`;

export const notProgrammedGateways: Analyzer = {
  name: 'gateway-not-programmed',
  description: 'Gateway API Gateways not accepted or programmed by their implementation, or with listeners that do not work.',
  checks: ['GatewayNotProgrammed'],
  reads: [GATEWAY_API_GATEWAY],
  optionalReads: ['GatewayClass', 'Secret', 'ReferenceGrant'],
  analyze(ctx) {
    const { view, settings } = ctx;
    const findings: Finding[] = [];
    for (const gateway of view.list(GATEWAY_API_GATEWAY)) {
      if (gateway.metadata.deletionTimestamp) continue;
      const troubles = listenerTroubles(gateway);
      const verdict = verdictOf(view, gateway, troubles);
      if (!verdict) continue;
      const namespace = gateway.metadata.namespace;
      // A listener the implementation calls broken is reported at once; everything else after the grace.
      if (verdict.since !== undefined && !olderThan(ctx, verdict.since, settings.thresholds.gatewayApiGrace, namespace)) continue;
      const statusWritten = gateway.status.conditions.filter((c) => c.type === 'Accepted' || c.type === 'Programmed');
      const certificates = certificateProblems(view, gateway);
      const age = ageMs(verdict.since, ctx.now);
      findings.push({
        check: 'GatewayNotProgrammed',
        severity: 'critical',
        subject: objectRef(gateway),
        object: objectRef(gateway),
        message: `Gateway ${namespace ?? ''}/${gateway.metadata.name} does not serve${age !== undefined ? ` (for ${formatDuration(age)})` : ''}: ${verdict.cause}.`,
        evidence: [
          `gatewayClassName: ${gateway.spec.gatewayClassName}`,
          ...statusWritten.map((c) => `condition ${describeCondition(c)}`),
          ...[...troubles].map(([listener, conditions]) => `listener ${listener}: ${conditions.join('; ')}`),
          ...certificates,
          `listeners: ${gateway.spec.listeners.map((l) => `${l.name} ${l.protocol}/${l.port}${l.hostname ? ` ${l.hostname}` : ''}`).join(', ') || 'none'}`,
          ...(gateway.status.addresses.length ? [`addresses: ${gateway.status.addresses.map((a) => a.value).join(', ')}`] : ['no address assigned']),
        ],
        ...(verdict.since ? { firstSeen: verdict.since } : {}),
        ...(verdict.related.length ? { related: verdict.related } : {}),
      });
    }
    return findings;
  },
};
