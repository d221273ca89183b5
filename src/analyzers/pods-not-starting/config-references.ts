// ConfigMaps and Secrets (and keys of ConfigMaps) that a pod references but that do not exist.
// Secrets are known by name only (their data never enters the process), so a missing Secret key
// shows up only through the kubelet's CreateContainerConfigError message.
import { refKey } from '../../cluster/view.js';
import type { ClusterEvent, PodSpec } from '../../model/core.js';
import { ageMs, containerStatuses, describeRef, eventEvidence, objectRef, olderThan, recheckWhenAged } from '../evidence.js';
import type { AnalysisContext, Analyzer, Finding } from '../types.js';
import { TEMPLATE_KINDS, judgedSpecs } from '../pod-templates.js';
import { OWNER_KINDS, earliestEvent, isActivePod, isPodBlocked, podEvents, podName } from './pod-state.js';
import { isNonRootRejection } from './run-as-non-root.js';

type ConfigKind = 'ConfigMap' | 'Secret';

interface ConfigReference {
  readonly kind: ConfigKind;
  readonly name: string;
  readonly key?: string;
  readonly optional: boolean;
  /** Where the pod references it, e.g. `env DB_URL of container app`. */
  readonly via: string;
  readonly container?: string;
}

interface MissingConfig {
  readonly problem: string;
  readonly via: string;
  readonly container?: string;
}

function references(spec: PodSpec): ConfigReference[] {
  const refs: ConfigReference[] = [];
  for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
    const where = `of container ${container.name}`;
    for (const env of container.env ?? []) {
      const cm = env.valueFrom?.configMapKeyRef;
      const secret = env.valueFrom?.secretKeyRef;
      if (cm?.name) refs.push({ kind: 'ConfigMap', name: cm.name, key: cm.key, optional: cm.optional === true, via: `env ${env.name} ${where}`, container: container.name });
      if (secret?.name) refs.push({ kind: 'Secret', name: secret.name, key: secret.key, optional: secret.optional === true, via: `env ${env.name} ${where}`, container: container.name });
    }
    for (const from of container.envFrom ?? []) {
      if (from.configMapRef?.name) refs.push({ kind: 'ConfigMap', name: from.configMapRef.name, optional: from.configMapRef.optional === true, via: `envFrom ${where}`, container: container.name });
      if (from.secretRef?.name) refs.push({ kind: 'Secret', name: from.secretRef.name, optional: from.secretRef.optional === true, via: `envFrom ${where}`, container: container.name });
    }
  }
  for (const volume of spec.volumes ?? []) {
    const via = `volume ${volume.name}`;
    if (volume.configMap?.name) {
      const optional = volume.configMap.optional === true;
      refs.push({ kind: 'ConfigMap', name: volume.configMap.name, optional, via });
      for (const item of volume.configMap.items ?? []) refs.push({ kind: 'ConfigMap', name: volume.configMap.name, key: item.key, optional, via });
    }
    if (volume.secret?.secretName) refs.push({ kind: 'Secret', name: volume.secret.secretName, optional: volume.secret.optional === true, via });
    for (const source of volume.projected?.sources ?? []) {
      if (source.configMap?.name) {
        const optional = source.configMap.optional === true;
        refs.push({ kind: 'ConfigMap', name: source.configMap.name, optional, via: `projected ${via}` });
        for (const item of source.configMap.items ?? []) refs.push({ kind: 'ConfigMap', name: source.configMap.name, key: item.key, optional, via: `projected ${via}` });
      }
      if (source.secret?.name) refs.push({ kind: 'Secret', name: source.secret.name, optional: source.secret.optional === true, via: `projected ${via}` });
    }
  }
  return refs;
}

/** Published into every namespace by the control plane; a dump may leave them out. */
const CONTROL_PLANE_CONFIGMAPS: ReadonlySet<string> = new Set(['kube-root-ca.crt', 'openshift-service-ca.crt']);

/** References that the view proves broken: only for kinds it holds completely. */
function missingFromView(ctx: AnalysisContext, namespace: string, spec: PodSpec): MissingConfig[] {
  const { view } = ctx;
  const out: MissingConfig[] = [];
  const seen = new Set<string>();
  for (const ref of references(spec)) {
    if (ref.optional || !view.has(ref.kind) || CONTROL_PLANE_CONFIGMAPS.has(ref.name)) continue;
    // A dump of some namespaces only holds no object of the kind in the others: absence proves
    // nothing there (every real namespace has at least kube-root-ca.crt).
    if (view.inNamespace(ref.kind, namespace).length === 0) continue;
    let problem: string | undefined;
    if (ref.kind === 'ConfigMap') {
      const cm = view.get('ConfigMap', namespace, ref.name);
      if (!cm) problem = `ConfigMap ${ref.name} does not exist`;
      else if (ref.key !== undefined && !cm.keys.includes(ref.key)) problem = `ConfigMap ${ref.name} has no key ${ref.key}`;
    } else if (!view.get('Secret', namespace, ref.name)) {
      problem = `Secret ${ref.name} does not exist`;
    }
    if (!problem || seen.has(`${problem}|${ref.via}`)) continue;
    seen.add(`${problem}|${ref.via}`);
    out.push({ problem, via: ref.via, ...(ref.container ? { container: ref.container } : {}) });
  }
  return out;
}

