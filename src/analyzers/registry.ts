// Every analyzer, in the order they run. A check's analyzer must be listed here (a meta-test checks
// that every catalogue entry is produced by exactly one registered analyzer).
import { unparseableResources } from './general/unparseable.js';
import { crashLoopingContainers } from './pods/crash-looping.js';
import { podsNotStartingAnalyzers } from './pods-not-starting/index.js';
import { workloadAnalyzers } from './workloads/index.js';
import { cpuThrottledContainers } from './pods/cpu-throttled.js';
import { evictedPods } from './pods/evicted.js';
import { lifecycleHooksFailed } from './pods/lifecycle-hook-failed.js';
import { livenessProbesFailing } from './pods/liveness-probe-failing.js';
import { notReadyPods } from './pods/not-ready.js';
import { containersWithoutProbes } from './pods/probes-missing.js';
import { containersWithoutResources } from './pods/resources-missing.js';
import { restartingContainers } from './pods/restarting-often.js';
import { sidecarsNotReady } from './pods/sidecar-not-ready.js';
import { stuckTerminatingPods } from './pods/stuck-terminating.js';
import { metricsServerAvailability } from './nodes/metrics-server-unavailable.js';
import { cordonedNodes } from './nodes/node-cordoned.js';
import { notReadyNodes } from './nodes/node-not-ready.js';
import { overcommittedNodes } from './nodes/node-overcommitted.js';
import { nodesUnderPressure } from './nodes/node-pressure.js';
import { expectedStorageClasses } from './storage/expected-storage-classes.js';
import { failedPersistentVolumes } from './storage/persistent-volume-failed.js';
import { claimAccessModeConflicts } from './storage/pvc-access-mode-conflict.js';
import { pendingClaims } from './storage/pvc-pending.js';
import { claimsWithoutStorageClass } from './storage/pvc-storage-class-missing.js';
import { pendingAcmeChallenges } from './certificates/acme-challenge-pending.js';
import { failedAcmeOrders } from './certificates/acme-order-failed.js';
import { certManagerHealth } from './certificates/cert-manager-health.js';
import { expiringCertificates } from './certificates/certificate-expiry.js';
import { notReadyCertificates } from './certificates/certificate-not-ready.js';
import { notReadyIssuers } from './certificates/issuer-not-ready.js';
import { overdueRenewals } from './certificates/renewal-overdue.js';
import { failedCertificateRequests } from './certificates/request-failed.js';
import { externalDns } from './dns/external-dns.js';
import { istioAnalyzers } from './istio/index.js';
import { gatewayApiAnalyzers } from './gateway-api/index.js';
import { clusterDns } from './network/cluster-dns.js';
import { invalidDnsNames } from './network/dns-names.js';
import { ingressBackends } from './network/ingress-backends.js';
import { ingressClasses } from './network/ingress-class.js';
import { ingressTlsSecrets } from './network/ingress-tls.js';
import { networkPolicyBlockedDns } from './network/network-policy-blocks-dns.js';
import { networkPolicyBlockedServices } from './network/network-policy-blocks-service.js';
import { serviceProtocolMismatches } from './network/protocol-mismatch.js';
import { serviceEndpoints } from './network/service-endpoints.js';
import { serviceTargetPorts } from './network/target-port.js';
import { jobAnalyzers } from './jobs/index.js';
import { horizontalPodAutoscalers } from './autoscaling/hpa-scaling.js';
import { blockingDisruptionBudgets } from './disruption/pdb-blocks-disruption.js';
import { unavailableAdmissionWebhooks } from './admission/webhook-unavailable.js';
import type { Analyzer } from './types.js';

export const ANALYZERS: readonly Analyzer[] = [
  unparseableResources,
  ...podsNotStartingAnalyzers,
  ...workloadAnalyzers,
  crashLoopingContainers,
  sidecarsNotReady,
  notReadyPods,
  livenessProbesFailing,
  restartingContainers,
  lifecycleHooksFailed,
  evictedPods,
  stuckTerminatingPods,
  containersWithoutProbes,
  containersWithoutResources,
  cpuThrottledContainers,
  pendingClaims,
  claimsWithoutStorageClass,
  claimAccessModeConflicts,
  failedPersistentVolumes,
  expectedStorageClasses,
  notReadyNodes,
  nodesUnderPressure,
  overcommittedNodes,
  cordonedNodes,
  metricsServerAvailability,
  certManagerHealth,
  notReadyCertificates,
  expiringCertificates,
  notReadyIssuers,
  overdueRenewals,
  failedCertificateRequests,
  failedAcmeOrders,
  pendingAcmeChallenges,
  serviceEndpoints,
  serviceTargetPorts,
  serviceProtocolMismatches,
  invalidDnsNames,
  clusterDns,
  ingressBackends,
  ingressClasses,
  ingressTlsSecrets,
  networkPolicyBlockedServices,
  networkPolicyBlockedDns,
  externalDns,
  ...istioAnalyzers,
  ...jobAnalyzers,
  horizontalPodAutoscalers,
  blockingDisruptionBudgets,
  unavailableAdmissionWebhooks,
  ...gatewayApiAnalyzers,
];
