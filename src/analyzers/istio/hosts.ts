// Istio host names: how a host in a VirtualService or DestinationRule resolves (short names are
// relative to the object's namespace, names with a dot are taken as written), which Services and
// ServiceEntries it names, and whether those are exported to the namespace that refers to them.
import type { ClusterReader } from '../../cluster/view.js';
import type { Service } from '../../model/core.js';
import type { ServiceEntry } from '../../model/istio.js';

export const CLUSTER_DOMAIN = 'cluster.local';
/** Services can be hidden from other namespaces with this annotation (comma-separated exportTo). */
export const SERVICE_EXPORT_TO_ANNOTATION = 'networking.istio.io/exportTo';

/**
 * Istio's rule: a name without a dot is a short name in the referring object's namespace; a name
 * with a dot (even `reviews.bookinfo`) and a wildcard are used as written.
 */
export function resolveHost(host: string, namespace: string): string {
  if (host.startsWith('*') || host.includes('.') || isIpAddress(host)) return host;
  return `${host}.${namespace}.svc.${CLUSTER_DOMAIN}`;
}

function isIpAddress(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');
}

/** Whether `pattern` (exact, `*`, or `*.suffix`) covers `host`. */
export function hostCovers(pattern: string, host: string): boolean {
  if (pattern === host || pattern === '*') return true;
  if (!pattern.startsWith('*')) return false;
  const suffix = pattern.slice(1);
  // `*.example.com` covers `a.example.com` and `*.a.example.com`, not `example.com`.
  return host.endsWith(suffix) && host.length > suffix.length;
}

/** Two host patterns overlap when either covers the other. */
export function hostsOverlap(a: string, b: string): boolean {
  return hostCovers(a, b) || hostCovers(b, a);
}

/** The namespaces an object is visible in: everywhere, or a set of namespace names (possibly empty). */
export type Audience = { readonly everywhere: true } | { readonly everywhere: false; readonly namespaces: ReadonlySet<string> };

/**
 * exportTo as Istio reads it: empty or `*` means every namespace; `.` is the owner's own namespace
 * (never a namespace called "."); `~` alone means none; any other entry names a namespace.
 */
export function exportedTo(exportTo: readonly string[], owner: string): Audience {
  if (exportTo.length === 0 || exportTo.includes('*')) return { everywhere: true };
  const namespaces = new Set(exportTo.filter((entry) => entry !== '~').map((entry) => (entry === '.' ? owner : entry)));
  return { everywhere: false, namespaces };
}

export function isExportedTo(exportTo: readonly string[], owner: string, to: string): boolean {
  const audience = exportedTo(exportTo, owner);
  return audience.everywhere || audience.namespaces.has(to);
}

/** Whether some namespace sees both. */
export function audiencesOverlap(a: Audience, b: Audience): boolean {
  if (a.everywhere) return b.everywhere || b.namespaces.size > 0;
  if (b.everywhere) return a.namespaces.size > 0;
  return [...a.namespaces].some((ns) => b.namespaces.has(ns));
}

/**
 * The namespaces from which a VirtualService's destinations must be visible: the sidecars that
 * apply it are those of the namespaces it is exported to. Exported everywhere (the default), its
 * own namespace is the one that must see them, as Istio's analyzer judges it; exported to listed
 * namespaces, any of them seeing a destination is enough.
 */
export function judgedFrom(exportTo: readonly string[], owner: string): string[] {
  const audience = exportedTo(exportTo, owner);
  return audience.everywhere ? [owner] : [...audience.namespaces].sort();
}

/** `<name>.<namespace>.svc.<domain>`: the host of a Kubernetes Service, whatever the cluster domain. */
const SERVICE_HOST = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc\.(.+)$/;

export function serviceHostParts(host: string): { name: string; namespace: string } | undefined {
  const match = SERVICE_HOST.exec(host);
  return match?.[1] && match[3] ? { name: match[1], namespace: match[3] } : undefined;
}

export function serviceHost(service: Service): string {
  return `${service.metadata.name}.${service.metadata.namespace ?? ''}.svc.${CLUSTER_DOMAIN}`;
}