interface ReportedConfigError {
  readonly kind: ConfigKind;
  readonly name?: string;
  readonly key?: string;
  readonly problem: string;
}

/** The kubelet's words: `configmap "x" not found`, `couldn't find key k in Secret ns/x`. */
export function parseConfigError(message: string): ReportedConfigError | undefined {
  const notFound = /(configmap|secret)s? "([^"]+)" not found/i.exec(message);
  if (notFound?.[1] && notFound[2]) {
    const kind: ConfigKind = notFound[1].toLowerCase() === 'secret' ? 'Secret' : 'ConfigMap';
    return { kind, name: notFound[2], problem: `${kind} ${notFound[2]} does not exist` };
  }
  const noKey = /couldn't find key (\S+) in (ConfigMap|Secret) (?:[^/\s]+\/)?(\S+)/i.exec(message);
  if (noKey?.[1] && noKey[2] && noKey[3]) {
    const kind: ConfigKind = noKey[2].toLowerCase() === 'secret' ? 'Secret' : 'ConfigMap';
    return { kind, name: noKey[3], key: noKey[1], problem: `${kind} ${noKey[3]} has no key ${noKey[1]}` };
  }
  const nonExistentKey = /(configmap|secret) references non-existent (?:config |secret )?key:? (\S+)/i.exec(message);
  if (nonExistentKey?.[1] && nonExistentKey[2]) {
    const kind: ConfigKind = nonExistentKey[1].toLowerCase() === 'secret' ? 'Secret' : 'ConfigMap';
    return { kind, key: nonExistentKey[2], problem: `a ${kind} volume names key ${nonExistentKey[2]}, which does not exist` };
  }
  return undefined;
}

export function describeConfigError(message: string): string | undefined {
  return parseConfigError(message)?.problem;
}

/**
 * Whether the view shows the reported object (and ConfigMap key) present by now: the kubelet then
 * gets past it on its next try. Secret keys cannot be checked, so such reports stand.
 */
function resolvedSince(ctx: AnalysisContext, namespace: string | undefined, reported: ReportedConfigError): boolean {
  if (!reported.name || !ctx.view.has(reported.kind)) return false;
  if (reported.kind === 'Secret') return reported.key === undefined && ctx.view.get('Secret', namespace, reported.name) !== undefined;
  const cm = ctx.view.get('ConfigMap', namespace, reported.name);
  return cm !== undefined && (reported.key === undefined || cm.keys.includes(reported.key));
}

function isConfigMountEvent(event: ClusterEvent): boolean {
  return event.reason === 'FailedMount' && describeConfigError(event.message) !== undefined;
}

