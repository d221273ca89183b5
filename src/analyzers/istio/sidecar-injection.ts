// Pods that the injector should have given an istio-proxy and that run without one: created
// before injection was enabled (they need a restart), or the injector webhook was not reachable.
import type { ClusterReader } from '../../cluster/view.js';
import type { Pod } from '../../model/core.js';
import type { ObjectRef } from '../../model/meta.js';
import { describeRef, objectRef } from '../evidence.js';
import { ListMemo } from '../list-memo.js';
import type { Analyzer, Finding } from '../types.js';
import { controlPlaneComponents } from './control-plane.js';
import type { InjectionDecision } from './mesh.js';
import { injectionDecision, isLivePod, proxyContainerOf } from './mesh.js';

interface Uninjected {
  readonly pod: Pod;
  readonly decision: InjectionDecision & { inject: true };
}

/** Per namespace (its pods and the Namespace object): redone only where one of them changed. */
const uninjectedByNamespace = new ListMemo<Pod, readonly Uninjected[]>();

/** The live pods of a namespace that injection should have given istio-proxy and that run without it. */
function uninjected(view: ClusterReader, ns: string): readonly Uninjected[] {
  const namespace = view.get('Namespace', undefined, ns);
  // Without the Namespace its labels are unknown, and they decide injection.
  if (!namespace) return [];
  return uninjectedByNamespace.get(view.inNamespace('Pod', ns), (pods) => {
    const out: Uninjected[] = [];
    for (const pod of pods) {
      if (!isLivePod(pod) || proxyContainerOf(pod)) continue;
      const decision = injectionDecision(pod, namespace);
      if (decision.inject) out.push({ pod, decision });
    }
    return out;
  }, namespace);
}

export const istioSidecarInjection: Analyzer = {
  name: 'istio-sidecar-injection',
  description: 'Pods in a namespace (or with a label) that asks for sidecar injection, running without istio-proxy.',
  checks: ['IstioSidecarMissing'],
  reads: ['Pod', 'Namespace'],
  optionalReads: ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'],
  analyze(ctx) {
    const { view } = ctx;
    const istiods = controlPlaneComponents(view).filter((c) => c.role === 'istiod');
    // One finding per workload: its pods share the template, so they share the cause.
    const bySubject = new Map<string, { subject: ObjectRef; pods: Pod[]; decision: InjectionDecision & { inject: true } }>();
    for (const { pod, decision } of view.namespaces().flatMap((ns) => uninjected(view, ns))) {
      const subject = view.subjectOf(pod);
      const key = `${subject.kind}/${subject.namespace ?? ''}/${subject.name}`;
      const entry = bySubject.get(key);
      if (entry) entry.pods.push(pod);
      else bySubject.set(key, { subject, pods: [pod], decision });
    }
    return [...bySubject.values()].map(({ subject, pods, decision }): Finding => {
      const matching = istiods.filter((c) => c.revision === decision.revision);
      const controlPlane = matching.length > 0
        ? `istiod of revision ${decision.revision}: ${matching.map((c) => describeRef(c.subject)).join(', ')}`
        : istiods.length > 0
          ? `no istiod of revision ${decision.revision} (revisions found: ${[...new Set(istiods.map((c) => c.revision))].join(', ')})`
          : 'no istiod found';
      const [first] = pods;
      const names = pods.map((p) => p.metadata.name);
      const what = pods.length === 1 ? `Pod ${subject.namespace ?? ''}/${names[0] ?? ''} runs` : `${pods.length} pods of ${describeRef(subject)} run`;
      return {
        check: 'IstioSidecarMissing',
        severity: 'critical',
        subject,
        object: first ? objectRef(first) : subject,
        message: `${what} without an istio-proxy sidecar although ${decision.because}.`,
        evidence: [
          `injection requested: ${decision.because}`,
          `pods without istio-proxy: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ` (+${names.length - 10} more)` : ''}`,
          `containers: ${first?.spec.containers.map((c) => c.name).join(', ') ?? ''}`,
          controlPlane,
        ],
        ...(matching.length > 0 ? { related: matching.map((c) => c.subject) } : {}),
      };
    });
  },
};
