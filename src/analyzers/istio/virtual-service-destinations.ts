// Where a VirtualService sends traffic: each route (and mirror) destination must name a host the
// mesh knows, a port that host exposes and, if it names a subset, one some DestinationRule defines;
// gateway routes to a Service with several ports must say which port.
import type { Service } from '../../model/core.js';
import type { DestinationRule, RouteDestination, VirtualService } from '../../model/istio.js';
import type { ObjectRef } from '../../model/meta.js';
import { objectRef } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';
import { boundGateways } from './gateway-refs.js';
import type { HostTarget } from './hosts.js';
import { ServiceRegistry, describeNamespaces, describeTarget, hostCovers, isExportedTo, judgedFrom, resolveHost } from './hosts.js';

export interface Destination {
  /** Where in the spec, e.g. `http[0].route[1]`. */
  readonly at: string;
  readonly destination: RouteDestination;
  readonly weight?: number;
}

export function destinationsOf(vs: VirtualService): Destination[] {
  const out: Destination[] = [];
  vs.spec.http.forEach((route, i) => {
    route.route.forEach((r, j) => out.push({ at: `http[${i}].route[${j}]`, destination: r.destination, ...(r.weight !== undefined ? { weight: r.weight } : {}) }));
    if (route.mirror) out.push({ at: `http[${i}].mirror`, destination: route.mirror });
    route.mirrors.forEach((m, j) => out.push({ at: `http[${i}].mirrors[${j}]`, destination: m.destination }));
  });
  for (const [protocol, routes] of [['tcp', vs.spec.tcp], ['tls', vs.spec.tls]] as const) {
    routes.forEach((route, i) => route.route.forEach((r, j) => out.push({ at: `${protocol}[${i}].route[${j}]`, destination: r.destination, ...(r.weight !== undefined ? { weight: r.weight } : {}) })));
  }
  return out;
}

/** DestinationRules for a host that one of the namespaces can see (exportTo), wildcards included. */
export function destinationRulesFor(rules: readonly DestinationRule[], host: string, from: readonly string[]): DestinationRule[] {
  return rules.filter((rule) => {
    const owner = rule.metadata.namespace ?? '';
    return from.some((ns) => isExportedTo(rule.spec.exportTo, owner, ns)) && hostCovers(resolveHost(rule.spec.host, owner), host);
  });
}

const describeVs = (vs: VirtualService): string => `VirtualService ${vs.metadata.namespace ?? ''}/${vs.metadata.name}`;

function uniqueRefs(refs: readonly ObjectRef[]): ObjectRef[] {
  const seen = new Map(refs.map((ref) => [`${ref.kind}/${ref.namespace ?? ''}/${ref.name}`, ref]));
  return [...seen.values()];
}

/** Hints for hosts written half-qualified (`reviews.bookinfo`), which Istio does not expand. */
function qualificationHint(registry: ServiceRegistry, host: string): string | undefined {
  const labels = host.split('.');
  if (labels.length < 2 || labels.length > 3 || (labels.length === 3 && labels[2] !== 'svc')) return undefined;
  const fqdn = `${labels[0] ?? ''}.${labels[1] ?? ''}.svc.cluster.local`;
  return registry.service(fqdn) ? `Istio does not expand "${host}": write the full name ${fqdn}` : undefined;
}

function hostProblems(registry: ServiceRegistry, vs: VirtualService, destinations: readonly Destination[]): string[] {
  const namespace = vs.metadata.namespace ?? '';
  const viewers = judgedFrom(vs.spec.exportTo, namespace);
  const problems: string[] = [];
  // Exported to no namespace (`~`), the VirtualService is applied nowhere: its hosts matter to nobody.
  if (viewers.length === 0) return problems;
  for (const { at, destination } of destinations) {
    const host = resolveHost(destination.host, namespace);
    if (!registry.canJudge(host)) continue;
    const { visible, hidden } = registry.lookup(host, viewers);
    if (visible.length > 0) continue;
    const shown = host === destination.host ? host : `${destination.host} (${host})`;
    if (hidden.length > 0) {
      problems.push(`${at}: host ${shown} is ${hidden.map(describeTarget).join(', ')}, not exported to ${describeNamespaces(viewers)}${viewers.length === 1 && viewers[0] === namespace ? '' : ', where the VirtualService applies'}`);
    } else {
      const hint = qualificationHint(registry, destination.host);
      problems.push(`${at}: host ${shown} matches no Service${registry.entriesLoaded ? ' or ServiceEntry' : ''}${hint ? ` (${hint})` : ''}`);
    }
  }
  return problems;
}

