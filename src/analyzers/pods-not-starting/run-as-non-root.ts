// Containers the kubelet refuses to create because the image's user breaks the pod's non-root
// policy: runAsNonRoot with an image that runs as root, or with a non-numeric USER it cannot verify.
import type { Container, Pod } from '../../model/core.js';
import { containerStatuses, eventEvidence, objectRef } from '../evidence.js';
import type { AnalysisContext, Analyzer, Finding } from '../types.js';
import { OWNER_KINDS, containerEvents, containerSpec, earliestEvent, isActivePod, podEvents, podName } from './pod-state.js';

const NON_ROOT_REJECTION = /runAsNonRoot|non-root|runAsUser/i;

/** Whether a CreateContainerConfigError message is a non-root policy rejection (not a missing reference). */
export function isNonRootRejection(message: string | undefined): boolean {
  return message !== undefined && NON_ROOT_REJECTION.test(message);
}

function explain(message: string, image: string): string {
  if (/image will run as root/i.test(message)) return `runAsNonRoot is set but image ${image} runs as root`;
  if (/non-numeric user/i.test(message)) return `runAsNonRoot is set but image ${image} names its user by name, which cannot be verified as non-root`;
  if (/runAsUser breaks non-root policy/i.test(message)) return 'runAsUser 0 contradicts runAsNonRoot';
  return 'its securityContext rejects the image\'s user';
}

function securityContextEvidence(pod: Pod, container: Container | undefined): string {
  const podContext = pod.spec.securityContext ?? {};
  const own = container?.securityContext ?? {};
  const show = (v: unknown): string => (v === undefined ? 'unset' : String(v));
  return `securityContext: pod runAsNonRoot=${show(podContext.runAsNonRoot)} runAsUser=${show(podContext.runAsUser)}; container runAsNonRoot=${show(own.runAsNonRoot)} runAsUser=${show(own.runAsUser)}`;
}

export function findNonRootViolations(ctx: AnalysisContext): Finding[] {
  const { view } = ctx;
  const findings: Finding[] = [];
  for (const pod of view.list('Pod')) {
    if (!isActivePod(pod)) continue;
    for (const c of containerStatuses(pod)) {
      const waiting = c.status.state?.waiting;
      if (waiting?.reason !== 'CreateContainerConfigError' && waiting?.reason !== 'CreateContainerError') continue;
      if (!isNonRootRejection(waiting.message)) continue;
      const spec = containerSpec(pod, c.name);
      const image = spec?.image ?? c.status.image ?? '(no image)';
      const events = containerEvents(podEvents(view, pod), c.name).filter((e) => e.reason === 'Failed' && isNonRootRejection(e.message));
      findings.push({
        check: 'PodRunAsNonRootViolation',
        severity: 'critical',
        subject: view.subjectOf(pod),
        object: objectRef(pod, c.name),
        message: `Container ${c.name} of pod ${podName(pod)} is not started: ${explain(waiting.message ?? '', image)}.`,
        evidence: [`waiting: ${waiting.reason} (${waiting.message ?? ''})`, securityContextEvidence(pod, spec), `image: ${image}`, ...eventEvidence(events, ctx.settings.evidence.maxEvents)],
        ...(earliestEvent(events) ? { firstSeen: earliestEvent(events) } : {}),
      });
    }
  }
  return findings;
}

export const nonRootViolations: Analyzer = {
  name: 'run-as-non-root-violations',
  description: 'Containers not created because runAsNonRoot (or runAsUser) rejects the user the image runs as.',
  checks: ['PodRunAsNonRootViolation'],
  reads: ['Pod'],
  scope: 'subject',
  subjectKinds: ['Pod'],
  optionalReads: ['Event', ...OWNER_KINDS],
  analyze: findNonRootViolations,
};
