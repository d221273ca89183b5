// Checks beyond the runbook: what k8sgpt's analyzers and Popeye's linters detect that the runbook does
// not list, and that breaks real clusters (jobs, autoscaling, disruption budgets, admission webhooks).
// This text is the user documentation (docs/checks.md).
import type { CheckDefinition } from './types.js';

export const beyondTheRunbookChecks = [
  {
    id: 'JobFailed',
    severity: 'critical',
    area: 'Beyond the runbook',
    title: 'Job failed',
    description:
      'A Job has the condition Failed=True: its pods failed more often than backoffLimit allows (BackoffLimitExceeded), it ran past activeDeadlineSeconds (DeadlineExceeded), or a pod failure policy failed it (PodFailurePolicy). The subject is the CronJob when the Job is one of its runs, and a CronJob\'s failed run is history once a later run of it succeeded (a Job that started after it completed, or the CronJob\'s lastSuccessfulTime is after the failed run started). A Job whose pods failed and were retried until one succeeded is Complete, not Failed, and not reported. The evidence is the Job\'s failure condition and the last failed pod\'s exit code, reason and termination message.',
    runbook: [
      'Read why the Job failed: `kubectl describe job -n <namespace> <job>` (Conditions, Events)',
      'Read the failed pod\'s logs and exit code: `kubectl logs -n <namespace> <pod>` and `kubectl get pod -n <namespace> <pod> -o jsonpath=\'{.status.containerStatuses[*].state.terminated}\'`',
      'Fix the cause (bad input, a dependency down, too little memory, too short activeDeadlineSeconds), then re-run it: `kubectl create job -n <namespace> --from=cronjob/<cronjob> <name>` for a CronJob, or delete and re-create the Job',
      'Delete the failed Job once understood (or set ttlSecondsAfterFinished), so that it is not reported again',
    ],
  },
  {
    id: 'CronJobScheduleInvalid',
    severity: 'critical',
    area: 'Beyond the runbook',
    title: 'CronJob schedule or time zone cannot be used',
    description:
      'The CronJob controller cannot run this CronJob: its schedule is not five cron fields (minute, hour, day of month, month, day of week; names such as `jan` and `mon`, ranges, lists and steps) or one of the macros `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly` and `@every <duration>`; or it names a date that never comes (`0 0 30 2 *`: the API server accepts it, the controller reports InvalidSchedule); or its timeZone is not a known IANA time zone. Schedules are parsed with the cron-parser library after a check of the grammar the controller accepts (it has no seconds field, `L`, `W`, `#` or `H`, and day of week 7). The API server rejects most invalid schedules on create, so this matters most for manifests given to `analyze -f` and objects from older servers. The evidence carries the controller\'s UnparseableSchedule, InvalidSchedule and UnknownTimeZone events.',
    runbook: [
      'Read the controller\'s verdict: `kubectl describe cronjob -n <namespace> <cronjob>` (Events)',
      'Write the schedule as five fields or a macro, and check it against a cron reference (day of week 0-6, Sunday is 0)',
      'Set spec.timeZone to an IANA name such as `Europe/Amsterdam` (not an abbreviation or an offset), or leave it out for the controller\'s time zone',
    ],
  },
  {
    id: 'CronJobNotScheduling',
    severity: 'warning',
    area: 'Beyond the runbook',
    title: 'CronJob does not start its runs',
    description:
      'A CronJob that is not suspended has started no Job since a run fell due longer ago than `cronJobStartTolerance` (default 10 min; its startingDeadlineSeconds when shorter, as the controller does not start a run later than that): the first scheduled time after status.lastScheduleTime (or after the CronJob\'s creation) is past by more than the tolerance, so it has started nothing for well over its schedule\'s interval. Causes: a concurrencyPolicy Forbid behind a Job that never ends, a startingDeadlineSeconds too short for the controller, too many missed start times, a stopped kube-controller-manager. A suspended CronJob is not reported, nor one whose schedule is invalid (CronJobScheduleInvalid). The evidence carries the last schedule and success times, the active Jobs and the controller\'s events (MissSchedule, TooManyMissedTimes, JobAlreadyActive, FailedCreate).',
    runbook: [
      'Read the controller\'s events and the active Jobs: `kubectl describe cronjob -n <namespace> <cronjob>`',
      'If a run never ends under concurrencyPolicy Forbid, find out why (`kubectl describe job -n <namespace> <job>`), delete it, and give the Job an activeDeadlineSeconds',
      'For missed start times, raise or remove startingDeadlineSeconds and check that kube-controller-manager runs and the clocks agree',
      'Start a run by hand if one is overdue: `kubectl create job -n <namespace> --from=cronjob/<cronjob> <name>`',
    ],
  },
  {
    id: 'HPAUnableToScale',
    severity: 'critical',
    area: 'Beyond the runbook',
    title: 'HorizontalPodAutoscaler cannot scale',
    description:
      'A HorizontalPodAutoscaler cannot compute or apply a scale for longer than `hpaUnableToScaleAfter` (default 5 min): ScalingActive=False because its metrics cannot be read (metrics-server down, containers without resource requests, a custom or external metrics API missing) or its selector is invalid, AbleToScale=False because the scale subresource cannot be read or updated, or its scaleTargetRef names a Deployment, StatefulSet or ReplicaSet that does not exist. ScalingActive=False with reason ScalingDisabled (the target is scaled to zero on purpose) is not reported. When resource metrics are missing and metrics-server is unavailable, MetricsServerUnavailable is the root cause.',
    runbook: [
      'Read the conditions and events: `kubectl describe hpa -n <namespace> <hpa>`',
      'Make sure metrics-server is working: `kubectl get apiservice v1beta1.metrics.k8s.io` and `kubectl top pods -n <namespace>`',
      'For "missing request for cpu": set resource requests on every container of the target\'s pod template',
      'For a missing target: point scaleTargetRef at the workload\'s kind and name, or delete the HPA',
    ],
  },
  {
    id: 'HPAAtMaxReplicas',
    severity: 'warning',
    area: 'Beyond the runbook',
    title: 'HorizontalPodAutoscaler held at its maximum',
    description:
      'A HorizontalPodAutoscaler has wanted more replicas than maxReplicas (ScalingLimited=True, reason TooManyReplicas) while running at the maximum for longer than `hpaAtMaxReplicasAfter` (default 15 min): the workload is short of capacity. A spike shorter than that is not reported, nor an HPA whose minReplicas equals maxReplicas (pinned on purpose), nor one that cannot scale at all (HPAUnableToScale). The evidence carries the replicas and the current metrics against their targets.',
    runbook: [
      'Compare the metrics with their targets: `kubectl describe hpa -n <namespace> <hpa>`',
      'Raise maxReplicas if the cluster has room, or make each replica handle more (resources, tuning)',
      'Check that the metric target is sensible: a target too low keeps the HPA at its maximum under normal load',
    ],
  },
  {
    id: 'PDBBlocksDisruption',
    severity: 'warning',
    area: 'Beyond the runbook',
    title: 'PodDisruptionBudget blocks every eviction',
    description:
      'A PodDisruptionBudget has allowed no disruption (status.disruptionsAllowed 0) for longer than `pdbDisruptionsBlockedAfter` (default 1 h) while all its pods are healthy: the budget itself forbids every eviction (minAvailable at or above the number of pods, maxUnavailable 0), so node drains and cluster upgrades hang. Or it selects no pod, and no workload of its namespace has a pod template its selector matches (a selector typo: the pods it should protect are not protected). A budget at 0 because some of its pods are unhealthy is reported as a consequence, with the workload\'s finding as its root cause. A budget that allows a disruption (maxUnavailable 1) is not reported.',
    runbook: [
      'Compare the budget with the pods: `kubectl get pdb -n <namespace> <pdb> -o wide` (MIN AVAILABLE, MAX UNAVAILABLE, ALLOWED DISRUPTIONS) and `kubectl get pods -n <namespace> -l <selector>`',
      'Let the budget allow one disruption: maxUnavailable 1 (or minAvailable below the replica count), and run at least two replicas of what it protects',
      'For a budget that selects nothing, fix its selector to the pods\' labels or delete it',
      'If pods are unhealthy, fix them first (see the workload\'s findings); unhealthyPodEvictionPolicy AlwaysAllow lets drains evict pods that are not ready',
    ],
  },
  {
    id: 'AdmissionWebhookUnavailable',
    severity: 'critical',
    area: 'Beyond the runbook',
    title: 'Admission webhook fails closed and cannot be reached',
    description:
      'A webhook of a ValidatingWebhookConfiguration or MutatingWebhookConfiguration has failurePolicy Fail (the default) and is served by a Service that does not exist, or has had no ready endpoint for longer than `admissionWebhookUnavailableAfter` (default 1 min; the same Service state the network checks compute: no pod selected, no pod ready, or the workload has no pods): every create or update it intercepts fails. A webhook with failurePolicy Ignore, one served by a URL, and one whose Service still has a ready endpoint (pods being rolled) are not reported. The evidence names each such webhook, its rules (operations and resources), its namespaceSelector and the Service\'s state; it is the root cause of WorkloadAdmissionDenied findings whose FailedCreate message says `failed calling webhook` for it.',
    runbook: [
      'Find the webhook and its Service: `kubectl get validatingwebhookconfiguration,mutatingwebhookconfiguration <name> -o yaml` (clientConfig.service)',
      'Check the Service and its pods: `kubectl get svc,endpointslices,pods -n <namespace>`, and fix or restart the webhook\'s deployment (is opa-gatekeeper enabled?)',
      'If the webhook\'s owner is gone for good, delete the configuration; in an emergency set failurePolicy Ignore or narrow its namespaceSelector so that the rest of the cluster can deploy',
    ],
  },
] as const satisfies readonly CheckDefinition[];
