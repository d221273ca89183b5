// The labels Istio matches a DestinationRule subset against: the pod's own labels plus the locality
// of its node. istiod adds the node's region, zone and sub-zone and the node name to every endpoint's
// labels (and the cluster and network, which a snapshot cannot know), so a subset keyed on
// `topology.kubernetes.io/zone` selects the pods of that zone although no pod carries the label.
import type { ClusterReader } from '../../cluster/view.js';
import type { Pod } from '../../model/core.js';

export const REGION_LABEL = 'topology.kubernetes.io/region';
export const ZONE_LABEL = 'topology.kubernetes.io/zone';
export const SUBZONE_LABEL = 'topology.istio.io/subzone';
export const HOSTNAME_LABEL = 'kubernetes.io/hostname';

/** Node labels istiod copies onto the endpoint (the beta names are read when the GA ones are absent). */
const FROM_NODE: readonly (readonly [string, readonly string[]])[] = [
  [REGION_LABEL, [REGION_LABEL, 'failure-domain.beta.kubernetes.io/region']],
  [ZONE_LABEL, [ZONE_LABEL, 'failure-domain.beta.kubernetes.io/zone']],
  [SUBZONE_LABEL, [SUBZONE_LABEL]],
];

/** Labels istiod sets from its own configuration (cluster ID, mesh networks): unknown from the objects. */
const NOT_KNOWABLE: ReadonlySet<string> = new Set(['topology.istio.io/cluster', 'topology.istio.io/network']);

/** The endpoint labels istiod derives from the node, which only the node tells. */
export function isNodeDerivedLabel(key: string): boolean {
  return key === HOSTNAME_LABEL || FROM_NODE.some(([label]) => label === key);
}

export type SubsetMatch = 'match' | 'no-match' | 'unknown';

/**
 * The labels a subset is matched against for this pod, as far as the view tells: `undefined` for a
 * key whose value cannot be known (a node label while the pod's Node is not in the view).
 * Callers declare Node among their (optional) reads.
 */
export function endpointLabels(view: ClusterReader, pod: Pod): { readonly labels: Readonly<Record<string, string>>; readonly nodeKnown: boolean } {
  const labels: Record<string, string> = { ...(pod.metadata.labels ?? {}) };
  const nodeName = pod.spec.nodeName;
  const node = nodeName && view.has('Node') ? view.get('Node', undefined, nodeName) : undefined;
  if (nodeName) labels[HOSTNAME_LABEL] = nodeName;
  if (!node) return { labels, nodeKnown: false };
  const nodeLabels = node.metadata.labels ?? {};
  for (const [label, sources] of FROM_NODE) {
    const value = sources.map((source) => nodeLabels[source]).find((v) => v !== undefined && v !== '');
    if (value !== undefined) labels[label] = value;
  }
  return { labels, nodeKnown: true };
}

/**
 * Whether a subset's labels select this pod: 'unknown' when every label the view can check agrees
 * and some label cannot be checked (a node label without the Node, the cluster or network label).
 */
export function subsetSelects(view: ClusterReader, pod: Pod, subsetLabels: Readonly<Record<string, string>>): SubsetMatch {
  const { labels, nodeKnown } = endpointLabels(view, pod);
  let unknown = false;
  for (const [key, value] of Object.entries(subsetLabels)) {
    const own = pod.metadata.labels?.[key];
    const cannotKnow = own === undefined && (NOT_KNOWABLE.has(key) || (isNodeDerivedLabel(key) && key !== HOSTNAME_LABEL && !nodeKnown));
    if (cannotKnow) unknown = true;
    else if (labels[key] !== value) return 'no-match';
  }
  return unknown ? 'unknown' : 'match';
}
