// Checks of the runbook section 'Network services'. This text is the user documentation (docs/checks.md).
import type { CheckDefinition } from './types.js';

export const networkChecks = [
  {
    id: 'ServiceSelectorMatchesNothing',
    severity: 'critical',
    area: 'Network services',
    title: 'Service selector matches no pod',
    description:
      'A Service with a selector that selects no pod of its namespace, so it has no endpoints. Services without a selector (endpoints managed by hand) and ExternalName Services are never flagged, nor are Services younger than the serviceNoReadyEndpointsAfter threshold, whose pods are terminating or finished, or whose Deployment/StatefulSet is deliberately scaled to zero. The evidence lists the values the namespace\'s pods carry for each selector key, so a typo shows.',
    runbook: [
      'Are the required services available to the pod? Compare the selector with the pod labels: `kubectl get svc <name> -n <ns> -o jsonpath=\'{.spec.selector}\'` and `kubectl get pods -n <ns> --show-labels`.',
      'Fix the Service selector or the workload\'s pod template labels so that they match.',
      'Check that the workload exists and has replicas: `kubectl get deploy,sts -n <ns>`.',
    ],
  },
  {
    id: 'ServiceNoReadyEndpoints',
    severity: 'critical',
    area: 'Network services',
    title: 'Service has no ready endpoints',
    description:
      'The Service selects pods but none of them is ready (per its EndpointSlices, found by the kubernetes.io/service-name label, or the pods\' Ready condition when no slice is in view), for longer than the serviceNoReadyEndpointsAfter threshold (default 3m). Headless Services are checked like any other; with publishNotReadyAddresses, a running pod with an IP counts as an endpoint. Also reported when no pod exists but a Deployment, StatefulSet or DaemonSet whose template the selector matches wants some (it cannot create them). The finding names the selected pods (or that workload), so a pod or workload failure (crash loop, image pull, quota, ...) is linked as its root cause.',
    runbook: [
      'Look at the root cause: the selected pods\' own findings say why they are not ready.',
      'Inspect the endpoints and pods: `kubectl get endpointslices -n <ns> -l kubernetes.io/service-name=<name>` and `kubectl describe pods -n <ns> -l <selector>`.',
      'Check readiness probes and the logs of the pods: `kubectl logs <pod> -n <ns> --previous`.',
    ],
  },
  {
    id: 'ServiceTargetPortMismatch',
    severity: 'critical',
    area: 'Network services',
    title: 'Service targetPort not served by its pods',
    description:
      'A Service port whose targetPort no selected pod serves. A named targetPort is flagged when no container (including native sidecars) declares a port of that name and protocol: Kubernetes then leaves the pods out of that port\'s endpoints. A numeric targetPort needs no declaration (container ports are informational), so it is only flagged when every container of every selected pod declares its ports and none of them is that number.',
    runbook: [
      'Compare the Service ports with the container ports: `kubectl get svc <name> -n <ns> -o yaml` and `kubectl get pod <pod> -n <ns> -o jsonpath=\'{.spec.containers[*].ports}\'`.',
      'Point targetPort at the port the application listens on (by number, or by the name the container declares).',
      'Verify endpoints appear: `kubectl get endpointslices -n <ns> -l kubernetes.io/service-name=<name>`.',
    ],
  },
  {
    id: 'ServiceProtocolMismatch',
    severity: 'warning',
    area: 'Network services',
    title: 'HTTP and HTTPS mixed between Service and backend',
    description:
      'A Service port says HTTPS (appProtocol, a name `https`/`https-*`, or port 443) while the container port behind it says HTTP (name `http*` or port 80), or the reverse. Two bare port numbers are not compared, and LoadBalancer Services may put HTTPS in front of HTTP (TLS terminated by the cloud load balancer).',
    runbook: [
      'Do not mix http and https in frontend and backend: decide where TLS is terminated.',
      'Align the Service port name/appProtocol with what the container serves: `kubectl edit svc <name> -n <ns>`.',
      'For an Ingress in front, set the controller\'s backend protocol to match the Service (e.g. the nginx.ingress.kubernetes.io/backend-protocol annotation).',
    ],
  },
  {
    id: 'DNSNameInvalid',
    severity: 'critical',
    area: 'Network services',
    title: 'Invalid DNS name',
    description:
      'A Service name, ExternalName target, Ingress rule or TLS host, Istio host (VirtualService, Gateway, ServiceEntry, DestinationRule), or external-dns hostname annotation that is not a valid DNS name: a label over 63 characters, a name over 253, an empty label, or characters other than a-z, 0-9 and inner hyphens (a wildcard `*` is allowed as the first label of hosts). Such a name never resolves.',
    runbook: [
      'Check invalid dns names, too long (64+) or invalid characters: the evidence names the offending label.',
      'Shorten or rename the object or host (Service names must start with a letter and be at most 63 characters).',
      'For external-dns annotations, separate several host names with commas and no other characters.',
    ],
  },
  {
    id: 'ClusterDNSUnhealthy',
    severity: 'critical',
    area: 'Network services',
    title: 'Cluster DNS unhealthy',
    description:
      'The cluster DNS (CoreDNS or kube-dns: pods labelled k8s-app=kube-dns in kube-system) is down or degraded: the kube-dns Service has no ready endpoints, or DNS pods are crash-looping or not ready for longer than the podNotReadyAfter threshold. Every name lookup in the cluster depends on it.',
    runbook: [
      'Check if kube-dns / coredns pods are working: `kubectl get pods -n kube-system -l k8s-app=kube-dns -o wide`.',
      'Read their logs: `kubectl logs -n kube-system -l k8s-app=kube-dns --tail=50` (loop detection, upstream errors, bad Corefile).',
      'Check the Service endpoints: `kubectl get endpointslices -n kube-system -l kubernetes.io/service-name=kube-dns`.',
      'Review recent changes to the Corefile: `kubectl get configmap coredns -n kube-system -o yaml`.',
    ],
  },
  {
    id: 'IngressBackendMissing',
    severity: 'critical',
    area: 'Network services',
    title: 'Ingress backend missing or not serving',
    description:
      'An Ingress rule or default backend names a Service that does not exist, a port the Service does not expose, or a Service that has no ready endpoints or selects no pod (then the controller answers 503 and the Service\'s own finding is linked as the root cause).',
    runbook: [
      'Validate ingress and services: `kubectl describe ingress <name> -n <ns>` and `kubectl get svc -n <ns>`.',
      'Fix the backend service name or port (by number or by the Service port\'s name) in the Ingress.',
      'When the Service exists, follow its root cause: why its pods are not ready.',
    ],
  },
  {
    id: 'IngressClassMissing',
    severity: 'warning',
    area: 'Network services',
    title: 'IngressClass missing',
    description:
      'ingressClassName names an IngressClass that does not exist, or the Ingress names no class (and no legacy kubernetes.io/ingress.class annotation) while no IngressClass is marked as the default: no ingress controller may pick it up.',
    runbook: [
      'List the classes: `kubectl get ingressclass` (the default one has the annotation ingressclass.kubernetes.io/is-default-class=true).',
      'Set spec.ingressClassName to an existing class, or mark one class as the default.',
      'Check the ingress controller is installed and watches that class.',
    ],
  },
  {
    id: 'IngressTLSSecretMissing',
    severity: 'critical',
    area: 'Network services',
    title: 'Ingress TLS Secret missing',
    description:
      'An Ingress TLS entry names a secretName that does not exist in its namespace, so the controller serves its default certificate and clients reject it. When cert-manager is to write the Secret (issuer annotations, or a Certificate of that name), a Certificate that is not ready is linked as the root cause, and a new Ingress gets the certificateRequestPendingAfter threshold to be issued.',
    runbook: [
      'Check the Secret: `kubectl get secret <secretName> -n <ns>`.',
      'If cert-manager issues it: `kubectl describe certificate <secretName> -n <ns>` and follow the failing CertificateRequest/Order/Challenge.',
      'Otherwise create the TLS Secret: `kubectl create secret tls <secretName> -n <ns> --cert=tls.crt --key=tls.key`.',
    ],
  },
  {
    id: 'NetworkPolicyBlocksService',
    severity: 'warning',
    area: 'Network services',
    title: 'NetworkPolicy blocks a Service',
    description:
      'Every pod behind a Service is isolated for ingress by NetworkPolicies (a policy selecting it with policyType Ingress) and no ingress rule of those policies admits any of the Service\'s target ports: a deny-all without allow rules, or port lists that miss the Service. Rules with any peer count as allowing traffic; hostNetwork pods are never isolated. Policies of other APIs (AdminNetworkPolicy, Calico or Cilium policies) are not read: where they allow the traffic, suppress the check with the sre.otomi.io/ignore-checks annotation.',
    runbook: [
      'Check for network policies: `kubectl get networkpolicy -n <ns>` and `kubectl describe networkpolicy <name> -n <ns>`.',
      'Add an ingress rule that admits the Service\'s target port from its clients (e.g. the ingress controller\'s namespace).',
      'Test from a client pod: `kubectl run tmp --rm -it --image=busybox -n <client-ns> -- wget -qO- <svc>.<ns>:<port>`.',
    ],
  },
  {
    id: 'NetworkPolicyBlocksDNS',
    severity: 'critical',
    area: 'Network services',
    title: 'NetworkPolicy blocks DNS',
    description:
      'Pods are isolated for egress (a policy selecting them has policyType Egress) and no egress rule of those policies admits port 53 (UDP or TCP, by number, range or the DNS pods\' port name) or all ports: every name lookup times out. hostNetwork and finished pods are not considered. Policies of other APIs (AdminNetworkPolicy, Calico or Cilium policies) are not read: where they allow DNS, suppress the check with the sre.otomi.io/ignore-checks annotation.',
    runbook: [
      'DNS resolving is required for normal operation: `kubectl get networkpolicy -n <ns> -o yaml`.',
      'Add an egress rule to port 53 UDP and TCP towards the cluster DNS (namespaceSelector kubernetes.io/metadata.name=kube-system, podSelector k8s-app=kube-dns).',
      'Verify from the pod: `kubectl exec <pod> -n <ns> -- nslookup kubernetes.default`.',
    ],
  },
] as const satisfies readonly CheckDefinition[];
