import type { CheckCase } from '../../helpers/cases.js';

const CLASSES = 'gateway-api/classes.yaml';
const GATEWAYS = 'gateway-api/gateways.yaml';
const ROUTES = 'gateway-api/routes.yaml';
const UNWRITTEN = 'gateway-api/routes-no-status.yaml';
const GATEWAY = 'Gateway.gateway.networking.k8s.io';

const ALL = ['GatewayClassNotAccepted', 'GatewayNotProgrammed', 'HTTPRouteNotAccepted', 'HTTPRouteBackendNotFound'] as const;

export const cases: readonly CheckCase[] = [
  {
    name: 'healthy look-alikes: a route accepted by one parent and refused by another, status behind the spec, a GRPCRoute',
    fixtures: ['gateway-api/healthy.yaml'],
    checks: [...ALL],
    expected: [],
  },
  {
    name: 'GatewayClasses: accepted, never answered (no controller), refused (invalid parameters), just created',
    fixtures: [CLASSES],
    checks: ['GatewayClassNotAccepted'],
    expected: ['GatewayClassNotAccepted GatewayClass/cilium', 'GatewayClassNotAccepted GatewayClass/nginx'],
  },
  {
    name: 'with a grace of 2h, a refusal 1h28m old is not yet reported',
    fixtures: [CLASSES],
    checks: ['GatewayClassNotAccepted'],
    settings: { thresholds: { gatewayApiGrace: '2h' } },
    expected: ['GatewayClassNotAccepted GatewayClass/cilium'],
  },
  {
    name: 'Gateways: programmed, a listener with a missing certificate, no address, still provisioning, class without controller, class missing',
    fixtures: [CLASSES, GATEWAYS],
    checks: ['GatewayNotProgrammed'],
    expected: [`GatewayNotProgrammed ${GATEWAY}/edge/internal`, `GatewayNotProgrammed ${GATEWAY}/legacy/orphan`, `GatewayNotProgrammed ${GATEWAY}/legacy/web`, `GatewayNotProgrammed ${GATEWAY}/shop/secure`],
  },
  {
    name: 'without GatewayClasses in view, a Gateway with no status cannot blame its class but still waits for a controller',
    fixtures: [GATEWAYS],
    checks: ['GatewayNotProgrammed'],
    expected: [`GatewayNotProgrammed ${GATEWAY}/edge/internal`, `GatewayNotProgrammed ${GATEWAY}/legacy/orphan`, `GatewayNotProgrammed ${GATEWAY}/legacy/web`, `GatewayNotProgrammed ${GATEWAY}/shop/secure`],
  },
  {
    name: 'routes with status: healthy, accepted by one parent and refused by another, no matching hostname, missing backend, stale status, GRPCRoute, Gateway without controller',
    fixtures: [CLASSES, GATEWAYS, ROUTES],
    checks: ['HTTPRouteNotAccepted', 'HTTPRouteBackendNotFound'],
    expected: ['HTTPRouteBackendNotFound HTTPRoute/shop/reviews', 'HTTPRouteNotAccepted HTTPRoute/legacy/portal', 'HTTPRouteNotAccepted HTTPRoute/shop/admin'],
  },
  {
    name: 'routes without status: missing Gateway, listener for another namespace, missing section, missing Service, missing port, no ReferenceGrant; a fresh route with granted backends',
    fixtures: [CLASSES, GATEWAYS, UNWRITTEN],
    checks: ['HTTPRouteNotAccepted', 'HTTPRouteBackendNotFound'],
    expected: [
      'HTTPRouteBackendNotFound HTTPRoute/apps/billing',
      'HTTPRouteBackendNotFound HTTPRoute/apps/ledger',
      'HTTPRouteBackendNotFound HTTPRoute/apps/search',
      'HTTPRouteNotAccepted HTTPRoute/apps/billing',
      'HTTPRouteNotAccepted HTTPRoute/apps/ledger',
      'HTTPRouteNotAccepted HTTPRoute/apps/search',
    ],
  },
  {
    name: 'routes without status whose Gateways are not in view: their parents cannot be judged',
    fixtures: [UNWRITTEN],
    checks: ['HTTPRouteNotAccepted'],
    expected: [],
  },
  {
    name: 'an Istio Gateway and a Gateway API Gateway of one name in one namespace are two subjects',
    fixtures: [CLASSES, 'gateway-api/same-name-as-istio.yaml'],
    checks: ['GatewayNotProgrammed', 'IstioGatewaySelectorNoPods'],
    loadedKinds: ['Pod'],
    expected: [`GatewayNotProgrammed ${GATEWAY}/ingress/public`, 'IstioGatewaySelectorNoPods Gateway/ingress/public'],
  },
];
