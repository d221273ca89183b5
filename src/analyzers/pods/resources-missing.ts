// Containers without CPU and memory requests (the scheduler then places them blind, and they are
// the first evicted under pressure) or without a memory limit (one leak can starve the node).
// Judged once per workload (on a representative pod) and per container name, so replicas do not
// multiply a hygiene finding. Init containers that run to completion are left out.
import { ROLL_UP_KINDS } from '../../cluster/view.js';
import type { Container } from '../../model/core.js';
import { describeRef, objectRef } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';
import { isMirrorPod, representativePods } from './container-health.js';

function missingResourceNames(container: Container): string[] {
  const { requests, limits } = container.resources ?? {};
  return [
    ...(requests?.cpu === undefined ? ['cpu request'] : []),
    ...(requests?.memory === undefined ? ['memory request'] : []),
    ...(limits?.memory === undefined ? ['memory limit'] : []),
  ];
}

/** "no cpu request, no memory request and no memory limit" */
function listMissing(words: readonly string[]): string {
  const each = words.map((word) => `no ${word}`);
  return each.length < 2 ? (each[0] ?? '') : `${each.slice(0, -1).join(', ')} and ${each.at(-1) ?? ''}`;
}

export const containersWithoutResources: Analyzer = {
  name: 'missing-resources',
  description: 'Containers without CPU or memory requests, or without a memory limit.',
  checks: ['PodResourcesMissing'],
  reads: ['Pod'],
  scope: 'subject',
  subjectKinds: ['Pod'],
  optionalReads: [...ROLL_UP_KINDS],
  analyze(ctx) {
    const findings: Finding[] = [];
    const pods = ctx.view.list('Pod').filter((pod) => !isMirrorPod(pod));
    for (const pod of representativePods(ctx, pods)) {
      const subject = ctx.view.subjectOf(pod);
      const nativeSidecars = (pod.spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
      for (const container of [...nativeSidecars, ...pod.spec.containers]) {
        const missing = missingResourceNames(container);
        if (missing.length === 0) continue;
        const { requests, limits } = container.resources ?? {};
        findings.push({
          check: 'PodResourcesMissing',
          severity: 'info',
          subject,
          object: objectRef(pod, container.name),
          message: `Container ${container.name} of ${describeRef(subject)} has ${listMissing(missing)}.`,
          evidence: [
            `pod ${pod.metadata.name} (representative of ${describeRef(subject)})`,
            `requests: cpu ${requests?.cpu ?? 'none'}, memory ${requests?.memory ?? 'none'}`,
            `limits: cpu ${limits?.cpu ?? 'none'}, memory ${limits?.memory ?? 'none'}`,
          ],
        });
      }
    }
    return findings;
  },
};