export function findMissingConfig(ctx: AnalysisContext): Finding[] {
  const { view, now } = ctx;
  const findings: Finding[] = [];
  const withPods = new Set<string>();
  for (const pod of view.list('Pod')) {
    if (!isActivePod(pod)) continue;
    withPods.add(refKey(view.subjectOf(pod)));
    const missing = missingFromView(ctx, pod.metadata.namespace ?? '', pod.spec);
    const reported = new Set(missing.map((m) => m.problem));
    // Problems the kubelet itself reported (now, or in events) need no grace period.
    const confirmed = new Set<string>();
    const waitingErrors: string[] = [];
    for (const c of containerStatuses(pod)) {
      const waiting = c.status.state?.waiting;
      if (waiting?.reason !== 'CreateContainerConfigError' || isNonRootRejection(waiting.message)) continue;
      waitingErrors.push(`container ${c.name} waiting: CreateContainerConfigError (${waiting.message ?? ''})`);
      const error = parseConfigError(waiting.message ?? '');
      if (!error || resolvedSince(ctx, pod.metadata.namespace, error)) continue;
      confirmed.add(error.problem);
      if (!reported.has(error.problem)) {
        reported.add(error.problem);
        missing.push({ problem: error.problem, via: `container ${c.name}`, container: c.name });
      }
    }
    const events = podEvents(view, pod).filter((e) => isConfigMountEvent(e) || (e.reason === 'Failed' && describeConfigError(e.message) !== undefined));
    for (const event of events) {
      const error = parseConfigError(event.message);
      if (!error || !isPodBlocked(pod) || resolvedSince(ctx, pod.metadata.namespace, error)) continue;
      confirmed.add(error.problem);
      if (!reported.has(error.problem)) {
        reported.add(error.problem);
        missing.push({ problem: error.problem, via: event.reason === 'FailedMount' ? 'a volume' : 'a container' });
      }
    }
    if (missing.length === 0) continue;
    const blocked = isPodBlocked(pod);
    // Objects applied together arrive in any order: a brand-new pod gets a grace period unless the
    // kubelet has already failed on the reference.
    const age = ageMs(pod.metadata.creationTimestamp, now);
    if (blocked && confirmed.size === 0) recheckWhenAged(ctx, pod.metadata.creationTimestamp, ctx.settings.thresholds.podStartGracePeriod, pod.metadata.namespace);
    if (blocked && confirmed.size === 0 && (age === undefined || age < ctx.settings.thresholds.podStartGracePeriod)) continue;
    const [first] = missing;
    if (!first) continue;
    const containers = new Set(missing.map((m) => m.container));
    const container = containers.size === 1 ? first.container : undefined;
    const more = missing.length > 1 ? ` (and ${missing.length - 1} more missing reference${missing.length > 2 ? 's' : ''})` : '';
    findings.push({
      check: 'PodConfigMissing',
      // A running pod read its configuration already; it fails at its next start.
      severity: blocked ? 'critical' : 'info',
      subject: view.subjectOf(pod),
      object: objectRef(pod, container),
      message: `Pod ${podName(pod)} ${blocked ? 'cannot start' : 'will not restart'}: ${first.problem}, referenced by ${first.via}${more}.`,
      evidence: [
        ...missing.map((m) => `${m.problem} (referenced by ${m.via})`),
        ...waitingErrors,
        ...eventEvidence(events, ctx.settings.evidence.maxEvents),
      ],
      ...(earliestEvent(events) ? { firstSeen: earliestEvent(events) } : {}),
    });
  }
  findings.push(...templatesWithoutPods(ctx, withPods));
  return findings;
}

/**
 * Workloads with no live pod whose template references configuration that does not exist: a
 * CronJob between runs, a Job not started, a Deployment scaled to zero. The next pod will not start.
 */
function templatesWithoutPods(ctx: AnalysisContext, withPods: ReadonlySet<string>): Finding[] {
  const findings: Finding[] = [];
  for (const judged of judgedSpecs(ctx.view, () => false)) {
    const namespace = judged.object.metadata.namespace;
    if (!namespace || withPods.has(refKey(judged.subject))) continue;
    const missing = missingFromView(ctx, namespace, judged.spec);
    const [first] = missing;
    if (!first) continue;
    // Objects applied together arrive in any order: a new workload gets the pods' grace period.
    if (!olderThan(ctx, judged.object.metadata.creationTimestamp, ctx.settings.thresholds.podStartGracePeriod, namespace)) continue;
    const containers = new Set(missing.map((m) => m.container));
    const container = containers.size === 1 ? first.container : undefined;
    const more = missing.length > 1 ? ` (and ${missing.length - 1} more missing reference${missing.length > 2 ? 's' : ''})` : '';
    findings.push({
      check: 'PodConfigMissing',
      // Nothing runs that fails now; the next pod will.
      severity: 'warning',
      subject: judged.subject,
      object: objectRef(judged.object, container),
      message: `The next pod of ${describeRef(judged.subject)} will not start: ${first.problem}, referenced by ${first.via} in ${judged.where}${more}.`,
      evidence: [`no pod of ${describeRef(judged.subject)} runs now`, ...missing.map((m) => `${m.problem} (referenced by ${m.via})`)],
    });
  }
  return findings;
}

export const missingConfigReferences: Analyzer = {
  name: 'missing-config-references',
  description: 'Pods, and the templates of workloads without a live pod, referencing ConfigMaps, Secrets or ConfigMap keys that do not exist (env, envFrom, volumes, projected volumes), and CreateContainerConfigError.',
  checks: ['PodConfigMissing'],
  // Pods or workload templates, whichever are loaded.
  reads: [],
  scope: 'subject',
  subjectKinds: ['Pod', ...TEMPLATE_KINDS],
  optionalReads: ['Pod', 'ConfigMap', 'Secret', 'Event', ...OWNER_KINDS],
  analyze: findMissingConfig,
};
