// Ingress backends that cannot serve: a Service or Service port that does not exist, or a Service
// whose pods are none of them ready (the controller answers 503). The last case is the Service's
// own fault, so the finding names the Service in `related` and the root-cause rules link the two.
import type { Service } from '../../model/core.js';
import type { Ingress, IngressBackend } from '../../model/networking.js';
import { ageMs, objectRef, recheckWhenAged } from '../evidence.js';
import type { AnalysisContext, Analyzer, Finding } from '../types.js';
import { serviceBackendState } from './service-backends.js';

interface BackendUse {
  readonly service: string;
  readonly port?: { readonly name?: string; readonly number?: number };
  /** Where the Ingress uses it: `shop.example.com/api`, or `the default backend`. */
  readonly routes: string[];
}

function backendUses(ingress: Ingress): BackendUse[] {
  const uses = new Map<string, BackendUse>();
  const add = (backend: IngressBackend | undefined, route: string): void => {
    const service = backend?.service;
    if (!service) return;
    const key = `${service.name}:${service.port?.name ?? ''}:${service.port?.number ?? ''}`;
    const existing = uses.get(key);
    if (existing) existing.routes.push(route);
    else uses.set(key, { service: service.name, ...(service.port ? { port: service.port } : {}), routes: [route] });
  };
  add(ingress.spec.defaultBackend, 'the default backend');
  for (const rule of ingress.spec.rules ?? []) {
    for (const path of rule.http?.paths ?? []) add(path.backend, `${rule.host ?? '*'}${path.path ?? '/'}`);
  }
  return [...uses.values()];
}

function describeBackendPort(port: BackendUse['port']): string {
  if (!port) return 'no port';
  return port.name !== undefined ? `port "${port.name}"` : `port ${port.number ?? '?'}`;
}

function exposesPort(service: Service, port: BackendUse['port']): boolean {
  // ExternalName Services proxy to a host name; their ports list is optional and not enforced.
  if (!port || service.spec.type === 'ExternalName') return true;
  return (service.spec.ports ?? []).some((p) => (port.name !== undefined ? p.name === port.name : p.port === port.number));
}

/** Why the backend cannot serve, or undefined when it can (or the view cannot tell). */
function backendProblem(ctx: AnalysisContext, ingress: Ingress, use: BackendUse): { cause: string; evidence: string[]; service?: Service; firstSeen?: string } | undefined {
  const { view } = ctx;
  const service = view.get('Service', ingress.metadata.namespace, use.service);
  if (!service) return { cause: 'which does not exist', evidence: [`Service ${ingress.metadata.namespace ?? ''}/${use.service}: not found`] };
  if (!exposesPort(service, use.port)) {
    const ports = (service.spec.ports ?? []).map((p) => (p.name ? `${p.name}/${p.port}` : String(p.port))).join(', ') || 'none';
    return { cause: `whose ${describeBackendPort(use.port)} does not exist`, evidence: [`ports of the Service: ${ports}`], service };
  }
  if (!view.has('Pod')) return undefined;
  const state = serviceBackendState(ctx.view, service);
  const grace = ctx.settings.thresholds.serviceNoReadyEndpointsAfter;
  // Each state below turns into a problem once it has lasted the grace period.
  const since = state.type === 'selects-nothing' ? (state.reason ? undefined : service.metadata.creationTimestamp) : state.type === 'no-ready-endpoints' || state.type === 'no-pods' ? state.since : undefined;
  recheckWhenAged(ctx, since, grace, service.metadata.namespace);
  if (state.type === 'no-ready-endpoints' && (ageMs(state.since, ctx.now) ?? Infinity) >= grace) {
    return { cause: 'which has no ready endpoints', evidence: [`none of the ${state.pods.length} pods selected by the Service is ready`], service, ...(state.since ? { firstSeen: state.since } : {}) };
  }
  if (state.type === 'no-pods' && (ageMs(state.since, ctx.now) ?? Infinity) >= grace) {
    return { cause: 'which has no ready endpoints', evidence: ['the workloads behind the Service have created none of their pods'], service, ...(state.since ? { firstSeen: state.since } : {}) };
  }
  if (state.type === 'selects-nothing' && !state.reason && (ageMs(service.metadata.creationTimestamp, ctx.now) ?? Infinity) >= grace) {
    return { cause: 'whose selector matches no pod', evidence: ['the Service selects no pod'], service };
  }
  return undefined;
}

export const ingressBackends: Analyzer = {
  name: 'ingress-backends',
  description: 'Ingress rules and default backends that name a missing Service or port, or a Service with no ready endpoints.',
  checks: ['IngressBackendMissing'],
  reads: ['Ingress', 'Service'],
  optionalReads: ['Pod', 'EndpointSlice', 'Deployment', 'StatefulSet', 'DaemonSet'],
  analyze(ctx) {
    const findings: Finding[] = [];
    for (const ingress of ctx.view.list('Ingress')) {
      if (ingress.metadata.deletionTimestamp) continue;
      const name = `${ingress.metadata.namespace ?? ''}/${ingress.metadata.name}`;
      for (const use of backendUses(ingress)) {
        const problem = backendProblem(ctx, ingress, use);
        if (!problem) continue;
        const routes = use.routes.length > 3 ? `${use.routes.slice(0, 3).join(', ')} and ${use.routes.length - 3} more` : use.routes.join(', ');
        findings.push({
          check: 'IngressBackendMissing',
          severity: 'critical',
          subject: objectRef(ingress),
          object: objectRef(ingress),
          message: `Ingress ${name} routes ${routes} to Service ${use.service} (${describeBackendPort(use.port)}), ${problem.cause}.`,
          evidence: [`routes: ${use.routes.join(', ')}`, ...problem.evidence],
          ...(problem.firstSeen ? { firstSeen: problem.firstSeen } : {}),
          ...(problem.service ? { related: [objectRef(problem.service)] } : {}),
        });
      }
    }
    return findings;
  },
};
