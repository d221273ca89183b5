// The controller (`healthreport run`) started in-process against the e2e cluster, plus what
// scenario tests assert on: HealthReports as the API server stores them and the
// healthreport_finding series of /metrics.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadAllYaml, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { runCommand } from '../../src/cli/run.js';
import type { Manager } from '../../src/controller/manager.js';
import { writeTempFile } from '../helpers/temp-files.js';
import { applyProjectCrds, kube, statusOf, tempNamespace, waitFor, type Kube } from './kube.js';

export const REPORT_GROUP = 'sre.otomi.io';
export const REPORT_VERSION = 'v1alpha1';
export const REPORT_PLURAL = 'healthreports';

/** The parts of a stored HealthReport the scenarios read. */
export interface StoredHealthReport {
  metadata: { name: string; namespace: string; labels?: Record<string, string> };
  spec: { subject: { apiVersion?: string; kind: string; namespace?: string; name: string; uid?: string } };
  status?: {
    severity?: string;
    topCheck?: string;
    summary?: { critical: number; warning: number; info: number; total: number };
    findings?: { check: string; severity: string; object: { kind: string; namespace?: string; name: string; container?: string }; message: string; evidence?: string[] }[];
  };
}

export interface ControllerOptions {
  /** Watched namespaces (empty: all). */
  readonly namespaces: readonly string[];
  /** Where reports on cluster-scoped subjects go. */
  readonly operatorNamespace: string;
  /** analysis.thresholds of the config file, e.g. `{podUnschedulableAfter: '0s'}`. */
  readonly thresholds?: Readonly<Record<string, string | number>>;
  /** The config's `evidence` section (log evidence), e.g. `{logs: true}`. */
  readonly evidence?: Readonly<Record<string, unknown>>;
}

export interface ControllerUnderTest {
  readonly manager: Manager;
  readonly metricsUrl: string;
  readonly readyUrl: string;
  /** The /metrics text. */
  metrics(): Promise<string>;
  /** Stops the controller as SIGTERM would; resolves to its exit code. */
  stop(): Promise<number>;
}

/**
 * Runs `healthreport run` with a temporary config file (leader election off, ports chosen by the
 * OS) and resolves once /readyz answers 200, i.e. every informer has synced and the first
 * analysis pass is done.
 */
export async function startController(options: ControllerOptions): Promise<ControllerUnderTest> {
  const config = writeTempFile(
    'healthreport-e2e-',
    'config.json',
    JSON.stringify({
      namespaces: options.namespaces,
      operatorNamespace: options.operatorNamespace,
      leaderElection: { enabled: false },
      analysis: { thresholds: options.thresholds ?? {} },
      ...(options.evidence ? { evidence: options.evidence } : {}),
    }),
  );
  let started!: (info: { metricsPort: number; healthPort: number; manager: Manager }) => void;
  const ports = new Promise<{ metricsPort: number; healthPort: number; manager: Manager }>((resolve) => (started = resolve));
  let stop!: (signal: string) => void;
  const stopSignal = new Promise<string>((resolve) => (stop = resolve));
  const finished = runCommand(
    ['--kubeconfig', inject('kubeconfig'), '--config', config, '--metrics-port', '0', '--health-port', '0', '--log-level', 'warn'],
    { stdout: () => {}, stderr: (t) => process.stderr.write(t), color: false, env: {} },
    { stopSignal, onStarted: (p) => started(p) },
  );
  const { metricsPort, healthPort, manager } = await Promise.race([ports, finished.then((code) => Promise.reject(new Error(`run exited ${code}`)))]);
  const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  const readyUrl = `http://127.0.0.1:${healthPort}/readyz`;
  await waitFor('the controller to be ready', async () => ((await fetch(readyUrl)).status === 200 ? true : undefined));
  return {
    manager,
    metricsUrl,
    readyUrl,
    metrics: async () => (await fetch(metricsUrl)).text(),
    stop: () => {
      stop('test done');
      return finished;
    },
  };
}

export async function readReport(k: Kube, namespace: string, name: string): Promise<StoredHealthReport | undefined> {
  try {
    return (await k.custom.getNamespacedCustomObject({ group: REPORT_GROUP, version: REPORT_VERSION, namespace, plural: REPORT_PLURAL, name })) as StoredHealthReport;
  } catch (err) {
    if (statusOf(err) === 404) return undefined;
    throw err;
  }
}

export const checksOf = (report: StoredHealthReport | undefined): string[] => (report?.status?.findings ?? []).map((f) => f.check);

/** Waits until the report exists and lists `check`; returns it. */
export function waitForFinding(k: Kube, namespace: string, name: string, check: string, timeoutMs = 30_000): Promise<StoredHealthReport> {
  return waitFor(
    `report ${namespace}/${name} with ${check}`,
    async () => {
      const report = await readReport(k, namespace, name);
      return checksOf(report).includes(check) ? report : undefined;
    },
    { timeoutMs, intervalMs: 200 },
  );
}

/** Waits until the report no longer lists `check` (it stays, Healthy, for the retention period). */
export function waitForCleared(k: Kube, namespace: string, name: string, check: string, timeoutMs = 30_000): Promise<StoredHealthReport> {
  return waitFor(
    `report ${namespace}/${name} without ${check}`,
    async () => {
      const report = await readReport(k, namespace, name);
      return report && !checksOf(report).includes(check) ? report : undefined;
    },
    { timeoutMs, intervalMs: 200 },
  );
}

