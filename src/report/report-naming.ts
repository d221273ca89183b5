// Where a subject's report lives and what it is called: `<kind>-<name>` in the subject's namespace
// (the operator's namespace for cluster-scoped subjects). Names and label values that would be too
// long, invalid or taken get a truncated form with a stable hash of the subject, so the same subject
// always maps to the same report.
import { createHash } from 'node:crypto';
import type { HealthReport, OwnerReference, ReportSeverity, SubjectRef } from './healthreport-types.js';
import { REPORT_LABELS } from './healthreport-types.js';
import { wireKind } from '../model/kind-identity.js';

/** Report names stay within 63 characters so that they are also valid label values and DNS labels. */
export const MAX_REPORT_NAME_LENGTH = 63;
const MAX_LABEL_VALUE_LENGTH = 63;
const HASH_LENGTH = 10;

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** A short hash of the subject's identity (kind, namespace, name): stable across processes and versions. */
export function subjectHash(subject: Pick<SubjectRef, 'kind' | 'namespace' | 'name'>): string {
  return createHash('sha256').update(`${subject.kind}/${subject.namespace ?? ''}/${subject.name}`).digest('hex').slice(0, HASH_LENGTH);
}

/** `prefix` cut to leave room for `-<hash>`, ending on a character both names and labels may end with. */
function withHash(prefix: string, hash: string, maxLength: number, allowed: RegExp): string {
  const cut = prefix
    .replace(allowed, '-')
    .slice(0, maxLength - HASH_LENGTH - 1)
    .replace(/^[^a-z0-9]+/i, '')
    .replace(/[^a-z0-9]+$/i, '');
  return cut ? `${cut}-${hash}` : hash;
}

export interface ReportNameOptions {
  /** Whether a report of that name exists for another subject. */
  readonly collides?: (name: string) => boolean;
}

export function reportName(subject: SubjectRef, options: ReportNameOptions = {}): string {
  const plain = `${subject.kind.toLowerCase()}-${subject.name}`;
  if (plain.length <= MAX_REPORT_NAME_LENGTH && DNS_SUBDOMAIN.test(plain) && !options.collides?.(plain)) return plain;
  return withHash(plain.toLowerCase(), subjectHash(subject), MAX_REPORT_NAME_LENGTH, /[^a-z0-9.-]/g);
}

export function reportNamespace(subject: SubjectRef, operatorNamespace: string): string {
  return subject.namespace || operatorNamespace;
}

/** The subject's name as a label value: as is when it fits, else truncated with the subject's hash. */
export function subjectNameLabel(subject: SubjectRef): string {
  if (subject.name.length <= MAX_LABEL_VALUE_LENGTH && LABEL_VALUE.test(subject.name)) return subject.name;
  return withHash(subject.name, subjectHash(subject), MAX_LABEL_VALUE_LENGTH, /[^A-Za-z0-9_.-]/g);
}

export function reportLabels(subject: SubjectRef, severity: ReportSeverity): Record<string, string> {
  return {
    [REPORT_LABELS.subjectKind]: subject.kind,
    [REPORT_LABELS.subjectName]: subjectNameLabel(subject),
    [REPORT_LABELS.severity]: severity.toLowerCase(),
  };
}

/**
 * The subject as the report's owner, so that deleting the subject garbage-collects its report.
 * Only possible for a namespaced subject in the report's namespace whose uid and apiVersion are known.
 * blockOwnerDeletion stays false: setting it needs permission to update the owner's finalizers,
 * which a read-only operator does not have.
 */
export function reportOwnerReferences(subject: SubjectRef, namespace: string): HealthReport['metadata']['ownerReferences'] {
  if (!subject.namespace || subject.namespace !== namespace || !subject.uid || !subject.apiVersion) return undefined;
  // The API server's kind: a group-qualified identity (`Gateway.gateway.networking.k8s.io`) is ours only.
  const owner: OwnerReference = { apiVersion: subject.apiVersion, kind: wireKind(subject.kind), name: subject.name, uid: subject.uid, controller: false, blockOwnerDeletion: false };
  return [owner];
}
