// postStart and preStop hooks that fail. A failed postStart hook kills the container it belongs to;
// a failed preStop hook means the container was stopped without the clean shutdown it asked for.
import { ROLL_UP_KINDS } from '../../cluster/view.js';
import type { ClusterEvent, Pod } from '../../model/core.js';
import { describeContainer, eventEvidence, objectRef } from '../evidence.js';
import type { AnalysisContext, Analyzer, Finding } from '../types.js';
import { earliestFirstTimestamp, podEvents, recentEvents, specOf } from './container-health.js';

const HOOKS = [
  { reason: 'FailedPostStartHook', hook: 'postStart' },
  { reason: 'FailedPreStopHook', hook: 'preStop' },
] as const;

/** The container an event names: its fieldPath, else the `for Container "x"` of the kubelet's message. */
function containerOfEvent(event: ClusterEvent): string | undefined {
  const fromField = /\{([^}]+)\}$/.exec(event.involved.fieldPath ?? '')?.[1];
  return fromField ?? /for Container "([^"]+)"/.exec(event.message)?.[1];
}

function hookFindings(ctx: AnalysisContext, pod: Pod): Finding[] {
  const events = recentEvents(podEvents(ctx, pod), ctx, ctx.settings.thresholds.podEventsWithin);
  const findings: Finding[] = [];
  for (const { reason, hook } of HOOKS) {
    const byContainer = new Map<string, ClusterEvent[]>();
    for (const event of events) {
      if (event.reason !== reason) continue;
      const container = containerOfEvent(event) ?? '';
      byContainer.set(container, [...(byContainer.get(container) ?? []), event]);
    }
    for (const [container, failures] of [...byContainer].sort(([a], [b]) => a.localeCompare(b))) {
      const count = failures.reduce((sum, e) => sum + e.count, 0);
      const handler = container ? specOf(pod, container)?.lifecycle?.[hook] : undefined;
      const where = container ? `the ${describeContainer(pod, container)}` : `pod ${pod.metadata.namespace ?? ''}/${pod.metadata.name}`;
      const firstSeen = earliestFirstTimestamp(failures);
      findings.push({
        check: 'PodLifecycleHookFailed',
        severity: 'warning',
        subject: ctx.view.subjectOf(pod),
        object: objectRef(pod, container || undefined),
        message: `The ${hook} hook of ${where} failed${count > 1 ? ` ${count} times` : ''}${hook === 'postStart' ? ', which kills the container' : ', so it was stopped without its clean shutdown'}.`,
        evidence: [
          ...(handler ? [`${hook} handler: ${JSON.stringify(handler)}`] : []),
          ...eventEvidence(failures, ctx.settings.evidence.maxEvents),
        ],
        ...(firstSeen ? { firstSeen } : {}),
      });
    }
  }
  return findings;
}

export const lifecycleHooksFailed: Analyzer = {
  name: 'lifecycle-hooks-failed',
  description: 'postStart and preStop hooks that failed recently (FailedPostStartHook, FailedPreStopHook events).',
  checks: ['PodLifecycleHookFailed'],
  reads: ['Pod', 'Event'],
  scope: 'subject',
  subjectKinds: ['Pod'],
  optionalReads: [...ROLL_UP_KINDS],
  analyze(ctx) {
    // Terminating pods included: a preStop hook only ever runs on one.
    return ctx.view.list('Pod').flatMap((pod) => hookFindings(ctx, pod));
  },
};
