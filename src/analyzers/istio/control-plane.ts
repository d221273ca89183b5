// Finding the Istio control plane in the view: istiod (one Deployment per revision), the
// istio-operator and the default ingress gateway, by the labels their charts put on pods.
import type { ClusterReader } from '../../cluster/view.js';
import type { Deployment } from '../../model/apps.js';
import type { Pod } from '../../model/core.js';
import type { ObjectRef } from '../../model/meta.js';
import { objectRef } from '../evidence.js';
import { ListMemo } from '../list-memo.js';
import { REVISION_LABEL, isLivePod, istioImageVersion } from './mesh.js';

export type ControlPlaneRole = 'istiod' | 'istio-operator' | 'ingress gateway';

type Labels = Readonly<Record<string, string>> | undefined;

export function controlPlaneRole(labels: Labels): ControlPlaneRole | undefined {
  if (!labels) return undefined;
  if (labels.app === 'istiod' || labels.istio === 'pilot') return 'istiod';
  if (labels.name === 'istio-operator' || labels.app === 'istio-operator' || labels['app.kubernetes.io/name'] === 'istio-operator') return 'istio-operator';
  if (labels.istio === 'ingressgateway' || labels.app === 'istio-ingressgateway') return 'ingress gateway';
  return undefined;
}

export interface ControlPlaneComponent {
  readonly role: ControlPlaneRole;
  /** The Deployment (or whatever the pods roll up to): the subject of the component's findings. */
  readonly subject: ObjectRef;
  readonly deployment?: Deployment;
  readonly pods: readonly Pod[];
  /** istiod's revision (`default` unless installed with a revision). */
  readonly revision: string;
}

const keyOf = (ref: ObjectRef): string => `${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;

/** Per namespace's pods: redone only where pods changed (several Istio analyzers ask on every pass). */
const controlPlanePods = new ListMemo<Pod, readonly { pod: Pod; role: ControlPlaneRole }[]>();

function livePodsInRoles(pods: readonly Pod[]): { pod: Pod; role: ControlPlaneRole }[] {
  const out: { pod: Pod; role: ControlPlaneRole }[] = [];
  for (const pod of pods) {
    const role = controlPlaneRole(pod.metadata.labels);
    if (role && isLivePod(pod)) out.push({ pod, role });
  }
  return out;
}

/**
 * Every control-plane component, from its Deployments when the view has them and from its pods
 * (which roll up to their Deployment even when the dump lacks it). Needs Pod and, optionally,
 * Deployment/ReplicaSet in the analyzer's reads.
 */
export function controlPlaneComponents(view: ClusterReader): ControlPlaneComponent[] {
  const byKey = new Map<string, { role: ControlPlaneRole; subject: ObjectRef; deployment?: Deployment; pods: Pod[]; revision: string }>();
  if (view.has('Deployment')) {
    for (const deployment of view.list('Deployment')) {
      const labels = deployment.spec.template.metadata.labels;
      const role = controlPlaneRole(labels);
      if (!role) continue;
      const subject = objectRef(deployment);
      byKey.set(keyOf(subject), { role, subject, deployment, pods: [], revision: labels?.[REVISION_LABEL] ?? 'default' });
    }
  }
  for (const { pod, role } of view.namespaces().flatMap((ns) => controlPlanePods.get(view.inNamespace('Pod', ns), livePodsInRoles))) {
    const subject = view.subjectOf(pod);
    const key = keyOf(subject);
    const entry = byKey.get(key) ?? { role, subject, pods: [], revision: pod.metadata.labels?.[REVISION_LABEL] ?? 'default' };
    entry.pods.push(pod);
    byKey.set(key, entry);
  }
  return [...byKey.values()].sort((a, b) => keyOf(a.subject).localeCompare(keyOf(b.subject)));
}

export interface IstiodVersion {
  readonly subject: ObjectRef;
  readonly revision: string;
  readonly version: string;
}

/** istiod's version per Deployment, from its discovery container image (pods first: they show what runs). */
export function istiodVersions(components: readonly ControlPlaneComponent[]): IstiodVersion[] {
  const out: IstiodVersion[] = [];
  for (const component of components) {
    if (component.role !== 'istiod') continue;
    const images = [
      ...component.pods.flatMap((pod) => pod.spec.containers.map((c) => c.image)),
      ...(component.deployment?.spec.template.spec.containers.map((c) => c.image) ?? []),
    ];
    const version = images.map(istioImageVersion).find((v): v is string => v !== undefined);
    if (version) out.push({ subject: component.subject, revision: component.revision, version });
  }
  return out;
}
