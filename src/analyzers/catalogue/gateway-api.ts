// Checks of the section 'Beyond the runbook' on the Gateway API (gateway.networking.k8s.io). This
// text is the user documentation (docs/checks.md).
import type { CheckDefinition } from './types.js';

export const gatewayApiChecks = [
  {
    id: 'GatewayClassNotAccepted',
    severity: 'critical',
    area: 'Beyond the runbook',
    title: 'GatewayClass not accepted',
    description:
      'A GatewayClass whose Accepted condition is False (its controller refused it: invalid parametersRef, unsupported CRD version) or, for longer than `gatewayApiGrace` (default 2 min), still the CRD\'s default Unknown ("Waiting for controller"): no controller with the class\'s `controllerName` runs, or it does not recognise the name. Conditions written for an older generation of the class count as not written. No Gateway of the class is ever programmed; their GatewayNotProgrammed findings name this one as the root cause. The evidence lists the Gateways of the class.',
    runbook: [
      'Read the class and its condition: `kubectl get gatewayclass <name> -o yaml` (`spec.controllerName`, `status.conditions`)',
      'Check that the implementation for that controllerName is installed and running (e.g. `kubectl get pods -A | grep -i -e gateway -e envoy -e istio -e contour`) and read its logs',
      'Fix what the controller refused: the `parametersRef` object it names, or a CRD version the implementation does not support (`kubectl get crd gateways.gateway.networking.k8s.io -o jsonpath=\'{.metadata.annotations}\'` shows the bundle version)',
    ],
  },
  {
    id: 'GatewayNotProgrammed',
    severity: 'critical',
    area: 'Beyond the runbook',
    title: 'Gateway not programmed',
    description:
      'A Gateway API Gateway (`Gateway.gateway.networking.k8s.io` in reports, to tell it from Istio\'s Gateway) that does not serve: its implementation set Accepted or Programmed to False (invalid listeners, an unsupported address, no resources to provision) for longer than `gatewayApiGrace` (default 2 min), or one of its listeners is Conflicted, has ResolvedRefs=False (a certificateRef to a missing Secret or one in another namespace without a ReferenceGrant, unsupported route kinds) or is not Accepted or Programmed. Where no implementation wrote status for the current generation, the references decide once the grace is over: a gatewayClassName that names no GatewayClass, a class no controller accepted (its GatewayClassNotAccepted finding is the root cause), or a controller that never reconciled the Gateway. The evidence gives the conditions, the listeners, the unresolved certificateRefs and the addresses.',
    runbook: [
      'Read the Gateway\'s conditions and listener status: `kubectl get gateway.gateway.networking.k8s.io -n <namespace> <name> -o yaml`',
      'Check its class: `kubectl get gatewayclass <gatewayClassName>` must exist and be Accepted',
      'For listener trouble: make hostnames and ports unique across listeners, create the certificate Secret (or the ReferenceGrant in its namespace) the listener names, and list only route kinds the implementation supports',
      'For Programmed=False: read the implementation\'s logs and the Service or load balancer it provisions for the Gateway (`kubectl get svc -n <namespace>`)',
    ],
  },
  {
    id: 'HTTPRouteNotAccepted',
    severity: 'critical',
    area: 'Beyond the runbook',
    title: 'HTTPRoute not accepted by any parent',
    description:
      'An HTTPRoute or GRPCRoute none of whose parent Gateways accepts it, so that no request reaches it. Per parentRef, the implementation\'s Accepted condition in `status.parents` decides when it was written for the current generation (NotAllowedByListeners, NoMatchingListenerHostname, NoMatchingParent); otherwise the references: a Gateway that does not exist, a sectionName or port that no listener has, listeners whose `allowedRoutes` (namespaces: Same, Selector, None; kinds) or hostname do not take the route, or a Gateway that is not programmed (its GatewayNotProgrammed finding is then the root cause). Inferences from the references wait `gatewayApiGrace` after the route\'s creation. A route that one parent accepts while another refuses it works and is not reported; parentRefs to Services (mesh routing) are not judged.',
    runbook: [
      'Read the route\'s per-parent status: `kubectl get httproute -n <namespace> <name> -o yaml` (`status.parents[].conditions`)',
      'Check that each parentRef names an existing Gateway and listener (`sectionName`, `port`): `kubectl get gateway.gateway.networking.k8s.io -A`',
      'Check the listener\'s `allowedRoutes`: a Gateway of another namespace must allow it (`from: All` or a `Selector` matching the route\'s namespace labels), and the route\'s hostnames must intersect the listener\'s hostname',
      'If the Gateway itself is not programmed, fix the Gateway first (see GatewayNotProgrammed)',
    ],
  },
  {
    id: 'HTTPRouteBackendNotFound',
    severity: 'critical',
    area: 'Beyond the runbook',
    title: 'HTTPRoute backend not found',
    description:
      'An HTTPRoute or GRPCRoute with a backendRef that does not resolve, so that the requests its rule matches fail (HTTP 500 for the backend\'s share of the traffic). The implementation\'s ResolvedRefs=False condition in `status.parents` (BackendNotFound, RefNotPermitted, InvalidKind, UnsupportedProtocol) decides when one was written for the current generation; one that resolved everything (ResolvedRefs=True) is trusted. Otherwise the references: a Service that does not exist, a Service backend without a port or with a port the Service does not have, or a Service of another namespace for which no ReferenceGrant in that namespace allows the route\'s kind from the route\'s namespace. Both wait `gatewayApiGrace` (default 2 min). Backends of other kinds are judged by the status only.',
    runbook: [
      'Read the route\'s ResolvedRefs condition: `kubectl get httproute -n <namespace> <name> -o jsonpath=\'{.status.parents[*].conditions}\'`',
      'Check each backendRef: `kubectl get svc -n <namespace> <name>` must exist and expose the `port` the backendRef names',
      'For a backend in another namespace, create a ReferenceGrant there: `from` the route\'s kind and namespace (group gateway.networking.k8s.io), `to` kind Service (group "")',
    ],
  },
] as const satisfies readonly CheckDefinition[];
