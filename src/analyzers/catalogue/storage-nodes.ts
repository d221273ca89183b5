// Checks of the runbook section 'Storage and nodes'. This text is the user documentation (docs/checks.md).
import type { CheckDefinition } from './types.js';

export const storageAndNodesChecks = [
  {
    id: 'PVCPending',
    severity: 'critical',
    area: 'Storage and nodes',
    title: 'PersistentVolumeClaim stuck Pending',
    description:
      'A PersistentVolumeClaim has been Pending for longer than `pvcPendingAfter` (default 2 min): no PersistentVolume matched it and provisioning did not produce one. The evidence carries the provisioner\'s events (ProvisioningFailed, ExternalProvisioning, FailedBinding). A claim of a WaitForFirstConsumer StorageClass is only reported once a pod that uses it has been given a node (or its provisioning failed): until then waiting is by design.',
    runbook: [
      'Describe the claim and read its events: `kubectl describe pvc -n <namespace> <claim>`',
      'Check the StorageClass and its provisioner: `kubectl get storageclass <class> -o yaml`, then the provisioner\'s pods and logs (e.g. the CSI controller in kube-system)',
      'For static binding, compare size, access modes and class with the available volumes: `kubectl get pv`',
      'Fix the cause (quota at the cloud provider, wrong class, missing topology) and, if needed, recreate the claim',
    ],
  },
  {
    id: 'PVCStorageClassMissing',
    severity: 'critical',
    area: 'Storage and nodes',
    title: 'PersistentVolumeClaim asks for a missing StorageClass',
    description:
      'A Pending PersistentVolumeClaim names a StorageClass that does not exist (and no pre-created volume carries that class), or names none while the cluster has no default StorageClass. `storageClassName: ""` asks for static binding and is not reported.',
    runbook: [
      'List the available classes: `kubectl get storageclass`',
      'Point the claim at an existing class (storageClassName is immutable: recreate the claim, or change the Helm values / StatefulSet volumeClaimTemplates)',
      'Or create the missing StorageClass, or mark one as default: `kubectl annotate storageclass <class> storageclass.kubernetes.io/is-default-class=true`',
    ],
  },
  {
    id: 'PVCAccessModeConflict',
    severity: 'critical',
    area: 'Storage and nodes',
    title: 'Volume wanted by more pods than its access mode allows',
    description:
      'A ReadWriteOnce claim is wanted by pods on different nodes while one of them waits (a Multi-Attach error: the volume is attached to another node), or a ReadWriteOncePod claim is wanted by more than one pod. Typical after scaling a Deployment with an RWO volume beyond one replica, or a rolling update whose new pod lands on another node.',
    runbook: [
      'Check the access modes of the claim and its volume: `kubectl get pvc,pv -o wide` (RWO, RWX, RWOP)',
      'Find the pods that use the claim and their nodes: `kubectl get pods -n <namespace> -o wide`, and the Multi-Attach events: `kubectl describe pod <pod>`',
      'Run one replica with the Recreate strategy, or use a StatefulSet with volumeClaimTemplates (one claim per pod)',
      'If several pods really must share the data, use a ReadWriteMany StorageClass (NFS, CephFS, EFS, Azure Files)',
    ],
  },
  {
    id: 'PersistentVolumeFailed',
    severity: 'warning',
    area: 'Storage and nodes',
    title: 'PersistentVolume failed or left Released',
    description:
      'A PersistentVolume is in phase Failed (its reclaim, usually deletion at the storage backend, failed), or has been Released with reclaim policy Retain for longer than `pvReleasedAfter` (default 1 day, from status.lastPhaseTransitionTime; volumes without that time are not reported): storage is paid for but no claim can use it.',
    runbook: [
      'Describe the volume and read why it failed: `kubectl describe pv <volume>`',
      'For a Failed volume, fix the backend (permissions of the provisioner, a disk still attached) and delete the volume, then check that the disk is gone at the provider',
      'For a Released volume, back up what is needed, then delete it (`kubectl delete pv <volume>` and the disk), or make it claimable again by removing spec.claimRef',
    ],
  },
  {
    id: 'StorageClassExpectedMissing',
    severity: 'warning',
    area: 'Storage and nodes',
    title: 'Expected StorageClass or default StorageClass missing',
    description:
      'A StorageClass the platform promises (threshold `expectedStorageClasses`, default `std` and `fast`) does not exist, or no StorageClass is marked as the default. One finding per missing class; the subject is the cluster.',
    runbook: [
      'List the classes and the default: `kubectl get storageclass`',
      'Create the missing classes std and fast from the platform\'s configuration (provisioner and parameters of the cloud)',
      'Mark one class as default: `kubectl annotate storageclass <class> storageclass.kubernetes.io/is-default-class=true`',
    ],
  },
  {
    id: 'NodeNotReady',
    severity: 'critical',
    area: 'Storage and nodes',
    title: 'Node not ready',
    description:
      'A node\'s Ready condition has been False (the kubelet reports a problem) or Unknown (the kubelet stopped reporting) for longer than `nodeNotReadyAfter` (default 1 min). Its pods are evicted after the taint-based eviction timeout.',
    runbook: [
      'Check the nodes and read the conditions: `kubectl get nodes` and `kubectl describe node <node>`',
      'On the node (or the cloud console): is it running, and are the kubelet and the container runtime healthy? `systemctl status kubelet` and `journalctl -u kubelet`',
      'If the node cannot recover, drain and replace it: `kubectl drain <node> --ignore-daemonsets --delete-emptydir-data`',
    ],
  },
  {
    id: 'NodePressure',
    severity: 'warning',
    area: 'Storage and nodes',
    title: 'Node under resource pressure',
    description:
      'A node reports MemoryPressure, DiskPressure or PIDPressure (the kubelet evicts pods and new pods are not scheduled there), or NetworkUnavailable (its network is not configured).',
    runbook: [
      'Read the conditions and recent evictions: `kubectl describe node <node>` and `kubectl get events -A --field-selector reason=Evicted`',
      'Find the heaviest pods on the node: `kubectl top pods -A --sort-by=memory` and `kubectl get pods -A -o wide --field-selector spec.nodeName=<node>`',
      'For DiskPressure, free space on the node (unused images, container logs, emptyDir volumes); for NetworkUnavailable, check the CNI pods on the node',
      'Set fitting requests and limits on the heavy pods, or add capacity',
    ],
  },
  {
    id: 'NodeOvercommitted',
    severity: 'warning',
    area: 'Storage and nodes',
    title: 'Node overcommitted',
    description:
      'The pods on a node together set memory limits above `nodeMemoryLimitsOvercommit` (default 150%) of its allocatable memory, or request more than `nodeRequestsOvercommit` (default 95%) of its allocatable CPU or memory, counted like the "Allocated resources" of `kubectl describe node`. Under load the node runs out of memory and kills pods.',
    runbook: [
      'See the overbooking: `kubectl describe node <node>` (section "Allocated resources")',
      'Find the pods with the largest limits and requests on the node and set limits closer to their requests',
      'Add nodes or larger nodes, or spread the workloads (topology spread constraints, anti-affinity)',
    ],
  },
  {
    id: 'NodeCordoned',
    severity: 'info',
    area: 'Storage and nodes',
    title: 'Node cordoned for a long time',
    description:
      'A node has been unschedulable (cordoned) for longer than `nodeCordonedAfter` (default 1 day), as told by the time the node.kubernetes.io/unschedulable taint was added or the NodeNotSchedulable event; when neither is known the node is not reported. Forgotten cordons waste capacity.',
    runbook: [
      'Ask why the node was cordoned (maintenance, a failed drain): `kubectl describe node <node>`',
      'When the work is done, make it schedulable again: `kubectl uncordon <node>`',
      'Or, if it is retired, drain and remove it: `kubectl drain <node> --ignore-daemonsets` and `kubectl delete node <node>`',
    ],
  },
  {
    id: 'MetricsServerUnavailable',
    severity: 'warning',
    area: 'Storage and nodes',
    title: 'Metrics server unavailable',
    description:
      'The APIService v1beta1.metrics.k8s.io does not exist (metrics-server is not installed) or is not Available, with its reason (e.g. FailedDiscoveryCheck, MissingEndpoints). `kubectl top`, HorizontalPodAutoscalers and the CPU throttling check need it.',
    runbook: [
      'Check the APIService: `kubectl get apiservice v1beta1.metrics.k8s.io -o yaml` (status.conditions)',
      'Check the metrics-server pods and logs: `kubectl -n kube-system get pods -l k8s-app=metrics-server` and `kubectl -n kube-system logs deploy/metrics-server`',
      'Common fixes: the API server cannot reach the metrics-server Service (NetworkPolicy, firewall), or metrics-server cannot reach the kubelets (add `--kubelet-preferred-address-types=InternalIP`, kubelet certificates)',
    ],
  },
] as const satisfies readonly CheckDefinition[];
