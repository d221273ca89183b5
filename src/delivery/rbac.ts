// The Kubernetes RBAC the operator needs, derived from what the code reads and writes, so that the
// Helm chart grants exactly that (scripts/generate.ts writes it into the chart; a test fails when the
// chart and this derivation differ, e.g. after a kind was added to the registry).
//
// What the code does, and so what it needs:
// - informers LIST and WATCH every served variant of every kind of KIND_DESCRIPTORS (model/kinds.ts);
//   a kind may be served under several groups (Events: core and events.k8s.io) and versions (Istio),
//   and live analysis picks the first one served, so every group/plural is granted;
// - kinds marked metadataOnly (Secrets) are listed as PartialObjectMetadata. RBAC cannot limit a
//   `list` to metadata: whoever holds it could also ask for the data. That grant stands apart so the
//   chart can leave it out (rbac.secretMetadata=false), at the price of the checks that read Secrets;
// - the manager watches CustomResourceDefinitions (metadata only) to notice add-ons coming and going
//   (controller/manager.ts, CRD_RESOURCE), and its own HealthReports;
// - the report writer creates, updates, deletes HealthReports and PUTs their status subresource
//   (controller/report-writer.ts);
// - leader election GETs, creates and PUTs one Lease in the operator namespace (controller/leader.ts);
// - container logs (evidence.logs of the config) are a GET of pods/log;
// - the operator emits no Events: nothing here may create them.
import { KIND_DESCRIPTORS } from '../model/kinds.js';
import type { KindName } from '../model/kinds.js';
import { HEALTHREPORT_GROUP, HEALTHREPORT_PLURAL } from '../report/healthreport-types.js';

export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

export const READ_VERBS = ['get', 'list', 'watch'] as const;
/** An informer's verbs: a LIST, then a WATCH from its resourceVersion. */
export const INFORMER_VERBS = ['list', 'watch'] as const;

/** The groups and resources (plurals) of the kinds the analyzers read, split by how they are listed. */
export interface RegistryResources {
  /** Listed with their content. */
  readonly full: ReadonlyMap<string, ReadonlySet<string>>;
  /** Listed as metadata only (Secrets). */
  readonly metadataOnly: ReadonlyMap<string, ReadonlySet<string>>;
}

function add(map: Map<string, Set<string>>, group: string, resource: string): void {
  const resources = map.get(group) ?? new Set<string>();
  resources.add(resource);
  map.set(group, resources);
}

export function registryResources(descriptors: typeof KIND_DESCRIPTORS = KIND_DESCRIPTORS): RegistryResources {
  const full = new Map<string, Set<string>>();
  const metadataOnly = new Map<string, Set<string>>();
  for (const name of Object.keys(descriptors) as KindName[]) {
    const descriptor = descriptors[name];
    for (const variant of descriptor.variants) add(descriptor.metadataOnly ? metadataOnly : full, variant.group, descriptor.plural);
  }
  return { full, metadataOnly };
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** One rule per API group (core first, then alphabetical), resources sorted: stable output, small diffs. */
function rulesOf(groups: ReadonlyMap<string, ReadonlySet<string>>, verbs: readonly string[]): PolicyRule[] {
  return [...groups.keys()].sort(byName).map((group) => ({ apiGroups: [group], resources: [...(groups.get(group) ?? [])].sort(byName), verbs: [...verbs] }));
}

/** Everything the chart's RBAC templates are made of (deploy/helm/healthreport-operator/files/rbac/rules.yaml). */
export interface OperatorRbac {
  /** ClusterRole, always: reading the kinds the analyzers read and the CRDs. */
  readonly read: readonly PolicyRule[];
  /** ClusterRole, always: the operator's own HealthReports. */
  readonly reports: readonly PolicyRule[];
  /** ClusterRole, when rbac.secretMetadata: the metadataOnly kinds. */
  readonly secretMetadata: readonly PolicyRule[];
  /** ClusterRole, when config.evidence.logs: container logs. */
  readonly podLogs: readonly PolicyRule[];
  /** Role in the operator namespace: creating the Lease (create cannot be limited to a name). */
  readonly leaseCreate: readonly PolicyRule[];
  /** Role in the operator namespace, limited to the lease's name (resourceNames in the template). */
  readonly leaseNamed: readonly PolicyRule[];
  /** Aggregated into the built-in view, edit and admin ClusterRoles. */
  readonly aggregateToView: readonly PolicyRule[];
  /** Aggregated into the built-in edit and admin ClusterRoles. */
  readonly aggregateToEdit: readonly PolicyRule[];
}

export function operatorRbac(descriptors: typeof KIND_DESCRIPTORS = KIND_DESCRIPTORS): OperatorRbac {
  const { full, metadataOnly } = registryResources(descriptors);
  return {
    read: [
      ...rulesOf(full, READ_VERBS),
      // The manager's CRD informer: metadata only, never a single GET.
      { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: [...INFORMER_VERBS] },
    ],
    reports: [
      { apiGroups: [HEALTHREPORT_GROUP], resources: [HEALTHREPORT_PLURAL], verbs: ['get', 'list', 'watch', 'create', 'update', 'delete'] },
      { apiGroups: [HEALTHREPORT_GROUP], resources: [`${HEALTHREPORT_PLURAL}/status`], verbs: ['update'] },
    ],
    // Informers only: no GET of a single Secret, whose answer would carry its data.
    secretMetadata: rulesOf(metadataOnly, INFORMER_VERBS),
    podLogs: [{ apiGroups: [''], resources: ['pods/log'], verbs: ['get'] }],
    leaseCreate: [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] }],
    leaseNamed: [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'update'] }],
    aggregateToView: [{ apiGroups: [HEALTHREPORT_GROUP], resources: [HEALTHREPORT_PLURAL], verbs: [...READ_VERBS] }],
    aggregateToEdit: [{ apiGroups: [HEALTHREPORT_GROUP], resources: [HEALTHREPORT_PLURAL], verbs: ['delete', 'deletecollection'] }],
  };
}

/** The kinds whose checks go dormant without the metadataOnly grant (for the chart's values doc). */
export function metadataOnlyKinds(descriptors: typeof KIND_DESCRIPTORS = KIND_DESCRIPTORS): KindName[] {
  return (Object.keys(descriptors) as KindName[]).filter((name) => descriptors[name].metadataOnly === true);
}
