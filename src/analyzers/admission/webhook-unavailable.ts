// Admission webhooks that fail closed and cannot be reached. The API server calls a webhook for every
// create or update its rules match; with failurePolicy Fail (the default in v1) a call that fails
// rejects the request, so a webhook whose Service is missing or has no ready endpoint blocks every
// matching deployment in the cluster, its own pods' included when its rules cover pods. A Service
// that still has one ready endpoint (pods being rolled) serves; the Service's state is computed as
// the network checks compute it. Webhooks called by URL are outside what the view can tell.
import type { AdmissionWebhook, WebhookConfiguration } from '../../model/admission.js';
import { failsClosed } from '../../model/admission.js';
import { formatLabelSelector } from '../../cluster/selectors.js';
import type { ObjectRef } from '../../model/meta.js';
import { ageMs, formatDuration, objectRef, olderThan } from '../evidence.js';
import type { AnalysisContext, Analyzer, Finding } from '../types.js';
import { describeControllerTrouble, describePodReadiness, endpointSlicesOf, readyEndpointCount, serviceBackendState } from '../network/service-backends.js';

/** Related pods listed on a finding: enough for root-cause linking without bloating the report. */
const MAX_RELATED_PODS = 20;

interface Outage {
  readonly hook: AdmissionWebhook;
  readonly service: string;
  readonly problem: string;
  readonly since: string | undefined;
  /** Whether `since` is when the outage began, rather than only a bound (a Service gone since some time). */
  readonly sinceKnown: boolean;
  readonly details: readonly string[];
  readonly related: readonly ObjectRef[];
}

