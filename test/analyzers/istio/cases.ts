import type { CheckCase } from '../../helpers/cases.js';
import type { CheckId } from '../../../src/analyzers/catalogue.js';

/** A meshed cluster where everything is right: every positive row loads its breakage over it. */
export const HEALTHY = 'istio/mesh-healthy.yaml';

export const ISTIO_CHECKS: readonly CheckId[] = [
  'IstioControlPlaneUnhealthy', 'IstioSidecarMissing', 'IstioSidecarNotReady', 'IstioPortNameConvention',
  'IstioVirtualServiceHostNotFound', 'IstioVirtualServiceSubsetNotFound', 'IstioGatewayNotFound', 'IstioGatewaySelectorNoPods',
  'IstioGatewayTLSSecretMissing', 'IstioVirtualServiceConflict', 'IstioDestinationRuleHostNotFound', 'IstioMTLSConflict',
  'IstioDestinationRuleSubsetNoPods', 'IstioVirtualServicePortRequired', 'IstioGatewayConflict', 'IstioProxyVersionMismatch',
  'IstioServiceAccountMissing', 'IstioVirtualServicePortNotFound', 'IstioVirtualServiceHostNotInGateway', 'IstioGatewayPortNotOnService',
  'IstioSelectorNoWorkloads', 'IstioVirtualServiceUnreachableRule',
];

