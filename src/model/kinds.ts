// The registry of every kind the analyzers may read: how to recognise it in a dump, how to list it
// live, and the zod schema that parses it. One entry per kind; a kind may be served under several
// API versions (Events in core/v1 and events.k8s.io/v1; Istio in v1, v1beta1 and v1alpha3).
import type { z } from 'zod';
import { daemonSet, deployment, job, cronJob, replicaSet, statefulSet } from './apps.js';
import type { CronJob, DaemonSet, Deployment, Job, ReplicaSet, StatefulSet } from './apps.js';
import { horizontalPodAutoscaler } from './autoscaling.js';
import type { HorizontalPodAutoscaler } from './autoscaling.js';
import { podDisruptionBudget } from './policy.js';
import type { PodDisruptionBudget } from './policy.js';
import { mutatingWebhookConfiguration, validatingWebhookConfiguration } from './admission.js';
import type { MutatingWebhookConfiguration, ValidatingWebhookConfiguration } from './admission.js';
import {
  configMap, coreEvent, eventsV1Event, limitRange, namespace, node, persistentVolume, persistentVolumeClaim, pod,
  resourceQuota, secret, service, serviceAccount,
} from './core.js';
import type {
  ClusterEvent, ConfigMap, LimitRange, Namespace, Node, PersistentVolume, PersistentVolumeClaim, Pod, ResourceQuota,
  Secret, Service, ServiceAccount,
} from './core.js';
import { endpointSlice } from './discovery.js';
import type { EndpointSlice } from './discovery.js';
import { apiService, podMetrics } from './metrics.js';
import type { APIService, PodMetrics } from './metrics.js';
import { ingress, ingressClass, networkPolicy } from './networking.js';
import type { Ingress, IngressClass, NetworkPolicy } from './networking.js';
import { certificate, certificateRequest, challenge, clusterIssuer, issuer, order } from './certmanager.js';
import type { Certificate, CertificateRequest, Challenge, ClusterIssuer, Issuer, Order } from './certmanager.js';
import { storageClass } from './storage.js';
import type { StorageClass } from './storage.js';
import {
  authorizationPolicy, destinationRule, gateway, ISTIO_NETWORKING_VERSIONS, ISTIO_SECURITY_VERSIONS, ISTIO_TELEMETRY_VERSIONS, peerAuthentication,
  requestAuthentication, serviceEntry, sidecar, telemetry, virtualService,
} from './istio.js';
import type {
  AuthorizationPolicy, DestinationRule, Gateway, PeerAuthentication, RequestAuthentication, ServiceEntry, Sidecar, Telemetry, VirtualService,
} from './istio.js';
import { GATEWAY_API_GATEWAY, GATEWAY_API_GROUP, gatewayApiGateway, gatewayClass, grpcRoute, httpRoute, referenceGrant } from './gateway-api.js';
import type { GatewayApiGateway, GatewayClass, GRPCRoute, HTTPRoute, ReferenceGrant } from './gateway-api.js';

/**
 * The parsed type of each kind, by the kind's identity: its name, or `Kind.group` where two groups
 * serve a kind of that name (model/kind-identity.ts). Extend it together with KIND_DESCRIPTORS.
 */
