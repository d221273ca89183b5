// What makes a pod or a namespace part of the mesh, as the sidecar injector decides it: the
// namespace labels istio-injection and istio.io/rev, the pod's sidecar.istio.io/inject label or
// annotation, the revision label, and the exemptions (hostNetwork, kube-system, kube-public).
import type { Container, Namespace, Pod } from '../../model/core.js';
import { findCondition } from '../../model/meta.js';
import { isPodTerminal } from '../evidence.js';

export const ISTIO_PROXY = 'istio-proxy';
export const INJECTION_LABEL = 'istio-injection';
export const REVISION_LABEL = 'istio.io/rev';
export const INJECT_LABEL = 'sidecar.istio.io/inject';
export const SIDECAR_STATUS_ANNOTATION = 'sidecar.istio.io/status';
/** Mesh-wide policy (PeerAuthentication without selector) lives in the root namespace. */
export const ROOT_NAMESPACE = 'istio-system';
export const AMBIENT_LABEL = 'istio.io/dataplane-mode';

/** The injector never touches these namespaces, whatever their labels. */
const NEVER_INJECTED_NAMESPACES: ReadonlySet<string> = new Set(['kube-system', 'kube-public']);

/** The injector reads the inject label or annotation as a boolean in this loose sense. */
const TRUTHY = new Set(['y', 'yes', 'true', 'on']);

export interface ProxyContainer {
  readonly container: Container;
  /** A native sidecar: an init container with restartPolicy Always (Kubernetes >= 1.28). */
  readonly native: boolean;
}

/** The pod's istio-proxy, as a regular container or as a native sidecar. */
export function proxyContainerOf(pod: Pod): ProxyContainer | undefined {
  const regular = pod.spec.containers.find((c) => c.name === ISTIO_PROXY);
  if (regular) return { container: regular, native: false };
  const native = (pod.spec.initContainers ?? []).find((c) => c.name === ISTIO_PROXY && c.restartPolicy === 'Always');
  return native ? { container: native, native: true } : undefined;
}

/**
 * A gateway pod runs istio-proxy as its only container: the proxy is the workload, not a sidecar,
 * and the control-plane check covers it.
 */
export function isGatewayPod(pod: Pod): boolean {
  return pod.spec.containers.length === 1 && pod.spec.containers[0]?.name === ISTIO_PROXY;
}

/** Pods that exist and are meant to run: not finished, not being deleted. */
export function isLivePod(pod: Pod): boolean {
  return !isPodTerminal(pod) && !pod.metadata.deletionTimestamp;
}

export function isPodReady(pod: Pod): boolean {
  return findCondition(pod.status.conditions, 'Ready')?.status === 'True';
}

export type InjectionDecision =
  | { readonly inject: true; readonly because: string; readonly revision: string }
  | { readonly inject: false; readonly because: string };

/**
 * Whether the injector webhook adds a sidecar to this pod. Mirrors the webhook's selectors: a
 * namespace label istio-injection wins over istio.io/rev; a pod label can only opt in where the
 * namespace carries neither; `sidecar.istio.io/inject` (label over annotation) set to anything
 * but a truthy value opts out.
 */
export function injectionDecision(pod: Pod, namespace: Namespace): InjectionDecision {
  if (pod.spec.hostNetwork) return { inject: false, because: 'pods on the host network are never injected' };
  const ns = namespace.metadata.name;
  if (NEVER_INJECTED_NAMESPACES.has(ns)) return { inject: false, because: `namespace ${ns} is never injected` };
  const podLabels = pod.metadata.labels ?? {};
  const podSwitch = podLabels[INJECT_LABEL] ?? pod.metadata.annotations?.[INJECT_LABEL];
  if (podSwitch !== undefined && !TRUTHY.has(podSwitch.toLowerCase())) {
    return { inject: false, because: `the pod sets ${INJECT_LABEL}=${podSwitch}` };
  }
  const nsLabels = namespace.metadata.labels ?? {};
  const nsInjection = nsLabels[INJECTION_LABEL];
  if (nsInjection === 'enabled') return { inject: true, because: `namespace ${ns} has label ${INJECTION_LABEL}=enabled`, revision: 'default' };
  if (nsInjection !== undefined) return { inject: false, because: `namespace ${ns} has label ${INJECTION_LABEL}=${nsInjection}` };
  const nsRevision = nsLabels[REVISION_LABEL];
  if (nsRevision) return { inject: true, because: `namespace ${ns} has label ${REVISION_LABEL}=${nsRevision}`, revision: nsRevision };
  const podRevision = podLabels[REVISION_LABEL];
  if (podRevision) return { inject: true, because: `the pod has label ${REVISION_LABEL}=${podRevision}`, revision: podRevision };
  // The default revision's object selector matches the exact label value "true" only.
  if (podLabels[INJECT_LABEL] === 'true') return { inject: true, because: `the pod has label ${INJECT_LABEL}=true`, revision: 'default' };
  return { inject: false, because: `neither namespace ${ns} nor the pod asks for injection` };
}

/** A namespace whose workloads are (meant to be) in the mesh: injection enabled, or ambient. */
export function isMeshedNamespace(namespace: Namespace | undefined, pods: readonly Pod[]): boolean {
  const labels = namespace?.metadata.labels ?? {};
  const injection = labels[INJECTION_LABEL];
  if (injection === 'enabled') return true;
  if (injection === undefined && labels[REVISION_LABEL]) return true;
  if (labels[AMBIENT_LABEL] === 'ambient') return true;
  return pods.some((pod) => isLivePod(pod) && !isGatewayPod(pod) && proxyContainerOf(pod) !== undefined);
}

/**
 * The version in an Istio image reference (`docker.io/istio/proxyv2:1.22.3-distroless` -> 1.22.3),
 * or undefined for an untagged or digest-only image, which cannot be compared.
 */
export function istioImageVersion(image: string | undefined): string | undefined {
  if (!image) return undefined;
  const withoutDigest = image.split('@')[0] ?? '';
  const lastSegment = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  if (colon < 0) return undefined;
  const tag = lastSegment.slice(colon + 1);
  if (!tag || tag === 'latest') return undefined;
  return tag.replace(/-(distroless|debug)$/, '');
}

/** The revision that injected the pod, from the injector's status annotation. */
export function injectedRevision(pod: Pod): string | undefined {
  const status = pod.metadata.annotations?.[SIDECAR_STATUS_ANNOTATION];
  if (status) {
    try {
      const parsed: unknown = JSON.parse(status);
      if (typeof parsed === 'object' && parsed !== null && 'revision' in parsed && typeof parsed.revision === 'string' && parsed.revision) return parsed.revision;
    } catch {
      // A hand-written or truncated annotation: fall back to the label.
    }
  }
  return pod.metadata.labels?.[REVISION_LABEL];
}
