// external-dns, which publishes Ingress and Service host names to the DNS provider: down (not
// ready, crash-looping, no pod at all) or up but failing to sync, which only its logs tell. A
// healthy instance logs "All records are already up to date" after each sync; errors after the
// last such line (bad credentials, provider throttling) mean records have stopped being updated.
import type { ClusterReader } from '../../cluster/view.js';
import type { Deployment } from '../../model/apps.js';
import type { Pod } from '../../model/core.js';
import { findCondition } from '../../model/meta.js';
import type { ObjectRef } from '../../model/meta.js';
import { ageMs, formatDuration, isPodTerminal, objectRef, recheckWhenAged } from '../evidence.js';
import { describePodReadiness, isPodReady } from '../network/service-backends.js';
import type { AnalysisContext, Analyzer, Finding } from '../types.js';

const NAME = 'external-dns';
const NAME_LABELS = ['app.kubernetes.io/name', 'app'];

function isExternalDnsLabelled(labels: Readonly<Record<string, string>> | undefined): boolean {
  // Runs on every pod of the cluster per pass: no closure per call.
  if (!labels) return false;
  for (const key of NAME_LABELS) if (labels[key] === NAME) return true;
  return false;
}

function isExternalDnsDeployment(d: Deployment): boolean {
  return d.metadata.name === NAME || isExternalDnsLabelled(d.metadata.labels) || isExternalDnsLabelled(d.spec.template.metadata.labels);
}

const SUCCESS = [/All records are already up to date/i, /record\(s\) in zone .* were successfully updated/i];
const ERROR_LEVEL = [/\blevel=(error|fatal|panic)\b/i, /"level"\s*:\s*"(error|fatal|panic)"/i, /^[EF]\d{4} /];
const ANY_LEVEL = [/\blevel=\w+/i, /"level"\s*:/i, /^[IWEF]\d{4} /];
const CATEGORIES: readonly { readonly name: string; readonly pattern: RegExp }[] = [
  {
    name: 'credential',
    pattern: /NoCredentialProviders|InvalidClientTokenId|AccessDenied|UnrecognizedClientException|SignatureDoesNotMatch|ExpiredToken|Unauthori[sz]ed|Forbidden|\b40[13]\b|authenticat|credential|invalid (api )?token|AADSTS/i,
  },
  { name: 'rate-limit', pattern: /Throttl|Rate exceeded|rate limit|TooManyRequests|\b429\b|quota exceeded/i },
];

export interface LogVerdict {
  /** Error lines logged after the last successful sync, oldest first. */
  readonly errors: readonly string[];
  readonly categories: readonly string[];
  readonly sawSuccess: boolean;
}

function isErrorLine(line: string): boolean {
  if (ERROR_LEVEL.some((p) => p.test(line))) return true;
  // Unstructured lines (a crash's stack, a provider SDK's own output) have no level to go by.
  return !ANY_LEVEL.some((p) => p.test(line)) && /\b(error|failed)\b/i.test(line);
}

/** What external-dns's recent log lines say about its last syncs. */
export function judgeExternalDnsLogs(lines: readonly string[]): LogVerdict {
  let lastSuccess = -1;
  lines.forEach((line, index) => {
    if (SUCCESS.some((p) => p.test(line))) lastSuccess = index;
  });
  const errors = lines.slice(lastSuccess + 1).filter(isErrorLine);
  const categories = CATEGORIES.filter((c) => errors.some((line) => c.pattern.test(line))).map((c) => c.name);
  return { errors, categories, sawSuccess: lastSuccess >= 0 };
}