function subsetProblems(registry: ServiceRegistry, rules: readonly DestinationRule[], vs: VirtualService, destinations: readonly Destination[]): { problems: string[]; related: ObjectRef[] } {
  const namespace = vs.metadata.namespace ?? '';
  const viewers = judgedFrom(vs.spec.exportTo, namespace);
  if (viewers.length === 0) return { problems: [], related: [] };
  const problems: string[] = [];
  const related: ObjectRef[] = [];
  for (const { at, destination } of destinations) {
    if (!destination.subset) continue;
    const host = resolveHost(destination.host, namespace);
    const candidates = destinationRulesFor(rules, host, viewers);
    if (candidates.some((rule) => rule.spec.subsets.some((s) => s.name === destination.subset))) continue;
    const service = registry.service(host);
    if (service) related.push(objectRef(service));
    problems.push(candidates.length === 0
      ? `${at}: subset ${destination.subset} of ${host}: no DestinationRule for this host is visible in ${describeNamespaces(viewers)}`
      : `${at}: subset ${destination.subset} of ${host} is not among the subsets of ${candidates.map((r) => `DestinationRule ${r.metadata.namespace ?? ''}/${r.metadata.name} (${r.spec.subsets.map((s) => s.name).join(', ') || 'none'})`).join('; ')}`);
  }
  return { problems, related };
}

function portProblems(registry: ServiceRegistry, vs: VirtualService, destinations: readonly Destination[]): { problems: string[]; related: ObjectRef[] } {
  // Sidecars take the port from the listener the request came in on; a gateway cannot.
  if (boundGateways(vs).length === 0) return { problems: [], related: [] };
  const namespace = vs.metadata.namespace ?? '';
  const problems: string[] = [];
  const related: ObjectRef[] = [];
  for (const { at, destination } of destinations) {
    if (destination.port?.number !== undefined) continue;
    const service: Service | undefined = registry.service(resolveHost(destination.host, namespace));
    const ports = [...new Set((service?.spec.ports ?? []).map((p) => p.port))];
    if (!service || ports.length < 2) continue;
    related.push(objectRef(service));
    problems.push(`${at}: Service ${service.metadata.namespace ?? ''}/${service.metadata.name} has ports ${ports.join(', ')} and the destination names none`);
  }
  return { problems, related };
}

/** The ports a visible target offers, or undefined when it does not say (ExternalName, a ServiceEntry without ports). */
function targetPorts(target: HostTarget): number[] | undefined {
  if (target.kind === 'Service') {
    const ports = target.service.spec.ports ?? [];
    return target.service.spec.type === 'ExternalName' || ports.length === 0 ? undefined : ports.map((p) => p.port);
  }
  return target.entry.spec.ports.length > 0 ? target.entry.spec.ports.map((p) => p.number) : undefined;
}

