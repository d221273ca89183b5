// Time-based verdicts ("pending for > 10 min", "an event within the last hour", "expires in 14 d")
// change with no object changing: the analyzers declare the moments they can change (rechecks) and
// the controller re-runs them then instead of polling. This proves the declarations complete: on
// every fixture (each file alone, the example dump, and every table row with its clock and settings),
// the findings at any instant before the earliest declared re-check equal those at the run's clock;
// then the same from each of the first re-check instants, walking the timeline. And the namespaces
// they are filed under are right: re-running at each instant only what is due, where it is due (as
// the controller does), gives what a full run gives.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAnalyzers } from '../../../src/analyzers/engine.js';
import type { AnalysisRun } from '../../../src/analyzers/engine.js';
import { ANALYZERS } from '../../../src/analyzers/registry.js';
import { analysisSettingsSchema } from '../../../src/analyzers/settings.js';
import type { Analyzer, Finding } from '../../../src/analyzers/types.js';
import { isLocalToNamespace } from '../../../src/analyzers/types.js';
import { snapshotOf } from '../../../src/cluster/snapshot.js';
import { ClusterView, scopeToNamespaces } from '../../../src/cluster/view.js';
import { parseDocuments } from '../../../src/input/documents.js';
import type { CheckCase } from '../../helpers/cases.js';
import { FIXTURES, FIXTURE_NOW, loadFixture } from '../../helpers/fixtures.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Later instants compared with the run's clock: seconds to over a year, so far-off expiries are covered. */
const GRID = [SECOND, 30 * SECOND, MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, DAY, 3 * DAY, 7 * DAY, 14 * DAY, 30 * DAY, 90 * DAY, 400 * DAY];
/** How many of a run's re-check instants the walk continues from, and how deep. */
const BRANCHES = 4;
const DEPTH = 2;

const EXAMPLES = join(import.meta.dirname, '..', '..', '..', 'examples', 'broken-cluster');
const TESTS = join(import.meta.dirname, '..');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? yamlFiles(join(dir, e.name)) : e.name.endsWith('.yaml') ? [join(dir, e.name)] : []));
}

interface Scenario {
  readonly view: ClusterView;
  readonly settings: ReturnType<typeof analysisSettingsSchema.parse>;
  readonly now: number;
}

function scenario(objects: readonly unknown[], options: { now?: number; settings?: unknown; loadedKinds?: CheckCase['loadedKinds'] } = {}): Scenario {
  return {
    view: new ClusterView(snapshotOf(objects, options.loadedKinds ?? [])),
    settings: analysisSettingsSchema.parse(options.settings ?? {}),
    now: options.now ?? FIXTURE_NOW,
  };
}

const verdict = (f: Finding): string =>
  `${f.check} ${f.severity} ${f.object.kind}/${f.object.namespace ?? ''}/${f.object.name}${f.object.container ? ` container ${f.object.container}` : ''}`;

function run(s: Scenario, now: number): AnalysisRun {
  return runAnalyzers(s.view, ANALYZERS, { settings: s.settings, now });
}

const verdicts = (r: AnalysisRun): string[] => [...new Set(r.findings.map(verdict))].sort();