/** The label sets of every healthreport_finding series in a /metrics text. */
export function findingSeries(metricsText: string): Record<string, string>[] {
  const series: Record<string, string>[] = [];
  for (const line of metricsText.split('\n')) {
    const match = /^healthreport_finding\{(.*)\} 1$/.exec(line);
    if (!match?.[1]) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of match[1].matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) if (key) labels[key] = value ?? '';
    series.push(labels);
  }
  return series;
}

const matches = (labels: Record<string, string>, wanted: Readonly<Record<string, string>>): boolean =>
  Object.entries(wanted).every(([key, value]) => labels[key] === value);

/** Waits for a healthreport_finding series carrying all of `wanted`'s labels; returns its labels. */
export function waitForSeries(controller: ControllerUnderTest, wanted: Readonly<Record<string, string>>, timeoutMs = 30_000): Promise<Record<string, string>> {
  return waitFor(
    `a healthreport_finding series ${JSON.stringify(wanted)}`,
    async () => findingSeries(await controller.metrics()).find((labels) => matches(labels, wanted)),
    { timeoutMs, intervalMs: 200 },
  );
}

/** Waits until no healthreport_finding series carries all of `wanted`'s labels. */
export function waitForNoSeries(controller: ControllerUnderTest, wanted: Readonly<Record<string, string>>, timeoutMs = 30_000): Promise<true> {
  return waitFor(
    `the healthreport_finding series ${JSON.stringify(wanted)} to be removed`,
    async () => (findingSeries(await controller.metrics()).some((labels) => matches(labels, wanted)) ? undefined : true),
    { timeoutMs, intervalMs: 200 },
  );
}

/** The CRDs of a file under test/e2e/fixtures/crds/ (parsed with loadAllYaml, see projectCrds). */
export function fixtureCrds(file: string): V1CustomResourceDefinition[] {
  const text = readFileSync(resolve(import.meta.dirname, 'fixtures/crds', file), 'utf8');
  return (loadAllYaml(text) as unknown[]).filter((doc): doc is V1CustomResourceDefinition => (doc as { kind?: string } | null)?.kind === 'CustomResourceDefinition');
}

/** Names of those CRDs that the cluster already has. */
export async function existingCrds(k: Kube, crds: readonly V1CustomResourceDefinition[]): Promise<string[]> {
  const names = new Set((await k.apiext.listCustomResourceDefinition()).items.map((crd) => crd.metadata?.name));
  return crds.map((crd) => crd.metadata?.name ?? '').filter((name) => names.has(name));
}

/** Creates each CRD (an existing one is left as it is) and waits until all are Established. */
export async function installCrds(k: Kube, crds: readonly V1CustomResourceDefinition[]): Promise<void> {
  for (const crd of crds) {
    await k.apiext.createCustomResourceDefinition({ body: crd }).catch((err: unknown) => {
      if (statusOf(err) !== 409) throw err;
    });
  }
  for (const crd of crds) {
    const name = crd.metadata?.name ?? '';
    await waitFor(`CRD ${name} Established`, async () => {
      const got = await k.apiext.readCustomResourceDefinition({ name });
      return got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ? true : undefined;
    }, { timeoutMs: 20_000, intervalMs: 100 });
  }
}

/** Deletes the named CRDs and waits until they are gone (their custom objects go with them). */
export async function removeCrds(k: Kube, names: readonly string[]): Promise<void> {
  for (const name of names) {
    await k.apiext.deleteCustomResourceDefinition({ name }).catch((err: unknown) => {
      if (statusOf(err) !== 404) throw err;
    });
  }
  for (const name of names) {
    await waitFor(`CRD ${name} to be deleted`, async () =>
      (await k.apiext.readCustomResourceDefinition({ name }).then(() => false, (err: unknown) => statusOf(err) === 404)) ? true : undefined,
    { timeoutMs: 60_000, intervalMs: 200 });
  }
}

/** The value of `healthreport_cache_objects{resource=...}`, or undefined while the kind is not watched. */
export function cacheObjects(metricsText: string, resource: string): number | undefined {
  const match = new RegExp(`^healthreport_cache_objects\\{resource="${resource}"\\} (\\d+)$`, 'm').exec(metricsText);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

export interface ControllerEnvironment {
  readonly k: Kube;
  readonly ns: { name: string; remove: () => Promise<void> };
  readonly controller: ControllerUnderTest;
}

/**
 * A controller watching a fresh namespace for the whole test file: registers the beforeAll that
 * creates both (with the project's CRDs applied) and the afterAll that stops the controller (exit
 * code 0 expected) and removes the namespace. `ready` receives them once they exist.
 */
export function controllerForFile(prefix: string, thresholds: Readonly<Record<string, string | number>>, ready: (env: ControllerEnvironment) => void, more: Pick<ControllerOptions, 'evidence'> = {}): void {
  let env: Partial<ControllerEnvironment> = {};
  beforeAll(async () => {
    const k = kube();
    await applyProjectCrds(k);
    const ns = await tempNamespace(k, prefix);
    env = { k, ns };
    const controller = await startController({ namespaces: [ns.name], operatorNamespace: ns.name, thresholds, ...more });
    env = { k, ns, controller };
    ready({ k, ns, controller });
  });
  afterAll(async () => {
    if (env.controller) expect(await env.controller.stop()).toBe(0);
    await env.ns?.remove();
  });
}
