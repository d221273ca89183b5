// Istio custom resources (networking.istio.io and security.istio.io), parsed down to what the Istio
// analyzers read. The networking kinds are served as v1, v1beta1 and v1alpha3 with the same schema,
// the security kinds as v1 and v1beta1; the apiVersion is kept as served.
import { z } from 'zod';
import { labelMap, objectMeta } from './meta.js';

export const ISTIO_NETWORKING_VERSIONS = ['v1', 'v1beta1', 'v1alpha3'] as const;
export const ISTIO_SECURITY_VERSIONS = ['v1', 'v1beta1'] as const;

const networkingApiVersion = z.enum(ISTIO_NETWORKING_VERSIONS.map((v) => `networking.istio.io/${v}` as const));
const securityApiVersion = z.enum(ISTIO_SECURITY_VERSIONS.map((v) => `security.istio.io/${v}` as const));

/** Lists the API may serve as null when empty. */
function list<T extends z.ZodType>(item: T) {
  return z.array(item).nullable().optional().transform((items) => items ?? []);
}

const portSelector = z.object({ number: z.number().int().optional() });

export const routeDestination = z.object({
  host: z.string().min(1),
  subset: z.string().optional(),
  port: portSelector.optional(),
});
export type RouteDestination = z.infer<typeof routeDestination>;

const weightedDestination = z.object({ destination: routeDestination, weight: z.number().optional() });

/** Istio's StringMatch: one of exact, prefix or regex (RE2, whole string); empty means "present". */
const stringMatch = z.object({ exact: z.string().optional(), prefix: z.string().optional(), regex: z.string().optional() });
export type StringMatch = z.infer<typeof stringMatch>;

/** Every condition of an HTTPMatchRequest: a match holds when all the conditions it sets hold. */
export const httpMatchRequest = z.object({
  name: z.string().optional(),
  uri: stringMatch.optional(),
  scheme: stringMatch.optional(),
  method: stringMatch.optional(),
  authority: stringMatch.optional(),
  headers: z.record(z.string(), stringMatch).nullable().optional(),
  port: z.number().int().optional(),
  sourceLabels: labelMap.nullable().optional(),
  gateways: list(z.string()),
  queryParams: z.record(z.string(), stringMatch).nullable().optional(),
  ignoreUriCase: z.boolean().optional(),
  withoutHeaders: z.record(z.string(), stringMatch).nullable().optional(),
  sourceNamespace: z.string().optional(),
  statPrefix: z.string().optional(),
});
export type HttpMatchRequest = z.infer<typeof httpMatchRequest>;

const httpRoute = z.object({
  name: z.string().optional(),
  match: list(httpMatchRequest),
  route: list(weightedDestination),
  mirror: routeDestination.optional(),
  mirrors: list(z.object({ destination: routeDestination })),
  delegate: z.object({ name: z.string(), namespace: z.string().optional() }).optional(),
});

const l4Route = z.object({
  match: list(z.object({ gateways: list(z.string()) })),
  route: list(weightedDestination),
});

/** Visibility of a config object or a service: ".", "*", "~" or namespace names. */
const exportTo = list(z.string());

export const virtualService = z.object({
  apiVersion: networkingApiVersion,
  kind: z.literal('VirtualService'),
  metadata: objectMeta,
  spec: z
    .object({
      hosts: list(z.string()),
      gateways: list(z.string()),
      exportTo,
      http: list(httpRoute),
      tcp: list(l4Route),
      tls: list(l4Route),
    })
    .default({ hosts: [], gateways: [], exportTo: [], http: [], tcp: [], tls: [] }),
});
export type VirtualService = z.infer<typeof virtualService>;

const clientTLS = z.object({ mode: z.string().optional() });

const trafficPolicy = z.object({
  tls: clientTLS.optional(),
  portLevelSettings: list(z.object({ port: portSelector.optional(), tls: clientTLS.optional() })),
});
export type TrafficPolicy = z.infer<typeof trafficPolicy>;

