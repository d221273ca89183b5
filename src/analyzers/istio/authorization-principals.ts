// AuthorizationPolicy principals naming a ServiceAccount that does not exist: the rule can never
// match, so an ALLOW policy silently denies the intended caller (or a DENY policy protects nothing).
import { objectRef } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';

/** `<trust domain>/ns/<namespace>/sa/<service account>`, the SPIFFE identity Istio gives a workload. */
const PRINCIPAL = /^(.+)\/ns\/([^/]+)\/sa\/([^/]+)$/;

export function principalServiceAccount(principal: string): { namespace: string; name: string } | undefined {
  const match = PRINCIPAL.exec(principal);
  const namespace = match?.[2];
  const name = match?.[3];
  // Prefix and suffix wildcards match many accounts: they name none in particular.
  if (!namespace || !name || namespace.includes('*') || name.includes('*')) return undefined;
  return { namespace, name };
}

export const istioAuthorizationPrincipals: Analyzer = {
  name: 'istio-authorization-principals',
  description: 'AuthorizationPolicy source principals that name a ServiceAccount which does not exist.',
  checks: ['IstioServiceAccountMissing'],
  reads: ['AuthorizationPolicy', 'ServiceAccount'],
  analyze({ view }) {
    const findings: Finding[] = [];
    for (const policy of view.list('AuthorizationPolicy')) {
      if (policy.metadata.deletionTimestamp) continue;
      const missing = new Map<string, { principal: string; namespace: string; name: string; at: string }>();
      policy.spec.rules.forEach((rule, i) => rule.from.forEach((from, j) => {
        for (const principal of from.source?.principals ?? []) {
          const account = principalServiceAccount(principal);
          if (!account || missing.has(principal) || view.get('ServiceAccount', account.namespace, account.name)) continue;
          // A namespace without any ServiceAccount in the view is one the view does not cover
          // (every namespace has "default"): nothing can be said about it.
          if (view.inNamespace('ServiceAccount', account.namespace).length === 0) continue;
          missing.set(principal, { principal, ...account, at: `rules[${i}].from[${j}]` });
        }
      }));
      if (missing.size === 0) continue;
      const list = [...missing.values()];
      const [first] = list;
      if (!first) continue;
      findings.push({
        check: 'IstioServiceAccountMissing',
        severity: 'warning',
        subject: objectRef(policy),
        object: objectRef(policy),
        message: `AuthorizationPolicy ${policy.metadata.namespace ?? ''}/${policy.metadata.name} (${policy.spec.action ?? 'ALLOW'}) names principal ${first.principal}, but ServiceAccount ${first.namespace}/${first.name} does not exist${list.length > 1 ? ` (and ${list.length - 1} more)` : ''}.`,
        evidence: list.flatMap((m) => [
          `${m.at}: principal ${m.principal}: ServiceAccount ${m.namespace}/${m.name} not found`,
          `ServiceAccounts in ${m.namespace}: ${view.inNamespace('ServiceAccount', m.namespace).map((sa) => sa.metadata.name).slice(0, 10).join(', ')}`,
        ]),
      });
    }
    return findings;
  },
};
