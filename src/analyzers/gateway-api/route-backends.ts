// HTTPRoute and GRPCRoute backendRefs that do not resolve: requests matched by the rule get a 500
// (or, for all-invalid backends, nothing). The implementation's word is the route's per-parent
// ResolvedRefs condition (BackendNotFound, RefNotPermitted, InvalidKind, UnsupportedProtocol); where
// no implementation wrote one for this generation, the references: a Service that does not exist,
// a port it does not have, a Service of another namespace without a ReferenceGrant that allows it.
// Backends of other kinds (ServiceImport, implementation-specific) are judged by status only.
// Not namespace-local: backends and their ReferenceGrants may live in another namespace.
import type { Condition } from '../../model/meta.js';
import { ageMs, formatDuration, objectRef, olderThan } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';
import { backendProblem, currentCondition, describeCondition } from './references.js';
import { routesOf } from './route-parents.js';

export const unresolvedRouteBackends: Analyzer = {
  name: 'http-route-backend-not-found',
  description: 'HTTPRoutes and GRPCRoutes whose backendRefs name a missing Service or port, or cross namespaces without a ReferenceGrant.',
  checks: ['HTTPRouteBackendNotFound'],
  reads: ['HTTPRoute'],
  optionalReads: ['GRPCRoute', 'Service', 'ReferenceGrant'],
  analyze(ctx) {
    const { view, settings } = ctx;
    const findings: Finding[] = [];
    for (const route of routesOf(ctx)) {
      if (route.metadata.deletionTimestamp) continue;
      const namespace = route.metadata.namespace ?? '';
      const resolved = route.status.parents
        .map((p) => ({ controller: p.controllerName, condition: currentCondition(p.conditions, 'ResolvedRefs', route.metadata) }))
        .filter((p): p is { controller: string | undefined; condition: Condition } => p.condition !== undefined);
      const refused = resolved.filter((p) => p.condition.status === 'False');
      // An implementation that resolved every reference for this generation knows better than the view.
      if (resolved.length > 0 && refused.length === 0) continue;
      const problems = [...new Set(route.spec.rules.flatMap((rule) => rule.backendRefs.map((ref) => backendProblem(view, route, ref)).filter((p): p is string => p !== undefined)))];
      if (refused.length === 0 && problems.length === 0) continue;
      const since = refused.length ? refused.map((p) => p.condition.lastTransitionTime ?? '').sort()[0] || route.metadata.creationTimestamp : route.metadata.creationTimestamp;
      if (!olderThan(ctx, since, settings.thresholds.gatewayApiGrace, namespace)) continue;
      const age = ageMs(since, ctx.now);
      const first = problems[0] ?? refused[0]?.condition.message ?? refused[0]?.condition.reason ?? 'a backendRef does not resolve';
      findings.push({
        check: 'HTTPRouteBackendNotFound',
        severity: 'critical',
        subject: objectRef(route),
        object: objectRef(route),
        message: `${route.kind} ${namespace}/${route.metadata.name} has ${problems.length > 1 ? `${problems.length} backends that do` : 'a backend that does'} not resolve${age !== undefined ? ` (for ${formatDuration(age)})` : ''}: ${first.replace(/\.$/, '')}.`,
        evidence: [
          ...refused.map((p) => `${p.controller ? `${p.controller}: ` : ''}condition ${describeCondition(p.condition)}`),
          ...problems,
          `backendRefs: ${route.spec.rules.flatMap((r) => r.backendRefs.map((b) => `${b.kind ?? 'Service'} ${b.namespace ?? namespace}/${b.name}${b.port !== undefined ? `:${b.port}` : ''}`)).join(', ') || 'none'}`,
        ],
        ...(since ? { firstSeen: since } : {}),
      });
    }
    return findings;
  },
};