export const destinationRule = z.object({
  apiVersion: networkingApiVersion,
  kind: z.literal('DestinationRule'),
  metadata: objectMeta,
  spec: z.object({
    host: z.string().min(1),
    exportTo,
    trafficPolicy: trafficPolicy.optional(),
    subsets: list(z.object({ name: z.string().min(1), labels: labelMap.optional(), trafficPolicy: trafficPolicy.optional() })),
    workloadSelector: z.object({ matchLabels: labelMap.optional() }).optional(),
  }),
});
export type DestinationRule = z.infer<typeof destinationRule>;

const gatewayServer = z.object({
  name: z.string().optional(),
  port: z.object({ number: z.number().int(), protocol: z.string().optional(), name: z.string().optional() }),
  hosts: list(z.string()),
  tls: z.object({ mode: z.string().optional(), credentialName: z.string().optional() }).optional(),
});
export type GatewayServer = z.infer<typeof gatewayServer>;

export const gateway = z.object({
  apiVersion: networkingApiVersion,
  kind: z.literal('Gateway'),
  metadata: objectMeta,
  spec: z
    .object({ selector: labelMap.nullable().optional(), servers: list(gatewayServer) })
    .default({ servers: [] }),
});
export type Gateway = z.infer<typeof gateway>;

export const serviceEntry = z.object({
  apiVersion: networkingApiVersion,
  kind: z.literal('ServiceEntry'),
  metadata: objectMeta,
  spec: z.object({
    hosts: list(z.string()),
    exportTo,
    location: z.string().optional(),
    resolution: z.string().optional(),
    ports: list(z.object({ number: z.number().int(), protocol: z.string().optional(), name: z.string().optional() })),
  }),
});
export type ServiceEntry = z.infer<typeof serviceEntry>;

export const sidecar = z.object({
  apiVersion: networkingApiVersion,
  kind: z.literal('Sidecar'),
  metadata: objectMeta,
  spec: z
    .object({
      workloadSelector: z.object({ labels: labelMap.optional() }).optional(),
      egress: list(z.object({ hosts: list(z.string()) })),
    })
    .default({ egress: [] }),
});
export type Sidecar = z.infer<typeof sidecar>;

const mutualTLS = z.object({ mode: z.string().optional() });

export const peerAuthentication = z.object({
  apiVersion: securityApiVersion,
  kind: z.literal('PeerAuthentication'),
  metadata: objectMeta,
  spec: z
    .object({
      selector: z.object({ matchLabels: labelMap.optional() }).nullable().optional(),
      mtls: mutualTLS.nullable().optional(),
      // Keyed by the workload's (container) port number, as a string in YAML/JSON.
      portLevelMtls: z.record(z.string(), mutualTLS).nullable().optional(),
    })
    .default({}),
});
export type PeerAuthentication = z.infer<typeof peerAuthentication>;

export const authorizationPolicy = z.object({
  apiVersion: securityApiVersion,
  kind: z.literal('AuthorizationPolicy'),
  metadata: objectMeta,
  spec: z
    .object({
      selector: z.object({ matchLabels: labelMap.optional() }).nullable().optional(),
      action: z.string().optional(),
      rules: list(
        z.object({
          from: list(z.object({ source: z.object({ principals: list(z.string()), namespaces: list(z.string()) }).optional() })),
        }),
      ),
    })
    .default({ rules: [] }),
});
export type AuthorizationPolicy = z.infer<typeof authorizationPolicy>;

/** Workload selection of the security and telemetry policies: `selector.matchLabels`. */
const workloadPolicySpec = z
  .object({ selector: z.object({ matchLabels: labelMap.optional() }).nullable().optional() })
  .default({});

export const requestAuthentication = z.object({
  apiVersion: securityApiVersion,
  kind: z.literal('RequestAuthentication'),
  metadata: objectMeta,
  spec: workloadPolicySpec,
});
export type RequestAuthentication = z.infer<typeof requestAuthentication>;

export const ISTIO_TELEMETRY_VERSIONS = ['v1', 'v1alpha1'] as const;
const telemetryApiVersion = z.enum(ISTIO_TELEMETRY_VERSIONS.map((v) => `telemetry.istio.io/${v}` as const));

export const telemetry = z.object({
  apiVersion: telemetryApiVersion,
  kind: z.literal('Telemetry'),
  metadata: objectMeta,
  spec: workloadPolicySpec,
});
export type Telemetry = z.infer<typeof telemetry>;