/** The later of two timestamps: an outage counts from when both the webhook and the state existed. */
function latest(a: string | undefined, b: string | undefined): string | undefined {
  if (!a || !b) return a ?? b;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

/** Why the webhook's Service cannot answer, or undefined when it can (or the view cannot tell). */
function outageOf(ctx: AnalysisContext, config: WebhookConfiguration, hook: AdmissionWebhook): Outage | undefined {
  const target = hook.clientConfig.service;
  if (!target) return undefined;
  const { view, settings } = ctx;
  const serviceName = `${target.namespace}/${target.name}`;
  const created = config.metadata.creationTimestamp;
  const service = view.get('Service', target.namespace, target.name);
  if (!service) return { hook, service: serviceName, problem: `its Service ${serviceName} does not exist`, since: created, sinceKnown: false, details: [], related: [] };
  const state = serviceBackendState(view, service);
  const since = (at: string | undefined): string | undefined => latest(latest(created, service.metadata.creationTimestamp), at);
  switch (state.type) {
    case 'serving':
      return undefined;
    case 'unmanaged': {
      // Endpoints kept by hand or by another controller: judged by its slices when it has any.
      const slices = endpointSlicesOf(view, service);
      if (slices.length === 0 || readyEndpointCount(slices) > 0) return undefined;
      return { hook, service: serviceName, problem: `its Service ${serviceName} has no ready endpoint`, since: since(undefined), sinceKnown: false, details: ['the Service has no selector and its EndpointSlices list no ready endpoint'], related: [] };
    }
    case 'selects-nothing': {
      const why = state.reason === 'scaled-to-zero' ? `, its workload ${state.scaledToZero?.kind ?? ''} ${state.scaledToZero?.name ?? ''} is scaled to zero` : state.reason === 'terminating' ? ', its pods are terminating' : '';
      return { hook, service: serviceName, problem: `its Service ${serviceName} selects no running pod${why}`, since: since(undefined), sinceKnown: false, details: [], related: state.scaledToZero ? [state.scaledToZero] : [] };
    }
    case 'no-pods':
      return {
        hook,
        service: serviceName,
        problem: `its Service ${serviceName} has no pod: ${state.workloads.map((w) => `${w.kind} ${w.metadata.name}`).join(', ')} cannot create them`,
        since: since(state.since),
        sinceKnown: true,
        details: state.workloads.map(describeControllerTrouble),
        related: state.workloads.map((w) => objectRef(w)),
      };
    case 'no-ready-endpoints':
      return {
        hook,
        service: serviceName,
        problem: state.pods.length === 1 ? `the only pod of its Service ${serviceName} is not ready` : `none of the ${state.pods.length} pods of its Service ${serviceName} is ready`,
        since: since(state.since),
        sinceKnown: true,
        details: state.pods.slice(0, settings.evidence.maxEvents).map(describePodReadiness),
        related: state.pods.slice(0, MAX_RELATED_PODS).flatMap((pod) => [objectRef(pod), view.subjectOf(pod)]),
      };
  }
}

/** "CREATE, UPDATE pods, deployments.apps; DELETE namespaces"; `*` groups as "of all API groups". */
function describeRules(hook: AdmissionWebhook): string {
  const rules = (hook.rules ?? []).map((rule) => {
    const groups = rule.apiGroups ?? [];
    const named = groups.includes('*') ? [] : groups.filter((g) => g !== '');
    const resources = (rule.resources ?? []).flatMap((resource) => (named.length === 0 ? [resource] : [...(groups.includes('') ? [resource] : []), ...named.map((g) => `${resource}.${g}`)]));
    const scope = groups.includes('*') ? ' of all API groups' : '';
    return `${(rule.operations ?? []).join(', ') || '(no operation)'} ${resources.join(', ') || '(no resource)'}${scope}`;
  });
  return rules.length ? rules.join('; ') : 'none';
}

function describeHook(config: WebhookConfiguration, outage: Outage): string[] {
  const { hook } = outage;
  return [
    `webhook ${hook.name}: failurePolicy ${hook.failurePolicy ?? 'Fail (default)'}, ${outage.problem}`,
    `rules: ${describeRules(hook)}`,
    `namespaceSelector: ${formatLabelSelector(hook.namespaceSelector)}${hook.objectSelector && (hook.objectSelector.matchLabels || hook.objectSelector.matchExpressions) ? `, objectSelector: ${formatLabelSelector(hook.objectSelector)}` : ''}`,
    ...outage.details,
  ].map((line) => (config.webhooks && config.webhooks.length > 1 && !line.startsWith('webhook ') ? `  ${line}` : line));
}

function finding(ctx: AnalysisContext, config: WebhookConfiguration, outages: readonly Outage[]): Finding {
  const [first] = outages;
  const since = outages.map((o) => o.since).filter((t): t is string => Boolean(t)).sort()[0];
  const downFor = outages.every((o) => o.sinceKnown) ? ageMs(since, ctx.now) : undefined;
  const names = outages.map((o) => o.hook.name).join(', ');
  const what = outages.length === 1 && first ? `webhook ${names} fails closed and ${first.problem}` : `webhooks ${names} fail closed and cannot be reached (${outages.map((o) => o.problem).join('; ')})`;
  const related = new Map<string, ObjectRef>();
  for (const ref of outages.flatMap((o) => o.related)) related.set(`${ref.kind}/${ref.namespace ?? ''}/${ref.name}`, ref);
  return {
    check: 'AdmissionWebhookUnavailable',
    severity: 'critical',
    subject: objectRef(config),
    object: objectRef(config),
    message: `${config.kind} ${config.metadata.name}: ${what}${downFor !== undefined ? ` (for ${formatDuration(downFor)})` : ''}; every create or update it intercepts is rejected.`,
    evidence: outages.flatMap((o) => describeHook(config, o)),
    ...(since ? { firstSeen: since } : {}),
    ...(related.size ? { related: [...related.values()] } : {}),
  };
}

export const unavailableAdmissionWebhooks: Analyzer = {
  name: 'unavailable-admission-webhooks',
  description: 'Validating and mutating admission webhooks with failurePolicy Fail whose Service is missing or has no ready endpoint.',
  checks: ['AdmissionWebhookUnavailable'],
  reads: ['Service', 'Pod'],
  optionalReads: ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'EndpointSlice', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob'],
  analyze(ctx) {
    const { view } = ctx;
    const threshold = ctx.settings.thresholds.admissionWebhookUnavailableAfter;
    const configs: WebhookConfiguration[] = [
      ...(view.has('ValidatingWebhookConfiguration') ? view.list('ValidatingWebhookConfiguration') : []),
      ...(view.has('MutatingWebhookConfiguration') ? view.list('MutatingWebhookConfiguration') : []),
    ];
    const findings: Finding[] = [];
    for (const config of configs) {
      if (config.metadata.deletionTimestamp) continue;
      const outages = (config.webhooks ?? [])
        .filter(failsClosed)
        .map((hook) => outageOf(ctx, config, hook))
        // The subject is cluster-scoped: the analyzer always runs on the whole cluster.
        .filter((o): o is Outage => o !== undefined && olderThan(ctx, o.since, threshold, undefined));
      if (outages.length) findings.push(finding(ctx, config, outages));
    }
    return findings;
  },
};
