// storage.k8s.io kinds.
import { z } from 'zod';
import { objectMeta } from './meta.js';

export const storageClass = z.object({
  apiVersion: z.literal('storage.k8s.io/v1'),
  kind: z.literal('StorageClass'),
  metadata: objectMeta,
  provisioner: z.string(),
  reclaimPolicy: z.string().optional(),
  volumeBindingMode: z.string().optional(),
});
export type StorageClass = z.infer<typeof storageClass>;

const DEFAULT_CLASS_ANNOTATIONS = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'];

export function isDefaultStorageClass(sc: StorageClass): boolean {
  return DEFAULT_CLASS_ANNOTATIONS.some((a) => sc.metadata.annotations?.[a] === 'true');
}
