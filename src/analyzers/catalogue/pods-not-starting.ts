// Checks of the runbook section 'Pods not starting'. This text is the user documentation (docs/checks.md).
import type { CheckDefinition } from './types.js';

export const podsNotStartingChecks = [
  {
    id: 'PodUnschedulable',
    severity: 'critical',
    area: 'Pods not starting',
    title: 'Pod cannot be scheduled',
    description:
      'The pod has had PodScheduled=False (Unschedulable) for longer than `podUnschedulableAfter` (default 1 min). The evidence splits the scheduler\'s message into its causes with the number of nodes each rules out: not enough free cpu, memory or pod slots, a node selector or affinity that matches no node, untolerated taints, cordoned or not-ready nodes, unbound or missing claims, pod (anti-)affinity, topology spread, host ports; and what preemption could (not) do; the cluster-autoscaler\'s NotTriggerScaleUp events say why it added no node. While a node autoscaler provisions a node for the pod (TriggeredScaleUp, Karpenter\'s Nominated), the pod is only reported once it has waited longer than `podPendingTooLongAfter`.',
    runbook: [
      'Read the scheduler\'s verdict: `kubectl describe pod -n <namespace> <pod>` (Events: FailedScheduling)',
      'For "Insufficient cpu/memory": compare the pod\'s requests with free capacity (`kubectl describe nodes`, Allocated resources) and lower the requests or add nodes',
      'For node selector, affinity or taints: compare the pod\'s nodeSelector, affinity and tolerations with `kubectl get nodes --show-labels` and `kubectl describe node <node> | grep Taints`',
      'For volumes: check the pod\'s claims with `kubectl get pvc -n <namespace>` and their StorageClass topology',
    ],
  },
  {
    id: 'PodRequestsExceedNodeCapacity',
    severity: 'critical',
    area: 'Pods not starting',
    title: 'Pod requests more than any node can allocate',
    description:
      'An unscheduled pod requests more of a resource (cpu, memory, ephemeral storage, GPUs or another extended resource) than the allocatable of every node its nodeSelector and required node affinity allow, so it can never be scheduled, however much is freed. The pod\'s request counts its containers and native sidecars together, or its largest init container when that is more; the evidence names the containers that alone exceed the largest node. A pod for which a node autoscaler has scaled up (TriggeredScaleUp, Nominated) is not reported: the autoscaler knows nodes that can hold it.',
    runbook: [
      'Compare the requests with the nodes\' allocatable: `kubectl get pod -n <namespace> <pod> -o jsonpath=\'{.spec.containers[*].resources}\'` and `kubectl describe nodes | grep -A6 Allocatable`',
      'Lower the requests to what a node can hold (a typo like `cpu: 40` for `400m` is common), or',
      'Add a node pool with bigger nodes (or the requested extended resource, e.g. GPUs) that the pod\'s selector allows',
    ],
  },
  {
    id: 'PodImagePullFailed',
    severity: 'critical',
    area: 'Pods not starting',
    title: 'Container image cannot be pulled',
    description:
      'A container waits in ErrImagePull, ImagePullBackOff, InvalidImageName or ErrImageNeverPull. The message says what the registry\'s error means (image or tag does not exist, access refused, registry unreachable, rate limit, invalid reference); the evidence quotes the registry\'s error from the kubelet\'s Failed events.',
    runbook: [
      'Read the pull error: `kubectl describe pod -n <namespace> <pod>` (Events: Failed to pull image)',
      'Check that the image and tag exist: `crane manifest <image>` or `docker manifest inspect <image>`; fix typos in the image reference',
      'For access errors, check the pod\'s imagePullSecrets and the secret\'s registry and credentials: `kubectl get secret -n <namespace> <secret> -o jsonpath=\'{.data.\\.dockerconfigjson}\' | base64 -d`',
      'For unreachable registries, test from a node: `crictl pull <image>`; check proxies, DNS and firewalls',
    ],
  },
  {
    id: 'PodImagePullSecretMissing',
    severity: 'critical',
    area: 'Pods not starting',
    title: 'Image pull secret does not exist',
    description:
      'An imagePullSecret named by the pod, or by its ServiceAccount (which new pods inherit), does not exist in the namespace. Critical while the pod is held up; reported as info for a pod that runs, since its images were pulled before and only the next pull on another node will fail. Only namespaces of which the dump holds Secrets are judged (or where the kubelet reported FailedToRetrieveImagePullSecret).',
    runbook: [
      'List what the pod and its ServiceAccount expect: `kubectl get pod -n <namespace> <pod> -o jsonpath=\'{.spec.imagePullSecrets}\'` and `kubectl get sa -n <namespace> <account> -o yaml`',
      'Create the secret: `kubectl create secret docker-registry <name> -n <namespace> --docker-server=<registry> --docker-username=<user> --docker-password=<token>`',
      'Or fix the name in the workload or ServiceAccount if the secret exists under another name',
    ],
  },
  {
    id: 'PodConfigMissing',
    severity: 'critical',
    area: 'Pods not starting',
    title: 'Referenced ConfigMap or Secret does not exist',
    description:
      'A ConfigMap or Secret referenced by env (valueFrom), envFrom, a volume or a projected volume does not exist and the reference is not optional, or a referenced ConfigMap key is missing; also a container waiting in CreateContainerConfigError, or FailedMount events, for a missing ConfigMap, Secret or key. ConfigMaps are checked for keys; Secrets only for existence, because Secret data is never read (a missing Secret key shows up through the kubelet\'s error only). Critical while the pod is held up (after `podStartGracePeriod`, unless the kubelet already failed); info for a running pod, which fails only at its next start; warning for the pod template of a workload that has no live pod (a CronJob between runs, a Deployment scaled to zero), whose next pod will not start.',
    runbook: [
      'See what the kubelet cannot find: `kubectl describe pod -n <namespace> <pod>` (CreateContainerConfigError, FailedMount)',
      'Check the object and its keys: `kubectl get configmap -n <namespace> <name> -o yaml` or `kubectl get secret -n <namespace> <name> -o jsonpath=\'{.data}\' | jq keys`',
      'Create the missing object or key (often a Helm value or a secret from an external secret store that did not sync), or mark the reference `optional: true` if the app copes without it',
    ],
  },
  {
    id: 'PodVolumeMountFailed',
    severity: 'critical',
    area: 'Pods not starting',
    title: 'Pod volume cannot be attached or mounted',
    description:
      'A pod that has not started any container yet is held up by its volumes: FailedMount, FailedAttachVolume or FailedMapVolume events (Multi-Attach errors among them; missing ConfigMaps and Secrets are PodConfigMissing), or a PersistentVolumeClaim it uses is missing, Lost, or Pending while the pod waits for it. A WaitForFirstConsumer claim of an unscheduled pod is Pending by design and not reported here.',
    runbook: [
      'Read the mount errors: `kubectl describe pod -n <namespace> <pod>` (FailedMount, FailedAttachVolume)',
      'Check the claims and volumes: `kubectl get pvc -n <namespace>` and `kubectl describe pvc -n <namespace> <claim>`',
      'For Multi-Attach errors, find the other pod or node holding the volume: `kubectl get volumeattachments | grep <pv>`; delete the old pod or wait for the node to detach',
      'For CSI errors, check the CSI driver pods on the node: `kubectl get pods -n kube-system -o wide | grep csi`',
    ],
  },
  {
    id: 'PodStartCommandFailed',
    severity: 'critical',
    area: 'Pods not starting',
    title: 'Container command cannot be started',
    description:
      'The container runtime cannot start the container\'s process (RunContainerError, StartError, ContainerCannotRun, or CreateContainerError about the command), now or in the last instance of a container backing off, because exec of the command failed: the executable is not in the image\'s $PATH, is not executable (permission denied), does not exist (no such file or directory; also a script whose interpreter is missing) or no command is specified at all. Start errors of other causes (subPath mounts, devices) are not reported here.',
    runbook: [
      'Read the runtime\'s error: `kubectl describe pod -n <namespace> <pod>` (Last State: StartError)',
      'Compare the pod\'s command and args with the image: `kubectl get pod -n <namespace> <pod> -o jsonpath=\'{.spec.containers[*].command}\'` and `docker image inspect <image> --format \'{{.Config.Entrypoint}} {{.Config.Cmd}}\'`',
      'Check the file in the image: `docker run --rm --entrypoint sh <image> -c \'ls -l <path>\'` (exists, executable bit, shebang interpreter present)',
      'Fix the command, args or image (chmod +x in the Dockerfile, install the interpreter)',
    ],
  },
  {
    id: 'PodExecFormatError',
    severity: 'critical',
    area: 'Pods not starting',
    title: 'Image built for another CPU architecture',
    description:
      '"exec format error" when the container starts (in the runtime\'s error or, with newer runtimes, in the previous instance\'s log): the image\'s binary is built for another CPU architecture than the node\'s (e.g. an amd64-only image on an arm64 node). The evidence names the node\'s architecture.',
    runbook: [
      'Compare the node\'s architecture (`kubectl get node <node> -o jsonpath=\'{.status.nodeInfo.architecture}\'`) with the image\'s platforms (`docker manifest inspect <image>`)',
      'Use an image tag built for that architecture, or build a multi-arch image: `docker buildx build --platform linux/amd64,linux/arm64`',
      'Or keep the pod on matching nodes: `nodeSelector: {kubernetes.io/arch: amd64}`',
    ],
  },
  {
    id: 'PodEnvVarNotExpanded',
    severity: 'warning',
    area: 'Pods not starting',
    title: 'Shell-style variable in command or args is not expanded',
    description:
      'A container\'s explicit command or args use $VAR or ${VAR} without a shell to expand them: Kubernetes substitutes only $(VAR), so the program receives the text literally. Commands that run a shell with -c (also behind tini, dumb-init or env) are not reported, nor args passed to the image\'s own entrypoint (which may be a shell wrapper), nor $$VAR (an escape). Judged on the pod template of the workload (Deployment, StatefulSet, DaemonSet, Job, CronJob), before and after any pod exists: a CronJob between runs, a Deployment scaled to zero, a Job whose pods all failed; on the pods themselves (live ones, and the failed pods of a Job that has not succeeded) only when no template is in view. One finding per workload and container.',
    runbook: [
      'Write the reference the Kubernetes way: `args: ["--url=$(DATABASE_URL)"]` (the variable must be defined in env)',
      'Or run the command through a shell: `command: ["/bin/sh", "-c"]`, `args: ["exec myapp --url=$DATABASE_URL"]`',
    ],
  },
  {
    id: 'PodRunAsNonRootViolation',
    severity: 'critical',
    area: 'Pods not starting',
    title: 'runAsNonRoot rejects the image\'s user',
    description:
      'A container waits in CreateContainerConfigError because its securityContext requires a non-root user (runAsNonRoot) while the image runs as root, names its user by name (which cannot be verified as non-root), or runAsUser is 0. The evidence shows the pod\'s and the container\'s runAsNonRoot and runAsUser.',
    runbook: [
      'Check the effective security context: `kubectl get pod -n <namespace> <pod> -o jsonpath=\'{.spec.securityContext} {.spec.containers[*].securityContext}\'`',
      'Set a numeric non-root user: `securityContext: {runAsUser: 10001}` (the image must work as that user), or',
      'Use a rootless image variant (e.g. nginxinc/nginx-unprivileged) or set a numeric USER in the Dockerfile',
    ],
  },
  {
    id: 'WorkloadQuotaExceeded',
    severity: 'critical',
    area: 'Pods not starting',
    title: 'Namespace quota blocks pod creation',
    description:
      'A ReplicaSet, StatefulSet, DaemonSet or Job that still lacks pods reported FailedCreate "exceeded quota" within the last 30 minutes (or has a ReplicaFailure condition saying so) (or "failed quota": a quota on limits or requests the pod does not set). Reported on the top controller (a ReplicaSet\'s Deployment); the evidence shows the quota\'s used and hard values.',
    runbook: [
      'See the quota\'s usage: `kubectl describe resourcequota -n <namespace>`',
      'Free quota (scale down or remove unused workloads, completed pods, ConfigMaps and Secrets), or lower the workload\'s requests',
      'Or raise the quota with the namespace owner: `kubectl edit resourcequota -n <namespace> <quota>`',
    ],
  },
  {
    id: 'WorkloadLimitRangeViolation',
    severity: 'critical',
    area: 'Pods not starting',
    title: 'LimitRange rejects the workload\'s pods',
    description:
      'A controller that still lacks pods recently reported FailedCreate because a LimitRange in the namespace rejects them: a container or pod above the maximum or below the minimum cpu or memory, or a limit-to-request ratio too high. The evidence lists the namespace\'s LimitRanges.',
    runbook: [
      'See the limits: `kubectl describe limitrange -n <namespace>`',
      'Bring the workload\'s requests and limits within them, or',
      'Adjust the LimitRange with the namespace owner',
    ],
  },
  {
    id: 'WorkloadServiceAccountMissing',
    severity: 'critical',
    area: 'Pods not starting',
    title: 'ServiceAccount of the workload does not exist',
    description:
      'A controller that still lacks pods recently reported FailedCreate because the ServiceAccount in its pod template does not exist (not reported once the ServiceAccount exists again: the controller retries by itself).',
    runbook: [
      'Check the account the template names: `kubectl get deploy -n <namespace> <name> -o jsonpath=\'{.spec.template.spec.serviceAccountName}\'`',
      'Create it (`kubectl create serviceaccount -n <namespace> <account>`, with its RoleBindings), or fix the name in the template; Helm charts often create it only with `serviceAccount.create=true`',
    ],
  },
  {
    id: 'WorkloadAdmissionDenied',
    severity: 'critical',
    area: 'Pods not starting',
    title: 'Admission policy rejects the workload\'s pods',
    description:
      'A controller that still lacks pods recently reported FailedCreate because admission rejected them: a validating webhook such as OPA Gatekeeper or Kyverno denied the request (the policy\'s message is the evidence), Pod Security Admission or a ValidatingAdmissionPolicy forbade it, or a webhook with failurePolicy Fail could not be called.',
    runbook: [
      'Read the policy\'s message in the evidence or `kubectl describe rs -n <namespace> <replicaset>` (Events: FailedCreate)',
      'Find the policy: `kubectl get constraints` (Gatekeeper), `kubectl get clusterpolicy,policy -A` (Kyverno), `kubectl get ns <namespace> --show-labels` (Pod Security)',
      'Fix the pod template to comply, or agree on an exemption with the policy owner',
      'If a webhook cannot be called, check its service and pods: `kubectl get validatingwebhookconfigurations,mutatingwebhookconfigurations`',
    ],
  },
  {
    id: 'WorkloadRolloutStuck',
    severity: 'critical',
    area: 'Pods not starting',
    title: 'Rollout is stuck',
    description:
      'A rollout does not complete: a Deployment with Progressing=False (ProgressDeadlineExceeded), or a Deployment or StatefulSet whose updated pods fail (image pull, crash loop, config error, unschedulable) for longer than `replicasUnavailableAfter` while pods of the previous template still serve, so the outage stays hidden until the old pods go (a StatefulSet never gives up by itself). The evidence shows what changed in the template (images), the new and old ReplicaSets or revisions and the failing pods.',
    runbook: [
      'See the rollout: `kubectl rollout status deploy|sts -n <namespace> <name>` and `kubectl get rs -n <namespace> -l <selector>`',
      'Find why the new pods fail: `kubectl describe pod -n <namespace> <new-pod>` (and its own findings in this report)',
      'Check that the new template matches what runs: `kubectl rollout history deploy -n <namespace> <name> --revision=<n>`',
      'Fix the template, or go back: `kubectl rollout undo deploy|sts -n <namespace> <name>` (a StatefulSet\'s failed pod may need deleting after the fix)',
    ],
  },
  {
    id: 'WorkloadReplicasUnavailable',
    severity: 'warning',
    area: 'Pods not starting',
    title: 'Workload has fewer available replicas than desired',
    description:
      'A Deployment, StatefulSet or DaemonSet has had fewer available replicas than desired for longer than `replicasUnavailableAfter` (default 5 min), dated by the Available condition or the time its pods stopped being ready or began terminating, whatever state the missing pods are in: a pod stuck terminating on a lost node counts as unavailable (a StatefulSet replaces it only once it is gone), and the NotReady node becomes the root cause. Not reported while a Deployment rollout progresses (WorkloadRolloutStuck covers a stuck one), nor for DaemonSet pods on nodes that are not ready or cordoned (the node checks cover those).',
    runbook: [
      'See which pods are missing or not ready: `kubectl get pods -n <namespace> -l <selector> -o wide`',
      'Look at the pods\' own findings (crash loops, pull errors, scheduling) and `kubectl describe pod -n <namespace> <pod>`',
      'Check the controller\'s events for pods it cannot create: `kubectl describe deploy|sts|ds -n <namespace> <name>`',
    ],
  },
  {
    id: 'PodPendingTooLong',
    severity: 'warning',
    area: 'Pods not starting',
    title: 'Pod Pending for too long',
    description:
      'A pod has been Pending for longer than `podPendingTooLongAfter` (default 10 min) and no more specific check explains it: it is the check of last resort, silent for a pod that is unschedulable, cannot pull an image, misses configuration or a volume, cannot start its command, has an init container in CrashLoopBackOff or a native sidecar that never gets ready. The message says what it waits for (scheduling gates, an init container still running, a container still being created); the evidence lists its unmet conditions, container states and warning events.',
    runbook: [
      'List pods that are Pending: `kubectl get pods -A --field-selector=status.phase=Pending`',
      'See what the pod waits for: `kubectl describe pod -n <namespace> <pod>` (Conditions, Init Containers, Events)',
      'For a long-running init container, read its log: `kubectl logs -n <namespace> <pod> -c <init-container>`',
    ],
  },
] as const satisfies readonly CheckDefinition[];
