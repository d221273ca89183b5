// autoscaling/v2 HorizontalPodAutoscalers, parsed down to what the autoscaling analyzer reads: the
// target, the replica bounds, the metrics (for evidence) and the conditions the HPA controller writes.
import { z } from 'zod';
import { condition, objectMeta, quantity } from './meta.js';

const metricTarget = z.object({
  type: z.string().optional(),
  averageUtilization: z.number().optional(),
  averageValue: quantity.optional(),
  value: quantity.optional(),
});
const metricValue = z.object({
  averageUtilization: z.number().optional(),
  averageValue: quantity.optional(),
  value: quantity.optional(),
});
const metricIdentifier = z.object({ name: z.string() });

/** One metric of spec.metrics (with `target`) or status.currentMetrics (with `current`). */
function metric<T extends z.ZodType>(value: T) {
  return z.object({
    type: z.string(),
    resource: z.object({ name: z.string(), target: value.optional(), current: value.optional() }).optional(),
    containerResource: z.object({ name: z.string(), container: z.string(), target: value.optional(), current: value.optional() }).optional(),
    pods: z.object({ metric: metricIdentifier, target: value.optional(), current: value.optional() }).optional(),
    object: z
      .object({ metric: metricIdentifier, describedObject: z.object({ kind: z.string(), name: z.string() }).optional(), target: value.optional(), current: value.optional() })
      .optional(),
    external: z.object({ metric: metricIdentifier, target: value.optional(), current: value.optional() }).optional(),
  });
}

const specMetric = metric(metricTarget);
export type HPAMetric = z.infer<typeof specMetric>;
const statusMetric = metric(metricValue);
export type HPAMetricStatus = z.infer<typeof statusMetric>;

export const horizontalPodAutoscaler = z.object({
  apiVersion: z.literal('autoscaling/v2'),
  kind: z.literal('HorizontalPodAutoscaler'),
  metadata: objectMeta,
  spec: z.object({
    scaleTargetRef: z.object({ apiVersion: z.string().optional(), kind: z.string(), name: z.string() }),
    minReplicas: z.number().optional(),
    maxReplicas: z.number(),
    metrics: z.array(specMetric).optional(),
  }),
  status: z
    .object({
      observedGeneration: z.number().optional(),
      lastScaleTime: z.string().optional(),
      currentReplicas: z.number().optional(),
      desiredReplicas: z.number().optional(),
      currentMetrics: z.array(statusMetric).nullable().optional(),
      conditions: z.array(condition).optional(),
    })
    .default({}),
});
export type HorizontalPodAutoscaler = z.infer<typeof horizontalPodAutoscaler>;

/** The API's default when minReplicas is not given. */
export function minReplicasOf(hpa: HorizontalPodAutoscaler): number {
  return hpa.spec.minReplicas ?? 1;
}
