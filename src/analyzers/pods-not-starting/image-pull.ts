// Containers that cannot get their image, with the registry's error.
import type { ClusterEvent } from '../../model/core.js';
import { containerStatuses, eventEvidence, objectRef } from '../evidence.js';
import type { AnalysisContext, Analyzer, Finding } from '../types.js';
import { IMAGE_PULL_REASONS, OWNER_KINDS, containerEvents, containerSpec, earliestEvent, isActivePod, notReadySince, podEvents, podName } from './pod-state.js';

/** What the registry's (or the kubelet's) error means, most specific first. */
const PULL_ERRORS: readonly (readonly [RegExp, string])[] = [
  [/InvalidImageName|invalid reference format|couldn't parse image/i, 'the image reference is not valid'],
  [/ErrImageNeverPull|imagePullPolicy is "?Never"?|policy is Never/i, 'imagePullPolicy is Never and the image is not on the node'],
  [/toomanyrequests|rate limit|\b429\b/i, 'the registry rate-limits pulls'],
  [/pull access denied|may require authorization/i, 'the registry refused access (the repository does not exist or needs credentials)'],
  [/unauthorized|authentication required|no basic auth credentials|\b40[13]\b|forbidden|access denied|denied/i, 'the registry refused access (credentials or permissions)'],
  [/manifest unknown|not found|no such manifest|does not exist|repository name not known/i, 'the image or tag does not exist'],
  [/no match for platform|no matching manifest/i, "the image has no variant for the node's platform"],
  [/x509|certificate/i, "the registry's TLS certificate is not trusted"],
  [/no such host|i\/o timeout|connection refused|dial tcp|TLS handshake timeout|network is unreachable|context deadline exceeded/i, 'the registry is not reachable from the node'],
];

export function describePullError(text: string): string | undefined {
  return PULL_ERRORS.find(([pattern]) => pattern.test(text))?.[1];
}

/** `Error: ImagePullBackOff` events only restate the waiting reason. */
const RESTATED_REASON = /^Error: \w+$/;

function pullEvents(events: readonly ClusterEvent[], container: string): ClusterEvent[] {
  return containerEvents(events, container).filter(
    (e) => ['Failed', 'InspectFailed', 'ErrImageNeverPull'].includes(e.reason) && e.type === 'Warning' && !RESTATED_REASON.test(e.message),
  );
}

export function findImagePullFailures(ctx: AnalysisContext): Finding[] {
  const { view } = ctx;
  const findings: Finding[] = [];
  for (const pod of view.list('Pod')) {
    if (!isActivePod(pod)) continue;
    const events = podEvents(view, pod);
    for (const c of containerStatuses(pod)) {
      const waiting = c.status.state?.waiting;
      if (!waiting?.reason || !IMAGE_PULL_REASONS.includes(waiting.reason)) continue;
      const image = containerSpec(pod, c.name)?.image ?? c.status.image ?? '(no image)';
      const related = pullEvents(events, c.name);
      // ImagePullBackOff only says "Back-off pulling image"; the registry's words are in the last
      // ErrImagePull message or the Failed events.
      const backOff = /^Back-off pulling image/i.test(waiting.message ?? '');
      const registryError = related[0]?.message ?? (backOff ? '' : (waiting.message ?? ''));
      const cause = describePullError(`${waiting.reason} ${registryError}`) ?? 'the pull failed';
      findings.push({
        check: 'PodImagePullFailed',
        severity: 'critical',
        subject: view.subjectOf(pod),
        object: objectRef(pod, c.name),
        message: `Container ${c.name} of pod ${podName(pod)} cannot pull image ${image}: ${cause} (${waiting.reason}).`,
        evidence: [
          `image: ${image}`,
          // The kubelet's Failed events repeat an ErrImagePull message word for word.
          `waiting: ${waiting.reason}${waiting.message && !related.some((e) => e.message.includes(waiting.message ?? '')) ? ` (${waiting.message})` : ''}`,
          ...eventEvidence(related, ctx.settings.evidence.maxEvents),
        ],
        ...((earliestEvent(related) ?? notReadySince(pod)) ? { firstSeen: earliestEvent(related) ?? notReadySince(pod) } : {}),
        // A missing pull secret of the same pod explains an access error.
        related: [objectRef(pod)],
      });
    }
  }
  return findings;
}

export const imagePullFailures: Analyzer = {
  name: 'image-pull-failures',
  description: 'Containers waiting because their image cannot be pulled (ErrImagePull, ImagePullBackOff, InvalidImageName, ErrImageNeverPull).',
  checks: ['PodImagePullFailed'],
  reads: ['Pod'],
  scope: 'subject',
  subjectKinds: ['Pod'],
  optionalReads: ['Event', ...OWNER_KINDS],
  analyze: findImagePullFailures,
};
