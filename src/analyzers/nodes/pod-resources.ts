// A pod's effective requests and limits as the scheduler and `kubectl describe node` count them:
// regular containers and native sidecars run together, ordinary init containers run one at a time
// (each alongside the sidecars started before it), so the pod needs the larger of the two.
import type { Container, Pod } from '../../model/core.js';
import { parseQuantity } from '../../model/quantity.js';

export type ResourceKind = 'requests' | 'limits';

function amountOf(container: Container, kind: ResourceKind, resource: string): number {
  return parseQuantity(container.resources?.[kind]?.[resource]) ?? 0;
}

export function effectivePodResource(pod: Pod, kind: ResourceKind, resource: string): number {
  let running = pod.spec.containers.reduce((sum, c) => sum + amountOf(c, kind, resource), 0);
  let sidecars = 0;
  let initPeak = 0;
  for (const init of pod.spec.initContainers ?? []) {
    const amount = amountOf(init, kind, resource);
    if (init.restartPolicy === 'Always') {
      running += amount;
      sidecars += amount;
      initPeak = Math.max(initPeak, sidecars);
    } else {
      initPeak = Math.max(initPeak, amount + sidecars);
    }
  }
  return Math.max(running, initPeak);
}
