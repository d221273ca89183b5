// Every analyzer, in the order they run. A check's analyzer must be listed here (a meta-test checks
// that every catalogue entry is produced by exactly one registered analyzer).
import { unparseableResources } from './general/unparseable.js';
import { crashLoopingContainers } from './pods/crash-looping.js';
import type { Analyzer } from './types.js';

export const ANALYZERS: readonly Analyzer[] = [
  unparseableResources,
  crashLoopingContainers,
];
