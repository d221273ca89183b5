// The controller's configuration file (a mounted ConfigMap): what to watch, how to analyze, how
// reports are bounded and kept, where metrics and probes listen, leader election and work rates.
// Every field has a default, so an empty file (or none) is a complete configuration; unknown fields
// are errors, so that a typo does not silently fall back to a default.
import { z } from 'zod';
import { analysisSettingsSchema, duration } from '../analyzers/settings.js';
import { parseWith, readConfigDocument } from './load.js';

/** A namespace or other DNS-1123 label (63 characters at most). */
const dnsLabel = z
  .string()
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS-1123 label: lower-case letters, digits and "-"');

const dnsSubdomain = z
  .string()
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, 'must be a DNS-1123 subdomain');

const port = z.number().int().min(1).max(65535);

/** The operator namespace when nothing names one: kubectl's default namespace. */
export const DEFAULT_OPERATOR_NAMESPACE = 'default';

/** Bounds that keep one HealthReport far below etcd's 1.5 MiB object limit (the CRD allows up to 200 findings). */
export const reportSettingsSchema = z
  .object({
    /** How long a report whose findings all resolved stays (as Healthy) before it is deleted. */
    retention: duration.default(3_600_000),
    maxFindingsPerReport: z.number().int().min(1).max(200).default(50),
    maxEvidencePerFinding: z.number().int().min(0).max(50).default(30),
    /** Serialized size budget of one report; evidence is trimmed first, then findings. */
    maxReportBytes: z.number().int().min(16 * 1024).max(1024 * 1024).default(256 * 1024),
  })
  .strict();
export type ReportSettings = z.infer<typeof reportSettingsSchema>;

export const serverSettingsSchema = z
  .object({
    metricsPort: port.default(8080),
    healthPort: port.default(8081),
  })
  .strict();

/**
 * Leader election timings (controller/leader.ts): 20 s / 15 s / 6 s instead of client-go's
 * 15 s / 10 s / 2 s (issue 12). At 2 s the Lease was most of our requests at rest (a GET and a PUT per renewal: 3,600 an hour from the leader, 1,640 GETs
 * from each standby). At 6 s the leader sends 600 PUTs an hour and a standby 545 GETs, and:
 * - a leader that dies without releasing is replaced within leaseDuration + 1.2 x retryPeriod
 *   = 27.2 s (+ one request) after its last renewal: the ~30 s the issue asks for;
 * - a released lease (graceful stop) is taken at a standby's next poll, within 7.2 s;
 * - renewDeadline 15 s leaves the leader two tries (at +6 s and +12 s) and a quicker retry after a
 *   failed one (retryPeriod / 3), so one slow or failed request does not cost leadership;
 * - leaseDuration - renewDeadline = 5 s (client-go's margin) covers what separates the old
 *   leader's step-down from the new leader's first write: the old leader's timer firing late
 *   (an analysis pass or a garbage collection holding the event loop) and a report write it sent
 *   just before stepping down that the API server, slow under load, applies seconds later. Clock
 *   skew between nodes needs no margin: each replica measures durations on its own clock.
 */
export const LEADER_ELECTION_DEFAULTS = { leaseDurationMs: 20_000, renewDeadlineMs: 15_000, retryPeriodMs: 6_000 } as const;

export const leaderElectionSchema = z
  .object({
    /** Unset: on in a pod, off elsewhere (config/placement.ts); --leader-elect overrides both. */
    enabled: z.boolean().optional(),
    leaseName: dnsSubdomain.default('healthreport-operator'),
    leaseDuration: duration.default(LEADER_ELECTION_DEFAULTS.leaseDurationMs),
    renewDeadline: duration.default(LEADER_ELECTION_DEFAULTS.renewDeadlineMs),
    retryPeriod: duration.default(LEADER_ELECTION_DEFAULTS.retryPeriodMs),
  })
  .strict()
  .superRefine((le, ctx) => {
    // A leader must give up before its lease can be taken over, and must get several tries at renewal.
    if (le.renewDeadline >= le.leaseDuration) {
      ctx.addIssue({ code: 'custom', path: ['renewDeadline'], message: 'must be shorter than leaseDuration' });
    }
    if (le.retryPeriod <= 0 || le.retryPeriod * 1.2 >= le.renewDeadline) {
      ctx.addIssue({ code: 'custom', path: ['retryPeriod'], message: 'must be positive and well below renewDeadline' });
    }
  });
