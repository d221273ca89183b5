import type { CheckCase } from '../../helpers/cases.js';

export const cases: readonly CheckCase[] = [
  {
    name: 'a Deployment whose only pod crash-loops',
    fixtures: ['pods/crashloop.yaml'],
    checks: ['PodCrashLooping', 'PodOOMKilled'],
    expected: ['PodCrashLooping Deployment/shop/checkout'],
  },
];
