// "Did the report change?" compared on a canonical form, so that a steady cluster causes no write.
// Timestamps that only say when we last looked (lastAnalyzed, condition transition times) are left
// out; key order is normalised because the API server returns objects with keys sorted, not in the
// order we wrote them.

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
