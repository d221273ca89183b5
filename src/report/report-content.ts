// "Did the report change?" compared on a canonical form, so that a steady cluster causes no write.
// Timestamps that only say when we last looked (lastAnalyzed, condition transition times) are left
// out; key order is normalised because the API server returns objects with keys sorted, not in the
// order we wrote them.
import type { HealthReport } from './healthreport-types.js';
import { REPORT_LABELS } from './healthreport-types.js';

/** JSON with object keys sorted and undefined members dropped: equal content, equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, member: unknown) => {
    if (member === null || typeof member !== 'object' || Array.isArray(member)) return member;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(member).sort()) sorted[key] = (member as Record<string, unknown>)[key];
    return sorted;
  });
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The status without the fields that change on every analysis even when nothing else did. */
export function statusContent(status: unknown): unknown {
  if (!isRecord(status)) return status;
  const { lastAnalyzed: _lastAnalyzed, conditions, ...rest } = status;
  return {
    ...rest,
    conditions: Array.isArray(conditions)
      ? conditions.map((condition) => {
          if (!isRecord(condition)) return condition;
          const { lastTransitionTime: _lastTransitionTime, ...kept } = condition;
          return kept;
        })
      : conditions,
  };
}

/**
 * Whether the stored status (as read from the API, any shape) already says what the desired status
 * says. False for a missing or malformed previous status, so that it gets written.
 */
export function reportContentEquals(previousStatus: unknown, desiredStatus: unknown): boolean {
  if (!isRecord(previousStatus)) return false;
  return canonicalJson(statusContent(previousStatus)) === canonicalJson(statusContent(desiredStatus));
}

const OUR_LABELS: readonly string[] = Object.values(REPORT_LABELS);

/**
 * Whether the stored object's spec, our labels and owner references match the desired ones.
 * Labels others added (e.g. by a policy engine) are not ours to compare or remove.
 */
export function reportMetadataEquals(previous: unknown, desired: HealthReport): boolean {
  if (!isRecord(previous) || !isRecord(previous.metadata)) return false;
  const labels = isRecord(previous.metadata.labels) ? previous.metadata.labels : {};
  const ourLabels = (source: Readonly<Record<string, unknown>>) => OUR_LABELS.map((key) => source[key] ?? null);
  return (
    canonicalJson(previous.spec) === canonicalJson(desired.spec) &&
    canonicalJson(ourLabels(labels)) === canonicalJson(ourLabels(desired.metadata.labels)) &&
    canonicalJson(previous.metadata.ownerReferences ?? []) === canonicalJson(desired.metadata.ownerReferences ?? [])
  );
}

/**
 * The writes that bring the stored report (as read from the API, or undefined) to the desired one.
 * With the status subresource, a create or update ignores `status`: a new report takes a create
 * and then a status write.
 */
export type ReportWritePlan =
  | { readonly type: 'create' }
  | { readonly type: 'update'; readonly metadata: boolean; readonly status: boolean }
  | { readonly type: 'none' };

export function planReportWrite(previous: unknown, desired: HealthReport): ReportWritePlan {
  if (previous === undefined) return { type: 'create' };
  const metadata = !reportMetadataEquals(previous, desired);
  const status = !reportContentEquals(isRecord(previous) ? previous.status : undefined, desired.status);
  return metadata || status ? { type: 'update', metadata, status } : { type: 'none' };
}