function timeOfLine(line: string): string | undefined {
  const match = /\btime="([^"]+)"/.exec(line) ?? /"(?:time|ts)"\s*:\s*"([^"]+)"/.exec(line);
  return match?.[1] && !Number.isNaN(Date.parse(match[1])) ? match[1] : undefined;
}

interface Instance {
  readonly subject: ObjectRef;
  readonly deployment?: Deployment;
  readonly pods: readonly Pod[];
}

function instances(ctx: Pick<AnalysisContext, 'view'>): Instance[] {
  const { view } = ctx;
  const found = new Map<string, Instance>();
  const claimed = new Set<Pod>();
  for (const deployment of view.has('Deployment') ? view.list('Deployment') : []) {
    if (!isExternalDnsDeployment(deployment)) continue;
    const pods = view.podsMatching(deployment.metadata.namespace ?? '', deployment.spec.selector).filter((p) => !isPodTerminal(p) && !p.metadata.deletionTimestamp);
    pods.forEach((p) => claimed.add(p));
    const subject = objectRef(deployment);
    found.set(`${subject.namespace ?? ''}/${subject.kind}/${subject.name}`, { subject, deployment, pods });
  }
  // Pods without their Deployment in the view (a partial dump, or a bare pod): grouped by subject.
  for (const pod of view.list('Pod')) {
    // The label first: it rules out nearly every pod of the cluster at the least cost.
    if (!isExternalDnsLabelled(pod.metadata.labels) || claimed.has(pod) || isPodTerminal(pod) || pod.metadata.deletionTimestamp) continue;
    const subject = view.subjectOf(pod);
    const key = `${subject.namespace ?? ''}/${subject.kind}/${subject.name}`;
    const existing = found.get(key);
    found.set(key, { subject, pods: [...(existing?.pods ?? []), pod] });
  }
  return [...found.values()];
}

/**
 * The containers whose current log live mode should read for this check (running external-dns
 * pods), so that the caller and the analyzer agree on what "external-dns" is. Key the lines by
 * `namespace/pod` in ExtraEvidence.externalDnsLogs.
 */
export function externalDnsLogTargets(view: ClusterReader): { namespace: string; pod: string; container: string }[] {
  return instances({ view }).flatMap((instance) =>
    instance.pods
      .filter((pod) => pod.status.phase === 'Running')
      .map((pod) => ({
        namespace: pod.metadata.namespace ?? '',
        pod: pod.metadata.name,
        container: pod.spec.containers.find((c) => c.name === NAME)?.name ?? pod.spec.containers[0]?.name ?? NAME,
      })),
  );
}

interface Trouble {
  readonly cause: string;
  readonly evidence: readonly string[];
  readonly object?: Pod;
  readonly firstSeen?: string;
}

function podTrouble(ctx: AnalysisContext, instance: Instance): Trouble | undefined {
  const crashing = instance.pods.find((p) => (p.status.containerStatuses ?? []).some((s) => s.state?.waiting?.reason === 'CrashLoopBackOff'));
  if (crashing) return { cause: 'is crash-looping', evidence: [describePodReadiness(crashing)], object: crashing };
  const stuck = instance.pods.filter((p) => {
    if (isPodReady(p)) return false;
    const since = findCondition(p.status.conditions, 'Ready')?.lastTransitionTime ?? p.metadata.creationTimestamp;
    recheckWhenAged(ctx, since, ctx.settings.thresholds.podNotReadyAfter, p.metadata.namespace);
    return (ageMs(since, ctx.now) ?? 0) >= ctx.settings.thresholds.podNotReadyAfter;
  });
  if (stuck.length > 0 && !instance.pods.some(isPodReady)) {
    const [first] = stuck;
    const since = first ? findCondition(first.status.conditions, 'Ready')?.lastTransitionTime ?? first.metadata.creationTimestamp : undefined;
    const downFor = ageMs(since, ctx.now);
    return {
      cause: `has no ready pod${downFor !== undefined ? ` (for ${formatDuration(downFor)})` : ''}`,
      evidence: stuck.slice(0, ctx.settings.evidence.maxEvents).map(describePodReadiness),
      ...(first ? { object: first } : {}),
      ...(since ? { firstSeen: since } : {}),
    };
  }
  const deployment = instance.deployment;
  if (deployment && instance.pods.length === 0 && (deployment.spec.replicas ?? 1) > 0) {
    const available = findCondition(deployment.status.conditions, 'Available');
    const downFor = ageMs(available?.lastTransitionTime, ctx.now);
    if (available?.status === 'False') recheckWhenAged(ctx, available.lastTransitionTime, ctx.settings.thresholds.replicasUnavailableAfter, deployment.metadata.namespace);
    if (available?.status === 'False' && downFor !== undefined && downFor >= ctx.settings.thresholds.replicasUnavailableAfter) {
      return { cause: 'has no pod running', evidence: [`Available=False (${available.reason ?? 'no reason'}) since ${available.lastTransitionTime ?? '?'}`], ...(available.lastTransitionTime ? { firstSeen: available.lastTransitionTime } : {}) };
    }
  }
  return undefined;
}

function logTrouble(ctx: AnalysisContext, instance: Instance): Trouble | undefined {
  const logs = ctx.extra.externalDnsLogs;
  if (!logs) return undefined;
  for (const pod of instance.pods) {
    const lines = logs.get(`${pod.metadata.namespace ?? ''}/${pod.metadata.name}`);
    if (!lines?.length) continue;
    const verdict = judgeExternalDnsLogs(lines);
    if (verdict.errors.length === 0) continue;
    const kinds = verdict.categories.length ? `${verdict.categories.join(' and ')} errors` : 'errors';
    const since = verdict.sawSuccess ? 'since the last successful sync' : 'and no successful sync';
    const firstSeen = verdict.errors.map(timeOfLine).find(Boolean);
    return {
      cause: `is failing to update DNS records: its recent logs show ${kinds} (${verdict.errors.length} error line${verdict.errors.length === 1 ? '' : 's'} ${since})`,
      evidence: [`pod ${pod.metadata.name}: ${verdict.errors.length} error lines ${since}`, ...verdict.errors.slice(-ctx.settings.evidence.maxLogLines)],
      object: pod,
      ...(firstSeen ? { firstSeen } : {}),
    };
  }
  return undefined;
}

export const externalDns: Analyzer = {
  name: 'external-dns',
  description: 'external-dns not running or ready, or logging errors instead of successful syncs.',
  checks: ['ExternalDNSUnhealthy'],
  reads: ['Pod'],
  optionalReads: ['Deployment', 'ReplicaSet'],
  analyze(ctx) {
    const findings: Finding[] = [];
    for (const instance of instances(ctx)) {
      const trouble = podTrouble(ctx, instance) ?? logTrouble(ctx, instance);
      if (!trouble) continue;
      const { subject } = instance;
      findings.push({
        check: 'ExternalDNSUnhealthy',
        severity: 'critical',
        subject,
        object: trouble.object ? objectRef(trouble.object) : subject,
        message: `external-dns (${subject.kind} ${subject.namespace ?? ''}/${subject.name}) ${trouble.cause}.`,
        evidence: trouble.evidence,
        ...(trouble.firstSeen ? { firstSeen: trouble.firstSeen } : {}),
        related: instance.pods.slice(0, 20).map((p) => objectRef(p)),
      });
    }
    return findings;
  },
};
