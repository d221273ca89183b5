// Core/v1 kinds, parsed down to the fields the analyzers read.
import { z } from 'zod';
import { condition, labelMap, objectMeta, quantity, resourceList } from './meta.js';
import { kindIdentityOf } from './kind-identity.js';

const keyRef = z.object({ name: z.string().optional(), key: z.string(), optional: z.boolean().optional() });
const nameRef = z.object({ name: z.string().optional(), optional: z.boolean().optional() });
const keyToPath = z.array(z.object({ key: z.string(), path: z.string().optional() }));

export const envVar = z.object({
  name: z.string(),
  value: z.string().optional(),
  valueFrom: z
    .object({
      configMapKeyRef: keyRef.optional(),
      secretKeyRef: keyRef.optional(),
      fieldRef: z.object({ fieldPath: z.string() }).optional(),
      resourceFieldRef: z.object({ resource: z.string() }).optional(),
    })
    .optional(),
});

const probe = z.record(z.string(), z.unknown());

export const containerPort = z.object({
  name: z.string().optional(),
  containerPort: z.number(),
  protocol: z.string().optional(),
});

export const container = z.object({
  name: z.string(),
  image: z.string().optional(),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  env: z.array(envVar).optional(),
  envFrom: z
    .array(z.object({ prefix: z.string().optional(), configMapRef: nameRef.optional(), secretRef: nameRef.optional() }))
    .optional(),
  ports: z.array(containerPort).optional(),
  resources: z.object({ requests: resourceList.optional(), limits: resourceList.optional() }).optional(),
  readinessProbe: probe.optional(),
  livenessProbe: probe.optional(),
  startupProbe: probe.optional(),
  lifecycle: z.object({ postStart: probe.optional(), preStop: probe.optional() }).optional(),
  securityContext: z
    .object({ runAsNonRoot: z.boolean().optional(), runAsUser: z.number().optional(), privileged: z.boolean().optional() })
    .optional(),
  // "Always" on an init container makes it a native sidecar (Kubernetes >= 1.28).
  restartPolicy: z.string().optional(),
  volumeMounts: z.array(z.object({ name: z.string(), mountPath: z.string(), readOnly: z.boolean().optional() })).optional(),
});
export type Container = z.infer<typeof container>;

export const volume = z.object({
  name: z.string(),
  configMap: z.object({ name: z.string().optional(), optional: z.boolean().optional(), items: keyToPath.optional() }).optional(),
  secret: z.object({ secretName: z.string().optional(), optional: z.boolean().optional(), items: keyToPath.optional() }).optional(),
  persistentVolumeClaim: z.object({ claimName: z.string(), readOnly: z.boolean().optional() }).optional(),
  projected: z
    .object({
      sources: z
        .array(
          z.object({
            configMap: z.object({ name: z.string().optional(), optional: z.boolean().optional(), items: keyToPath.optional() }).optional(),
            secret: z.object({ name: z.string().optional(), optional: z.boolean().optional(), items: keyToPath.optional() }).optional(),
          }),
        )
        .nullable()
        .optional(),
    })
    .optional(),
});
export type Volume = z.infer<typeof volume>;

const containerState = z.object({
  waiting: z.object({ reason: z.string().optional(), message: z.string().optional() }).optional(),
  running: z.object({ startedAt: z.string().nullable().optional() }).optional(),
  terminated: z
    .object({
      exitCode: z.number(),
      signal: z.number().optional(),
      reason: z.string().optional(),
      message: z.string().optional(),
      startedAt: z.string().nullable().optional(),
      finishedAt: z.string().nullable().optional(),
    })
    .optional(),
});
export type ContainerState = z.infer<typeof containerState>;

export const containerStatus = z.object({
  name: z.string(),
  ready: z.boolean().default(false),
  started: z.boolean().optional(),
  restartCount: z.number().default(0),
  image: z.string().optional(),
  imageID: z.string().optional(),
  state: containerState.optional(),
  lastState: containerState.optional(),
});
export type ContainerStatus = z.infer<typeof containerStatus>;

export const toleration = z.object({
  key: z.string().optional(),
  operator: z.string().optional(),
  value: z.string().optional(),
  effect: z.string().optional(),
});

/** A pod's spec, as in a Pod and in a workload's pod template. */
export const podSpec = z.object({
    nodeName: z.string().optional(),
    nodeSelector: labelMap.optional(),
    affinity: z.record(z.string(), z.unknown()).optional(),
    tolerations: z.array(toleration).optional(),
    serviceAccountName: z.string().optional(),
    imagePullSecrets: z.array(z.object({ name: z.string().optional() })).optional(),
    volumes: z.array(volume).optional(),
    containers: z.array(container),
    initContainers: z.array(container).optional(),
    hostNetwork: z.boolean().optional(),
    restartPolicy: z.string().optional(),
    terminationGracePeriodSeconds: z.number().optional(),
    securityContext: z.object({ runAsNonRoot: z.boolean().optional(), runAsUser: z.number().optional() }).optional(),
});
export type PodSpec = z.infer<typeof podSpec>;

