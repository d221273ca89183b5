// The Gateway API analyzers (gateway.networking.k8s.io), class to Gateway to route: each layer's
// failure names the one above it in `related`, so that the root cause is the first broken layer.
import type { Analyzer } from '../types.js';
import { notAcceptedGatewayClasses } from './gateway-class.js';
import { notProgrammedGateways } from './gateway.js';
import { unresolvedRouteBackends } from './route-backends.js';
import { notAcceptedRoutes } from './route-parents.js';

export const gatewayApiAnalyzers: readonly Analyzer[] = [notAcceptedGatewayClasses, notProgrammedGateways, notAcceptedRoutes, unresolvedRouteBackends];
