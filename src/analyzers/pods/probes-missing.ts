// Long-running application containers without a readiness probe: such a container counts as ready
// the moment it starts, so Services send it traffic before it can serve and a rollout proceeds
// even when the new version cannot. Judged on the workload's pod template (the thing to fix, there
// with or without pods), else on its live pods, once per subject and container name, so replicas do
// not multiply a hygiene finding. Jobs, init containers and sidecars (not the workload owner's to
// probe) are left out.
import { ROLL_UP_KINDS } from '../../cluster/view.js';
import { describeRef, objectRef } from '../evidence.js';
import { TEMPLATE_KINDS, judgedSpecs } from '../pod-templates.js';
import { onePerSubject } from '../pods-not-starting/pod-state.js';
import type { Analyzer, Finding } from '../types.js';
import { isMirrorPod, sidecarNamesOf } from './container-health.js';

export const containersWithoutProbes: Analyzer = {
  name: 'missing-probes',
  description: 'Long-running application containers without a readiness probe, judged on the pod template.',
  checks: ['PodProbesMissing'],
  // Pods or workload templates, whichever are loaded.
  reads: [],
  scope: 'subject',
  subjectKinds: ['Pod', ...TEMPLATE_KINDS],
  optionalReads: ['Pod', ...ROLL_UP_KINDS],
  analyze(ctx) {
    const findings: Finding[] = [];
    for (const judged of judgedSpecs(ctx.view, (pod) => !isMirrorPod(pod))) {
      if (judged.runToCompletion) continue;
      const sidecars = sidecarNamesOf(judged.spec, judged.annotations);
      for (const container of judged.spec.containers) {
        if (sidecars.has(container.name) || container.readinessProbe) continue;
        const liveness = container.livenessProbe ? 'it has a liveness probe only' : 'nor a liveness probe';
        findings.push({
          check: 'PodProbesMissing',
          severity: 'info',
          subject: judged.subject,
          object: objectRef(judged.object, container.name),
          message: `Container ${container.name} of ${describeRef(judged.subject)} has no readiness probe (${liveness}).`,
          evidence: [
            `judged on ${judged.where}`,
            'readiness probe: none',
            `liveness probe: ${container.livenessProbe ? 'configured' : 'none'}`,
            `startup probe: ${container.startupProbe ? 'configured' : 'none'}`,
          ],
        });
      }
    }
    return onePerSubject(findings, (f) => f.object.container ?? '');
  },
};
