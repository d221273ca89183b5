// Containers without CPU and memory requests (the scheduler then places them blind, and they are
// the first evicted under pressure) or without a memory limit (one leak can starve the node).
// Judged on the workload's pod template (the thing to fix, there with or without pods), else on its
// pods, once per subject and container name, so replicas do not multiply a hygiene finding. Init
// containers that run to completion are left out.
import { ROLL_UP_KINDS } from '../../cluster/view.js';
import type { Container } from '../../model/core.js';
import { describeRef, objectRef } from '../evidence.js';
import { TEMPLATE_KINDS, judgedSpecs } from '../pod-templates.js';
import { onePerSubject } from '../pods-not-starting/pod-state.js';
import type { Analyzer, Finding } from '../types.js';
import { isMirrorPod } from './container-health.js';

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
  // Pods or workload templates, whichever are loaded.
  reads: [],
  scope: 'subject',
  subjectKinds: ['Pod', ...TEMPLATE_KINDS],
  optionalReads: ['Pod', ...ROLL_UP_KINDS],
  analyze(ctx) {
    const findings: Finding[] = [];
    for (const judged of judgedSpecs(ctx.view, (pod) => !isMirrorPod(pod))) {
      const nativeSidecars = (judged.spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
      for (const container of [...nativeSidecars, ...judged.spec.containers]) {
        const missing = missingResourceNames(container);
        if (missing.length === 0) continue;
        const { requests, limits } = container.resources ?? {};
        findings.push({
          check: 'PodResourcesMissing',
          severity: 'info',
          subject: judged.subject,
          object: objectRef(judged.object, container.name),
          message: `Container ${container.name} of ${describeRef(judged.subject)} has ${listMissing(missing)}.`,
          evidence: [
            `judged on ${judged.where}`,
            `requests: cpu ${requests?.cpu ?? 'none'}, memory ${requests?.memory ?? 'none'}`,
            `limits: cpu ${limits?.cpu ?? 'none'}, memory ${limits?.memory ?? 'none'}`,
          ],
        });
      }
    }
    return onePerSubject(findings, (f) => f.object.container ?? '');
  },
};
