// Generates a synthetic cluster dump for the analysis benchmark: N pods across namespaces, with the
// Deployments, ReplicaSets, Services, EndpointSlices, events and nodes a real cluster would have, and
// a few percent broken in assorted ways (crash loops, OOM kills, image pulls, pending, not ready).
// Deterministic: the same shape gives the same bytes (uids count up), so runs compare like with like.
import { closeSync, existsSync, mkdirSync, openSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface DumpShape {
  readonly pods: number;
  readonly namespaces: number;
  readonly nodes: number;
  /** Fraction of Deployments with a broken pod template. */
  readonly brokenRatio: number;
  readonly podsPerDeployment: number;
  readonly now: string;
}

export const DEFAULT_SHAPE: DumpShape = { pods: 10_000, namespaces: 200, nodes: 50, brokenRatio: 0.04, podsPerDeployment: 5, now: '2026-11-25T12:00:00Z' };

/** Pods per node of the default shape; node capacity in the dump is 250 pods. */
export const PODS_PER_NODE = DEFAULT_SHAPE.pods / DEFAULT_SHAPE.nodes;

/**
 * The shape at another size: the namespaces stay 200 (so each holds more as the cluster grows, as
 * issue 12 measured it), the nodes grow with the pods (200 per node) unless given, since 50 nodes
 * cannot hold 50,000 pods (they would carry 1,000 each, four times their capacity).
 */
export function shapeFor(pods: number, nodes?: number): DumpShape {
  return { ...DEFAULT_SHAPE, pods, nodes: nodes ?? Math.max(1, Math.ceil(pods / PODS_PER_NODE)) };
}

/** The node's pod network: 10.244.N.0/24 for the first 256 nodes, then 10.128+.x.0/24. */
function nodeNet(n: number): string {
  return n < 256 ? `10.244.${n}` : `10.${128 + (n >> 8)}.${n & 255}`;
}

const ago = (now: string, minutes: number): string => new Date(Date.parse(now) - minutes * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

function hash(n: number): string {
  return (0x5f3a9c1b7 + n * 2654435761).toString(36).slice(-10).padStart(10, 'x');
}

type Breakage = 'crashloop' | 'oom' | 'imagepull' | 'pending' | 'notready';
const BREAKAGES: readonly Breakage[] = ['crashloop', 'oom', 'imagepull', 'pending', 'notready'];

/** A uid of the UUID form, numbered: reproducible dumps, still unique within one. */
function uidGenerator(): () => string {
  let n = 0;
  return () => {
    n += 1;
    const hex = n.toString(16).padStart(12, '0');
    return `00000000-0000-4000-8000-${hex}`;
  };
}

export function generateDump(shape: DumpShape = DEFAULT_SHAPE): unknown[] {
  return [...dumpItems(shape)];
}

/**
 * Writes items as `kubectl get -o json` would (one `List`, indented), item by item: a 150,000-pod
 * dump is ~1.2 GB, more than one JavaScript string can hold.
 */
function writeList(items: Iterable<unknown>, file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  const fd = openSync(partial, 'w');
  try {
    writeSync(fd, '{\n  "apiVersion": "v1",\n  "kind": "List",\n  "metadata": {\n    "resourceVersion": ""\n  },\n  "items": [');
    let first = true;
    let chunk = '';
    for (const item of items) {
      chunk += `${first ? '' : ','}\n    ${JSON.stringify(item, null, 2).replace(/\n/g, '\n    ')}`;
      first = false;
      if (chunk.length > 1 << 20) {
        writeSync(fd, chunk);
        chunk = '';
      }
    }
    writeSync(fd, `${chunk}\n  ]\n}`);
  } finally {
    closeSync(fd);
  }
  renameSync(partial, file);
}

export function writeDump(shape: DumpShape, file: string): void {
  writeList(dumpItems(shape), file);
}

/**
 * A file of one List holds at most ~62,000 pods of this generator: its text would pass V8's limit on
 * one string (2^29 - 24 characters, 512 MiB), which reading a file as one string cannot get past.
 * Larger dumps are written as a directory of Lists of this many items, as `kubectl get -o json` per
 * namespace would give them; `analyze -f DIR` reads them all.
 */
export const ITEMS_PER_FILE = 20_000;
const MAX_PODS_IN_ONE_FILE = 50_000;

function* chunks<T>(items: Iterable<T>, size: number): Generator<T[]> {
  let chunk: T[] = [];
  for (const item of items) {
    chunk.push(item);
    if (chunk.length === size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length) yield chunk;
}

/** The dump of a shape under `dir` (a file, or a directory past 50,000 pods), written first if missing. */
export function ensureDump(shape: DumpShape, dir: string): string {
  const base = `${dir}/dump-${shape.pods}p-${shape.nodes}n`;
  if (shape.pods <= MAX_PODS_IN_ONE_FILE) {
    if (!existsSync(`${base}.json`)) writeDump(shape, `${base}.json`);
    return `${base}.json`;
  }
  if (!existsSync(`${base}/complete`)) {
    let part = 0;
    for (const items of chunks(dumpItems(shape), ITEMS_PER_FILE)) writeList(items, `${base}/part-${String((part += 1)).padStart(4, '0')}.json`);
    writeFileSync(`${base}/complete`, '');
  }
  return base;
}

export function* dumpItems(shape: DumpShape = DEFAULT_SHAPE): Generator<unknown> {
  const nextUid = uidGenerator();
  const { now } = shape;
  for (let n = 0; n < shape.nodes; n += 1) {
    yield {
      apiVersion: 'v1', kind: 'Node',
      metadata: { name: `worker-${n}`, uid: nextUid(), creationTimestamp: ago(now, 60 * 24 * 30), labels: { 'kubernetes.io/hostname': `worker-${n}`, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'node.kubernetes.io/instance-type': 'm6i.4xlarge' } },
      spec: { podCIDR: `${nodeNet(n)}.0/24` },
      status: {
        capacity: { cpu: '16', memory: '64Gi', pods: '250', 'ephemeral-storage': '200Gi' },
        allocatable: { cpu: '15800m', memory: '62Gi', pods: '250', 'ephemeral-storage': '180Gi' },
        conditions: [
          { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', lastHeartbeatTime: ago(now, 1), lastTransitionTime: ago(now, 43200) },
          { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', lastHeartbeatTime: ago(now, 1), lastTransitionTime: ago(now, 43200) },
          { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', lastHeartbeatTime: ago(now, 1), lastTransitionTime: ago(now, 43200) },
          { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: ago(now, 1), lastTransitionTime: ago(now, 43200) },
        ],
        nodeInfo: { architecture: 'amd64', operatingSystem: 'linux', kubeletVersion: 'v1.33.4', containerRuntimeVersion: 'containerd://1.7.27' },
      },
    };
  }
  yield { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'std', uid: nextUid(), annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'ebs.csi.aws.com', reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer' };
  yield { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast', uid: nextUid() }, provisioner: 'ebs.csi.aws.com', reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer' };

  const deployments = Math.ceil(shape.pods / shape.podsPerDeployment);
  const perNamespace = Math.ceil(deployments / shape.namespaces);
  let podCount = 0;
  let d = 0;
  for (let ns = 0; ns < shape.namespaces && podCount < shape.pods; ns += 1) {
    const namespace = `team-${ns}`;
    yield { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, uid: nextUid(), creationTimestamp: ago(now, 86400), labels: { 'kubernetes.io/metadata.name': namespace } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } };
    yield { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace, uid: nextUid() } };
    yield { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-root-ca.crt', namespace, uid: nextUid() }, data: { 'ca.crt': '-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----\n' } };
    for (let k = 0; k < perNamespace && podCount < shape.pods; k += 1, d += 1) {
      const app = `svc-${k}`;
      const broken: Breakage | undefined = (d * 7919) % 1000 < shape.brokenRatio * 1000 ? BREAKAGES[d % BREAKAGES.length] : undefined;
      const replicas = Math.min(shape.podsPerDeployment, shape.pods - podCount);
      const rsName = `${app}-${hash(d)}`;
      const depUid = nextUid();
      const rsUid = nextUid();
      const labels = { app, 'app.kubernetes.io/name': app, 'app.kubernetes.io/part-of': namespace };
      const image = broken === 'imagepull' ? `registry.example.com/${namespace}/${app}:does-not-exist` : `registry.example.com/${namespace}/${app}:1.${d % 20}.0`;
      const container = {
        name: 'app', image, imagePullPolicy: 'IfNotPresent',
        ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
        env: [{ name: 'LOG_LEVEL', value: 'info' }, { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } }],
        resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
        readinessProbe: { httpGet: { path: '/ready', port: 'http', scheme: 'HTTP' }, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
        livenessProbe: { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' }, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
        terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File',
        volumeMounts: [{ name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }],
      };
      const podSpec = { containers: [container], restartPolicy: 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst', serviceAccountName: 'default', schedulerName: 'default-scheduler', securityContext: {} };
      const ready = broken === undefined ? replicas : 0;
      yield {
        apiVersion: 'apps/v1', kind: 'Deployment',
        metadata: { name: app, namespace, uid: depUid, generation: 2, creationTimestamp: ago(now, 20000), labels, annotations: { 'deployment.kubernetes.io/revision': '2' } },
        spec: { replicas, selector: { matchLabels: { app } }, template: { metadata: { labels }, spec: podSpec }, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } }, progressDeadlineSeconds: 600, revisionHistoryLimit: 10 },
        status: {
          observedGeneration: 2, replicas, updatedReplicas: replicas, readyReplicas: ready || undefined, availableReplicas: ready || undefined, unavailableReplicas: replicas - ready || undefined,
          conditions: [
            { type: 'Available', status: ready === replicas ? 'True' : 'False', reason: ready === replicas ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable', lastUpdateTime: ago(now, 90), lastTransitionTime: ago(now, 90) },
            { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', lastUpdateTime: ago(now, 19000), lastTransitionTime: ago(now, 20000) },
          ],
        },
      };
      yield {
        apiVersion: 'apps/v1', kind: 'ReplicaSet',
        metadata: { name: rsName, namespace, uid: rsUid, generation: 1, creationTimestamp: ago(now, 19000), labels: { ...labels, 'pod-template-hash': hash(d) }, annotations: { 'deployment.kubernetes.io/revision': '2' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: app, uid: depUid, controller: true, blockOwnerDeletion: true }] },
        spec: { replicas, selector: { matchLabels: { app, 'pod-template-hash': hash(d) } }, template: { metadata: { labels: { ...labels, 'pod-template-hash': hash(d) } }, spec: podSpec } },
        status: { replicas, fullyLabeledReplicas: replicas, readyReplicas: ready || undefined, availableReplicas: ready || undefined, observedGeneration: 1 },
      };
      const endpoints: unknown[] = [];
      for (let r = 0; r < replicas; r += 1, podCount += 1) {
        const podName = `${rsName}-${hash(d * 100 + r).slice(0, 5)}`;
        const nodeName = broken === 'pending' ? undefined : `worker-${(podCount * 31) % shape.nodes}`;
        const podIP = `${nodeNet((podCount * 31) % shape.nodes)}.${(podCount % 250) + 2}`;
        const podUid = nextUid();
        yield podObject({ namespace, podName, podUid, rsName, rsUid, labels: { ...labels, 'pod-template-hash': hash(d) }, podSpec, nodeName, podIP, broken, now, image, nodes: shape.nodes });
        endpoints.push({ addresses: [podIP], conditions: { ready: !broken, serving: !broken, terminating: false }, nodeName, targetRef: { kind: 'Pod', namespace, name: podName, uid: podUid } });
        if (broken && broken !== 'notready') yield* eventsFor(namespace, podName, podUid, broken, now, shape.nodes, nextUid);
      }
      yield {
        apiVersion: 'v1', kind: 'Service',
        metadata: { name: app, namespace, uid: nextUid(), creationTimestamp: ago(now, 20000), labels },
        spec: { type: 'ClusterIP', selector: { app }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }], clusterIP: `10.96.${ns}.${k + 10}`, clusterIPs: [`10.96.${ns}.${k + 10}`], sessionAffinity: 'None', ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', internalTrafficPolicy: 'Cluster' },
        status: { loadBalancer: {} },
      };
      yield {
        apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
        metadata: { name: `${app}-${hash(d).slice(0, 5)}`, namespace, uid: nextUid(), generateName: `${app}-`, labels: { 'kubernetes.io/service-name': app, 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' } },
        addressType: 'IPv4', endpoints, ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      };
    }
  }
}

interface PodInput {
  namespace: string; podName: string; podUid: string; rsName: string; rsUid: string; labels: Record<string, string>;
  podSpec: Record<string, unknown>; nodeName: string | undefined; podIP: string; broken: Breakage | undefined; now: string; image: string; nodes: number;
}

function podObject(p: PodInput): unknown {
  const started = ago(p.now, 600);
  const base = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name: p.podName, namespace: p.namespace, uid: p.podUid, creationTimestamp: ago(p.now, 700), generateName: `${p.rsName}-`, labels: p.labels,
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: p.rsName, uid: p.rsUid, controller: true, blockOwnerDeletion: true }],
      managedFields: [{ manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'v1', time: ago(p.now, 700), fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:generateName': {}, 'f:labels': { '.': {}, 'f:app': {} } } } }],
    },
    spec: { ...p.podSpec, ...(p.nodeName ? { nodeName: p.nodeName } : {}), tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }] },
  };
  const cond = (type: string, status: boolean, reason?: string, message?: string): unknown => ({ type, status: status ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: ago(p.now, 690), ...(reason ? { reason } : {}), ...(message ? { message } : {}) });
  if (p.broken === 'pending') {
    return { ...base, status: { phase: 'Pending', qosClass: 'Burstable', conditions: [cond('PodScheduled', false, 'Unschedulable', unschedulableMessage(p.nodes))] } };
  }
  const waiting = p.broken === 'crashloop' || p.broken === 'oom'
    ? { waiting: { reason: 'CrashLoopBackOff', message: `back-off 5m0s restarting failed container=app pod=${p.podName}_${p.namespace}(${p.podUid})` } }
    : p.broken === 'imagepull'
      ? { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${p.image}"` } }
      : undefined;
  const lastState = p.broken === 'crashloop'
    ? { terminated: { exitCode: 1, reason: 'Error', startedAt: ago(p.now, 3), finishedAt: ago(p.now, 2) } }
    : p.broken === 'oom'
      ? { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: ago(p.now, 4), finishedAt: ago(p.now, 2) } }
      : {};
  const ready = p.broken === undefined;
  return {
    ...base,
    status: {
      phase: p.broken === 'imagepull' ? 'Pending' : 'Running', hostIP: '192.168.1.10', podIP: p.podIP, podIPs: [{ ip: p.podIP }], startTime: started, qosClass: 'Burstable',
      conditions: [cond('PodReadyToStartContainers', true), cond('Initialized', true), cond('Ready', ready, ready ? undefined : 'ContainersNotReady'), cond('ContainersReady', ready, ready ? undefined : 'ContainersNotReady'), cond('PodScheduled', true)],
      containerStatuses: [{
        name: 'app', image: p.image, imageID: p.broken === 'imagepull' ? '' : `${p.image.split(':')[0]}@sha256:${hash(3).repeat(6).slice(0, 64)}`,
        containerID: p.broken === 'imagepull' ? undefined : `containerd://${hash(5).repeat(7).slice(0, 64)}`,
        ready, started: ready, restartCount: p.broken === 'crashloop' || p.broken === 'oom' ? 14 : 0,
        state: waiting ?? { running: { startedAt: started } }, lastState,
      }],
    },
  };
}

function unschedulableMessage(nodes: number): string {
  return `0/${nodes} nodes are available: ${nodes} Insufficient memory. preemption: 0/${nodes} nodes are available: ${nodes} No preemption victims found for incoming pod.`;
}

function eventsFor(namespace: string, podName: string, podUid: string, broken: Breakage, now: string, nodes: number, nextUid: () => string): unknown[] {
  const reason = { crashloop: 'BackOff', oom: 'BackOff', imagepull: 'Failed', pending: 'FailedScheduling', notready: 'Unhealthy' }[broken];
  const message = {
    crashloop: `Back-off restarting failed container app in pod ${podName}_${namespace}(${podUid})`,
    oom: `Back-off restarting failed container app in pod ${podName}_${namespace}(${podUid})`,
    imagepull: 'Failed to pull image: rpc error: code = NotFound desc = failed to pull and unpack image: not found',
    pending: unschedulableMessage(nodes),
    notready: 'Readiness probe failed: HTTP probe failed with statuscode: 503',
  }[broken];
  return [{
    apiVersion: 'v1', kind: 'Event',
    metadata: { name: `${podName}.${hash(podName.length)}`, namespace, uid: nextUid(), creationTimestamp: ago(now, 600) },
    involvedObject: { apiVersion: 'v1', kind: 'Pod', name: podName, namespace, uid: podUid, fieldPath: 'spec.containers{app}' },
    reason, message, type: 'Warning', count: 40, firstTimestamp: ago(now, 600), lastTimestamp: ago(now, 1),
    source: { component: broken === 'pending' ? 'default-scheduler' : 'kubelet' }, reportingComponent: broken === 'pending' ? 'default-scheduler' : 'kubelet',
  }];
}