/** What changed between two sets of verdicts, as "+ appeared" / "- disappeared" lines. */
function difference(before: readonly string[], after: readonly string[]): string[] {
  return [...after.filter((v) => !before.includes(v)).map((v) => `+ ${v}`), ...before.filter((v) => !after.includes(v)).map((v) => `- ${v}`)];
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * The verdict changes found before a run's earliest re-check, from `from` on; and, `depth` more
 * levels, from each of its first re-check instants.
 */
function missedCrossings(s: Scenario, from: number, depth: number): string[] {
  const base = run(s, from);
  const expected = verdicts(base);
  const instants = [...new Set(base.rechecks.map((r) => r.at))].sort((a, b) => a - b);
  const next = instants[0] ?? Infinity;
  const probes = GRID.map((offset) => from + offset).filter((t) => t < next);
  if (Number.isFinite(next) && next - 1 > from) probes.push(next - 1);
  const missed: string[] = [];
  for (const t of probes) {
    const changed = difference(expected, verdicts(run(s, t)));
    if (changed.length > 0) {
      const scheduled = Number.isFinite(next) ? `the earliest re-check was ${iso(next)}` : 'no re-check was scheduled';
      missed.push(`from ${iso(from)} to ${iso(t)} (${scheduled}): ${changed.join('; ')}`);
      break;
    }
  }
  if (depth > 0) for (const at of instants.slice(0, BRANCHES)) missed.push(...missedCrossings(s, at, depth - 1));
  return missed;
}

/** How many re-check instants the controller walk follows. */
const WALK_STEPS = 12;
const BY_NAME = new Map<string, Analyzer>(ANALYZERS.map((a) => [a.name, a]));

/**
 * The controller's way: from a full run, re-run at each re-check instant only the analyzers due,
 * a namespace-scoped one on just the namespaces its re-checks named ('' - a cluster-scoped object -
 * re-runs it whole), keeping everyone else's findings. At every instant the result must equal a
 * full run: a re-check filed under the wrong namespace would leave a stale verdict behind.
 */
function staleAfterScopedRechecks(s: Scenario): string[] {
  const first = run(s, s.now);
  /** Findings per analyzer and subject namespace. */
  const held = new Map<string, Finding[]>();
  const hold = (analyzer: string, findings: readonly Finding[]): void => {
    for (const f of findings) held.set(`${analyzer} ${f.subject.namespace ?? ''}`, [...(held.get(`${analyzer} ${f.subject.namespace ?? ''}`) ?? []), f]);
  };
  for (const analyzer of ANALYZERS) hold(analyzer.name, runAnalyzers(s.view, [analyzer], { settings: s.settings, now: s.now }).findings);
  let pending = [...first.rechecks];
  for (let step = 0; step < WALK_STEPS && pending.length > 0; step++) {
    const at = Math.min(...pending.map((r) => r.at));
    const due = pending.filter((r) => r.at === at);
    pending = pending.filter((r) => r.at !== at);
    for (const name of new Set(due.map((r) => r.analyzer))) {
      const analyzer = BY_NAME.get(name);
      if (!analyzer) continue;
      const namespaces = new Set(due.filter((r) => r.analyzer === name).map((r) => r.namespace));
      const whole = !isLocalToNamespace(analyzer) || namespaces.has('');
      const view = whole ? s.view : scopeToNamespaces(s.view, namespaces);
      const rerun = runAnalyzers(view, [analyzer], { settings: s.settings, now: at });
      for (const key of [...held.keys()]) {
        const [owner, namespace = ''] = key.split(' ');
        if (owner === name && (whole || namespaces.has(namespace))) held.delete(key);
      }
      hold(name, rerun.findings);
      pending = [...pending.filter((r) => r.analyzer !== name || !(whole || namespaces.has(r.namespace))), ...rerun.rechecks];
    }
    const simulated = [...new Set([...held.values()].flat().map(verdict))].sort();
    const changed = difference(verdicts(run(s, at)), simulated);
    if (changed.length > 0) return [`at ${iso(at)}, after re-running ${due.map((r) => `${r.analyzer}@${r.namespace || '(cluster)'}`).join(', ')}, the controller would hold: ${changed.join('; ')}`];
  }
  return [];
}

async function tableRows(): Promise<{ family: string; row: CheckCase }[]> {
  const families = readdirSync(TESTS, { withFileTypes: true }).filter((e) => e.isDirectory() && readdirSync(join(TESTS, e.name)).includes('cases.ts'));
  const rows: { family: string; row: CheckCase }[] = [];
  for (const family of families) {
    const module = (await import(join(TESTS, family.name, 'cases.ts'))) as { cases: readonly CheckCase[] };
    for (const row of module.cases) rows.push({ family: family.name, row });
  }
  return rows;
}

describe('re-checks at the moments time-based verdicts change', () => {
  it.each(readdirSync(FIXTURES).filter((d) => d !== 'cli'))('cover every crossing on the %s fixtures', (family) => {
    const files = yamlFiles(join(FIXTURES, family));
    expect(files.length).toBeGreaterThan(0);
    const missed = files.flatMap((file) => {
      const s = scenario(parseDocuments(readFileSync(file, 'utf8'), file));
      return missedCrossings(s, s.now, DEPTH).map((m) => `${file.slice(FIXTURES.length + 1)}: ${m}`);
    });
    expect(missed).toEqual([]);
  });

  it('cover every crossing on the example dump', () => {
    const s = scenario(yamlFiles(EXAMPLES).flatMap((file) => parseDocuments(readFileSync(file, 'utf8'), file)));
    expect(missedCrossings(s, s.now, DEPTH)).toEqual([]);
  });

  it('cover every crossing of every table row, at the row\'s clock and settings', async () => {
    const rows = await tableRows();
    expect(rows.length).toBeGreaterThan(50);
    const missed: string[] = [];
    for (const { family, row } of rows) {
      const s = scenario(loadFixture(...row.fixtures), {
        ...(row.now ? { now: Date.parse(row.now) } : {}),
        ...(row.settings ? { settings: row.settings } : {}),
        ...(row.loadedKinds ? { loadedKinds: row.loadedKinds } : {}),
      });
      missed.push(...missedCrossings(s, s.now, 1).map((m) => `${family}: ${row.name}: ${m}`));
    }
    expect(missed).toEqual([]);
    // Hundreds of rows, each analysed at many instants: seconds of CPU, more on a shared machine.
  }, 60_000);

  it.each(readdirSync(FIXTURES).filter((d) => d !== 'cli'))('name the namespaces to re-run on the %s fixtures (a controller walk equals full runs)', (family) => {
    const stale = yamlFiles(join(FIXTURES, family)).flatMap((file) =>
      staleAfterScopedRechecks(scenario(parseDocuments(readFileSync(file, 'utf8'), file))).map((m) => `${file.slice(FIXTURES.length + 1)}: ${m}`));
    expect(stale).toEqual([]);
  });

  it('name the namespaces to re-run on the example dump (a controller walk equals full runs)', () => {
    expect(staleAfterScopedRechecks(scenario(yamlFiles(EXAMPLES).flatMap((file) => parseDocuments(readFileSync(file, 'utf8'), file))))).toEqual([]);
  });
});
