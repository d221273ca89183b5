// A kind's identity in this project: its name, or where two API groups serve kinds of the same name,
// the name qualified by the group as kubectl writes it (`Gateway.gateway.networking.k8s.io`). The
// identity keys the registry, the view, subjects, report names, the subject-kind label and the
// metric's subject_kind, so that Istio's Gateway and the Gateway API's Gateway of the same name in
// one namespace are two subjects. The kind that had the name first keeps it unqualified, so that no
// existing report, label or series changes its name.
// No imports: the schemas of core.ts and meta.ts use it, and kinds.ts imports them.

/** The Gateway API's group (gateway.networking.k8s.io). */
export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';

/** `Kind.group` of every kind known under a qualified identity. */
const QUALIFIED: ReadonlySet<string> = new Set([`Gateway.${GATEWAY_API_GROUP}`]);
/** Kind names that some group qualifies: the quick test for the common case (no qualification). */
const QUALIFIED_NAMES: ReadonlySet<string> = new Set([...QUALIFIED].map((identity) => identity.slice(0, identity.indexOf('.'))));

/** The API group of an apiVersion: '' for the core group (`v1`). */
export function groupOf(apiVersion: string | undefined): string {
  if (!apiVersion) return '';
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * The identity of a kind served by a group: `Kind.group` where the registry qualifies it, else the
 * kind's name. An identity passed in again (from our own objects) comes back unchanged.
 */
export function kindIdentity(kind: string, group: string): string {
  if (!QUALIFIED_NAMES.has(kind)) return kind;
  const qualified = `${kind}.${group}`;
  return QUALIFIED.has(qualified) ? qualified : kind;
}

/** kindIdentity for an apiVersion (`group/version`, or `v1`) as objects and references carry it. */
export function kindIdentityOf(kind: string, apiVersion: string | undefined): string {
  return QUALIFIED_NAMES.has(kind) ? kindIdentity(kind, groupOf(apiVersion)) : kind;
}

/** The kind as the API server knows it (`Gateway` for `Gateway.gateway.networking.k8s.io`). */
export function wireKind(identity: string): string {
  // Kubernetes kinds are CamelCase identifiers and never hold a dot: the first dot starts the group.
  const dot = identity.indexOf('.');
  return dot < 0 ? identity : identity.slice(0, dot);
}

/** Whether an identity is group-qualified. */
export function isQualifiedKind(identity: string): boolean {
  return QUALIFIED.has(identity);
}
