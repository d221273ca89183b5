import type { CheckCase } from '../../helpers/cases.js';

const SERVICE_CHECKS = ['ServiceSelectorMatchesNothing', 'ServiceNoReadyEndpoints', 'ServiceTargetPortMismatch', 'ServiceProtocolMismatch'] as const;
const INGRESS_CHECKS = ['IngressBackendMissing', 'IngressClassMissing', 'IngressTLSSecretMissing'] as const;
const POLICY_CHECKS = ['NetworkPolicyBlocksService', 'NetworkPolicyBlocksDNS'] as const;
const ALL_NETWORK_CHECKS = [...SERVICE_CHECKS, ...INGRESS_CHECKS, ...POLICY_CHECKS, 'DNSNameInvalid', 'ClusterDNSUnhealthy'] as const;

export const cases: readonly CheckCase[] = [
  // Services
  {
    name: 'a Service whose selector has a typo (kart for cart)',
    fixtures: ['network/selector-typo.yaml'],
    checks: ['ServiceSelectorMatchesNothing', 'ServiceNoReadyEndpoints'],
    expected: ['ServiceSelectorMatchesNothing Service/net-shop/cart'],
  },
  {
    name: 'Services (one headless) whose pods all crash-loop, and the Ingress in front of one',
    fixtures: ['network/crashing-backends.yaml'],
    checks: ['ServiceSelectorMatchesNothing', 'ServiceNoReadyEndpoints', 'IngressBackendMissing'],
    expected: ['ServiceNoReadyEndpoints Service/net-orders/orders', 'ServiceNoReadyEndpoints Service/net-orders/queue', 'IngressBackendMissing Ingress/net-orders/orders'],
  },
  {
    name: 'a Service whose Deployment cannot create its pods (quota): no ready endpoints, not a wrong selector',
    fixtures: ['network/workload-without-pods.yaml'],
    checks: ['ServiceSelectorMatchesNothing', 'ServiceNoReadyEndpoints'],
    expected: ['ServiceNoReadyEndpoints Service/net-quota/checkout'],
  },
  {
    name: 'Services without ready endpoints for less than serviceNoReadyEndpointsAfter',
    fixtures: ['network/crashing-backends.yaml'],
    checks: ['ServiceNoReadyEndpoints', 'IngressBackendMissing'],
    settings: { thresholds: { serviceNoReadyEndpointsAfter: '1h' } },
    expected: [],
  },
  {
    name: 'a Service without selector backed by a manual EndpointSlice, ExternalName Services, a workload scaled to zero, pods being created, a Service created 50s ago',
    fixtures: ['network/unmanaged-services.yaml'],
    checks: [...SERVICE_CHECKS, 'DNSNameInvalid'],
    expected: [],
  },
  {
    name: 'a headless peer Service with publishNotReadyAddresses whose pods are not ready yet',
    fixtures: ['network/publish-not-ready.yaml'],
    checks: ['ServiceSelectorMatchesNothing', 'ServiceNoReadyEndpoints'],
    expected: [],
  },
  {
    name: 'a healthy namespace: headless and LoadBalancer Services, an Ingress whose class and TLS Secret exist, NetworkPolicies that allow the Services and DNS',
    fixtures: ['network/healthy-namespace.yaml', 'network/coredns-healthy.yaml'],
    checks: ALL_NETWORK_CHECKS,
    expected: [],
  },
  {
    name: 'a named targetPort no container declares, and a numeric one that no declared port matches',
    fixtures: ['network/target-ports.yaml'],
    checks: ['ServiceTargetPortMismatch'],
    expected: ['ServiceTargetPortMismatch Service/net-ports/catalog', 'ServiceTargetPortMismatch Service/net-ports/reports'],
  },
  {
    name: 'HTTPS in front of HTTP and HTTP in front of HTTPS (a LoadBalancer terminating TLS is fine)',
    fixtures: ['network/protocol-mismatch.yaml'],
    checks: ['ServiceProtocolMismatch', 'ServiceTargetPortMismatch'],
    expected: ['ServiceProtocolMismatch Service/net-tls/admin', 'ServiceProtocolMismatch Service/net-tls/search'],
  },
  // DNS names
  {
    name: 'an Ingress host label over 63 characters, an external-dns hostname with an underscore, an Istio host with an empty label',
    fixtures: ['network/dns-names.yaml'],
    checks: ['DNSNameInvalid'],
    expected: ['DNSNameInvalid Ingress/net-names/promo', 'DNSNameInvalid Service/net-names/api', 'DNSNameInvalid VirtualService/net-names/reviews'],
  },
  // Cluster DNS
  {
    name: 'CoreDNS crash-looping: kube-dns has no ready endpoints (reported once, as cluster DNS)',
    fixtures: ['network/coredns-down.yaml'],
    checks: ['ClusterDNSUnhealthy', 'ServiceNoReadyEndpoints', 'ServiceSelectorMatchesNothing'],
    expected: ['ClusterDNSUnhealthy Deployment/kube-system/coredns'],
  },
  {
    name: 'one of two CoreDNS pods not ready for 20 minutes',
    fixtures: ['network/coredns-degraded.yaml'],
    checks: ['ClusterDNSUnhealthy'],
    expected: ['ClusterDNSUnhealthy Deployment/kube-system/coredns'],
  },
  {
    name: 'CoreDNS serving, with a new DNS pod of a rollout not ready for 90s',
    fixtures: ['network/coredns-healthy.yaml'],
    checks: ['ClusterDNSUnhealthy', 'ServiceNoReadyEndpoints'],
    expected: [],
  },
  // Ingress
  {
    name: 'Ingresses with a missing Service, a missing Service port, a missing class, no class without default, a missing TLS Secret',
    fixtures: ['network/ingress-broken.yaml'],
    checks: INGRESS_CHECKS,
    expected: [
      'IngressBackendMissing Ingress/net-web/shop',
      'IngressBackendMissing Ingress/net-web/shop',
      'IngressClassMissing Ingress/net-web/blog',
      'IngressClassMissing Ingress/net-web/intranet',
      'IngressTLSSecretMissing Ingress/net-web/shop',
    ],
  },
  {
    name: 'a TLS Secret cert-manager has not issued for two days, and one of an Ingress created 3 minutes ago',
    fixtures: ['network/ingress-cert-manager.yaml'],
    checks: INGRESS_CHECKS,
    expected: ['IngressTLSSecretMissing Ingress/net-certs/store'],
  },
  // NetworkPolicies
  {
    name: 'a deny-all NetworkPolicy (hostNetwork and completed pods unaffected)',
    fixtures: ['network/netpol-deny-all.yaml'],
    checks: POLICY_CHECKS,
    expected: ['NetworkPolicyBlocksDNS Deployment/net-locked/api', 'NetworkPolicyBlocksService Service/net-locked/api'],
  },
  {
    name: 'a NetworkPolicy admitting the Service port instead of the target port, and egress only to a database',
    fixtures: ['network/netpol-wrong-ports.yaml'],
    checks: POLICY_CHECKS,
    expected: ['NetworkPolicyBlocksDNS Deployment/net-fw/shop', 'NetworkPolicyBlocksService Service/net-fw/shop'],
  },
];