export interface KindMap {
  Pod: Pod;
  Node: Node;
  Namespace: Namespace;
  ConfigMap: ConfigMap;
  Secret: Secret;
  ServiceAccount: ServiceAccount;
  PersistentVolumeClaim: PersistentVolumeClaim;
  PersistentVolume: PersistentVolume;
  ResourceQuota: ResourceQuota;
  LimitRange: LimitRange;
  Service: Service;
  Event: ClusterEvent;
  Deployment: Deployment;
  ReplicaSet: ReplicaSet;
  StatefulSet: StatefulSet;
  DaemonSet: DaemonSet;
  Job: Job;
  CronJob: CronJob;
  HorizontalPodAutoscaler: HorizontalPodAutoscaler;
  PodDisruptionBudget: PodDisruptionBudget;
  ValidatingWebhookConfiguration: ValidatingWebhookConfiguration;
  MutatingWebhookConfiguration: MutatingWebhookConfiguration;
  StorageClass: StorageClass;
  EndpointSlice: EndpointSlice;
  APIService: APIService;
  PodMetrics: PodMetrics;
  Ingress: Ingress;
  IngressClass: IngressClass;
  NetworkPolicy: NetworkPolicy;
  Certificate: Certificate;
  CertificateRequest: CertificateRequest;
  Issuer: Issuer;
  ClusterIssuer: ClusterIssuer;
  Order: Order;
  Challenge: Challenge;
  VirtualService: VirtualService;
  DestinationRule: DestinationRule;
  Gateway: Gateway;
  ServiceEntry: ServiceEntry;
  Sidecar: Sidecar;
  PeerAuthentication: PeerAuthentication;
  AuthorizationPolicy: AuthorizationPolicy;
  RequestAuthentication: RequestAuthentication;
  Telemetry: Telemetry;
  GatewayClass: GatewayClass;
  [GATEWAY_API_GATEWAY]: GatewayApiGateway;
  HTTPRoute: HTTPRoute;
  GRPCRoute: GRPCRoute;
  ReferenceGrant: ReferenceGrant;
}
export type KindName = keyof KindMap;

export interface KindVariant {
  /** API group; '' for the core group. */
  readonly group: string;
  readonly version: string;
  readonly schema: z.ZodType<unknown>;
}

export interface KindDescriptor<K extends KindName = KindName> {
  /** The kind's identity; the API server's kind is wireKind(name) (model/kind-identity.ts). */
  readonly name: K;
  readonly plural: string;
  readonly namespaced: boolean;
  /** Served in preference order: live mode lists the first variant the cluster serves. */
  readonly variants: readonly KindVariant[];
  /** Listed as PartialObjectMetadata only, so that no data of the object ever enters the process. */
  readonly metadataOnly?: boolean;
  /** Comes with an add-on (a CRD or an aggregated API): its absence is expected, not an error. */
  readonly optional?: boolean;
}

function kind<K extends KindName>(d: KindDescriptor<K>): KindDescriptor<K> {
  return d;
}
const v = (group: string, version: string, schema: z.ZodType<unknown>): KindVariant => ({ group, version, schema });
// Istio serves one schema under several versions; the newest is listed first.
const istioNetworking = (schema: z.ZodType<unknown>): KindVariant[] => ISTIO_NETWORKING_VERSIONS.map((version) => v('networking.istio.io', version, schema));
const istioSecurity = (schema: z.ZodType<unknown>): KindVariant[] => ISTIO_SECURITY_VERSIONS.map((version) => v('security.istio.io', version, schema));
const istioTelemetry = (schema: z.ZodType<unknown>): KindVariant[] => ISTIO_TELEMETRY_VERSIONS.map((version) => v('telemetry.istio.io', version, schema));
const gatewayApi = (versions: readonly string[], schema: z.ZodType<unknown>): KindVariant[] => versions.map((version) => v(GATEWAY_API_GROUP, version, schema));

