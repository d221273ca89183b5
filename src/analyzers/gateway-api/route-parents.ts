// HTTPRoutes and GRPCRoutes that no parent Gateway accepts, so that no request reaches them. Per
// parentRef, the implementation's word (the route's status.parents[].conditions Accepted) when it
// wrote one for this generation; else the references: a Gateway that does not exist, a sectionName
// or port no listener has, listeners whose allowedRoutes (namespaces, kinds) or hostname do not take
// the route, or a Gateway that itself does not serve (its finding is then the root cause). A route
// that one parent accepts works: another parent's refusal is not reported.
// Not namespace-local: a route may attach to a Gateway of another namespace.
import type { ParentReference } from '../../model/gateway-api.js';
import { GATEWAY_API_GATEWAY } from '../../model/gateway-api.js';
import type { ObjectRef } from '../../model/meta.js';
import { ageMs, formatDuration, objectRef, olderThan } from '../evidence.js';
import type { AnalysisContext, Analyzer, Finding } from '../types.js';
import type { Route } from './references.js';
import { currentCondition, describeCondition, describeParentRef, gatewayRef, isGatewayParent, parentStatusFor, resolveParent } from './references.js';

interface ParentVerdict {
  readonly ref: ParentReference;
  readonly accepted: boolean;
  /** Why not, in words, for the evidence. */
  readonly why?: string;
  /** Since when the refusal stands, when known (else the route's creation counts). */
  readonly since?: string;
  /** The implementation said so (not inferred from the references). */
  readonly fromStatus: boolean;
  /** The refusal is the Gateway's failure, not the route's: the Gateway's finding explains it. */
  readonly blamesGateway?: boolean;
}

function judgeParent(ctx: AnalysisContext, route: Route, ref: ParentReference): ParentVerdict | undefined {
  const parentStatus = parentStatusFor(route, ref);
  const accepted = parentStatus ? currentCondition(parentStatus.conditions, 'Accepted', route.metadata) : undefined;
  if (accepted?.status === 'True') return { ref, accepted: true, fromStatus: true };
  if (accepted) return { ref, accepted: false, fromStatus: true, why: `${parentStatus?.controllerName ? `${parentStatus.controllerName}: ` : ''}${describeCondition(accepted)}`, ...(accepted.lastTransitionTime ? { since: accepted.lastTransitionTime } : {}) };
  const resolution = resolveParent(ctx.view, route, ref);
  if (resolution.type === 'unknown') return undefined;
  if (resolution.type === 'refused') return { ref, accepted: false, fromStatus: false, why: resolution.reason };
  // The references hold. Status about an older generation: the implementation has yet to catch up.
  if (parentStatus) return undefined;
  // Without status from an implementation the route is only as good as its Gateway.
  const gatewayServes = currentCondition(resolution.gateway.status.conditions, 'Programmed', resolution.gateway.metadata)?.status === 'True';
  return gatewayServes
    ? { ref, accepted: false, fromStatus: false, why: `${describeParentRef(ref, route.metadata.namespace ?? '')} serves, but its implementation has written no status for this route` }
    : { ref, accepted: false, fromStatus: false, blamesGateway: true, why: `${describeParentRef(ref, route.metadata.namespace ?? '')} is not programmed by an implementation` };
}

/** The route kinds both route analyzers iterate. */
export function routesOf(ctx: AnalysisContext): Route[] {
  const { view } = ctx;
  return [...view.list('HTTPRoute'), ...(view.has('GRPCRoute') ? view.list('GRPCRoute') : [])];
}

export const notAcceptedRoutes: Analyzer = {
  name: 'http-route-not-accepted',
  description: 'HTTPRoutes and GRPCRoutes that no parent Gateway accepts.',
  checks: ['HTTPRouteNotAccepted'],
  // The standard channel installs both route kinds; GRPCRoutes are read when served.
  reads: ['HTTPRoute'],
  optionalReads: ['GRPCRoute', GATEWAY_API_GATEWAY, 'Namespace'],
  analyze(ctx) {
    const { settings } = ctx;
    const findings: Finding[] = [];
    for (const route of routesOf(ctx)) {
      if (route.metadata.deletionTimestamp) continue;
      const namespace = route.metadata.namespace ?? '';
      const gatewayParents = route.spec.parentRefs.filter(isGatewayParent);
      if (gatewayParents.length === 0) continue;
      const verdicts = gatewayParents.map((ref) => judgeParent(ctx, route, ref));
      // One accepting parent, or one that cannot be judged, and the route may well serve.
      if (verdicts.some((v) => v === undefined || v.accepted)) continue;
      const refusals = verdicts.filter((v): v is ParentVerdict => v !== undefined);
      // The implementation's refusals count from when it wrote them; an inference from the references
      // waits for the grace after the route's creation (objects applied together arrive in any order).
      const since = refusals.every((v) => v.fromStatus && v.since) ? refusals.map((v) => v.since ?? '').sort()[refusals.length - 1] : route.metadata.creationTimestamp;
      if (!olderThan(ctx, since, settings.thresholds.gatewayApiGrace, namespace)) continue;
      const age = ageMs(since, ctx.now);
      const related: ObjectRef[] = refusals.filter((v) => v.blamesGateway).map((v) => gatewayRef(v.ref.namespace ?? namespace, v.ref.name));
      findings.push({
        check: 'HTTPRouteNotAccepted',
        severity: 'critical',
        subject: objectRef(route),
        object: objectRef(route),
        message: `${route.kind} ${namespace}/${route.metadata.name} is not accepted by ${gatewayParents.length === 1 ? 'its parent' : `any of its ${gatewayParents.length} parents`}${age !== undefined ? ` (for ${formatDuration(age)})` : ''}: ${(refusals[0]?.why ?? 'no parent').replace(/\.$/, '')}.`,
        evidence: [
          ...refusals.map((v) => `parent ${describeParentRef(v.ref, namespace)}: ${v.why ?? 'not accepted'}${v.fromStatus ? '' : ' (from the references; no status from an implementation)'}`),
          ...(route.spec.hostnames.length ? [`hostnames: ${route.spec.hostnames.join(', ')}`] : []),
        ],
        ...(since ? { firstSeen: since } : {}),
        ...(related.length ? { related } : {}),
      });
    }
    return findings;
  },
};