export const cases: readonly CheckCase[] = [
  {
    name: 'a meshed namespace where everything is right (native sidecars, exempt pods, STRICT mTLS, FQDN and ServiceEntry hosts)',
    fixtures: [HEALTHY],
    checks: [...ISTIO_CHECKS, 'ResourceUnparseable'],
    expected: [],
  },
  {
    name: 'istiod crash-looping; sidecars that lost readiness since',
    fixtures: [HEALTHY, 'istio/control-plane-down.yaml'],
    checks: ['IstioControlPlaneUnhealthy', 'IstioSidecarNotReady', 'IstioSidecarMissing'],
    expected: [
      'IstioControlPlaneUnhealthy Deployment/istio-system/istio-ingressgateway',
      'IstioControlPlaneUnhealthy Deployment/istio-system/istiod',
      'IstioSidecarNotReady Deployment/bookinfo/reviews-v1',
      'IstioSidecarNotReady Deployment/bookinfo/reviews-v2',
    ],
  },
  {
    name: 'a crash-looping and a recently restarting istio-proxy with a healthy control plane (not: just started, restarts days ago)',
    fixtures: [HEALTHY, 'istio/sidecar-crashloop.yaml'],
    checks: ['IstioSidecarNotReady', 'IstioControlPlaneUnhealthy', 'IstioSidecarMissing'],
    expected: ['IstioSidecarNotReady Deployment/shop/cart', 'IstioSidecarNotReady Deployment/shop/wishlist'],
  },
  {
    name: 'pods without sidecar where the namespace label, istio.io/rev or the pod label asks for one (not: annotation only, disabled namespace)',
    fixtures: [HEALTHY, 'istio/sidecar-missing.yaml'],
    checks: ['IstioSidecarMissing'],
    expected: [
      'IstioSidecarMissing Deployment/canary-apps/search',
      'IstioSidecarMissing Deployment/shop-legacy/inventory',
      'IstioSidecarMissing Deployment/tools/debug',
    ],
  },
  {
    name: 'sidecars left on the previous proxy version; a workload being restarted is not reported',
    fixtures: [HEALTHY, 'istio/proxy-version-stale.yaml'],
    checks: ['IstioProxyVersionMismatch'],
    expected: ['IstioProxyVersionMismatch Deployment/payments/ledger'],
  },
  {
    name: 'Service ports without protocol in a meshed namespace (not: appProtocol, grpc-web, UDP, ExternalName, non-meshed namespace)',
    fixtures: [HEALTHY, 'istio/port-names.yaml'],
    checks: ['IstioPortNameConvention'],
    expected: ['IstioPortNameConvention Service/inventory/stock', 'IstioPortNameConvention Service/inventory/stock-db'],
  },
  {
    name: 'route destinations to a missing Service, a half-qualified name, and a ServiceEntry not exported to the namespace',
    fixtures: [HEALTHY, 'istio/vs-host-not-found.yaml'],
    checks: ['IstioVirtualServiceHostNotFound'],
    expected: [
      'IstioVirtualServiceHostNotFound VirtualService/bookinfo/details-timeout',
      'IstioVirtualServiceHostNotFound VirtualService/bookinfo/ratings-canary',
      'IstioVirtualServiceHostNotFound VirtualService/bookinfo/secrets-api',
    ],
  },
  {
    name: 'external hosts are not judged without ServiceEntries; a missing in-cluster Service still is',
    fixtures: ['istio/external-hosts-unknown.yaml'],
    checks: ['IstioVirtualServiceHostNotFound', 'IstioDestinationRuleHostNotFound'],
    expected: ['IstioVirtualServiceHostNotFound VirtualService/edge/orders'],
  },
  {
    name: 'a one-namespace dump: Services of namespaces outside it are not judged, those of its own are',
    fixtures: ['istio/partial-dump.yaml'],
    checks: ['IstioVirtualServiceHostNotFound'],
    expected: ['IstioVirtualServiceHostNotFound VirtualService/warehouse/picker'],
  },
  {
    name: 'routes to subsets no DestinationRule defines',
    fixtures: [HEALTHY, 'istio/vs-subset-not-found.yaml'],
    checks: ['IstioVirtualServiceSubsetNotFound'],
    expected: ['IstioVirtualServiceSubsetNotFound VirtualService/bookinfo/details', 'IstioVirtualServiceSubsetNotFound VirtualService/bookinfo/reviews'],
  },
  {
    name: 'VirtualServices bound to missing Gateways (name, ns/name); the legacy FQDN form of an existing one is fine',
    fixtures: [HEALTHY, 'istio/vs-gateway-not-found.yaml'],
    checks: ['IstioGatewayNotFound'],
    expected: ['IstioGatewayNotFound VirtualService/bookinfo/reviews-public', 'IstioGatewayNotFound VirtualService/frontend/storefront-beta'],
  },
  {
    name: 'a gateway route to a multi-port Service without port; the same route on the mesh is fine',
    fixtures: [HEALTHY, 'istio/vs-port-required.yaml'],
    checks: ['IstioVirtualServicePortRequired'],
    expected: ['IstioVirtualServicePortRequired VirtualService/bookinfo/productpage-public'],
  },
  {
    name: 'two VirtualServices for one host on the mesh (short name vs FQDN) and on one Gateway',
    fixtures: [HEALTHY, 'istio/vs-conflict.yaml'],
    checks: ['IstioVirtualServiceConflict'],
    expected: [
      'IstioVirtualServiceConflict VirtualService/bookinfo/reviews',
      'IstioVirtualServiceConflict VirtualService/bookinfo/reviews-hotfix',
      'IstioVirtualServiceConflict VirtualService/frontend/storefront',
      'IstioVirtualServiceConflict VirtualService/frontend/storefront-v2',
    ],
  },
  {
    name: 'a Gateway whose selector matches no pod; one created seconds ago is not reported',
    fixtures: [HEALTHY, 'istio/gateway-selector-no-pods.yaml'],
    checks: ['IstioGatewaySelectorNoPods'],
    expected: ['IstioGatewaySelectorNoPods Gateway/bookinfo/internal-gateway'],
  },
  {
    name: "credentialName Secrets missing from the gateway pods' namespace",
    fixtures: [HEALTHY, 'istio/gateway-tls-secret-missing.yaml'],
    checks: ['IstioGatewayTLSSecretMissing'],
    expected: ['IstioGatewayTLSSecretMissing Gateway/bookinfo/shop-gateway'],
  },
  {
    name: 'two Gateways with one selector claiming port 443 for one host',
    fixtures: [HEALTHY, 'istio/gateway-conflict.yaml'],
    checks: ['IstioGatewayConflict'],
    expected: ['IstioGatewayConflict Gateway/bookinfo/bookinfo-gateway', 'IstioGatewayConflict Gateway/bookinfo/bookinfo-gateway-v2'],
  },
  {
    name: 'DestinationRules for a missing Service and for a ServiceEntry not exported to them',
    fixtures: [HEALTHY, 'istio/dr-host-not-found.yaml'],
    checks: ['IstioDestinationRuleHostNotFound'],
    expected: ['IstioDestinationRuleHostNotFound DestinationRule/bookinfo/reviews-legacy', 'IstioDestinationRuleHostNotFound DestinationRule/bookinfo/vault'],
  },
  {
    name: 'routed subsets that select no pod; an unused empty subset is not reported',
    fixtures: [HEALTHY, 'istio/dr-subset-no-pods.yaml'],
    checks: ['IstioDestinationRuleSubsetNoPods'],
    expected: ['IstioDestinationRuleSubsetNoPods DestinationRule/bookinfo/ratings-archive', 'IstioDestinationRuleSubsetNoPods DestinationRule/bookinfo/reviews'],
  },
  {
    name: 'mTLS: DISABLE towards mesh-wide STRICT, ISTIO_MUTUAL towards a port-level DISABLE, a port-level DISABLE client; PERMISSIVE is fine',
    fixtures: [HEALTHY, 'istio/mtls-conflict.yaml'],
    checks: ['IstioMTLSConflict'],
    expected: ['IstioMTLSConflict DestinationRule/bookinfo/details', 'IstioMTLSConflict DestinationRule/bookinfo/productpage', 'IstioMTLSConflict DestinationRule/bookinfo/ratings'],
  },
  {
    name: 'AuthorizationPolicy principals naming missing ServiceAccounts',
    fixtures: [HEALTHY, 'istio/authz-sa-missing.yaml'],
    checks: ['IstioServiceAccountMissing'],
    expected: ['IstioServiceAccountMissing AuthorizationPolicy/bookinfo/ratings-viewer'],
  },
  {
    name: 'VirtualServices exported only to their own namespace (exportTo ".") do not conflict; one exported into another team\'s namespace does',
    fixtures: [HEALTHY, 'istio/vs-export-scoped.yaml'],
    checks: ['IstioVirtualServiceConflict'],
    expected: ['IstioVirtualServiceConflict VirtualService/team-a/productpage-timeouts', 'IstioVirtualServiceConflict VirtualService/team-c/productpage-fault-test'],
  },
  {
    name: 'destinations judged from the namespaces a VirtualService is exported to: a ServiceEntry visible there is found, a Service hidden from there is not',
    fixtures: [HEALTHY, 'istio/vs-export-visibility.yaml'],
    checks: ['IstioVirtualServiceHostNotFound'],
    expected: ['IstioVirtualServiceHostNotFound VirtualService/routing/ledger-timeouts'],
  },
  {
    name: 'subsets keyed on node topology labels select the pods of that zone or node; a zone without pods selects none',
    fixtures: [HEALTHY, 'istio/nodes-zonal.yaml', 'istio/dr-subset-topology.yaml'],
    checks: ['IstioDestinationRuleSubsetNoPods', 'IstioVirtualServiceSubsetNotFound'],
    expected: ['IstioDestinationRuleSubsetNoPods DestinationRule/bookinfo/productpage-locality'],
  },
  {
    name: 'subsets keyed on zones are not judged when the Nodes are not in the view; the node name still is',
    fixtures: [HEALTHY, 'istio/dr-subset-topology.yaml'],
    checks: ['IstioDestinationRuleSubsetNoPods'],
    expected: [],
  },
  {
    name: 'Gateways whose different selectors pick the same gateway pods conflict; one on another gateway deployment does not',
    fixtures: [HEALTHY, 'istio/gateway-conflict-selectors.yaml'],
    checks: ['IstioGatewayConflict', 'IstioGatewayPortNotOnService', 'IstioGatewaySelectorNoPods'],
    expected: ['IstioGatewayConflict Gateway/bookinfo/bookinfo-canary', 'IstioGatewayConflict Gateway/bookinfo/bookinfo-gateway'],
  },
  {
    name: 'route destinations naming a port the Service or ServiceEntry does not expose (not: a port it exposes)',
    fixtures: [HEALTHY, 'istio/vs-port-not-found.yaml'],
    checks: ['IstioVirtualServicePortNotFound', 'IstioVirtualServiceHostNotFound'],
    expected: ['IstioVirtualServicePortNotFound VirtualService/bookinfo/ledger-api', 'IstioVirtualServicePortNotFound VirtualService/bookinfo/ratings-admin'],
  },
  {
    name: 'VirtualService hosts their Gateway does not accept, by name or by the namespace part of the server host (not: a wildcard server host)',
    fixtures: [HEALTHY, 'istio/vs-host-not-in-gateway.yaml'],
    checks: ['IstioVirtualServiceHostNotInGateway', 'IstioVirtualServiceConflict', 'IstioGatewayNotFound'],
    expected: ['IstioVirtualServiceHostNotInGateway VirtualService/bookinfo/reviews-public', 'IstioVirtualServiceHostNotInGateway VirtualService/frontend/admin-console'],
  },
  {
    name: 'a Gateway server port the gateway Service exposes neither as port nor as targetPort (not: a targetPort)',
    fixtures: [HEALTHY, 'istio/gateway-port-not-on-service.yaml'],
    checks: ['IstioGatewayPortNotOnService', 'IstioGatewayConflict'],
    expected: ['IstioGatewayPortNotOnService Gateway/bookinfo/metrics-gateway'],
  },
  {
    name: 'policies whose selector picks no workload (not: a workload scaled to zero, a root-namespace selector, a policy created seconds ago)',
    fixtures: [HEALTHY, 'istio/policy-selectors.yaml'],
    checks: ['IstioSelectorNoWorkloads'],
    expected: [
      'IstioSelectorNoWorkloads AuthorizationPolicy/bookinfo/ratings-deny-external',
      'IstioSelectorNoWorkloads Sidecar/frontend/legacy-egress',
      'IstioSelectorNoWorkloads Telemetry/bookinfo/details-access-logs',
    ],
  },
  {
    name: 'HTTP routes an earlier route always takes first (not: a route reached through another gateway, a case-insensitive match after a case-sensitive one)',
    fixtures: [HEALTHY, 'istio/vs-unreachable-rule.yaml'],
    checks: ['IstioVirtualServiceUnreachableRule', 'IstioVirtualServiceHostNotInGateway'],
    expected: ['IstioVirtualServiceUnreachableRule VirtualService/bookinfo/details-fallback', 'IstioVirtualServiceUnreachableRule VirtualService/bookinfo/ratings-routes'],
  },
  {
    name: 'a malformed VirtualService is reported as unparseable and the other VirtualServices are still analyzed',
    fixtures: [HEALTHY, 'istio/malformed-virtualservice.yaml'],
    checks: ['ResourceUnparseable', 'IstioVirtualServiceHostNotFound', 'IstioVirtualServiceConflict'],
    expected: ['ResourceUnparseable VirtualService/bookinfo/broken', 'IstioVirtualServiceHostNotFound VirtualService/bookinfo/orders'],
  },
];
