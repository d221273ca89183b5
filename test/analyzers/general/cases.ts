import type { CheckCase } from '../../helpers/cases.js';

export const cases: readonly CheckCase[] = [
  {
    name: 'a pod whose containers field is a map is reported; the other pods are still analyzed',
    fixtures: ['general/malformed-pod.yaml'],
    checks: ['ResourceUnparseable', 'PodCrashLooping'],
    expected: ['ResourceUnparseable Pod/reports/legacy-batch', 'PodCrashLooping Deployment/reports/reporting'],
  },
  {
    name: 'an unknown version of a known group is reported; kinds nobody reads are ignored',
    fixtures: ['general/unknown-version.yaml'],
    checks: ['ResourceUnparseable'],
    expected: ['ResourceUnparseable Deployment/lab/future'],
  },
  {
    name: 'well-formed objects are not reported',
    fixtures: ['pods/crashloop.yaml'],
    checks: ['ResourceUnparseable'],
    expected: [],
  },
];