export function isClusterLocalHost(host: string): boolean {
  return serviceHostParts(host) !== undefined || /\.svc\.[^*]+$/.test(host) || host.endsWith('.svc') || host.endsWith(`.${CLUSTER_DOMAIN}`);
}

export type HostTarget =
  | { readonly kind: 'Service'; readonly service: Service; readonly namespace: string; readonly exportTo: readonly string[] }
  | { readonly kind: 'ServiceEntry'; readonly entry: ServiceEntry; readonly host: string; readonly namespace: string; readonly exportTo: readonly string[] };

export interface HostLookup {
  /** Services and ServiceEntries the host names that the referring namespace can see. */
  readonly visible: readonly HostTarget[];
  /** Those it names but that are not exported to the referring namespace. */
  readonly hidden: readonly HostTarget[];
}

function serviceExportTo(service: Service): string[] {
  const value = service.metadata.annotations?.[SERVICE_EXPORT_TO_ANNOTATION];
  return value ? value.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

/**
 * The mesh's service registry as far as the view shows it. Callers must declare Service (and
 * ServiceEntry, when `entriesLoaded`) in their analyzer's reads.
 */
export class ServiceRegistry {
  private readonly entries: readonly { entry: ServiceEntry; host: string }[];

  constructor(
    private readonly view: ClusterReader,
    /** Whether ServiceEntries are known: without them an external host cannot be judged. */
    readonly entriesLoaded: boolean,
  ) {
    this.entries = entriesLoaded
      ? view.list('ServiceEntry').flatMap((entry) => entry.spec.hosts.map((host) => ({ entry, host: resolveHost(host, entry.metadata.namespace ?? '') })))
      : [];
  }

  /**
   * Whether the view can tell that this (resolved) host exists or not: an external host needs the
   * ServiceEntries; a Service host needs its namespace in the view (a partial dump of some
   * namespaces says nothing about the Services of others), unless Namespaces are listed, which
   * tells that a namespace the view lacks does not exist.
   */
  canJudge(host: string): boolean {
    const parts = serviceHostParts(host);
    if (parts) return this.view.has('Namespace') || this.view.namespaces().includes(parts.namespace);
    return this.entriesLoaded || isClusterLocalHost(host);
  }

  /** What the host names, visible if any of the namespaces `from` sees it. */
  lookup(host: string, from: string | readonly string[]): HostLookup {
    const viewers = typeof from === 'string' ? [from] : from;
    const targets: HostTarget[] = [];
    for (const service of this.servicesFor(host)) {
      targets.push({ kind: 'Service', service, namespace: service.metadata.namespace ?? '', exportTo: serviceExportTo(service) });
    }
    for (const { entry, host: entryHost } of this.entries) {
      if (!hostsOverlap(entryHost, host)) continue;
      targets.push({ kind: 'ServiceEntry', entry, host: entryHost, namespace: entry.metadata.namespace ?? '', exportTo: entry.spec.exportTo });
    }
    const visible = targets.filter((t) => viewers.some((ns) => isExportedTo(t.exportTo, t.namespace, ns)));
    return { visible, hidden: targets.filter((t) => !visible.includes(t)) };
  }

  /** The Kubernetes Service a host names exactly, if any (no wildcards). */
  service(host: string): Service | undefined {
    const parts = serviceHostParts(host);
    return parts ? this.view.get('Service', parts.namespace, parts.name) : undefined;
  }

  private servicesFor(host: string): readonly Service[] {
    if (!host.startsWith('*')) {
      const service = this.service(host);
      return service ? [service] : [];
    }
    return this.view.list('Service').filter((service) => hostCovers(host, serviceHost(service)));
  }
}

export function describeNamespaces(namespaces: readonly string[]): string {
  return namespaces.length === 1 ? `namespace ${namespaces[0] ?? ''}` : `namespaces ${namespaces.join(', ')}`;
}

export function describeTarget(target: HostTarget): string {
  return target.kind === 'Service'
    ? `Service ${target.namespace}/${target.service.metadata.name}`
    : `ServiceEntry ${target.namespace}/${target.entry.metadata.name} (host ${target.host})`;
}
