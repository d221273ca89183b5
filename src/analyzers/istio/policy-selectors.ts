// Istio policies and proxy configuration that pick their workloads by label: a selector that picks
// no pod configures nothing, and nothing says so (an ALLOW policy meant for a workload leaves it
// open; a STRICT PeerAuthentication leaves it PERMISSIVE). A selector in the root namespace picks
// across the mesh. Workloads scaled to zero still exist: their templates count as well as pods.
import type { ClusterReader } from '../../cluster/view.js';
import { formatLabels, matchesEqualitySelector } from '../../cluster/selectors.js';
import type { KubeObject } from '../../model/meta.js';
import { ageMs, objectRef, recheckWhenAged } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';
import { ROOT_NAMESPACE, isLivePod } from './mesh.js';

type Labels = Readonly<Record<string, string>>;

interface SelectingObject {
  readonly object: KubeObject;
  readonly selector: Labels;
  /** How the selector is written, for the evidence. */
  readonly field: string;
}

const nonEmpty = (labels: Labels | null | undefined): labels is Labels => !!labels && Object.keys(labels).length > 0;

/** The objects with a workload selector; those without apply to their whole namespace. */
function selectingObjects(view: ClusterReader): SelectingObject[] {
  const out: SelectingObject[] = [];
  const bySelector = (objects: readonly (KubeObject & { spec: { selector?: { matchLabels?: Labels | undefined } | null | undefined } })[]): void => {
    for (const object of objects) {
      const labels = object.spec.selector?.matchLabels;
      if (nonEmpty(labels)) out.push({ object, selector: labels, field: 'selector.matchLabels' });
    }
  };
  if (view.has('AuthorizationPolicy')) bySelector(view.list('AuthorizationPolicy'));
  if (view.has('PeerAuthentication')) bySelector(view.list('PeerAuthentication'));
  if (view.has('RequestAuthentication')) bySelector(view.list('RequestAuthentication'));
  if (view.has('Telemetry')) bySelector(view.list('Telemetry'));
  if (view.has('Sidecar')) {
    for (const object of view.list('Sidecar')) {
      const labels = object.spec.workloadSelector?.labels;
      if (nonEmpty(labels)) out.push({ object, selector: labels, field: 'workloadSelector.labels' });
    }
  }
  return out;
}

/** The workload templates of a namespace: Deployments (even at zero replicas), StatefulSets, DaemonSets, Jobs. */
function templateLabels(view: ClusterReader, namespace: string): { owner: string; labels: Labels }[] {
  const out: { owner: string; labels: Labels }[] = [];
  const add = (kind: string, objects: readonly { metadata: { name: string }; spec: { template?: { metadata: { labels?: Labels | undefined } } | undefined } }[]): void => {
    for (const o of objects) if (o.spec.template?.metadata.labels) out.push({ owner: `${kind} ${namespace}/${o.metadata.name}`, labels: o.spec.template.metadata.labels });
  };
  if (view.has('Deployment')) add('Deployment', view.inNamespace('Deployment', namespace));
  if (view.has('StatefulSet')) add('StatefulSet', view.inNamespace('StatefulSet', namespace));
  if (view.has('DaemonSet')) add('DaemonSet', view.inNamespace('DaemonSet', namespace));
  if (view.has('Job')) add('Job', view.inNamespace('Job', namespace));
  return out;
}

/** App-identifying labels of the namespace's pods, for the evidence: a typo shows at a glance. */
function podLabelValues(view: ClusterReader, namespaces: readonly string[], keys: readonly string[]): string[] {
  return keys.map((key) => {
    const values = [...new Set(namespaces.flatMap((ns) => view.inNamespace('Pod', ns)).filter(isLivePod).map((p) => p.metadata.labels?.[key]).filter((v): v is string => v !== undefined))].sort();
    return `pods with label ${key}: ${values.length > 0 ? values.slice(0, 10).join(', ') + (values.length > 10 ? ', ...' : '') : 'none'}`;
  });
}

export const istioPolicySelectors: Analyzer = {
  name: 'istio-policy-selectors',
  description: 'AuthorizationPolicies, PeerAuthentications, RequestAuthentications, Sidecars and Telemetries whose workload selector picks no pod.',
  checks: ['IstioSelectorNoWorkloads'],
  reads: ['Pod'],
  optionalReads: ['AuthorizationPolicy', 'PeerAuthentication', 'RequestAuthentication', 'Sidecar', 'Telemetry', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job'],
  analyze(ctx) {
    const { view, now } = ctx;
    const findings: Finding[] = [];
    for (const { object, selector, field } of selectingObjects(view)) {
      if (object.metadata.deletionTimestamp) continue;
      const namespace = object.metadata.namespace ?? '';
      // Created together with the workloads it configures, whose pods may not exist yet.
      recheckWhenAged(ctx, object.metadata.creationTimestamp, ctx.settings.thresholds.podUnschedulableAfter, namespace);
      if ((ageMs(object.metadata.creationTimestamp, now) ?? Infinity) < ctx.settings.thresholds.podUnschedulableAfter) continue;
      const namespaces = namespace === ROOT_NAMESPACE ? view.namespaces() : [namespace];
      if (namespaces.some((ns) => view.podsWithLabels(ns, selector).some(isLivePod))) continue;
      if (namespaces.some((ns) => templateLabels(view, ns).some((t) => matchesEqualitySelector(t.labels, selector)))) continue;
      const where = namespace === ROOT_NAMESPACE ? `any namespace (${ROOT_NAMESPACE} is the root namespace)` : `namespace ${namespace}`;
      const describe = `${object.kind} ${namespace}/${object.metadata.name}`;
      findings.push({
        check: 'IstioSelectorNoWorkloads',
        severity: 'warning',
        subject: objectRef(object),
        object: objectRef(object),
        message: `${describe} selects no workload (${field} ${formatLabels(selector)}) in ${where}, so it applies to nothing.`,
        evidence: [
          `${field}: ${formatLabels(selector)}`,
          `no running pod and no Deployment, StatefulSet, DaemonSet or Job template in ${where} carries these labels`,
          ...podLabelValues(view, namespaces, Object.keys(selector)),
        ],
      });
    }
    return findings;
  },
};
