// Sidecars still running the proxy of an earlier Istio after the control plane was upgraded: they
// keep working for a while, but lose support and fixes; a rollout restart picks up the new proxy.
import type { Pod } from '../../model/core.js';
import type { ObjectRef } from '../../model/meta.js';
import { describeRef, objectRef } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';
import type { IstiodVersion } from './control-plane.js';
import { controlPlaneComponents, istiodVersions } from './control-plane.js';
import { injectedRevision, isLivePod, istioImageVersion, proxyContainerOf } from './mesh.js';

interface StaleProxy {
  readonly pod: Pod;
  readonly version: string;
  readonly expected: readonly IstiodVersion[];
}

export const istioProxyVersions: Analyzer = {
  name: 'istio-proxy-versions',
  description: "Workloads whose istio-proxy image tag differs from istiod's (of the revision that injected them).",
  checks: ['IstioProxyVersionMismatch'],
  reads: ['Pod'],
  optionalReads: ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'],
  analyze({ view }) {
    const istiods = istiodVersions(controlPlaneComponents(view));
    if (istiods.length === 0) return [];
    const bySubject = new Map<string, { subject: ObjectRef; stale: StaleProxy[]; current: number }>();
    for (const pod of view.list('Pod')) {
      if (!isLivePod(pod)) continue;
      const version = istioImageVersion(proxyContainerOf(pod)?.container.image);
      if (!version) continue;
      const revision = injectedRevision(pod);
      const sameRevision = istiods.filter((i) => i.revision === revision);
      const expected = sameRevision.length > 0 ? sameRevision : istiods;
      const subject = view.subjectOf(pod);
      const key = `${subject.kind}/${subject.namespace ?? ''}/${subject.name}`;
      const entry = bySubject.get(key) ?? { subject, stale: [], current: 0 };
      if (expected.some((i) => i.version === version)) entry.current += 1;
      else entry.stale.push({ pod, version, expected });
      bySubject.set(key, entry);
    }
    const findings: Finding[] = [];
    for (const { subject, stale, current } of bySubject.values()) {
      // Some pods already run the new proxy: a restart is under way.
      const [first] = stale;
      if (!first || current > 0) continue;
      const versions = [...new Set(stale.map((s) => s.version))].sort();
      const expected = [...new Set(first.expected.map((i) => i.version))].sort();
      findings.push({
        check: 'IstioProxyVersionMismatch',
        severity: 'warning',
        subject,
        object: objectRef(first.pod, 'istio-proxy'),
        message: `${describeRef(subject)} runs istio-proxy ${versions.join(', ')} while the control plane runs ${expected.join(', ')}: restart it to pick up the current proxy.`,
        evidence: [
          ...stale.slice(0, 5).map((s) => `pod ${s.pod.metadata.name}: istio-proxy ${s.version}${injectedRevision(s.pod) ? ` (revision ${injectedRevision(s.pod) ?? ''})` : ''}`),
          ...(stale.length > 5 ? [`(${stale.length - 5} more pods)`] : []),
          ...first.expected.map((i) => `istiod ${describeRef(i.subject)} (revision ${i.revision}): ${i.version}`),
        ],
        related: first.expected.map((i) => i.subject),
      });
    }
    return findings;
  },
};
