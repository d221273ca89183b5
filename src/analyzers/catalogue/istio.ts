// Checks of the runbook section 'Istio'. This text is the user documentation (docs/checks.md).
import type { CheckDefinition } from './types.js';

export const istioChecks = [
  {
    id: 'IstioControlPlaneUnhealthy',
    severity: 'critical',
    area: 'Istio',
    title: 'Istio control plane is unhealthy',
    description:
      'istiod (one Deployment per revision), the istio-operator or the default ingress gateway (found by the labels of their charts: `app=istiod`, `name=istio-operator`, `istio=ingressgateway`) has a pod that is crash-looping or cannot start (image pull, configuration error), cannot be scheduled for longer than `podUnschedulableAfter`, or has not been ready for longer than `podNotReadyAfter` (default 5 min); or its Deployment has had no available replica for that long. Without istiod, new pods are not injected, sidecars get no configuration or certificates, and they stop becoming ready. Gateway and sidecar findings name istiod as their root cause.',
    runbook: [
      'Look at the control plane: `kubectl get deploy,pods -n istio-system` and `istioctl proxy-status`',
      'Read the failing pod\'s events and logs: `kubectl describe pod -n istio-system <pod>` and `kubectl logs -n istio-system deploy/istiod --previous`',
      'If the istio-operator manages the installation, check it too: `kubectl logs -n istio-operator deploy/istio-operator` and `kubectl get istiooperators -A`',
      'Check the usual causes: resource limits (OOMKilled), an invalid mesh config (`kubectl get cm istio -n istio-system -o yaml`), a failed upgrade leaving revisions half-installed (`istioctl x precheck`)',
    ],
  },
  {
    id: 'IstioSidecarMissing',
    severity: 'critical',
    area: 'Istio',
    title: 'Istio sidecar missing',
    description:
      'A running pod has no `istio-proxy` container (neither a regular container nor a native sidecar init container with `restartPolicy: Always`) although the injector should have added one: its namespace has `istio-injection=enabled` or an `istio.io/rev` label, or (in an unlabelled namespace) the pod has `sidecar.istio.io/inject=true` or `istio.io/rev`. Pods opting out with `sidecar.istio.io/inject` (label or annotation) set to false, host-network pods, and kube-system/kube-public are exempt. Usually the pod was created before injection was enabled, or the injection webhook (istiod of that revision) was unavailable. One finding per workload.',
    runbook: [
      'Check what asks for injection: `kubectl get namespace <namespace> --show-labels` and the pod\'s `sidecar.istio.io/inject` label',
      'Check that an istiod of the requested revision runs and its webhook exists: `kubectl get pods -n istio-system -l app=istiod --show-labels` and `kubectl get mutatingwebhookconfigurations | grep istio`',
      'Check why injection did not happen: `istioctl x check-inject -n <namespace> <pod>`',
      'Restart the workload so that its pods are created with the sidecar: `kubectl rollout restart deployment -n <namespace> <name>`',
    ],
  },
  {
    id: 'IstioSidecarNotReady',
    severity: 'critical',
    area: 'Istio',
    title: 'Istio sidecar not ready or restarting',
    description:
      'The `istio-proxy` sidecar of a pod (regular or native) is in CrashLoopBackOff, restarted at least `restartsPerHour` times with a restart in the last hour, or has been running but not ready (or waiting to start) for longer than `podNotReadyAfter`. A not-ready proxy makes the whole pod not ready; most often it cannot reach istiod for its configuration and certificate, so an unhealthy control plane is reported as the root cause when there is one. Gateway pods (istio-proxy as their only container) are covered by the control-plane check instead.',
    runbook: [
      'Read the sidecar\'s logs: `kubectl logs -n <namespace> <pod> -c istio-proxy` (and `--previous` after a crash)',
      'Check that the proxy is connected and in sync with istiod: `istioctl proxy-status` and `istioctl proxy-config bootstrap -n <namespace> <pod>`',
      'Check istiod itself: `kubectl get pods -n istio-system -l app=istiod`; NetworkPolicies or egress rules must let the pod reach istiod on port 15012',
      'Check the sidecar\'s resources (OOMKilled) and the `sidecar.istio.io/proxyCPU`/`proxyMemory` annotations',
    ],
  },
  {
    id: 'IstioPortNameConvention',
    severity: 'warning',
    area: 'Istio',
    title: 'Service port without Istio protocol name',
    description:
      'In a meshed namespace (injection enabled by label, ambient mode, or pods with an istio-proxy sidecar), a Service port (TCP) whose name is not one of, and does not start with one of, `http`, `http2`, `https`, `grpc`, `grpc-web`, `tcp`, `tls`, `udp`, `mongo`, `mysql`, `redis` followed by `-`, and which has no `appProtocol`. Istio then sniffs the protocol, which adds latency, breaks server-first protocols (MySQL, SMTP) and loses HTTP routing and telemetry. UDP/SCTP ports and ExternalName Services are not checked.',
    runbook: [
      'Name the port by its protocol, e.g. `http-web`, `grpc`, `tcp-postgres`: `kubectl edit service -n <namespace> <name>`',
      'Or set `appProtocol` on the port (e.g. `http`, `https`, `grpc`, `tcp`), which takes precedence over the name',
      'Verify with `istioctl analyze -n <namespace>`',
    ],
  },
  {
    id: 'IstioVirtualServiceHostNotFound',
    severity: 'critical',
    area: 'Istio',
    title: 'VirtualService routes to an unknown host',
    description:
      'A route destination (or mirror) of a VirtualService names a host that matches no Service or ServiceEntry visible to the VirtualService\'s namespace. Short names resolve relative to the VirtualService\'s namespace (`reviews` is `reviews.<namespace>.svc.cluster.local`); names with a dot are taken as written, so `reviews.bookinfo` is not expanded; ServiceEntry hosts may be wildcards; `exportTo` (or the `networking.istio.io/exportTo` annotation of a Service) can hide a host from other namespaces. Requests on that route fail (500/503). External hosts are only judged when ServiceEntries are known.',
    runbook: [
      'Compare the destination host with the Services: `kubectl get virtualservice -n <namespace> <name> -o yaml` and `kubectl get svc -A | grep <host>`',
      'Use the full name `<service>.<namespace>.svc.cluster.local` for Services in other namespaces',
      'For external hosts, create a ServiceEntry; check `exportTo` of the Service or ServiceEntry',
      'Validate gateways, VirtualServices and Services together: `istioctl analyze -n <namespace>`',
    ],
  },
  {
    id: 'IstioVirtualServiceSubsetNotFound',
    severity: 'critical',
    area: 'Istio',
    title: 'VirtualService routes to an undefined subset',
    description:
      'A route destination names a subset that no DestinationRule for that host (visible to the VirtualService\'s namespace, wildcard hosts included) defines. Istio has no cluster for that subset and requests on the route fail with 503 (NR). Only evaluated when DestinationRules are known.',
    runbook: [
      'List the subsets defined for the host: `kubectl get destinationrules -A -o yaml | grep -A5 "host: <host>"`',
      'Add the subset to the DestinationRule, or fix the subset name in the VirtualService',
      'Apply the DestinationRule before the VirtualService that uses it (make-before-break), then verify with `istioctl analyze -n <namespace>`',
    ],
  },
  {
    id: 'IstioGatewayNotFound',
    severity: 'critical',
    area: 'Istio',
    title: 'VirtualService bound to a missing Gateway',
    description:
      'A VirtualService (in `spec.gateways` or in a route match) names a Gateway that does not exist. Gateways are written as `name` (same namespace as the VirtualService), `namespace/name`, `./name` or the legacy `name.namespace.svc.cluster.local`; `mesh` means the sidecars. Its hosts are not served on that gateway.',
    runbook: [
      'Compare the gateway names with the Gateways: `kubectl get gateways.networking.istio.io -A`',
      'A Gateway in another namespace must be written as `<namespace>/<name>`',
      'Fix the reference or create the Gateway, then verify with `istioctl analyze -n <namespace>`',
    ],
  },
  {
    id: 'IstioGatewaySelectorNoPods',
    severity: 'critical',
    area: 'Istio',
    title: 'Gateway selects no gateway pod',
    description:
      'A Gateway\'s `selector` matches no running pod in any namespace, so its servers, and every VirtualService bound to it, are served by nothing. Gateways created in the last minute are not reported. The evidence lists the labels of the gateway pods that do exist.',
    runbook: [
      'Compare the selector with the gateway pods\' labels: `kubectl get pods -A -l istio=ingressgateway --show-labels`',
      'Fix the selector (e.g. `istio: ingressgateway`), or deploy the gateway it expects',
      'Check the gateway Deployment is scaled up: `kubectl get deploy -A -l istio`',
    ],
  },
  {
    id: 'IstioGatewayTLSSecretMissing',
    severity: 'critical',
    area: 'Istio',
    title: 'Gateway TLS Secret missing',
    description:
      'A Gateway server that terminates TLS (`SIMPLE`, `MUTUAL`, `OPTIONAL_MUTUAL`) names a `credentialName` Secret that does not exist in the namespace of the gateway pods (which is where Istio reads it, not the Gateway\'s namespace). The listener has no certificate and TLS handshakes fail. When a cert-manager Certificate is meant to write that Secret, its failure is linked as the root cause.',
    runbook: [
      'Check the Secret where the gateway runs: `kubectl get secret -n istio-system <credentialName>`',
      'If cert-manager issues it, check the Certificate: `kubectl describe certificate -n istio-system <name>`',
      'Create the Secret (type kubernetes.io/tls) in the gateway pods\' namespace, or move the Certificate there',
      'Verify the gateway loaded it: `istioctl proxy-config secret -n istio-system deploy/istio-ingressgateway`',
    ],
  },
  {
    id: 'IstioVirtualServiceConflict',
    severity: 'warning',
    area: 'Istio',
    title: 'VirtualServices claim the same host',
    description:
      'Two or more VirtualServices claim the same host (short names resolved in their namespace) on the same Gateway, or on the mesh (`mesh`, or no gateways) where both are exported to a common namespace. Istio merges them in an order nobody chose, or ignores one, so some routes silently never match.',
    runbook: [
      'Find the VirtualServices for the host: `kubectl get virtualservices -A -o wide | grep <host>`',
      'Merge their routes into one VirtualService, or use delegate VirtualServices for split ownership',
      'Verify with `istioctl analyze -A`',
    ],
  },
  {
    id: 'IstioDestinationRuleHostNotFound',
    severity: 'warning',
    area: 'Istio',
    title: 'DestinationRule for an unknown host',
    description:
      'A DestinationRule\'s host (a short name resolves relative to the DestinationRule\'s namespace) matches no Service or ServiceEntry visible to its namespace, so its traffic policy and subsets apply to nothing. Wildcard hosts (mesh- or domain-wide policies) are not reported; external hosts only when ServiceEntries are known.',
    runbook: [
      'Compare the host with the Services: `kubectl get destinationrule -n <namespace> <name> -o jsonpath="{.spec.host}"` and `kubectl get svc -A`',
      'Use the full name `<service>.<namespace>.svc.cluster.local` when the Service is in another namespace',
      'Delete DestinationRules left over from removed Services',
    ],
  },
  {
    id: 'IstioMTLSConflict',
    severity: 'critical',
    area: 'Istio',
    title: 'mTLS mode conflict between PeerAuthentication and DestinationRule',
    description:
      'The workloads behind a DestinationRule\'s Service enforce STRICT mTLS (PeerAuthentication: mesh-wide in the root namespace `istio-system`, namespace-wide, by workload selector, or per port with `portLevelMtls`; UNSET inherits) while the DestinationRule sets `trafficPolicy.tls.mode` (or a `portLevelSettings` or subset policy for that port) to DISABLE, SIMPLE or MUTUAL; or the workloads DISABLE mTLS while the DestinationRule sets ISTIO_MUTUAL. Every request on that port fails (connection reset / 503). Ports without an explicit client mode use auto mTLS and are not reported.',
    runbook: [
      'See what the client and the server use: `istioctl x describe pod -n <namespace> <pod>` and `istioctl proxy-config cluster -n <namespace> <client-pod> --fqdn <host> -o json`',
      'List the policies: `kubectl get peerauthentication -A` and `kubectl get destinationrule -A`',
      'Use `tls.mode: ISTIO_MUTUAL` (or remove the `tls` block to rely on auto mTLS) for in-mesh STRICT workloads; use DISABLE only towards workloads that really accept plain text',
      'Verify with `istioctl analyze -A`',
    ],
  },
  {
    id: 'IstioDestinationRuleSubsetNoPods',
    severity: 'critical',
    area: 'Istio',
    title: 'DestinationRule subset selects no pod',
    description:
      'A DestinationRule subset whose labels select none of the pods of the host\'s Service, while some VirtualService routes traffic to it (with non-zero weight; every subset when VirtualServices are not known). Requests to the subset fail with 503 (no healthy upstream, UH). DestinationRules created in the last minute are not reported; the evidence lists the label values the Service\'s pods do carry.',
    runbook: [
      'Compare the subset labels with the pods: `kubectl get pods -n <namespace> -l <service selector> --show-labels`',
      'Fix the subset labels (e.g. `version: v2`), or deploy the version it expects',
      'Route no traffic to a subset whose pods are gone: set its weight to 0 in the VirtualService',
    ],
  },
  {
    id: 'IstioVirtualServicePortRequired',
    severity: 'warning',
    area: 'Istio',
    title: 'VirtualService destination needs a port',
    description:
      'A VirtualService bound to a Gateway routes to a Service with more than one port without naming `destination.port.number`. A sidecar takes the port from the request\'s listener, but a gateway cannot, so the route has no usable cluster.',
    runbook: [
      'Look at the Service\'s ports: `kubectl get svc -n <namespace> <name> -o jsonpath="{.spec.ports}"`',
      'Add `port: {number: <port>}` to the route destination',
      'Verify with `istioctl analyze -n <namespace>`',
    ],
  },
  {
    id: 'IstioGatewayConflict',
    severity: 'warning',
    area: 'Istio',
    title: 'Gateways claim the same port and host',
    description:
      'Two or more Gateways with the same selector (the same gateway pods) declare a server on the same port for the same host (a `namespace/` prefix of the host is ignored). The gateway gets two servers for one listener and Istio rejects or shadows one of them, typically with conflicting TLS settings.',
    runbook: [
      'Find the Gateways: `kubectl get gateways.networking.istio.io -A -o yaml | grep -B3 -A10 "number: <port>"`',
      'Keep one server per port and host: merge the Gateways or give each its own hosts',
      'Verify with `istioctl analyze -A`',
    ],
  },
  {
    id: 'IstioProxyVersionMismatch',
    severity: 'warning',
    area: 'Istio',
    title: 'Sidecars run another proxy version than istiod',
    description:
      'The `istio-proxy` image tag of a workload\'s pods (sidecars and gateways) differs from the image tag of istiod of the revision that injected them (from the `sidecar.istio.io/status` annotation or `istio.io/rev`; any istiod when unknown). This happens after an upgrade: running pods keep the old proxy until restarted. A workload where some pods already run the current version (a restart in progress) is not reported; untagged or digest-only images cannot be compared.',
    runbook: [
      'List proxy versions: `istioctl proxy-status` (the VERSION column) or `istioctl x precheck`',
      'Restart the workload to get the current proxy: `kubectl rollout restart deployment -n <namespace> <name>`',
      'For a revision-based upgrade, first relabel the namespace to the new revision (`istio.io/rev=<revision>`), then restart',
    ],
  },
  {
    id: 'IstioServiceAccountMissing',
    severity: 'warning',
    area: 'Istio',
    title: 'AuthorizationPolicy names a missing ServiceAccount',
    description:
      'An AuthorizationPolicy source principal (`<trust domain>/ns/<namespace>/sa/<name>`) names a ServiceAccount that does not exist (wildcard principals are not checked). The rule can never match: an ALLOW policy denies the intended caller, a DENY policy protects nothing.',
    runbook: [
      'Check which ServiceAccount the calling workload uses: `kubectl get pod -n <namespace> <pod> -o jsonpath="{.spec.serviceAccountName}"`',
      'List the ServiceAccounts: `kubectl get serviceaccounts -n <namespace>`',
      'Fix the principal, or create the ServiceAccount and assign it to the workload',
    ],
  },
  {
    id: 'IstioVirtualServicePortNotFound',
    severity: 'critical',
    area: 'Istio',
    title: 'VirtualService routes to a port the destination does not expose',
    description:
      'A route destination (or mirror) names `port.number`, but the Kubernetes Service it resolves to has no such `port` (its `targetPort` does not count: clients and routes address the Service port), or none of the ServiceEntries visible for that host lists it among their `ports`. Istio has no cluster for that host and port, so requests on the route fail with 503 (no route or no healthy upstream). Destinations whose host is unknown are reported as IstioVirtualServiceHostNotFound instead; ExternalName Services and ServiceEntries without ports are not judged.',
    runbook: [
      'Compare the destination port with the Service\'s ports: `kubectl get svc -n <namespace> <service> -o jsonpath="{.spec.ports}"`',
      'Use the Service `port`, not the container port or `targetPort`, in `destination.port.number`; or add the port to the Service or ServiceEntry',
      'Verify with `istioctl analyze -n <namespace>`',
    ],
  },
  {
    id: 'IstioVirtualServiceHostNotInGateway',
    severity: 'warning',
    area: 'Istio',
    title: 'VirtualService host not accepted by its Gateway',
    description:
      'A VirtualService bound to a Gateway (its top-level `gateways`, not `mesh`) lists a host that no server of that Gateway accepts: no server host equals it or covers it by wildcard (`*.example.com`), or the server host carries a namespace part (`bookinfo/shop.example.com`, `./shop.example.com`) that excludes the VirtualService\'s namespace. The gateway never hands requests for that host to these routes (404 from the gateway). Gateways that do not exist are reported as IstioGatewayNotFound instead.',
    runbook: [
      'Compare the hosts: `kubectl get virtualservice -n <namespace> <name> -o jsonpath="{.spec.hosts}"` and `kubectl get gateways.networking.istio.io -n <gateway namespace> <gateway> -o yaml`',
      'Add the host to a server of the Gateway (with a namespace part that admits the VirtualService\'s namespace, or none), or bind the VirtualService to the Gateway that serves the host',
      'Validate gateways, VirtualServices and Services together: `istioctl analyze -A`',
    ],
  },
  {
    id: 'IstioGatewayPortNotOnService',
    severity: 'critical',
    area: 'Istio',
    title: 'Gateway server port not exposed by the gateway Service',
    description:
      'A Gateway server listens on a port that no Service selecting the Gateway\'s pods exposes, neither as `port` nor as `targetPort` (a named targetPort resolved through the pods\' container ports). The gateway pods configure the listener, but no load balancer or NodePort leads to it, so nothing outside the cluster reaches that server. Gateways that select no pod, or whose pods no Service selects (reached some other way, e.g. host network), are not judged.',
    runbook: [
      'List the Service ports of the gateway: `kubectl get svc -n <gateway namespace> -l <gateway selector> -o jsonpath="{.items[*].spec.ports}"`',
      'Use one of those ports in the Gateway server (the Service `port` or its `targetPort`), or add the port to the gateway Service (with Helm: the gateway chart\'s `service.ports` values)',
      'Verify with `istioctl analyze -A`',
    ],
  },
  {
    id: 'IstioSelectorNoWorkloads',
    severity: 'warning',
    area: 'Istio',
    title: 'Istio policy selects no workload',
    description:
      'An AuthorizationPolicy, PeerAuthentication, RequestAuthentication or Telemetry (`selector.matchLabels`), or a Sidecar (`workloadSelector.labels`), selects no running pod of its namespace, and no Deployment, StatefulSet, DaemonSet or Job template of that namespace carries those labels either (a workload scaled to zero is still a workload). The policy protects or configures nothing, usually because of a typo in a label or a renamed workload; an ALLOW policy meant for a workload then leaves it open, a STRICT PeerAuthentication leaves it PERMISSIVE. A selector in the root namespace (`istio-system`) selects across the mesh and is compared with every namespace. Objects created within `podUnschedulableAfter` are not reported; objects without a selector apply to the whole namespace and are not judged.',
    runbook: [
      'Compare the selector with the pod labels: `kubectl get pods -n <namespace> --show-labels`',
      'Fix the selector or the workload\'s labels; delete policies left over from removed workloads',
      'Verify with `istioctl analyze -n <namespace>` and, for authorization, `istioctl x authz check -n <namespace> <pod>`',
    ],
  },
  {
    id: 'IstioVirtualServiceUnreachableRule',
    severity: 'warning',
    area: 'Istio',
    title: 'VirtualService HTTP route can never match',
    description:
      'An HTTP route of a VirtualService comes after a route of the same VirtualService that takes every request it would match: an earlier route without `match` (or with an empty match) takes everything, and an earlier match takes a later one when each condition it sets is implied by the later one\'s (`uri` prefix `/api` takes exact `/api/v2` and prefix `/api/v2`; the same header, query, method, port, source and gateway conditions; a case-insensitive match takes a case-sensitive one). Istio evaluates routes in order and uses the first match, so the later route\'s destinations, retries or faults never apply. Regular expressions are compared only as written.',
    runbook: [
      'Read the routes in order: `kubectl get virtualservice -n <namespace> <name> -o yaml`',
      'Put the most specific routes first and a single catch-all route (without `match`) last; merge two routes without `match` into one',
      'Verify with `istioctl analyze -n <namespace>`',
    ],
  },
] as const satisfies readonly CheckDefinition[];
