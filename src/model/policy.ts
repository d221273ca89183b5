// policy/v1 PodDisruptionBudgets, parsed down to what the disruption analyzer reads: the budget, the
// selector and the counts the disruption controller writes to the status.
import { z } from 'zod';
import { condition, labelSelector, objectMeta } from './meta.js';

/** minAvailable and maxUnavailable are an integer or a percentage such as "50%". */
const intOrPercent = z.union([z.number(), z.string()]);

export const podDisruptionBudget = z.object({
  apiVersion: z.literal('policy/v1'),
  kind: z.literal('PodDisruptionBudget'),
  metadata: objectMeta,
  spec: z
    .object({
      minAvailable: intOrPercent.optional(),
      maxUnavailable: intOrPercent.optional(),
      // In policy/v1 a null selector selects no pod and an empty one every pod of the namespace.
      selector: labelSelector.nullable().optional(),
      unhealthyPodEvictionPolicy: z.string().optional(),
    })
    .default({}),
  status: z
    .object({
      observedGeneration: z.number().optional(),
      disruptionsAllowed: z.number().optional(),
      currentHealthy: z.number().optional(),
      desiredHealthy: z.number().optional(),
      expectedPods: z.number().optional(),
      conditions: z.array(condition).optional(),
    })
    .default({}),
});
export type PodDisruptionBudget = z.infer<typeof podDisruptionBudget>;
