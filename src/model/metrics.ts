// The aggregated metrics API: its APIService registration and pod usage samples.
import { z } from 'zod';
import { condition, objectMeta, resourceList } from './meta.js';

export const apiService = z.object({
  apiVersion: z.literal('apiregistration.k8s.io/v1'),
  kind: z.literal('APIService'),
  metadata: objectMeta,
  spec: z.object({ service: z.object({ namespace: z.string().optional(), name: z.string().optional() }).nullable().optional(), group: z.string().optional(), version: z.string().optional() }).default({}),
  status: z.object({ conditions: z.array(condition).optional() }).default({}),
});
export type APIService = z.infer<typeof apiService>;

export const podMetrics = z.object({
  apiVersion: z.literal('metrics.k8s.io/v1beta1'),
  kind: z.literal('PodMetrics'),
  metadata: objectMeta,
  timestamp: z.string().optional(),
  window: z.string().optional(),
  containers: z.array(z.object({ name: z.string(), usage: resourceList })).default([]),
});
export type PodMetrics = z.infer<typeof podMetrics>;