export type LeaderElectionSettings = z.infer<typeof leaderElectionSchema>;

export const rateLimitSchema = z
  .object({
    /** Global rate of retries after failed reconciles, and the burst allowed after a quiet period. */
    qps: z.number().positive().max(10_000).default(50),
    burst: z.number().int().min(1).max(100_000).default(100),
    backoffBase: duration.default(100),
    backoffMax: duration.default(300_000),
  })
  .strict()
  .superRefine((rl, ctx) => {
    if (rl.backoffBase <= 0) ctx.addIssue({ code: 'custom', path: ['backoffBase'], message: 'must be positive' });
    if (rl.backoffMax < rl.backoffBase) ctx.addIssue({ code: 'custom', path: ['backoffMax'], message: 'must not be shorter than backoffBase' });
  });

export const memorySchema = z
  .object({
    /**
     * Heap in use (MiB) above which the controller runs a full garbage collection, to hold its
     * memory near what it needs instead of V8's throughput-sized heap; 0 leaves it to V8.
     */
    heapBudgetMiB: z.number().int().min(0).max(65_536).default(128),
    /** Forced collections are at least this far apart (bounds their CPU). */
    minCollectionInterval: duration.default(500),
  })
  .strict();

/**
 * Log lines as evidence in reports: off by default, because reading logs is a privilege of its own
 * (`pods/log`; the Helm chart grants it only when `evidence.logs` is true) and log lines carry what
 * applications print. When on, the previous instance of a crashed or failed container is read once
 * per restart, within a global budget of requests per minute.
 */
export const logEvidenceSchema = z
  .object({
    logs: z.boolean().default(false),
    /** The last lines of the log that go into the finding's evidence. */
    maxLogLines: z.number().int().min(1).max(200).default(20),
    /** Log requests per minute, over all findings (a burst of new findings waits its turn). */
    logRequestsPerMinute: z.number().int().min(1).max(600).default(30),
  })
  .strict();
export type LogEvidenceSettings = z.infer<typeof logEvidenceSchema>;

/** What the process environment contributes to the operator namespace's default (config/placement.ts). */
export interface ControllerEnvironment {
  /** $POD_NAMESPACE (downward API). */
  readonly podNamespace?: string;
  /** The kubeconfig context's namespace, or the pod's service account's: the one kubectl would use. */
  readonly contextNamespace?: string;
}

export function controllerConfigSchema(env: ControllerEnvironment = {}) {
  return z
    .object({
      /** Namespaces to watch; empty means all. */
      namespaces: z.array(dnsLabel).default([]),
      /** Where reports on cluster-scoped subjects (nodes, cluster issuers, the cluster) and the lease live. */
      operatorNamespace: dnsLabel.default(env.podNamespace || env.contextNamespace || DEFAULT_OPERATOR_NAMESPACE),
      workers: z.number().int().min(1).max(64).default(2),
      /**
       * A full analysis pass over the cache (no API request) as a safety net. Time-based thresholds
       * do not wait for it: each is re-checked at the moment it can change.
       */
      resyncPeriod: duration.default(600_000),
      memory: memorySchema.prefault({}),
      analysis: analysisSettingsSchema.prefault({}),
      reports: reportSettingsSchema.prefault({}),
      server: serverSettingsSchema.prefault({}),
      leaderElection: leaderElectionSchema.prefault({}),
      rateLimit: rateLimitSchema.prefault({}),
      evidence: logEvidenceSchema.prefault({}),
    })
    .strict()
    .superRefine((config, ctx) => {
      if (config.server.metricsPort === config.server.healthPort) {
        ctx.addIssue({ code: 'custom', path: ['server', 'healthPort'], message: 'must differ from server.metricsPort' });
      }
    });
}
export type ControllerConfig = z.infer<ReturnType<typeof controllerConfigSchema>>;

export function parseControllerConfig(document: unknown, source: string, env: ControllerEnvironment = {}): ControllerConfig {
  return parseWith(controllerConfigSchema(env), document ?? {}, source);
}

/** Reads and validates the file; without a path, the defaults. Throws ConfigError naming the field. */
export async function loadControllerConfig(path: string | undefined, env: ControllerEnvironment = {}): Promise<ControllerConfig> {
  if (!path) return parseControllerConfig({}, '(defaults)', env);
  return parseControllerConfig(await readConfigDocument(path), path, env);
}
