// The analyzers of the runbook section "Pods not starting" that look at workload controllers.
import { failedPodCreation } from './failed-create.js';
import { unavailableReplicas } from './replicas-unavailable.js';
import { stuckRollouts } from './rollout-stuck.js';
import type { Analyzer } from '../types.js';

export const workloadAnalyzers: readonly Analyzer[] = [failedPodCreation, stuckRollouts, unavailableReplicas];
