// Which gateway pods serve a Gateway: its selector picks them by label in every namespace (Istio's
// default), and the TLS credentials it names are read from those pods' namespaces.
import type { ClusterReader } from '../../cluster/view.js';
import { matchesEqualitySelector } from '../../cluster/selectors.js';
import type { Pod } from '../../model/core.js';
import type { Gateway } from '../../model/istio.js';
import { isLivePod } from './mesh.js';

/** Pods the Gateway's selector picks, in any namespace. Callers declare Pod in their reads. */
export function gatewayPods(view: ClusterReader, gateway: Gateway): Pod[] {
  const selector = gateway.spec.selector;
  if (!selector || Object.keys(selector).length === 0) return [];
  return view.list('Pod').filter((pod) => isLivePod(pod) && matchesEqualitySelector(pod.metadata.labels, selector));
}

export function hasSelector(gateway: Gateway): boolean {
  return Object.keys(gateway.spec.selector ?? {}).length > 0;
}

export const describeGateway = (gateway: Gateway): string => `Gateway ${gateway.metadata.namespace ?? ''}/${gateway.metadata.name}`;
