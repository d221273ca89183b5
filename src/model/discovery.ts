// discovery.k8s.io/v1 EndpointSlices (the deprecated core Endpoints are not read).
import { z } from 'zod';
import { objectMeta } from './meta.js';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export const endpointSlice = z.object({
  apiVersion: z.literal('discovery.k8s.io/v1'),
  kind: z.literal('EndpointSlice'),
  metadata: objectMeta,
  addressType: z.string(),
  endpoints: z
    .array(
      z.object({
        addresses: z.array(z.string()).default([]),
        conditions: z.object({ ready: z.boolean().nullable().optional(), serving: z.boolean().nullable().optional(), terminating: z.boolean().nullable().optional() }).default({}),
        targetRef: z.object({ kind: z.string().optional(), namespace: z.string().optional(), name: z.string().optional(), uid: z.string().optional() }).optional(),
        nodeName: z.string().optional(),
      }),
    )
    .nullable()
    .transform((e) => e ?? [])
    .default([]),
  ports: z
    .array(z.object({ name: z.string().optional(), port: z.number().nullable().optional(), protocol: z.string().optional(), appProtocol: z.string().optional() }))
    .nullable()
    .transform((p) => p ?? [])
    .default([]),
});
export type EndpointSlice = z.infer<typeof endpointSlice>;