export const pod = z.object({
  apiVersion: z.literal('v1'),
  kind: z.literal('Pod'),
  metadata: objectMeta,
  spec: podSpec,
  status: z
    .object({
      phase: z.string().optional(),
      reason: z.string().optional(),
      message: z.string().optional(),
      conditions: z.array(condition).optional(),
      containerStatuses: z.array(containerStatus).optional(),
      initContainerStatuses: z.array(containerStatus).optional(),
      startTime: z.string().optional(),
      hostIP: z.string().optional(),
      podIP: z.string().optional(),
    })
    .default({}),
});
export type Pod = z.infer<typeof pod>;

export const node = z.object({
  apiVersion: z.literal('v1'),
  kind: z.literal('Node'),
  metadata: objectMeta,
  spec: z
    .object({
      unschedulable: z.boolean().optional(),
      taints: z.array(z.object({ key: z.string(), value: z.string().optional(), effect: z.string(), timeAdded: z.string().optional() })).optional(),
    })
    .default({}),
  status: z
    .object({
      conditions: z.array(condition).optional(),
      allocatable: resourceList.optional(),
      capacity: resourceList.optional(),
      nodeInfo: z.object({ architecture: z.string().optional(), kubeletVersion: z.string().optional(), operatingSystem: z.string().optional() }).optional(),
    })
    .default({}),
});
export type Node = z.infer<typeof node>;

export const namespace = z.object({
  apiVersion: z.literal('v1'),
  kind: z.literal('Namespace'),
  metadata: objectMeta,
  status: z.object({ phase: z.string().optional() }).default({}),
});
export type Namespace = z.infer<typeof namespace>;

/** ConfigMaps keep their key names only: values are never needed and can be large. */
export const configMap = z
  .object({
    apiVersion: z.literal('v1'),
    kind: z.literal('ConfigMap'),
    metadata: objectMeta,
    data: z.record(z.string(), z.unknown()).optional(),
    binaryData: z.record(z.string(), z.unknown()).optional(),
  })
  .transform(({ data, binaryData, ...rest }) => ({ ...rest, keys: [...Object.keys(data ?? {}), ...Object.keys(binaryData ?? {})] }));
export type ConfigMap = z.infer<typeof configMap>;

/**
 * Secrets by name only: the parsed form has no data, not even key names, so a dump that contains
 * Secret data (file mode) never keeps it, and live mode only ever requests metadata.
 */
export const secret = z
  .object({
    apiVersion: z.literal('v1'),
    kind: z.literal('Secret'),
    metadata: objectMeta,
    type: z.string().optional(),
  })
  .transform(({ apiVersion, kind, metadata, type }) => ({ apiVersion, kind, metadata, ...(type ? { type } : {}) }));
export type Secret = z.infer<typeof secret>;

export const serviceAccount = z.object({
  apiVersion: z.literal('v1'),
  kind: z.literal('ServiceAccount'),
  metadata: objectMeta,
  imagePullSecrets: z.array(z.object({ name: z.string().optional() })).optional(),
});
export type ServiceAccount = z.infer<typeof serviceAccount>;

export const persistentVolumeClaim = z.object({
  apiVersion: z.literal('v1'),
  kind: z.literal('PersistentVolumeClaim'),
  metadata: objectMeta,
  spec: z.object({
    accessModes: z.array(z.string()).optional(),
    storageClassName: z.string().nullable().optional(),
    volumeName: z.string().optional(),
    volumeMode: z.string().optional(),
    resources: z.object({ requests: resourceList.optional() }).optional(),
  }),
  status: z.object({ phase: z.string().optional(), accessModes: z.array(z.string()).optional(), conditions: z.array(condition).optional() }).default({}),
});
export type PersistentVolumeClaim = z.infer<typeof persistentVolumeClaim>;

export const persistentVolume = z.object({
  apiVersion: z.literal('v1'),
  kind: z.literal('PersistentVolume'),
  metadata: objectMeta,
  spec: z.object({
    accessModes: z.array(z.string()).optional(),
    storageClassName: z.string().optional(),
    persistentVolumeReclaimPolicy: z.string().optional(),
    claimRef: z.object({ namespace: z.string().optional(), name: z.string().optional() }).optional(),
    capacity: resourceList.optional(),
  }),
  status: z.object({ phase: z.string().optional(), reason: z.string().optional(), message: z.string().optional(), lastPhaseTransitionTime: z.string().optional() }).default({}),
});
export type PersistentVolume = z.infer<typeof persistentVolume>;

export const resourceQuota = z.object({
  apiVersion: z.literal('v1'),
  kind: z.literal('ResourceQuota'),
  metadata: objectMeta,
  spec: z.object({ hard: resourceList.optional() }).default({}),
  status: z.object({ hard: resourceList.optional(), used: resourceList.optional() }).default({}),
});
export type ResourceQuota = z.infer<typeof resourceQuota>;

