// Finding cert-manager's own Deployments: by the labels its Helm chart and manifests set, or by
// the names they give (`cert-manager`, `cert-manager-cainjector`, `cert-manager-webhook`, possibly
// behind a release prefix such as `platform-cert-manager-webhook`).
import type { ClusterReader } from '../../cluster/view.js';
import type { Deployment } from '../../model/apps.js';

export const CERT_MANAGER_COMPONENTS = ['controller', 'cainjector', 'webhook'] as const;
export type CertManagerComponent = (typeof CERT_MANAGER_COMPONENTS)[number];

export interface CertManagerDeployment {
  readonly component: CertManagerComponent;
  readonly deployment: Deployment;
}

const NAME_SUFFIXES: readonly [CertManagerComponent, RegExp][] = [
  ['cainjector', /(^|-)cert-manager-cainjector$/],
  ['webhook', /(^|-)cert-manager-webhook$/],
  ['controller', /(^|-)cert-manager$/],
];

// `cainjector` and `webhook` alone are common names; they count only next to a cert-manager marker.
const LABEL_NAMES: Readonly<Record<string, CertManagerComponent>> = { 'cert-manager': 'controller', cainjector: 'cainjector', webhook: 'webhook' };

function componentOf(deployment: Deployment): CertManagerComponent | undefined {
  const { name, namespace, labels = {} } = deployment.metadata;
  for (const [component, pattern] of NAME_SUFFIXES) if (pattern.test(name)) return component;
  const labelled = LABEL_NAMES[labels['app.kubernetes.io/name'] ?? ''];
  if (!labelled) return undefined;
  if (labelled === 'controller') return labelled;
  const markers = [labels['app.kubernetes.io/instance'], labels['app.kubernetes.io/part-of'], labels['helm.sh/chart'], namespace];
  return markers.some((m) => m?.includes('cert-manager')) ? labelled : undefined;
}

/** cert-manager Deployments in the view, sorted by namespace, component and name. Reads Deployment. */
export function findCertManagerComponents(view: ClusterReader): CertManagerDeployment[] {
  const found: CertManagerDeployment[] = [];
  for (const deployment of view.list('Deployment')) {
    const component = componentOf(deployment);
    if (component) found.push({ component, deployment });
  }
  return found.sort(
    (a, b) =>
      (a.deployment.metadata.namespace ?? '').localeCompare(b.deployment.metadata.namespace ?? '') ||
      CERT_MANAGER_COMPONENTS.indexOf(a.component) - CERT_MANAGER_COMPONENTS.indexOf(b.component) ||
      a.deployment.metadata.name.localeCompare(b.deployment.metadata.name),
  );
}
