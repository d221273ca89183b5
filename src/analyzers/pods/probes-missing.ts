// Long-running application containers without a readiness probe: such a container counts as ready
// the moment it starts, so Services send it traffic before it can serve and a rollout proceeds
// even when the new version cannot. Judged once per workload (on a representative pod) and per
// container name, so replicas do not multiply a hygiene finding. Job pods, init containers and
// sidecars (not the workload owner's to probe) are left out.
import { ROLL_UP_KINDS } from '../../cluster/view.js';
import { describeRef, isPodTerminal, objectRef } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';
import { isMirrorPod, isRunToCompletion, representativePods, sidecarNames } from './container-health.js';

export const containersWithoutProbes: Analyzer = {
  name: 'missing-probes',
  description: 'Long-running application containers without a readiness probe.',
  checks: ['PodProbesMissing'],
  reads: ['Pod'],
  scope: 'subject',
  subjectKinds: ['Pod'],
  optionalReads: [...ROLL_UP_KINDS],
  analyze(ctx) {
    const findings: Finding[] = [];
    const longRunning = ctx.view.list('Pod').filter((pod) => !isRunToCompletion(pod) && !isMirrorPod(pod));
    for (const pod of representativePods(ctx, longRunning)) {
      if (isPodTerminal(pod)) continue;
      const subject = ctx.view.subjectOf(pod);
      const sidecars = sidecarNames(pod);
      for (const container of pod.spec.containers) {
        if (sidecars.has(container.name) || container.readinessProbe) continue;
        const liveness = container.livenessProbe ? 'it has a liveness probe only' : 'nor a liveness probe';
        findings.push({
          check: 'PodProbesMissing',
          severity: 'info',
          subject,
          object: objectRef(pod, container.name),
          message: `Container ${container.name} of ${describeRef(subject)} has no readiness probe (${liveness}).`,
          evidence: [
            `pod ${pod.metadata.name} (representative of ${describeRef(subject)})`,
            'readiness probe: none',
            `liveness probe: ${container.livenessProbe ? 'configured' : 'none'}`,
            `startup probe: ${container.startupProbe ? 'configured' : 'none'}`,
          ],
        });
      }
    }
    return findings;
  },
};
