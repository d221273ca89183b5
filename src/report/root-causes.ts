// Root-cause linking. One table says which checks can explain which: a dependent finding names the
// objects that could explain it (`related`), and an active finding of an explaining check on one of
// those objects (or whose subject is one of them) becomes its `rootCause`.
import type { CheckId } from '../analyzers/catalogue.js';
import { SEVERITY_RANK } from '../analyzers/catalogue.js';
import type { Finding } from '../analyzers/types.js';
import type { ObjectRef } from '../model/meta.js';

export interface RootCauseRule {
  readonly dependent: CheckId;
  /** Checks that explain the dependent, most specific first. */
  readonly causes: readonly CheckId[];
}

/** Why a pod does not serve: the pod-level checks that explain a backend without ready endpoints. */
const POD_FAILURES: readonly CheckId[] = [
  'PodOOMKilled', 'PodCrashLooping', 'PodImagePullFailed', 'PodImagePullSecretMissing', 'PodConfigMissing',
  'PodVolumeMountFailed', 'PodStartCommandFailed', 'PodExecFormatError', 'PodRunAsNonRootViolation',
  'PodUnschedulable', 'PodRequestsExceedNodeCapacity', 'PodSidecarNotReady', 'PodNotReady', 'PodLivenessProbeFailing', 'PodLifecycleHookFailed', 'PodPendingTooLong',
  'WorkloadQuotaExceeded', 'WorkloadLimitRangeViolation', 'WorkloadServiceAccountMissing', 'WorkloadAdmissionDenied',
];

/** Why a Certificate is not issued or renewed: its issuer, its ACME order and challenges, its request. */
const CERTIFICATE_CHAIN_FAILURES: readonly CheckId[] = [
  'CertificateIssuerNotReady', 'ACMEOrderFailed', 'ACMEChallengePending', 'CertificateRequestFailed',
];

/** The VirtualService checks whose findings name their destination Services in `related`. */
const ISTIO_VIRTUAL_SERVICE_CHECKS: readonly CheckId[] = [
  'IstioVirtualServiceHostNotFound', 'IstioVirtualServiceSubsetNotFound', 'IstioVirtualServicePortRequired', 'IstioVirtualServiceConflict',
];

export const ROOT_CAUSE_RULES: readonly RootCauseRule[] = [
  // Requests no node can hold, or a missing claim, are why the scheduler finds no node for the pod.
  { dependent: 'PodUnschedulable', causes: ['PodRequestsExceedNodeCapacity', 'PodVolumeMountFailed', 'PVCPending', 'PVCStorageClassMissing', 'NodeNotReady'] },
  { dependent: 'PodImagePullFailed', causes: ['PodImagePullSecretMissing'] },
  { dependent: 'PodVolumeMountFailed', causes: ['PVCPending', 'PVCStorageClassMissing', 'PVCAccessModeConflict'] },
  // PodPendingTooLong is the check of last resort: pod-level causes (a crash-looping init container, a
  // sidecar that never gets ready) suppress it; a claim that is not bound explains it.
  { dependent: 'PodPendingTooLong', causes: ['PVCPending', 'PVCStorageClassMissing'] },
  // A crash loop names its pod in `related`: what kills the container there is the cause to fix.
  { dependent: 'PodCrashLooping', causes: ['PodOOMKilled', 'PodStartCommandFailed', 'PodExecFormatError', 'PodLivenessProbeFailing', 'PodLifecycleHookFailed'] },
  { dependent: 'PVCPending', causes: ['PVCStorageClassMissing'] },
  // A node that is lost (NotReady/Unknown) never confirms the deletion of its pods, and takes the
  // replicas on it with it: the stuck pod and the workload short of replicas name it in `related`.
  { dependent: 'PodStuckTerminating', causes: ['NodeNotReady'] },
  { dependent: 'WorkloadReplicasUnavailable', causes: ['NodeNotReady', 'PodStuckTerminating'] },
  { dependent: 'WorkloadReplicasUnavailable', causes: POD_FAILURES },
  { dependent: 'WorkloadRolloutStuck', causes: POD_FAILURES },
  { dependent: 'ServiceNoReadyEndpoints', causes: POD_FAILURES },
  // An Ingress whose backend Service has no ready endpoints is that Service's failure seen from outside.
  { dependent: 'IngressBackendMissing', causes: ['ServiceNoReadyEndpoints', 'ServiceSelectorMatchesNothing'] },
  // The Secret an Ingress serves is written by the Certificate named in `related` once it is issued.
  { dependent: 'IngressTLSSecretMissing', causes: ['CertificateNotReady', 'CertificateRequestFailed', 'ACMEOrderFailed', 'ACMEChallengePending', 'CertificateIssuerNotReady'] },
  // cert-manager: a Certificate's trouble is explained by the first broken link of its issuance chain
  // (issuer, ACME order and challenges, request), which the certificate findings name in `related`.
  { dependent: 'CertificateNotReady', causes: ['CertificateIssuerNotReady', 'ACMEOrderFailed', 'ACMEChallengePending', 'CertificateRequestFailed', 'CertManagerUnhealthy', 'CertificateExpired'] },
  { dependent: 'CertificateRequestFailed', causes: CERTIFICATE_CHAIN_FAILURES.filter((check) => check !== 'CertificateRequestFailed') },
  { dependent: 'ACMEOrderFailed', causes: ['ACMEChallengePending'] },
  { dependent: 'CertificateExpiringSoon', causes: CERTIFICATE_CHAIN_FAILURES },
  { dependent: 'CertificateRenewalOverdue', causes: CERTIFICATE_CHAIN_FAILURES },
  { dependent: 'CertManagerUnhealthy', causes: POD_FAILURES },
  { dependent: 'IstioGatewayTLSSecretMissing', causes: ['CertificateNotReady', ...CERTIFICATE_CHAIN_FAILURES] },
  // Istio: the istiod pods' own failure explains the control plane's; istiod down explains gateways
  // and sidecars that get no configuration or certificate (their findings name istiod in `related`).
  { dependent: 'IstioControlPlaneUnhealthy', causes: ['IstioControlPlaneUnhealthy', ...POD_FAILURES] },
  { dependent: 'IstioSidecarNotReady', causes: ['IstioControlPlaneUnhealthy'] },
  { dependent: 'PodSidecarNotReady', causes: ['IstioControlPlaneUnhealthy'] },
  // A pod whose istio-proxy is not ready is not ready: its Services and workload lose it.
  { dependent: 'ServiceNoReadyEndpoints', causes: ['IstioSidecarNotReady'] },
  { dependent: 'WorkloadReplicasUnavailable', causes: ['IstioSidecarNotReady'] },
  // A VirtualService's destination Service without a ready backend, named in `related`, is what its
  // users see failing; a subset that selects no pod of a Service that selects none is the Service's fault.
  ...ISTIO_VIRTUAL_SERVICE_CHECKS.map((dependent) => ({ dependent, causes: ['ServiceNoReadyEndpoints', 'ServiceSelectorMatchesNothing'] as const })),
  { dependent: 'IstioDestinationRuleSubsetNoPods', causes: ['ServiceSelectorMatchesNothing'] },
  { dependent: 'ClusterDNSUnhealthy', causes: POD_FAILURES },
  { dependent: 'ExternalDNSUnhealthy', causes: POD_FAILURES },
  // Beyond the runbook. An HPA without resource metrics names the metrics APIService in `related`.
  { dependent: 'HPAUnableToScale', causes: ['MetricsServerUnavailable'] },
  // A budget at 0 because its pods are unhealthy names those pods and their workloads in `related`.
  { dependent: 'PDBBlocksDisruption', causes: [...POD_FAILURES, 'WorkloadReplicasUnavailable', 'WorkloadRolloutStuck'] },
  // A webhook's Service without ready pods: why those pods are down (its findings name them in `related`).
  { dependent: 'AdmissionWebhookUnavailable', causes: POD_FAILURES },
  // A FailedCreate that says `failed calling webhook "<name>"` names that webhook's configuration in `related`.
  { dependent: 'WorkloadAdmissionDenied', causes: ['AdmissionWebhookUnavailable'] },
  // Gateway API: a class no controller accepts leaves its Gateways unprogrammed, and a Gateway that
  // does not serve leaves its routes unaccepted (the findings name the layer above in `related`).
  { dependent: 'GatewayNotProgrammed', causes: ['GatewayClassNotAccepted'] },
  { dependent: 'HTTPRouteNotAccepted', causes: ['GatewayNotProgrammed'] },
];

