// GatewayClasses that no implementation accepted: refused (Accepted=False: invalid parameters, an
// unsupported version of the CRDs) or never looked at (Accepted still the CRD's default Unknown
// "Waiting for controller": no controller of that controllerName runs). Every Gateway of the class
// is dead with it; their findings name the class as the root cause.
import { GATEWAY_API_GATEWAY } from '../../model/gateway-api.js';
import { findCondition } from '../../model/meta.js';
import { formatDuration, objectRef, olderThan, ageMs } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';
import { currentCondition, describeCondition, laterOf } from './references.js';

export const notAcceptedGatewayClasses: Analyzer = {
  name: 'gateway-class-not-accepted',
  description: 'Gateway API GatewayClasses that their controller has refused or never accepted.',
  checks: ['GatewayClassNotAccepted'],
  reads: ['GatewayClass'],
  optionalReads: [GATEWAY_API_GATEWAY],
  analyze(ctx) {
    const { view, settings } = ctx;
    const findings: Finding[] = [];
    for (const gatewayClass of view.list('GatewayClass')) {
      if (gatewayClass.metadata.deletionTimestamp) continue;
      const accepted = currentCondition(gatewayClass.status.conditions, 'Accepted', gatewayClass.metadata);
      if (accepted?.status === 'True') continue;
      const written = findCondition(gatewayClass.status.conditions, 'Accepted');
      // Refused: since the refusal; never answered: since the class (or its last change) appeared.
      const since = accepted ? laterOf(accepted.lastTransitionTime, gatewayClass.metadata.creationTimestamp) : laterOf(written?.lastTransitionTime, gatewayClass.metadata.creationTimestamp);
      if (!olderThan(ctx, since, settings.thresholds.gatewayApiGrace, undefined)) continue;
      const age = ageMs(since, ctx.now) ?? 0;
      const name = gatewayClass.metadata.name;
      const controller = gatewayClass.spec.controllerName;
      const gateways = view.has(GATEWAY_API_GATEWAY) ? view.list(GATEWAY_API_GATEWAY).filter((g) => g.spec.gatewayClassName === name) : [];
      const why = accepted
        ? `its controller ${controller} refused it${accepted.reason ? ` (${accepted.reason})` : ''}${accepted.message ? `: ${accepted.message.replace(/\.$/, '')}` : ''}`
        : `no controller ${controller} has accepted it for ${formatDuration(age)} (is the implementation installed and running?)`;
      findings.push({
        check: 'GatewayClassNotAccepted',
        severity: 'critical',
        subject: objectRef(gatewayClass),
        object: objectRef(gatewayClass),
        message: `GatewayClass ${name} is not accepted: ${why}.`,
        evidence: [
          `controllerName: ${controller}`,
          written ? `condition ${describeCondition(written)}${accepted ? '' : ' (no controller has given a verdict on this generation)'}` : 'no Accepted condition',
          ...(view.has(GATEWAY_API_GATEWAY) ? [gateways.length ? `Gateways of this class: ${gateways.map((g) => `${g.metadata.namespace ?? ''}/${g.metadata.name}`).join(', ')}` : 'no Gateway uses this class'] : []),
        ],
        ...(since ? { firstSeen: since } : {}),
      });
    }
    return findings;
  },
};