export const KIND_DESCRIPTORS: { readonly [K in KindName]: KindDescriptor<K> } = {
  Pod: kind({ name: 'Pod', plural: 'pods', namespaced: true, variants: [v('', 'v1', pod)] }),
  Node: kind({ name: 'Node', plural: 'nodes', namespaced: false, variants: [v('', 'v1', node)] }),
  Namespace: kind({ name: 'Namespace', plural: 'namespaces', namespaced: false, variants: [v('', 'v1', namespace)] }),
  ConfigMap: kind({ name: 'ConfigMap', plural: 'configmaps', namespaced: true, variants: [v('', 'v1', configMap)] }),
  Secret: kind({ name: 'Secret', plural: 'secrets', namespaced: true, metadataOnly: true, variants: [v('', 'v1', secret)] }),
  ServiceAccount: kind({ name: 'ServiceAccount', plural: 'serviceaccounts', namespaced: true, variants: [v('', 'v1', serviceAccount)] }),
  PersistentVolumeClaim: kind({ name: 'PersistentVolumeClaim', plural: 'persistentvolumeclaims', namespaced: true, variants: [v('', 'v1', persistentVolumeClaim)] }),
  PersistentVolume: kind({ name: 'PersistentVolume', plural: 'persistentvolumes', namespaced: false, variants: [v('', 'v1', persistentVolume)] }),
  ResourceQuota: kind({ name: 'ResourceQuota', plural: 'resourcequotas', namespaced: true, variants: [v('', 'v1', resourceQuota)] }),
  LimitRange: kind({ name: 'LimitRange', plural: 'limitranges', namespaced: true, variants: [v('', 'v1', limitRange)] }),
  Service: kind({ name: 'Service', plural: 'services', namespaced: true, variants: [v('', 'v1', service)] }),
  Event: kind({ name: 'Event', plural: 'events', namespaced: true, variants: [v('events.k8s.io', 'v1', eventsV1Event), v('', 'v1', coreEvent)] }),
  Deployment: kind({ name: 'Deployment', plural: 'deployments', namespaced: true, variants: [v('apps', 'v1', deployment)] }),
  ReplicaSet: kind({ name: 'ReplicaSet', plural: 'replicasets', namespaced: true, variants: [v('apps', 'v1', replicaSet)] }),
  StatefulSet: kind({ name: 'StatefulSet', plural: 'statefulsets', namespaced: true, variants: [v('apps', 'v1', statefulSet)] }),
  DaemonSet: kind({ name: 'DaemonSet', plural: 'daemonsets', namespaced: true, variants: [v('apps', 'v1', daemonSet)] }),
  Job: kind({ name: 'Job', plural: 'jobs', namespaced: true, variants: [v('batch', 'v1', job)] }),
  CronJob: kind({ name: 'CronJob', plural: 'cronjobs', namespaced: true, variants: [v('batch', 'v1', cronJob)] }),
  HorizontalPodAutoscaler: kind({ name: 'HorizontalPodAutoscaler', plural: 'horizontalpodautoscalers', namespaced: true, variants: [v('autoscaling', 'v2', horizontalPodAutoscaler)] }),
  PodDisruptionBudget: kind({ name: 'PodDisruptionBudget', plural: 'poddisruptionbudgets', namespaced: true, variants: [v('policy', 'v1', podDisruptionBudget)] }),
  ValidatingWebhookConfiguration: kind({ name: 'ValidatingWebhookConfiguration', plural: 'validatingwebhookconfigurations', namespaced: false, variants: [v('admissionregistration.k8s.io', 'v1', validatingWebhookConfiguration)] }),
  MutatingWebhookConfiguration: kind({ name: 'MutatingWebhookConfiguration', plural: 'mutatingwebhookconfigurations', namespaced: false, variants: [v('admissionregistration.k8s.io', 'v1', mutatingWebhookConfiguration)] }),
  StorageClass: kind({ name: 'StorageClass', plural: 'storageclasses', namespaced: false, variants: [v('storage.k8s.io', 'v1', storageClass)] }),
  EndpointSlice: kind({ name: 'EndpointSlice', plural: 'endpointslices', namespaced: true, variants: [v('discovery.k8s.io', 'v1', endpointSlice)] }),
  APIService: kind({ name: 'APIService', plural: 'apiservices', namespaced: false, variants: [v('apiregistration.k8s.io', 'v1', apiService)] }),
  PodMetrics: kind({ name: 'PodMetrics', plural: 'pods', namespaced: true, optional: true, variants: [v('metrics.k8s.io', 'v1beta1', podMetrics)] }),
  Ingress: kind({ name: 'Ingress', plural: 'ingresses', namespaced: true, variants: [v('networking.k8s.io', 'v1', ingress)] }),
  IngressClass: kind({ name: 'IngressClass', plural: 'ingressclasses', namespaced: false, variants: [v('networking.k8s.io', 'v1', ingressClass)] }),
  NetworkPolicy: kind({ name: 'NetworkPolicy', plural: 'networkpolicies', namespaced: true, variants: [v('networking.k8s.io', 'v1', networkPolicy)] }),
  Certificate: kind({ name: 'Certificate', plural: 'certificates', namespaced: true, optional: true, variants: [v('cert-manager.io', 'v1', certificate)] }),
  CertificateRequest: kind({ name: 'CertificateRequest', plural: 'certificaterequests', namespaced: true, optional: true, variants: [v('cert-manager.io', 'v1', certificateRequest)] }),
  Issuer: kind({ name: 'Issuer', plural: 'issuers', namespaced: true, optional: true, variants: [v('cert-manager.io', 'v1', issuer)] }),
  ClusterIssuer: kind({ name: 'ClusterIssuer', plural: 'clusterissuers', namespaced: false, optional: true, variants: [v('cert-manager.io', 'v1', clusterIssuer)] }),
  Order: kind({ name: 'Order', plural: 'orders', namespaced: true, optional: true, variants: [v('acme.cert-manager.io', 'v1', order)] }),
  Challenge: kind({ name: 'Challenge', plural: 'challenges', namespaced: true, optional: true, variants: [v('acme.cert-manager.io', 'v1', challenge)] }),
  VirtualService: kind({ name: 'VirtualService', plural: 'virtualservices', namespaced: true, optional: true, variants: istioNetworking(virtualService) }),
  DestinationRule: kind({ name: 'DestinationRule', plural: 'destinationrules', namespaced: true, optional: true, variants: istioNetworking(destinationRule) }),
  Gateway: kind({ name: 'Gateway', plural: 'gateways', namespaced: true, optional: true, variants: istioNetworking(gateway) }),
  ServiceEntry: kind({ name: 'ServiceEntry', plural: 'serviceentries', namespaced: true, optional: true, variants: istioNetworking(serviceEntry) }),
  Sidecar: kind({ name: 'Sidecar', plural: 'sidecars', namespaced: true, optional: true, variants: istioNetworking(sidecar) }),
  PeerAuthentication: kind({ name: 'PeerAuthentication', plural: 'peerauthentications', namespaced: true, optional: true, variants: istioSecurity(peerAuthentication) }),
  AuthorizationPolicy: kind({ name: 'AuthorizationPolicy', plural: 'authorizationpolicies', namespaced: true, optional: true, variants: istioSecurity(authorizationPolicy) }),
  RequestAuthentication: kind({ name: 'RequestAuthentication', plural: 'requestauthentications', namespaced: true, optional: true, variants: istioSecurity(requestAuthentication) }),
  Telemetry: kind({ name: 'Telemetry', plural: 'telemetries', namespaced: true, optional: true, variants: istioTelemetry(telemetry) }),
  GatewayClass: kind({ name: 'GatewayClass', plural: 'gatewayclasses', namespaced: false, optional: true, variants: gatewayApi(['v1', 'v1beta1'], gatewayClass) }),
  [GATEWAY_API_GATEWAY]: kind({ name: GATEWAY_API_GATEWAY, plural: 'gateways', namespaced: true, optional: true, variants: gatewayApi(['v1', 'v1beta1'], gatewayApiGateway) }),
  HTTPRoute: kind({ name: 'HTTPRoute', plural: 'httproutes', namespaced: true, optional: true, variants: gatewayApi(['v1', 'v1beta1'], httpRoute) }),
  GRPCRoute: kind({ name: 'GRPCRoute', plural: 'grpcroutes', namespaced: true, optional: true, variants: gatewayApi(['v1'], grpcRoute) }),
  ReferenceGrant: kind({ name: 'ReferenceGrant', plural: 'referencegrants', namespaced: true, optional: true, variants: gatewayApi(['v1', 'v1beta1'], referenceGrant) }),
};

export const KIND_NAMES = Object.keys(KIND_DESCRIPTORS) as KindName[];

export function apiVersionOf(variant: Pick<KindVariant, 'group' | 'version'>): string {
  return variant.group ? `${variant.group}/${variant.version}` : variant.version;
}

export function isKindName(name: string): name is KindName {
  return Object.hasOwn(KIND_DESCRIPTORS, name);
}