export const limitRange = z.object({
  apiVersion: z.literal('v1'),
  kind: z.literal('LimitRange'),
  metadata: objectMeta,
  spec: z.object({ limits: z.array(z.object({ type: z.string(), max: resourceList.optional(), min: resourceList.optional() })).default([]) }).default({ limits: [] }),
});
export type LimitRange = z.infer<typeof limitRange>;

export const servicePort = z.object({
  name: z.string().optional(),
  protocol: z.string().optional(),
  appProtocol: z.string().optional(),
  port: z.number(),
  targetPort: z.union([z.number(), z.string()]).optional(),
  nodePort: z.number().optional(),
});
export type ServicePort = z.infer<typeof servicePort>;

export const service = z.object({
  apiVersion: z.literal('v1'),
  kind: z.literal('Service'),
  metadata: objectMeta,
  spec: z
    .object({
      type: z.string().optional(),
      selector: labelMap.nullable().optional(),
      ports: z.array(servicePort).optional(),
      clusterIP: z.string().optional(),
      externalName: z.string().optional(),
      publishNotReadyAddresses: z.boolean().optional(),
    })
    .default({}),
});
export type Service = z.infer<typeof service>;

/** A Kubernetes Event, normalised from core/v1 and events.k8s.io/v1 into one shape. */
export interface ClusterEvent {
  readonly apiVersion: string;
  readonly kind: 'Event';
  readonly metadata: z.infer<typeof objectMeta>;
  readonly involved: { kind: string; namespace?: string; name: string; uid?: string; fieldPath?: string };
  readonly type: string;
  readonly reason: string;
  readonly message: string;
  readonly count: number;
  readonly firstTimestamp?: string;
  readonly lastTimestamp?: string;
  readonly source?: string;
}

const involvedObject = z.object({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  namespace: z.string().optional(),
  name: z.string().optional(),
  uid: z.string().optional(),
  fieldPath: z.string().optional(),
});

export const coreEvent = z
  .object({
    apiVersion: z.literal('v1'),
    kind: z.literal('Event'),
    metadata: objectMeta,
    involvedObject,
    type: z.string().optional(),
    reason: z.string().optional(),
    message: z.string().optional(),
    count: z.number().nullable().optional(),
    firstTimestamp: z.string().nullable().optional(),
    lastTimestamp: z.string().nullable().optional(),
    eventTime: z.string().nullable().optional(),
    series: z.object({ count: z.number().optional(), lastObservedTime: z.string().optional() }).nullable().optional(),
    source: z.object({ component: z.string().optional() }).optional(),
    reportingComponent: z.string().optional(),
  })
  .transform((e): ClusterEvent => ({
    apiVersion: e.apiVersion,
    kind: 'Event',
    metadata: e.metadata,
    involved: { kind: kindIdentityOf(e.involvedObject.kind ?? '', e.involvedObject.apiVersion), name: e.involvedObject.name ?? '', ...pick(e.involvedObject) },
    type: e.type ?? 'Normal',
    reason: e.reason ?? '',
    message: e.message ?? '',
    count: e.series?.count ?? e.count ?? 1,
    ...opt('firstTimestamp', e.firstTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp),
    ...opt('lastTimestamp', e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp),
    ...opt('source', e.source?.component ?? e.reportingComponent),
  }));

export const eventsV1Event = z
  .object({
    apiVersion: z.literal('events.k8s.io/v1'),
    kind: z.literal('Event'),
    metadata: objectMeta,
    regarding: involvedObject.optional(),
    type: z.string().optional(),
    reason: z.string().optional(),
    note: z.string().optional(),
    eventTime: z.string().nullable().optional(),
    deprecatedCount: z.number().nullable().optional(),
    deprecatedFirstTimestamp: z.string().nullable().optional(),
    deprecatedLastTimestamp: z.string().nullable().optional(),
    series: z.object({ count: z.number().optional(), lastObservedTime: z.string().optional() }).nullable().optional(),
    reportingController: z.string().optional(),
  })
  .transform((e): ClusterEvent => ({
    apiVersion: e.apiVersion,
    kind: 'Event',
    metadata: e.metadata,
    involved: { kind: kindIdentityOf(e.regarding?.kind ?? '', e.regarding?.apiVersion), name: e.regarding?.name ?? '', ...pick(e.regarding ?? {}) },
    type: e.type ?? 'Normal',
    reason: e.reason ?? '',
    message: e.note ?? '',
    count: e.series?.count ?? e.deprecatedCount ?? 1,
    ...opt('firstTimestamp', e.deprecatedFirstTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp),
    ...opt('lastTimestamp', e.series?.lastObservedTime ?? e.deprecatedLastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp),
    ...opt('source', e.reportingController),
  }));

function pick(o: z.infer<typeof involvedObject>): { namespace?: string; uid?: string; fieldPath?: string } {
  return { ...opt('namespace', o.namespace), ...opt('uid', o.uid), ...opt('fieldPath', o.fieldPath) };
}

function opt<K extends string>(key: K, value: string | null | undefined): { [P in K]?: string } {
  return (value ? { [key]: value } : {}) as { [P in K]?: string };
}

export { quantity };
