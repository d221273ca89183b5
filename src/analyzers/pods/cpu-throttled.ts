// Containers using (nearly) all of their CPU limit, from metrics.k8s.io. CFS throttles a container
// at its limit, so usage at the limit means requests wait. A PodMetrics object is one sample (an
// average over its window, typically 15-30s), which cannot show that the usage lasted: the finding
// states the single-sample rule and stays a warning, and alert rules add the duration (`for:`).
import { ROLL_UP_KINDS } from '../../cluster/view.js';
import { parseQuantity, formatCores } from '../../model/quantity.js';
import { describeContainer, objectRef } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';

export const cpuThrottledContainers: Analyzer = {
  name: 'cpu-throttled-containers',
  description: 'Containers whose CPU usage sample is at or near their CPU limit (metrics.k8s.io).',
  checks: ['PodCPUThrottled'],
  reads: ['Pod', 'PodMetrics'],
  scope: 'namespace',
  optionalReads: [...ROLL_UP_KINDS],
  analyze(ctx) {
    const ratio = ctx.settings.thresholds.cpuThrottledRatio;
    const findings: Finding[] = [];
    for (const metrics of ctx.view.list('PodMetrics')) {
      const pod = ctx.view.get('Pod', metrics.metadata.namespace, metrics.metadata.name);
      if (!pod || pod.metadata.deletionTimestamp || pod.status.phase !== 'Running') continue;
      for (const sample of metrics.containers) {
        const spec = pod.spec.containers.find((c) => c.name === sample.name) ?? pod.spec.initContainers?.find((c) => c.name === sample.name);
        const limitText = spec?.resources?.limits?.cpu;
        const limit = parseQuantity(limitText);
        const usage = parseQuantity(sample.usage.cpu);
        if (!limit || limit <= 0 || usage === undefined || usage < ratio * limit) continue;
        const percent = Math.round((usage / limit) * 100);
        findings.push({
          check: 'PodCPUThrottled',
          severity: 'warning',
          subject: ctx.view.subjectOf(pod),
          object: objectRef(pod, sample.name),
          message: `The ${describeContainer(pod, sample.name)} uses ${formatCores(usage)} CPU, ${percent}% of its ${limitText ?? ''} limit, so it is likely being throttled.`,
          evidence: [
            `cpu usage ${formatCores(usage)}${metrics.window ? ` averaged over ${metrics.window}` : ''}${metrics.timestamp ? ` at ${metrics.timestamp}` : ''}`,
            `cpu limit ${limitText ?? ''}, request ${spec?.resources?.requests?.cpu ?? 'none'}`,
            `rule: one metrics sample at or above ${Math.round(ratio * 100)}% of the limit; the sample alone cannot show how long this lasted`,
          ],
        });
      }
    }
    return findings;
  },
};
