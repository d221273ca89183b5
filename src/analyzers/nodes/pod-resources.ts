// A pod's effective requests and limits as the scheduler and `kubectl describe node` count them:
// regular containers and native sidecars run together, ordinary init containers run one at a time
// (each alongside the sidecars started before it), so the pod needs the larger of the two.
import type { Container, Pod } from '../../model/core.js';
import { parseQuantity } from '../../model/quantity.js';

export type ResourceKind = 'requests' | 'limits';

function amountOf(container: Container, kind: ResourceKind, resource: string): number {
  return parseQuantity(container.resources?.[kind]?.[resource]) ?? 0;
}

/**
 * Effective amounts already computed, per pod object. The view's objects are immutable (a change
 * brings a new object), so an amount stays right for as long as its pod object lives; analyses at
 * rest re-sum every pod of every node per pass, and parsing their quantities again was most of it.
 */
const computed = new WeakMap<Pod, Map<string, number>>();

export function effectivePodResource(pod: Pod, kind: ResourceKind, resource: string): number {
  let amounts = computed.get(pod);
  if (!amounts) {
    amounts = new Map();
    computed.set(pod, amounts);
  }
  const key = `${kind}/${resource}`;
  let amount = amounts.get(key);
  if (amount === undefined) {
    amount = computeEffectivePodResource(pod, kind, resource);
    amounts.set(key, amount);
  }
  return amount;
}

function computeEffectivePodResource(pod: Pod, kind: ResourceKind, resource: string): number {
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
