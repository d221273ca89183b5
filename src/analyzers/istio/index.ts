// The analyzers of the runbook section "Istio".
import type { Analyzer } from '../types.js';
import { istioAuthorizationPrincipals } from './authorization-principals.js';
import { istioControlPlaneHealth } from './control-plane-health.js';
import { istioDestinationRuleHosts } from './destination-rule-hosts.js';
import { istioDestinationRuleSubsets } from './destination-rule-subsets.js';
import { istioGatewayConflicts } from './gateway-conflicts.js';
import { istioGatewayCredentials } from './gateway-credentials.js';
import { istioGatewayServicePorts } from './gateway-service-ports.js';
import { istioGatewaySelectors } from './gateway-selectors.js';
import { istioMtlsConflicts } from './mtls-conflicts.js';
import { istioPolicySelectors } from './policy-selectors.js';
import { istioPortNames } from './port-names.js';
import { istioProxyVersions } from './proxy-versions.js';
import { istioSidecarInjection } from './sidecar-injection.js';
import { istioSidecarReadiness } from './sidecar-readiness.js';
import { istioVirtualServiceConflicts } from './virtual-service-conflicts.js';
import { istioVirtualServiceDestinations } from './virtual-service-destinations.js';
import { istioVirtualServiceGatewayHosts } from './virtual-service-gateway-hosts.js';
import { istioVirtualServiceGateways } from './virtual-service-gateways.js';
import { istioVirtualServiceUnreachableRules } from './virtual-service-unreachable-rules.js';

export const istioAnalyzers: readonly Analyzer[] = [
  istioControlPlaneHealth,
  istioSidecarInjection,
  istioSidecarReadiness,
  istioProxyVersions,
  istioPortNames,
  istioVirtualServiceDestinations,
  istioVirtualServiceGateways,
  istioVirtualServiceGatewayHosts,
  istioVirtualServiceConflicts,
  istioVirtualServiceUnreachableRules,
  istioGatewaySelectors,
  istioGatewayCredentials,
  istioGatewayConflicts,
  istioGatewayServicePorts,
  istioDestinationRuleHosts,
  istioDestinationRuleSubsets,
  istioMtlsConflicts,
  istioAuthorizationPrincipals,
  istioPolicySelectors,
];
