// Defaults that depend on where the controller runs: in a pod (the chart's Deployment) or beside a
// kubeconfig (README's `healthreport run --kubeconfig ...` on a laptop). They follow what Kubernetes
// users already know: controller-runtime's managers elect a leader only when asked to, and the
// operator's own namespace defaults the way kubectl's namespace does.
import type { ControllerEnvironment } from './controller.js';
import { DEFAULT_OPERATOR_NAMESPACE } from './controller.js';

/** Whether this process runs in a pod: the kubelet gives every container the API server's Service address. */
export function runsInPod(env: Readonly<Record<string, string | undefined>>): boolean {
  return Boolean(env.KUBERNETES_SERVICE_HOST && env.KUBERNETES_SERVICE_PORT);
}

export interface LeaderElectionChoice {
  readonly enabled: boolean;
  /** Why, for the start-up log. */
  readonly reason: '--leader-elect' | 'leaderElection.enabled' | 'running in a pod' | 'not running in a pod';
}

/**
 * --leader-elect, else the config file's leaderElection.enabled, else on in a pod only. Outside a pod
 * there is usually one process and nothing to elect against, and a Lease needs a namespace and RBAC
 * that a first try does not have; kubebuilder's scaffold likewise defaults --leader-elect to false
 * and its manifests pass it. In a pod we default to on, so that a Deployment scaled to two replicas
 * never has two writers, even when its manifest forgot the flag.
 */
export function chooseLeaderElection(flag: boolean | undefined, configured: boolean | undefined, inPod: boolean): LeaderElectionChoice {
  if (flag !== undefined) return { enabled: flag, reason: '--leader-elect' };
  if (configured !== undefined) return { enabled: configured, reason: 'leaderElection.enabled' };
  return inPod ? { enabled: true, reason: 'running in a pod' } : { enabled: false, reason: 'not running in a pod' };
}

/**
 * Where the operator namespace came from, for the start-up log and for the error that says it does
 * not exist. The value itself is the config schema's default (controller.ts): the config file's
 * operatorNamespace, else $POD_NAMESPACE, else the kubeconfig context's (or the service account's)
 * namespace, else `default`.
 */
export function operatorNamespaceOrigin(operatorNamespace: string, env: ControllerEnvironment, fromServiceAccount = false): string {
  const fallback = env.podNamespace || env.contextNamespace || DEFAULT_OPERATOR_NAMESPACE;
  if (operatorNamespace !== fallback) return 'operatorNamespace of the config file';
  if (env.podNamespace) return '$POD_NAMESPACE';
  if (env.contextNamespace) return fromServiceAccount ? "the service account's namespace" : "the kubeconfig context's namespace";
  return 'the default, as for kubectl';
}
