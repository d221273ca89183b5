// Checks of the runbook section 'Pods not working'. This text is the user documentation (docs/checks.md).
// One problem of a container makes one finding, by its most specific check: PodSidecarNotReady
// before PodCrashLooping, before PodLivenessProbeFailing, before PodRestartingOften. An OOM kill is
// reported next to the crash loop it causes and becomes its root cause.
import type { CheckDefinition } from './types.js';

export const podsNotWorkingChecks = [
  {
    id: 'PodCrashLooping',
    severity: 'critical',
    area: 'Pods not working',
    title: 'Container crash-looping',
    description:
      'A container is waiting in CrashLoopBackOff: it keeps exiting and the kubelet restarts it with growing delays. Evidence: the last exit code and reason, the back-off events and, in live mode, the last log lines of the previous instance. A more specific finding on the same pod (PodOOMKilled, PodStartCommandFailed, PodExecFormatError, PodLivenessProbeFailing, PodLifecycleHookFailed) becomes its root cause. A crash-looping sidecar the application depends on is reported as PodSidecarNotReady instead, and a crash-looping istio-proxy as IstioSidecarNotReady.',
    runbook: [
      'Read the logs of the crashed instance: `kubectl logs -n <namespace> <pod> -c <container> --previous`.',
      'Check the exit code and reason: `kubectl describe pod -n <namespace> <pod>` (1: application error, 137: killed, 139: segfault, 143: SIGTERM).',
      'Check what the application needs at start-up: configuration, secrets, reachable dependencies (databases, APIs).',
      'If the crash started with a new version, roll back: `kubectl rollout undo deployment/<name> -n <namespace>`.',
    ],
  },
  {
    id: 'PodOOMKilled',
    severity: 'critical',
    area: 'Pods not working',
    title: 'Container killed for memory (OOMKilled)',
    description:
      "A container's last or current termination was OOMKilled, within the last hour (thresholds.podOOMKilledWithin) or with the container crash-looping on it. Evidence: the memory limit and request. Without a memory limit, the node (or the pod) ran out of memory. A crash loop on OOM kills is also reported as PodCrashLooping, with this finding as its root cause.",
    runbook: [
      'Compare the memory limit with actual usage: `kubectl top pod -n <namespace> <pod> --containers`.',
      "Raise the container's memory limit (and request) to what it needs at peak, or lower its usage (heap size, caches, worker count).",
      'If usage grows without bound, look for a memory leak in the application.',
      'Check that the node has memory available for the new request: `kubectl describe node <node>`.',
    ],
  },
  {
    id: 'PodNotReady',
    severity: 'warning',
    area: 'Pods not working',
    title: 'Container running but not ready',
    description:
      'A running pod has an application container that has been running, but not ready, for longer than thresholds.podNotReadyAfter (default 5 min): its readiness (or startup) probe keeps failing, so the pod receives no Service traffic (e.g. READY 2/3). Evidence: the readiness probe failures. Pods with a crashing or otherwise waiting container, and unready sidecars, are left to the more specific checks.',
    runbook: [
      'See why the probe fails: `kubectl describe pod -n <namespace> <pod>` (Unhealthy events).',
      'Check the readiness probe: path, port and scheme must match what the container serves; the timeout must suit its response time.',
      'Check the dependencies the readiness endpoint verifies (database, downstream services).',
      'Read the logs: `kubectl logs -n <namespace> <pod> -c <container>`.',
    ],
  },
  {
    id: 'PodLivenessProbeFailing',
    severity: 'warning',
    area: 'Pods not working',
    title: 'Liveness probe failing',
    description:
      'The kubelet reported failed liveness probes for a container (Unhealthy events within thresholds.podEventsWithin) and the container has restarted: the kubelet is killing it. Either the application hangs, or the probe is too strict (timeout, period, failure threshold) or points at the wrong port or path.',
    runbook: [
      'See the probe failures and kills: `kubectl describe pod -n <namespace> <pod>` (Unhealthy and Killing events).',
      'Check the liveness probe: port, path, timeoutSeconds and failureThreshold; give slow starters a startupProbe instead of a long initialDelaySeconds.',
      'Keep liveness checks local to the process: a liveness probe that tests dependencies restarts healthy containers when a dependency fails.',
      'Read the logs of the killed instance: `kubectl logs -n <namespace> <pod> -c <container> --previous`.',
    ],
  },
  {
    id: 'PodRestartingOften',
    severity: 'warning',
    area: 'Pods not working',
    title: 'Container restarting often',
    description:
      'A container has restarted at least thresholds.restartCountHigh times (default 32, the runbook: an unstable pod), or at least thresholds.restartsPerHour times (default 5) at that pace: the last restart within the hour and on average that many per hour of the pod\'s life (an estimate, as the restart count has no timestamps). Restarts explained by a crash loop, a recent OOM kill, a failing sidecar or a failing liveness probe are reported by those checks instead, and istio-proxy restarts by IstioSidecarNotReady.',
    runbook: [
      'Find why it restarts: `kubectl describe pod -n <namespace> <pod>` (Last State: reason and exit code).',
      'Read the logs of the previous instance: `kubectl logs -n <namespace> <pod> -c <container> --previous`.',
      'Check memory usage against the limit and the probes\' settings, the usual causes of restarts.',
    ],
  },
  {
    id: 'PodLifecycleHookFailed',
    severity: 'warning',
    area: 'Pods not working',
    title: 'Lifecycle hook failed',
    description:
      "A container's postStart or preStop hook failed (FailedPostStartHook / FailedPreStopHook events within thresholds.podEventsWithin). A failed postStart hook kills the container; a failed preStop hook means it stopped without its clean shutdown.",
    runbook: [
      'Look at the lifecycle spec of the container: `kubectl get pod -n <namespace> <pod> -o jsonpath=\'{.spec.containers[*].lifecycle}\'`.',
      'Check that the hook command exists and is executable in the image, or that the HTTP hook\'s port and path are served.',
      'Read the events for the hook\'s error: `kubectl describe pod -n <namespace> <pod>`.',
    ],
  },
  {
    id: 'PodEvicted',
    severity: 'warning',
    area: 'Pods not working',
    title: 'Pods evicted',
    description:
      "Pods failed with reason Evicted: the kubelet evicted them under node pressure (memory, disk, PIDs). Reported while it is news: the latest eviction is within thresholds.podEvictedWithin (default 1 h), or a node the pods were evicted from is still under memory, disk or PID pressure. An older eviction on a node that has recovered is history (the controller replaced the pod at once) and is not reported, although the Failed pods stay until garbage-collected. One finding per workload, on its latest evicted pod, with each eviction's message and the nodes' pressure as evidence.",
    runbook: [
      'Read the eviction message (which resource, which container used the most): `kubectl describe pod -n <namespace> <pod>`.',
      'Check the node\'s conditions and usage: `kubectl describe node <node>`, `kubectl top node`.',
      "Set requests close to real usage so the scheduler does not overcommit the node; containers using more than their requests are evicted first.",
      'Delete the evicted pods once understood: `kubectl delete pod -n <namespace> --field-selector=status.phase=Failed`.',
    ],
  },
  {
    id: 'PodStuckTerminating',
    severity: 'warning',
    area: 'Pods not working',
    title: 'Pod stuck terminating',
    description:
      'A pod is still present more than thresholds.podStuckTerminatingGrace (default 5 min) after its deletionTimestamp, which the API server sets to the deletion request time plus the grace period. Evidence: the finalizers, and whether the pod\'s node is Ready (a kubelet that is gone cannot confirm the deletion).',
    runbook: [
      'Check the finalizers and the controller that should remove them: `kubectl get pod -n <namespace> <pod> -o jsonpath=\'{.metadata.finalizers}\'`.',
      "Check the pod's node: `kubectl get node <node>`; a NotReady node never confirms the deletion.",
      'When the node is gone for good, or the finalizer\'s controller will not return, force the deletion: `kubectl delete pod -n <namespace> <pod> --grace-period=0 --force`.',
    ],
  },
  {
    id: 'PodProbesMissing',
    severity: 'info',
    area: 'Pods not working',
    title: 'Readiness probe missing',
    description:
      'A long-running application container has no readiness probe (the message says whether it has a liveness probe): it counts as ready as soon as it starts, so it gets traffic before it can serve and rollouts continue when a new version cannot. Judged on the workload\'s pod template (also with no pod running), else on its pods, once per workload and container name. Job pods, init containers, sidecars and static pods are left out.',
    runbook: [
      'Add a readinessProbe that checks the container can serve (an HTTP endpoint, a TCP port or a command).',
      'Add a livenessProbe only for hangs the process cannot recover from, and a startupProbe for slow starters.',
      'Verify in a test environment: `kubectl describe pod -n <namespace> <pod>` shows the probes and their results.',
    ],
  },
  {
    id: 'PodResourcesMissing',
    severity: 'info',
    area: 'Pods not working',
    title: 'Resource requests or memory limit missing',
    description:
      'A container (or native sidecar) has no CPU request, no memory request, or no memory limit. Without requests the scheduler places it blind and it is evicted first under pressure; without a memory limit one leak can starve the node. Judged on the workload\'s pod template (also with no pod running), else on its pods, once per workload and container name; static pods are left out.',
    runbook: [
      'Measure real usage: `kubectl top pod -n <namespace> --containers`.',
      'Set requests for cpu and memory close to typical usage, and a memory limit above peak usage.',
      'Consider a LimitRange with defaults for the namespace, so that containers without resources get sensible ones.',
    ],
  },
  {
    id: 'PodCPUThrottled',
    severity: 'warning',
    area: 'Pods not working',
    title: 'Container at its CPU limit',
    description:
      "(When metrics.k8s.io is available) a container's CPU usage is at least thresholds.cpuThrottledRatio (default 90%) of its CPU limit, so the kernel throttles it and requests wait. A PodMetrics sample is one average over a short window, which cannot show how long the usage lasted: the finding stands for one sample, and alerts should wait (`for: 5m`) before firing.",
    runbook: [
      'Confirm the usage over time: `kubectl top pod -n <namespace> <pod> --containers`, or the container_cpu_cfs_throttled_periods_total metric.',
      'Raise the CPU limit (or remove it and rely on requests), or scale out to more replicas.',
      'Check whether the application uses more CPU than it should (hot loops, retries, missing caches).',
    ],
  },
  {
    id: 'PodSidecarNotReady',
    severity: 'critical',
    area: 'Pods not working',
    title: 'Sidecar not ready',
    description:
      'A sidecar is crash-looping, or running without being ready for longer than thresholds.podNotReadyAfter, while the application container is fine or waiting for it: a pod is only Ready when every container is, so the sidecar keeps the pod out of its Services (a native sidecar that never starts keeps the application from starting at all). Sidecars are native sidecars (init containers with restartPolicy Always), containers with a well-known proxy or agent name (istio-proxy, linkerd-proxy, envoy, daprd, vault-agent, cloud-sql-proxy, ...) next to another container, or every container but the one the kubectl.kubernetes.io/default-container annotation names. An istio-proxy is reported by IstioSidecarNotReady, a sidecar killed for memory by PodOOMKilled.',
    runbook: [
      'Find the failing sidecar and its state: `kubectl describe pod -n <namespace> <pod>`.',
      'Read its logs: `kubectl logs -n <namespace> <pod> -c <sidecar>` (with `--previous` when it restarts).',
      'Check what the sidecar needs: its configuration, credentials (e.g. a Vault role or a cloud service account) and the service it connects to.',
      'Check whether the application depends on the sidecar at start-up; native sidecars (restartPolicy Always init containers) start before it.',
    ],
  },
] as const satisfies readonly CheckDefinition[];
