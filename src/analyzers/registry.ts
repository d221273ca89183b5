// Every analyzer, in the order they run. A check's analyzer must be listed here (a meta-test checks
// that every catalogue entry is produced by exactly one registered analyzer).
import { unparseableResources } from './general/unparseable.js';
import { crashLoopingContainers } from './pods/crash-looping.js';
import { metricsServerAvailability } from './nodes/metrics-server-unavailable.js';
import { cordonedNodes } from './nodes/node-cordoned.js';
import { notReadyNodes } from './nodes/node-not-ready.js';
import { overcommittedNodes } from './nodes/node-overcommitted.js';
import { nodesUnderPressure } from './nodes/node-pressure.js';
import { expectedStorageClasses } from './storage/expected-storage-classes.js';
import { failedPersistentVolumes } from './storage/persistent-volume-failed.js';
import { claimAccessModeConflicts } from './storage/pvc-access-mode-conflict.js';
import { pendingClaims } from './storage/pvc-pending.js';
import { claimsWithoutStorageClass } from './storage/pvc-storage-class-missing.js';
import type { Analyzer } from './types.js';

export const ANALYZERS: readonly Analyzer[] = [
  unparseableResources,
  crashLoopingContainers,
  pendingClaims,
  claimsWithoutStorageClass,
  claimAccessModeConflicts,
  failedPersistentVolumes,
  expectedStorageClasses,
  notReadyNodes,
  nodesUnderPressure,
  overcommittedNodes,
  cordonedNodes,
  metricsServerAvailability,
];