/** Destinations naming a port that none of the Services or ServiceEntries behind the host exposes. */
function missingPorts(registry: ServiceRegistry, vs: VirtualService, destinations: readonly Destination[]): { problems: string[]; related: ObjectRef[] } {
  const namespace = vs.metadata.namespace ?? '';
  const viewers = judgedFrom(vs.spec.exportTo, namespace);
  const problems: string[] = [];
  const related: ObjectRef[] = [];
  if (viewers.length === 0) return { problems, related };
  for (const { at, destination } of destinations) {
    const port = destination.port?.number;
    if (port === undefined) continue;
    const host = resolveHost(destination.host, namespace);
    if (!registry.canJudge(host)) continue;
    const { visible } = registry.lookup(host, viewers);
    const offered = visible.map((target) => ({ target, ports: targetPorts(target) }));
    // Unknown host: IstioVirtualServiceHostNotFound. A target that does not list ports takes any.
    if (offered.length === 0 || offered.some(({ ports }) => !ports || ports.includes(port))) continue;
    for (const { target } of offered) related.push(objectRef(target.kind === 'Service' ? target.service : target.entry));
    problems.push(`${at}: port ${port} of ${destination.host}: ${offered.map(({ target, ports }) => `${describeTarget(target)} exposes ${[...new Set(ports)].join(', ')}`).join('; ')}`);
  }
  return { problems, related };
}

export const istioVirtualServiceDestinations: Analyzer = {
  name: 'istio-virtual-service-destinations',
  description: 'VirtualService route destinations naming an unknown host, an undefined subset, a port the destination does not expose, or no port of a multi-port Service behind a gateway.',
  checks: ['IstioVirtualServiceHostNotFound', 'IstioVirtualServiceSubsetNotFound', 'IstioVirtualServicePortRequired', 'IstioVirtualServicePortNotFound'],
  reads: ['VirtualService', 'Service'],
  optionalReads: ['ServiceEntry', 'DestinationRule'],
  analyze({ view }) {
    const registry = new ServiceRegistry(view, view.has('ServiceEntry'));
    const rules = view.has('DestinationRule') ? view.list('DestinationRule') : undefined;
    const findings: Finding[] = [];
    for (const vs of view.list('VirtualService')) {
      if (vs.metadata.deletionTimestamp) continue;
      const destinations = destinationsOf(vs);
      const ref = objectRef(vs);
      const hosts = hostProblems(registry, vs, destinations);
      if (hosts.length > 0) {
        findings.push({
          check: 'IstioVirtualServiceHostNotFound',
          severity: 'critical',
          subject: ref,
          object: ref,
          message: `${describeVs(vs)} routes to a host the mesh does not know: ${hosts[0] ?? ''}${hosts.length > 1 ? ` (and ${hosts.length - 1} more)` : ''}.`,
          evidence: hosts,
        });
      }
      // Without DestinationRules in the view every subset would look undefined.
      if (rules) {
        const subsets = subsetProblems(registry, rules, vs, destinations);
        if (subsets.problems.length > 0) {
          findings.push({
            check: 'IstioVirtualServiceSubsetNotFound',
            severity: 'critical',
            subject: ref,
            object: ref,
            message: `${describeVs(vs)} routes to a subset no DestinationRule defines: ${subsets.problems[0] ?? ''}${subsets.problems.length > 1 ? ` (and ${subsets.problems.length - 1} more)` : ''}.`,
            evidence: subsets.problems,
            ...(subsets.related.length > 0 ? { related: uniqueRefs(subsets.related) } : {}),
          });
        }
      }
      const missing = missingPorts(registry, vs, destinations);
      if (missing.problems.length > 0) {
        findings.push({
          check: 'IstioVirtualServicePortNotFound',
          severity: 'critical',
          subject: ref,
          object: ref,
          message: `${describeVs(vs)} routes to a port its destination does not expose: ${missing.problems[0] ?? ''}${missing.problems.length > 1 ? ` (and ${missing.problems.length - 1} more)` : ''}.`,
          evidence: missing.problems,
          related: uniqueRefs(missing.related),
        });
      }
      const ports = portProblems(registry, vs, destinations);
      if (ports.problems.length > 0) {
        findings.push({
          check: 'IstioVirtualServicePortRequired',
          severity: 'warning',
          subject: ref,
          object: ref,
          message: `${describeVs(vs)} is bound to a gateway and routes to a multi-port Service without a destination port: ${ports.problems[0] ?? ''}.`,
          evidence: ports.problems,
          related: uniqueRefs(ports.related),
        });
      }
    }
    return findings;
  },
};
