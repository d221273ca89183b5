// cert-manager itself: its controller, cainjector and webhook Deployments must be available, or
// no Certificate is issued or renewed and cert-manager resources cannot even be changed.
import type { ClusterReader } from '../../cluster/view.js';
import type { Deployment } from '../../model/apps.js';
import type { KindName } from '../../model/kinds.js';
import { findCondition } from '../../model/meta.js';
import { ageMs, containerStatuses, describeState, formatDuration, objectRef, recheckWhenAged } from '../evidence.js';
import type { AnalysisContext, Analyzer, Finding } from '../types.js';
import type { CertManagerComponent } from './cert-manager-components.js';
import { findCertManagerComponents } from './cert-manager-components.js';
import { describeCondition } from './chain.js';

const CONSEQUENCE: Readonly<Record<CertManagerComponent, string>> = {
  controller: 'no Certificate is issued or renewed',
  webhook: 'the API server cannot admit changes to cert-manager resources',
  cainjector: 'CA bundles are not injected into webhooks, APIServices and CRDs',
};

const CERT_MANAGER_KINDS: readonly KindName[] = ['Certificate', 'CertificateRequest', 'Issuer', 'ClusterIssuer', 'Order', 'Challenge'];
const DEFAULT_NAMESPACE = 'cert-manager';

interface Unavailability {
  readonly summary: string;
  readonly since?: string;
}

/** Why a Deployment does not serve, once that has lasted past the threshold; undefined if it serves. */
function unavailability(deployment: Deployment, ctx: AnalysisContext): Unavailability | undefined {
  const desired = deployment.spec.replicas ?? 1;
  const available = deployment.status.availableReplicas ?? 0;
  if (desired === 0) return { summary: 'is scaled to 0 replicas' };
  const condition = findCondition(deployment.status.conditions, 'Available');
  const down = condition ? condition.status !== 'True' : available === 0;
  if (!down) return undefined;
  const since = condition?.lastTransitionTime ?? deployment.metadata.creationTimestamp;
  const age = ageMs(since, ctx.now);
  recheckWhenAged(ctx, since, ctx.settings.thresholds.replicasUnavailableAfter, deployment.metadata.namespace);
  if (age !== undefined && age < ctx.settings.thresholds.replicasUnavailableAfter) return undefined;
  return { summary: `has ${available} of ${desired} replicas available${age !== undefined ? ` for ${formatDuration(age)}` : ''}`, ...(since ? { since } : {}) };
}

function podEvidence(view: ClusterReader, deployment: Deployment): string[] {
  if (!view.has('Pod') || !deployment.metadata.namespace) return [];
  const lines: string[] = [];
  for (const pod of view.podsMatching(deployment.metadata.namespace, deployment.spec.selector)) {
    if (pod.status.phase === 'Succeeded') continue;
    const unready = containerStatuses(pod).filter((c) => !c.status.ready && !(c.init && c.status.state?.terminated?.exitCode === 0));
    for (const c of unready) lines.push(`pod ${pod.metadata.name} container ${c.name}: ${describeState(c.status.state) ?? 'not ready'}, restarts ${c.status.restartCount}`);
    if (unready.length === 0 && pod.status.phase === 'Pending') {
      const scheduled = findCondition(pod.status.conditions, 'PodScheduled');
      lines.push(`pod ${pod.metadata.name}: Pending${scheduled?.status === 'False' ? ` (${scheduled.reason ?? 'unschedulable'}: ${scheduled.message ?? ''})` : ''}`);
    }
  }
  return lines.slice(0, 5);
}

export const certManagerHealth: Analyzer = {
  name: 'cert-manager-health',
  description: 'cert-manager controller, cainjector and webhook Deployments that are missing or not available.',
  checks: ['CertManagerUnhealthy'],
  reads: ['Deployment'],
  optionalReads: ['Pod', 'ServiceAccount', ...CERT_MANAGER_KINDS],
  analyze(ctx) {
    const { view } = ctx;
    const findings: Finding[] = [];
    const components = findCertManagerComponents(view);
    for (const { component, deployment } of components) {
      const problem = unavailability(deployment, ctx);
      if (!problem) continue;
      const where = `${deployment.metadata.namespace ?? ''}/${deployment.metadata.name}`;
      const condition = findCondition(deployment.status.conditions, 'Available');
      findings.push({
        check: 'CertManagerUnhealthy',
        severity: 'critical',
        subject: view.subjectOf(deployment),
        object: objectRef(deployment),
        message: `The cert-manager ${component} Deployment ${where} ${problem.summary}, so ${CONSEQUENCE[component]}.`,
        evidence: [
          `replicas: ${deployment.spec.replicas ?? 1} desired, ${deployment.status.readyReplicas ?? 0} ready, ${deployment.status.availableReplicas ?? 0} available`,
          ...(condition ? [describeCondition(condition)] : []),
          ...podEvidence(view, deployment),
        ],
        ...(problem.since ? { firstSeen: problem.since } : {}),
        // Its pods' own findings (crash loop, image pull, scheduling) roll up to this Deployment.
        related: [objectRef(deployment)],
      });
    }
    // A missing controller or webhook is only a finding where cert-manager is evidently meant to run:
    // one of its parts is there, or its resources are served and its namespace is in the view (its
    // default ServiceAccount, so that a view restricted to other namespaces never counts). A
    // cainjector can be disabled on purpose.
    const present = new Set(components.map((c) => c.component));
    const namespaceInView = view.has('ServiceAccount') && view.inNamespace('ServiceAccount', DEFAULT_NAMESPACE).length > 0;
    const installed = present.size > 0 || (CERT_MANAGER_KINDS.some((kind) => view.has(kind)) && namespaceInView);
    if (!installed) return findings;
    const namespace = components[0]?.deployment.metadata.namespace ?? DEFAULT_NAMESPACE;
    for (const component of ['controller', 'webhook'] as const) {
      if (present.has(component)) continue;
      const name = component === 'controller' ? 'cert-manager' : `cert-manager-${component}`;
      const ref = { apiVersion: 'apps/v1', kind: 'Deployment', namespace, name };
      findings.push({
        check: 'CertManagerUnhealthy',
        severity: 'critical',
        subject: ref,
        object: ref,
        message: `No cert-manager ${component} Deployment exists (looked for ${namespace}/${name} and the app.kubernetes.io/name labels), so ${CONSEQUENCE[component]}.`,
        evidence: [`cert-manager Deployments found: ${components.map((c) => `${c.deployment.metadata.namespace ?? ''}/${c.deployment.metadata.name}`).join(', ') || 'none'}`],
      });
    }
    return findings;
  },
};
