// What analysis can be tuned by: thresholds, disabled checks, severity overrides, evidence bounds.
// Every field has a default, so an empty configuration is a complete one.
import { z } from 'zod';
import { SEVERITIES } from './catalogue/types.js';
import { isCheckId } from './catalogue.js';

const DURATION_UNITS_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Parses `90s`, `10m`, `1h30m`, `2d` (or a number of seconds) to milliseconds. */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
  const text = value.trim();
  if (!/^(\d+(\.\d+)?(ms|s|m|h|d))+$/.test(text)) return undefined;
  let total = 0;
  for (const match of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) {
    total += Number(match[1]) * DURATION_UNITS_MS[match[2] as keyof typeof DURATION_UNITS_MS];
  }
  return total;
}

export const duration = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `not a duration: ${JSON.stringify(value)} (use e.g. 90s, 10m, 1h, 2d)` });
    return z.NEVER;
  }
  return ms;
});

const checkId = z.string().refine(isCheckId, { message: 'not a check ID of the catalogue (see `healthreport checks`)' });
const ratio = z.number().positive();

export const thresholdsSchema = z
  .object({
    podUnschedulableAfter: duration.default(60_000),
    podPendingTooLongAfter: duration.default(600_000),
    // How long a starting pod may wait for a ConfigMap, Secret or claim it references to appear
    // (objects applied together arrive in any order) before the missing reference is reported.
    podStartGracePeriod: duration.default(60_000),
    podNotReadyAfter: duration.default(300_000),
    serviceNoReadyEndpointsAfter: duration.default(180_000),
    replicasUnavailableAfter: duration.default(300_000),
    podStuckTerminatingGrace: duration.default(300_000),
    // How long a past OOM kill, liveness or lifecycle-hook failure stays news (events live 1h by default).
    podOOMKilledWithin: duration.default(3_600_000),
    podEventsWithin: duration.default(3_600_000),
    // How long an eviction stays news when its node is no longer under pressure: the controller
    // replaced the pod at once, and the Failed pod left behind degrades nothing.
    podEvictedWithin: duration.default(3_600_000),
    restartCountHigh: z.number().int().positive().default(32),
    restartsPerHour: z.number().int().positive().default(5),
    cpuThrottledRatio: ratio.max(1).default(0.9),
    cpuThrottledAfter: duration.default(300_000),
    pvcPendingAfter: duration.default(120_000),
    pvReleasedAfter: duration.default(86_400_000),
    nodeNotReadyAfter: duration.default(60_000),
    nodeCordonedAfter: duration.default(86_400_000),
    nodeMemoryLimitsOvercommit: ratio.default(1.5),
    nodeRequestsOvercommit: ratio.default(0.95),
    expectedStorageClasses: z.array(z.string()).default(['std', 'fast']),
    certificateExpiryWarning: duration.default(14 * 86_400_000),
    certificateExpiryCritical: duration.default(3 * 86_400_000),
    certificateRequestPendingAfter: duration.default(600_000),
    acmeChallengePendingAfter: duration.default(600_000),
    // How long an issuance or renewal in progress may take before the Certificate counts as stuck.
    certificateIssuanceGrace: duration.default(600_000),
    // How late a CronJob's scheduled run may start: past the due time by more than this (or than its
    // startingDeadlineSeconds, when shorter: the controller gives up then) with no Job, it is missed.
    cronJobStartTolerance: duration.default(600_000),
    // HPA conditions flap for a minute after creation or a scale (metrics of new pods not in yet).
    hpaUnableToScaleAfter: duration.default(300_000),
    hpaAtMaxReplicasAfter: duration.default(900_000),
    pdbDisruptionsBlockedAfter: duration.default(3_600_000),
    // Every matching create or update fails meanwhile, so a webhook's outage counts early.
    admissionWebhookUnavailableAfter: duration.default(60_000),
    // How long a Gateway API object may wait for its implementation to accept and program it (or,
    // without status, for the objects it references to appear) before it counts as failing.
    gatewayApiGrace: duration.default(120_000),
  })
  .strict();
export type Thresholds = z.infer<typeof thresholdsSchema>;

export const evidenceSchema = z
  .object({
    maxEvents: z.number().int().min(0).max(50).default(5),
    maxLogLines: z.number().int().min(0).max(200).default(20),
    maxItemLength: z.number().int().min(40).max(4096).default(512),
  })
  .strict();
export type EvidenceSettings = z.infer<typeof evidenceSchema>;

export const analysisSettingsSchema = z
  .object({
    thresholds: thresholdsSchema.default(() => thresholdsSchema.parse({})),
    evidence: evidenceSchema.default(() => evidenceSchema.parse({})),
    disabledChecks: z.array(checkId).default([]),
    severityOverrides: z.partialRecord(checkId, z.enum(SEVERITIES)).default({}),
  })
  .strict();
export type AnalysisSettings = z.infer<typeof analysisSettingsSchema>;

export function defaultAnalysisSettings(): AnalysisSettings {
  return analysisSettingsSchema.parse({});
}
