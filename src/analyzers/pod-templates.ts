// The pod specs a subject is judged by, for the checks where the template decides (command and
// args, probes, resources): what a human fixes is the workload's pod template, and it is there
// before any pod exists (a Deployment scaled to zero, a CronJob between runs) and after its pods are
// gone (a Job whose pods all failed). So the template of the topmost workload in the view decides
// for its subject; pods are read only for subjects without such a template in the view (bare pods,
// bare ReplicaSets, whose templates the model keeps lean, partial dumps): live pods, and the failed
// pods of a Job that has not succeeded.
import type { ClusterReader, ROLL_UP_KINDS } from '../cluster/view.js';
import { refKey } from '../cluster/view.js';
import type { Job, PodTemplate } from '../model/apps.js';
import type { Pod, PodSpec } from '../model/core.js';
import type { KindMap } from '../model/kinds.js';
import type { KubeObject, ObjectRef } from '../model/meta.js';
import { findCondition, refOf } from '../model/meta.js';
import { describeRef, isPodTerminal } from './evidence.js';

/** One pod spec to judge: a workload's template, or a pod where no template is in the view. */
export interface JudgedSpec {
  readonly subject: ObjectRef;
  /** The workload whose template this is, or the pod. */
  readonly object: KubeObject;
  readonly spec: PodSpec;
  readonly annotations: Readonly<Record<string, string>>;
  /** Whether the workload runs its pods to completion (Job, CronJob, restartPolicy other than Always). */
  readonly runToCompletion: boolean;
  /** `pod ns/name` or `the pod template of Deployment ns/name`, for messages. */
  readonly where: string;
}

/** Kinds whose pod template decides; reading them also takes their owners (ROLL_UP_KINDS) to name subjects. */
export const TEMPLATE_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'] as const satisfies readonly (typeof ROLL_UP_KINDS)[number][];

function isJobComplete(job: Job): boolean {
  return findCondition(job.status.conditions, 'Complete')?.status === 'True';
}

interface WorkloadTemplate {
  readonly obj: KubeObject;
  readonly template: PodTemplate | undefined;
  readonly runToCompletion: boolean;
}

/** Every workload of the view with the template it makes pods from now (none for history). */
function workloadTemplates(view: ClusterReader): WorkloadTemplate[] {
  const out: WorkloadTemplate[] = [];
  const each = <K extends (typeof TEMPLATE_KINDS)[number]>(kind: K, read: (obj: KindMap[K]) => WorkloadTemplate): void => {
    if (view.has(kind)) for (const obj of view.list(kind)) out.push(read(obj));
  };
  const long = (obj: KubeObject, template: PodTemplate | undefined): WorkloadTemplate => ({ obj, template, runToCompletion: false });
  each('Deployment', (d) => long(d, d.spec.template));
  each('StatefulSet', (sts) => long(sts, sts.spec.template));
  each('DaemonSet', (ds) => long(ds, ds.spec.template));
  // A Job that succeeded is history: its template makes no more pods.
  each('Job', (job) => ({ obj: job, template: isJobComplete(job) ? undefined : job.spec.template, runToCompletion: true }));
  each('CronJob', (cj) => ({ obj: cj, template: cj.spec.jobTemplate?.spec.template, runToCompletion: true }));
  return out;
}

/** Whether a failed pod belongs to a Job that has not succeeded (still retrying, or failed). */
function isFailedJobPod(view: ClusterReader, pod: Pod): boolean {
  if (pod.status.phase !== 'Failed' || pod.metadata.deletionTimestamp) return false;
  const owner = view.controllerOf(pod);
  if (owner?.ref.kind !== 'Job') return false;
  const job = owner.object && view.has('Job') ? view.get('Job', pod.metadata.namespace, owner.object.metadata.name) : undefined;
  return job === undefined || !isJobComplete(job);
}

/**
 * The pod specs that decide the template checks, at most one template per workload and every
 * candidate pod of the subjects without one (callers keep one finding per subject). `pods` filters
 * the pods to read (default: live pods and failed pods of a Job that has not succeeded).
 */
export function judgedSpecs(view: ClusterReader, pods: (pod: Pod) => boolean = () => true): JudgedSpec[] {
  const specs: JudgedSpec[] = [];
  const decided = new Set<string>();
  for (const { obj, template, runToCompletion } of workloadTemplates(view)) {
    // The topmost workload in the view decides: its owner's template makes this one's pods.
    if (!template || obj.metadata.deletionTimestamp || view.controllerOf(obj)?.object) continue;
    const subject = view.subjectOf(obj);
    decided.add(refKey(subject));
    const restart = template.spec.restartPolicy;
    specs.push({
      subject,
      object: obj,
      spec: template.spec,
      annotations: template.metadata.annotations ?? {},
      runToCompletion: runToCompletion || (restart !== undefined && restart !== 'Always'),
      where: `the pod template of ${describeRef(subject)}${refKey(subject) === refKey(refOf(obj)) ? '' : ` (${obj.kind} ${obj.metadata.name})`}`,
    });
  }
  for (const pod of view.list('Pod')) {
    const live = !isPodTerminal(pod) && !pod.metadata.deletionTimestamp;
    if (!(live || isFailedJobPod(view, pod)) || !pods(pod)) continue;
    const subject = view.subjectOf(pod);
    if (decided.has(refKey(subject))) continue;
    const ownerKinds = (pod.metadata.ownerReferences ?? []).map((o) => o.kind);
    const restart = pod.spec.restartPolicy;
    specs.push({
      subject,
      object: pod,
      spec: pod.spec,
      annotations: pod.metadata.annotations ?? {},
      runToCompletion: ownerKinds.includes('Job') || (restart !== undefined && restart !== 'Always'),
      where: `pod ${pod.metadata.namespace ?? ''}/${pod.metadata.name}`,
    });
  }
  return specs;
}
