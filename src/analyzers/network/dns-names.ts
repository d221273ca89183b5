// Names that cannot be resolved in DNS: a label over 63 characters, a name over 253, or characters
// outside letters, digits and inner hyphens. The API server rejects most of these in Service names
// and Ingress hosts, but not in the external-dns hostname annotations, and dumps may predate its
// validation; a name that slipped through silently never resolves.
import type { ClusterReader } from '../../cluster/view.js';
import type { KubeObject } from '../../model/meta.js';
import { describeRef, objectRef } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';

const MAX_LABEL = 63;
const MAX_NAME = 253;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const EXTERNAL_DNS_ANNOTATIONS = ['external-dns.alpha.kubernetes.io/hostname', 'external-dns.alpha.kubernetes.io/internal-hostname'];

interface NameRules {
  /** `*` allowed as the whole first label. */
  readonly wildcard: boolean;
  /** Upper case allowed (DNS is case-insensitive; the Kubernetes API is not). */
  readonly anyCase: boolean;
  /** A trailing dot (an absolute name) allowed. */
  readonly absolute: boolean;
}

/** Why a host name is not valid in DNS, or undefined when it is. */
export function dnsNameProblem(name: string, rules: NameRules): string | undefined {
  if (name.length === 0) return 'is empty';
  const bare = rules.absolute && name.endsWith('.') ? name.slice(0, -1) : name;
  if (bare.length > MAX_NAME) return `is ${bare.length} characters long (over ${MAX_NAME})`;
  const labels = bare.split('.');
  for (const [index, label] of labels.entries()) {
    if (index === 0 && label === '*' && rules.wildcard && labels.length > 1) continue;
    if (label.length === 0) return 'has an empty label (two dots in a row, or a leading or trailing dot)';
    if (label.length > MAX_LABEL) return `has a label of ${label.length} characters (over ${MAX_LABEL}): "${label.slice(0, 20)}…"`;
    const normalised = rules.anyCase ? label.toLowerCase() : label;
    if (!LABEL.test(normalised)) {
      const caseHint = !rules.anyCase && LABEL.test(label.toLowerCase()) ? ' (upper case is not allowed here)' : '';
      return `has an invalid label "${label}": only a-z, 0-9 and inner "-" are allowed${caseHint}`;
    }
  }
  return undefined;
}

/** A Service name becomes a single DNS label, and must start with a letter (RFC 1035). */
function serviceNameProblem(name: string): string | undefined {
  if (name.length > MAX_LABEL) return `is ${name.length} characters long (over ${MAX_LABEL})`;
  if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(name)) return 'is not a DNS label: it must start with a letter and contain only a-z, 0-9 and inner "-"';
  return undefined;
}

interface NameProblem {
  readonly where: string;
  readonly name: string;
  readonly problem: string;
}

function annotationHosts(obj: KubeObject): NameProblem[] {
  const problems: NameProblem[] = [];
  for (const key of EXTERNAL_DNS_ANNOTATIONS) {
    const value = obj.metadata.annotations?.[key];
    if (value === undefined) continue;
    for (const host of value.split(',').map((h) => h.trim()).filter(Boolean)) {
      const problem = dnsNameProblem(host, { wildcard: true, anyCase: true, absolute: true });
      if (problem) problems.push({ where: `annotation ${key}`, name: host, problem });
    }
  }
  return problems;
}

function finding(obj: KubeObject, problems: readonly NameProblem[]): Finding {
  const [first] = problems;
  const ref = objectRef(obj);
  return {
    check: 'DNSNameInvalid',
    severity: 'critical',
    subject: ref,
    object: ref,
    message: `${describeRef(ref)} has an invalid DNS name: ${first?.where} "${first?.name}" ${first?.problem}.`,
    evidence: problems.map((p) => `${p.where} "${p.name}" ${p.problem}`),
  };
}

export const invalidDnsNames: Analyzer = {
  name: 'invalid-dns-names',
  description: 'Service names, ExternalName targets, Ingress and Istio hosts and external-dns hostnames that are not valid DNS names.',
  checks: ['DNSNameInvalid'],
  reads: [],
  optionalReads: ['Service', 'Ingress', 'VirtualService', 'Gateway', 'ServiceEntry', 'DestinationRule'],
  analyze({ view }) {
    const findings: Finding[] = [];
    if (view.has('Service')) {
      for (const service of view.list('Service')) {
        const problems: NameProblem[] = [];
        const nameProblem = serviceNameProblem(service.metadata.name);
        if (nameProblem) problems.push({ where: 'Service name', name: service.metadata.name, problem: nameProblem });
        const external = service.spec.type === 'ExternalName' ? service.spec.externalName : undefined;
        const externalProblem = external !== undefined ? dnsNameProblem(external, { wildcard: false, anyCase: true, absolute: true }) : undefined;
        if (external !== undefined && externalProblem) problems.push({ where: 'externalName', name: external, problem: externalProblem });
        problems.push(...annotationHosts(service));
        if (problems.length) findings.push(finding(service, problems));
      }
    }
    if (view.has('Ingress')) {
      for (const ingress of view.list('Ingress')) {
        const hosts = new Map<string, string>();
        for (const rule of ingress.spec.rules ?? []) if (rule.host !== undefined) hosts.set(rule.host, 'rule host');
        for (const tls of ingress.spec.tls ?? []) for (const host of tls.hosts ?? []) if (!hosts.has(host)) hosts.set(host, 'TLS host');
        const problems: NameProblem[] = [];
        for (const [host, where] of hosts) {
          const problem = dnsNameProblem(host, { wildcard: true, anyCase: false, absolute: false });
          if (problem) problems.push({ where, name: host, problem });
        }
        problems.push(...annotationHosts(ingress));
        if (problems.length) findings.push(finding(ingress, problems));
      }
    }
    findings.push(...istioHostFindings(view));
    return findings;
  },
};

/** Istio hosts: short names, FQDNs, `*` alone (every host) or a `*.` prefix; Gateway hosts may carry a `namespace/` prefix. */
function istioHostProblems(hosts: readonly string[], where: string, gatewayStyle: boolean): NameProblem[] {
  const problems: NameProblem[] = [];
  for (const raw of hosts) {
    const host = gatewayStyle && raw.includes('/') ? raw.slice(raw.indexOf('/') + 1) : raw;
    if (host === '*') continue;
    const problem = dnsNameProblem(host, { wildcard: true, anyCase: true, absolute: false });
    if (problem) problems.push({ where, name: raw, problem });
  }
  return problems;
}

function istioHostFindings(view: ClusterReader): Finding[] {
  const findings: Finding[] = [];
  const check = (obj: KubeObject, problems: readonly NameProblem[]): void => {
    if (problems.length) findings.push(finding(obj, problems));
  };
  if (view.has('VirtualService')) for (const vs of view.list('VirtualService')) check(vs, istioHostProblems(vs.spec.hosts, 'host', false));
  if (view.has('ServiceEntry')) for (const se of view.list('ServiceEntry')) check(se, istioHostProblems(se.spec.hosts, 'host', false));
  if (view.has('DestinationRule')) for (const dr of view.list('DestinationRule')) check(dr, istioHostProblems([dr.spec.host], 'host', false));
  if (view.has('Gateway')) for (const gw of view.list('Gateway')) check(gw, istioHostProblems(gw.spec.servers.flatMap((s) => s.hosts), 'server host', true));
  return findings;
}
