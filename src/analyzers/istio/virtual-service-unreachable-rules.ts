// Istio tries a VirtualService's HTTP routes in order and takes the first whose match holds. A route
// is dead when earlier routes take every request it would match: an earlier route without match
// takes everything, and an earlier match takes a later one when each condition it sets follows from
// the later one's conditions. Only what can be proven is reported: regular expressions are compared
// as written (or against an exact value), never with one another.
import type { HttpMatchRequest, StringMatch, VirtualService } from '../../model/istio.js';
import { objectRef } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';
import { gatewayKey, parseGatewayRef } from './gateway-refs.js';

type Condition = Readonly<Record<string, StringMatch>>;

const isEmptyMatch = (m: StringMatch): boolean => m.exact === undefined && m.prefix === undefined && m.regex === undefined;

/** Whether `pattern` (RE2, matched against the whole value) matches `value`, as far as JavaScript can tell. */
function regexMatches(pattern: string, value: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`, 'u').test(value);
  } catch {
    return false;
  }
}

/** Whether every value `later` accepts is accepted by `earlier`. An empty StringMatch accepts any value. */
export function stringMatchCovers(earlier: StringMatch, later: StringMatch, ignoreCase = false): boolean {
  if (isEmptyMatch(earlier)) return true;
  const fold = (v: string | undefined): string | undefined => (ignoreCase ? v?.toLowerCase() : v);
  if (earlier.exact !== undefined) return later.exact !== undefined && fold(later.exact) === fold(earlier.exact);
  if (earlier.prefix !== undefined) {
    const value = fold(later.exact ?? later.prefix);
    return value !== undefined && value.startsWith(fold(earlier.prefix) ?? '');
  }
  if (earlier.regex !== undefined) {
    if (later.regex !== undefined) return later.regex === earlier.regex;
    return later.exact !== undefined && !ignoreCase && regexMatches(earlier.regex, later.exact);
  }
  return false;
}

function lowerKeys(record: Condition | null | undefined): Condition {
  return Object.fromEntries(Object.entries(record ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
}

function conditionsCover(earlier: Condition | null | undefined, later: Condition | null | undefined, caseInsensitiveKeys: boolean): boolean {
  const e = caseInsensitiveKeys ? lowerKeys(earlier) : (earlier ?? {});
  const l = caseInsensitiveKeys ? lowerKeys(later) : (later ?? {});
  return Object.entries(e).every(([key, match]) => {
    const other = l[key];
    return other !== undefined && stringMatchCovers(match, other);
  });
}

function sameMatch(a: StringMatch, b: StringMatch): boolean {
  return a.exact === b.exact && a.prefix === b.prefix && a.regex === b.regex;
}

/** The gateways a match applies on: its own list, else the VirtualService's (default: the sidecars). */
function matchGateways(match: HttpMatchRequest, vs: VirtualService): Set<string> {
  const namespace = vs.metadata.namespace ?? '';
  const written = match.gateways.length > 0 ? match.gateways : vs.spec.gateways.length > 0 ? vs.spec.gateways : ['mesh'];
  return new Set(written.map((g) => gatewayKey(parseGatewayRef(g, namespace))));
}

/** Whether every request `later` matches is matched by `earlier` (both of the same VirtualService). */
export function matchCovers(earlier: HttpMatchRequest, later: HttpMatchRequest, vs: VirtualService): boolean {
  if (earlier.uri) {
    if (!later.uri) return isEmptyMatch(earlier.uri);
    // A case-sensitive URI match does not take the other cases a case-insensitive one accepts.
    if (later.ignoreUriCase && !earlier.ignoreUriCase && !isEmptyMatch(earlier.uri)) return false;
    if (!stringMatchCovers(earlier.uri, later.uri, earlier.ignoreUriCase ?? false)) return false;
  }
  for (const field of ['scheme', 'method', 'authority'] as const) {
    const e = earlier[field];
    if (!e) continue;
    const l = later[field];
    if (l ? !stringMatchCovers(e, l) : !isEmptyMatch(e)) return false;
  }
  if (!conditionsCover(earlier.headers, later.headers, true)) return false;
  if (!conditionsCover(earlier.queryParams, later.queryParams, false)) return false;
  // Requests the earlier match excludes by header must be excluded by the later one too.
  const laterWithout = lowerKeys(later.withoutHeaders);
  if (!Object.entries(lowerKeys(earlier.withoutHeaders)).every(([key, m]) => { const l = laterWithout[key]; return l !== undefined && sameMatch(l, m); })) return false;
  if (earlier.port !== undefined && later.port !== earlier.port) return false;
  if (earlier.sourceNamespace !== undefined && later.sourceNamespace !== earlier.sourceNamespace) return false;
  const laterLabels = later.sourceLabels ?? {};
  if (!Object.entries(earlier.sourceLabels ?? {}).every(([k, v]) => laterLabels[k] === v)) return false;
  const earlierGateways = matchGateways(earlier, vs);
  return [...matchGateways(later, vs)].every((g) => earlierGateways.has(g));
}

/** A route's matches; an HTTP route without match (or with one without conditions) takes every request. */
function matchesOf(route: VirtualService['spec']['http'][number]): HttpMatchRequest[] | 'everything' {
  return route.match.length === 0 ? 'everything' : route.match;
}

const routeName = (route: VirtualService['spec']['http'][number], index: number): string => `http[${index}]${route.name ? ` (${route.name})` : ''}`;

/** For each unreachable route, why: which earlier routes take its requests. */
export function unreachableRoutes(vs: VirtualService): string[] {
  const routes = vs.spec.http;
  const out: string[] = [];
  routes.forEach((route, i) => {
    if (i === 0) return;
    const catchAll = routes.slice(0, i).findIndex((r) => r.match.length === 0);
    if (catchAll >= 0) {
      out.push(`${routeName(route, i)} comes after ${routeName(routes[catchAll] ?? route, catchAll)}, which has no match and takes every request`);
      return;
    }
    const matches = matchesOf(route);
    if (matches === 'everything') {
      // A catch-all after matches is the normal fallback, unless the earlier matches take everything.
      return;
    }
    const takers = new Set<number>();
    const allTaken = matches.every((m) => {
      const j = routes.slice(0, i).findIndex((r) => r.match.some((e) => matchCovers(e, m, vs)));
      if (j >= 0) takers.add(j);
      return j >= 0;
    });
    if (allTaken) {
      out.push(`${routeName(route, i)} is shadowed: every request it matches is taken first by ${[...takers].sort((a, b) => a - b).map((j) => routeName(routes[j] ?? route, j)).join(', ')}`);
    }
  });
  return out;
}

export const istioVirtualServiceUnreachableRules: Analyzer = {
  name: 'istio-virtual-service-unreachable-rules',
  description: 'HTTP routes of a VirtualService that earlier routes of the same VirtualService always take first.',
  checks: ['IstioVirtualServiceUnreachableRule'],
  reads: ['VirtualService'],
  scope: 'namespace',
  analyze({ view }) {
    const findings: Finding[] = [];
    for (const vs of view.list('VirtualService')) {
      if (vs.metadata.deletionTimestamp) continue;
      const lines = unreachableRoutes(vs);
      if (lines.length === 0) continue;
      findings.push({
        check: 'IstioVirtualServiceUnreachableRule',
        severity: 'warning',
        subject: objectRef(vs),
        object: objectRef(vs),
        message: `VirtualService ${vs.metadata.namespace ?? ''}/${vs.metadata.name} has ${lines.length === 1 ? 'an HTTP route' : `${lines.length} HTTP routes`} that can never match: ${lines[0] ?? ''}.`,
        evidence: lines,
      });
    }
    return findings;
  },
};