const refKey = (ref: ObjectRef): string => `${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;

export interface LinkedFinding extends Finding {
  readonly rootCause?: { readonly check: CheckId; readonly subject: ObjectRef };
}

/**
 * Links each finding to the finding that explains it, per the rules. A finding never explains
 * itself, and links that would form a cycle are dropped (the first-linked finding stays a root).
 */
export function linkRootCauses(findings: readonly Finding[], rules: readonly RootCauseRule[] = ROOT_CAUSE_RULES): LinkedFinding[] {
  const byObject = new Map<string, Finding[]>();
  for (const finding of findings) {
    for (const key of new Set([refKey(finding.object), refKey(finding.subject)])) {
      const list = byObject.get(key);
      if (list) list.push(finding);
      else byObject.set(key, [finding]);
    }
  }
  // Several rules may name the same dependent (each family adds its own): their causes add up, in order.
  const rulesByDependent = new Map<CheckId, CheckId[]>();
  for (const rule of rules) rulesByDependent.set(rule.dependent, [...(rulesByDependent.get(rule.dependent) ?? []), ...rule.causes]);
  const cause = new Map<Finding, Finding>();
  for (const finding of findings) {
    const causes = rulesByDependent.get(finding.check);
    if (!causes || !finding.related?.length) continue;
    let best: Finding | undefined;
    for (const related of finding.related) {
      for (const candidate of byObject.get(refKey(related)) ?? []) {
        if (candidate === finding || !causes.includes(candidate.check)) continue;
        if (!best || isBetterCause(candidate, best, causes)) best = candidate;
      }
    }
    if (best && !reaches(cause, best, finding)) cause.set(finding, best);
  }
  return findings.map((finding) => {
    const root = cause.get(finding);
    return root ? { ...finding, rootCause: { check: root.check, subject: root.subject } } : finding;
  });
}

function isBetterCause(candidate: Finding, best: Finding, order: readonly CheckId[]): boolean {
  const bySeverity = SEVERITY_RANK[candidate.severity] - SEVERITY_RANK[best.severity];
  if (bySeverity !== 0) return bySeverity > 0;
  const byOrder = order.indexOf(candidate.check) - order.indexOf(best.check);
  if (byOrder !== 0) return byOrder < 0;
  return refKey(candidate.object) < refKey(best.object);
}

/** Whether following causes from `from` arrives at `target` (which would make a cycle). */
function reaches(cause: ReadonlyMap<Finding, Finding>, from: Finding, target: Finding): boolean {
  let current: Finding | undefined = from;
  for (let hops = 0; current && hops < 32; hops += 1) {
    if (current === target) return true;
    current = cause.get(current);
  }
  return false;
}
