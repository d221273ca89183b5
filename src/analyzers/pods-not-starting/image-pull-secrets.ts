// imagePullSecrets that name no Secret. The ServiceAccount's list is copied into a pod when it is
// created, so the ServiceAccount's current list is what the next pod will get.
import type { Pod } from '../../model/core.js';
import { eventEvidence, eventsWithReason, objectRef } from '../evidence.js';
import type { AnalysisContext, Analyzer, Finding } from '../types.js';
import { IMAGE_PULL_REASONS, OWNER_KINDS, earliestEvent, isActivePod, isPodBlocked, onePerSubject, podEvents, podName } from './pod-state.js';

interface PullSecretRef {
  readonly name: string;
  readonly namedBy: string;
}

function pullSecretRefs(ctx: AnalysisContext, pod: Pod): PullSecretRef[] {
  const { view } = ctx;
  const refs = new Map<string, PullSecretRef>();
  for (const ref of pod.spec.imagePullSecrets ?? []) {
    if (ref.name) refs.set(ref.name, { name: ref.name, namedBy: 'the pod' });
  }
  const accountName = pod.spec.serviceAccountName ?? 'default';
  const account = view.has('ServiceAccount') ? view.get('ServiceAccount', pod.metadata.namespace, accountName) : undefined;
  for (const ref of account?.imagePullSecrets ?? []) {
    if (ref.name && !refs.has(ref.name)) refs.set(ref.name, { name: ref.name, namedBy: `ServiceAccount ${accountName}` });
  }
  return [...refs.values()];
}

export function findMissingPullSecrets(ctx: AnalysisContext): Finding[] {
  const { view } = ctx;
  const findings: Finding[] = [];
  for (const pod of view.list('Pod')) {
    if (!isActivePod(pod)) continue;
    const events = eventsWithReason(podEvents(view, pod), ['FailedToRetrieveImagePullSecret']);
    // A dump of some namespaces only has no Secret in the others: absence proves nothing there,
    // unless the kubelet itself could not find the secret.
    if (view.inNamespace('Secret', pod.metadata.namespace ?? '').length === 0 && events.length === 0) continue;
    const missing = pullSecretRefs(ctx, pod).filter((ref) => !view.get('Secret', pod.metadata.namespace, ref.name));
    if (missing.length === 0) continue;
    const pulling = [...(pod.status.initContainerStatuses ?? []), ...(pod.status.containerStatuses ?? [])].filter((s) =>
      IMAGE_PULL_REASONS.includes(s.state?.waiting?.reason ?? ''),
    );
    // A running pod pulled its images already: the missing secret breaks only the next pull on
    // another node, so it is reported for information until a pod is actually held up.
    const blocked = pulling.length > 0 || isPodBlocked(pod);
    const names = missing.map((ref) => ref.name).join(', ');
    findings.push({
      check: 'PodImagePullSecretMissing',
      severity: blocked ? 'critical' : 'info',
      subject: view.subjectOf(pod),
      object: objectRef(pod),
      message: `Pod ${podName(pod)} uses image pull secret${missing.length > 1 ? 's' : ''} ${names}, which ${missing.length > 1 ? 'do' : 'does'} not exist in namespace ${pod.metadata.namespace ?? ''}${blocked ? '' : ' (the pod runs: images were pulled before)'}.`,
      evidence: [
        ...missing.map((ref) => `Secret ${ref.name} named by ${ref.namedBy} does not exist`),
        ...pulling.map((s) => `container ${s.name} waiting: ${s.state?.waiting?.reason ?? ''}`),
        ...eventEvidence(events, ctx.settings.evidence.maxEvents),
      ],
      ...(earliestEvent(events) ? { firstSeen: earliestEvent(events) } : {}),
    });
  }
  return onePerSubject(findings, (f) => f.evidence.filter((e) => e.startsWith('Secret ')).join('|'));
}

export const missingImagePullSecrets: Analyzer = {
  name: 'missing-image-pull-secrets',
  description: 'Pods whose imagePullSecrets (their own or their ServiceAccount\'s) name Secrets that do not exist.',
  checks: ['PodImagePullSecretMissing'],
  reads: ['Pod', 'Secret'],
  scope: 'subject',
  subjectKinds: ['Pod'],
  optionalReads: ['ServiceAccount', 'Event', ...OWNER_KINDS],
  analyze: findMissingPullSecrets,
};
