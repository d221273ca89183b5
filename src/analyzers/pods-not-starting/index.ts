// The analyzers of the runbook section "Pods not starting" that look at pods, in the order they run.
import { containerStartFailures } from './container-start.js';
import { missingConfigReferences } from './config-references.js';
import { unexpandedEnvVars } from './env-expansion.js';
import { imagePullFailures } from './image-pull.js';
import { missingImagePullSecrets } from './image-pull-secrets.js';
import { podsRequestingMoreThanNodes } from './node-capacity.js';
import { longPendingPods } from './pending-too-long.js';
import { nonRootViolations } from './run-as-non-root.js';
import { unschedulablePods } from './unschedulable.js';
import { volumeMountFailures } from './volume-mounts.js';
import type { Analyzer } from '../types.js';

export const podsNotStartingAnalyzers: readonly Analyzer[] = [
  unschedulablePods,
  podsRequestingMoreThanNodes,
  imagePullFailures,
  missingImagePullSecrets,
  missingConfigReferences,
  volumeMountFailures,
  containerStartFailures,
  unexpandedEnvVars,
  nonRootViolations,
  longPendingPods,
];
