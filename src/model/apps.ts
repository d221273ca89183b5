// Workload controllers (apps/v1, batch/v1), parsed down to what the analyzers read.
import { z } from 'zod';
import { container, podSpec } from './core.js';
import { condition, labelMap, labelSelector, objectMeta } from './meta.js';

/**
 * A workload's pod template, parsed like a pod's spec: the checks where the template decides
 * (command and args, references, probes, resources) read it before and after any pod exists.
 */
const podTemplate = z.object({
  metadata: z.object({ labels: labelMap.optional(), annotations: labelMap.optional() }).default({}),
  spec: podSpec.extend({ containers: z.array(container).default([]) }).default({ containers: [] }),
});
export type PodTemplate = z.infer<typeof podTemplate>;

/**
 * A ReplicaSet's template, down to what the rollout check compares (container names and images): a
 * Deployment keeps up to ten old ReplicaSets, and its own template is the one that decides.
 */
const replicaSetTemplate = z.object({
  metadata: z.object({ labels: labelMap.optional(), annotations: labelMap.optional() }).default({}),
  spec: z.object({ containers: z.array(z.object({ name: z.string(), image: z.string().optional() })).default([]) }).default({ containers: [] }),
});

export const deployment = z.object({
  apiVersion: z.literal('apps/v1'),
  kind: z.literal('Deployment'),
  metadata: objectMeta,
  spec: z.object({
    replicas: z.number().optional(),
    paused: z.boolean().optional(),
    selector: labelSelector,
    template: podTemplate,
    progressDeadlineSeconds: z.number().optional(),
  }),
  status: z
    .object({
      observedGeneration: z.number().optional(),
      replicas: z.number().optional(),
      updatedReplicas: z.number().optional(),
      readyReplicas: z.number().optional(),
      availableReplicas: z.number().optional(),
      unavailableReplicas: z.number().optional(),
      conditions: z.array(condition).optional(),
    })
    .default({}),
});
export type Deployment = z.infer<typeof deployment>;

export const replicaSet = z.object({
  apiVersion: z.literal('apps/v1'),
  kind: z.literal('ReplicaSet'),
  metadata: objectMeta,
  spec: z.object({ replicas: z.number().optional(), selector: labelSelector, template: replicaSetTemplate.optional() }),
  status: z
    .object({
      replicas: z.number().optional(),
      readyReplicas: z.number().optional(),
      availableReplicas: z.number().optional(),
      conditions: z.array(condition).optional(),
    })
    .default({}),
});
export type ReplicaSet = z.infer<typeof replicaSet>;

export const statefulSet = z.object({
  apiVersion: z.literal('apps/v1'),
  kind: z.literal('StatefulSet'),
  metadata: objectMeta,
  spec: z.object({ replicas: z.number().optional(), selector: labelSelector, serviceName: z.string().optional(), template: podTemplate }),
  status: z
    .object({
      observedGeneration: z.number().optional(),
      replicas: z.number().optional(),
      readyReplicas: z.number().optional(),
      availableReplicas: z.number().optional(),
      updatedReplicas: z.number().optional(),
      currentRevision: z.string().optional(),
      updateRevision: z.string().optional(),
      conditions: z.array(condition).optional(),
    })
    .default({}),
});
export type StatefulSet = z.infer<typeof statefulSet>;

export const daemonSet = z.object({
  apiVersion: z.literal('apps/v1'),
  kind: z.literal('DaemonSet'),
  metadata: objectMeta,
  spec: z.object({ selector: labelSelector, template: podTemplate }),
  status: z
    .object({
      observedGeneration: z.number().optional(),
      desiredNumberScheduled: z.number().optional(),
      currentNumberScheduled: z.number().optional(),
      numberReady: z.number().optional(),
      numberAvailable: z.number().optional(),
      numberUnavailable: z.number().optional(),
      updatedNumberScheduled: z.number().optional(),
      numberMisscheduled: z.number().optional(),
      conditions: z.array(condition).optional(),
    })
    .default({}),
});
export type DaemonSet = z.infer<typeof daemonSet>;

export const job = z.object({
  apiVersion: z.literal('batch/v1'),
  kind: z.literal('Job'),
  metadata: objectMeta,
  spec: z.object({
    parallelism: z.number().optional(),
    completions: z.number().optional(),
    backoffLimit: z.number().optional(),
    activeDeadlineSeconds: z.number().optional(),
    suspend: z.boolean().optional(),
    template: podTemplate,
  }),
  status: z
    .object({
      active: z.number().optional(),
      succeeded: z.number().optional(),
      failed: z.number().optional(),
      startTime: z.string().optional(),
      completionTime: z.string().optional(),
      conditions: z.array(condition).optional(),
    })
    .default({}),
});
export type Job = z.infer<typeof job>;

export const cronJob = z.object({
  apiVersion: z.literal('batch/v1'),
  kind: z.literal('CronJob'),
  metadata: objectMeta,
  spec: z.object({
    schedule: z.string(),
    // The API server rejects an empty string; a dump may still hold one, which the analyzers report.
    timeZone: z.string().optional(),
    suspend: z.boolean().optional(),
    startingDeadlineSeconds: z.number().optional(),
    concurrencyPolicy: z.string().optional(),
    jobTemplate: z.object({ spec: z.object({ template: podTemplate.optional() }).default({}) }).optional(),
  }),
  status: z
    .object({
      lastScheduleTime: z.string().optional(),
      lastSuccessfulTime: z.string().optional(),
      active: z.array(z.object({ kind: z.string().optional(), namespace: z.string().optional(), name: z.string(), uid: z.string().optional() })).optional(),
    })
    .default({}),
});
export type CronJob = z.infer<typeof cronJob>;
