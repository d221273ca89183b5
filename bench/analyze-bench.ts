// Benchmark of `healthreport analyze -f` on a synthetic 10,000-pod dump (npm run bench; BENCH_PODS=N
// for another size, with a node per 200 pods unless BENCH_NODES=N; BENCH_COMMAND_RUNS=N for fewer
// runs of the whole command).
// Reports each phase in-process (read+parse, model parse, view, analyzers, report) and the whole
// command as a user runs it, with its peak memory. Targets: analysis < 1 s, command < 5 s.
// Each phase gives its wall time and the process's CPU time (all threads, GC helpers included): on
// a shared machine the wall time of a phase swings with the neighbours' load, its CPU time far less.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runAnalyzers } from '../src/analyzers/engine.js';
import { ANALYZERS } from '../src/analyzers/registry.js';
import { defaultAnalysisSettings } from '../src/analyzers/settings.js';
import { snapshotOf } from '../src/cluster/snapshot.js';
import { ClusterView } from '../src/cluster/view.js';
import { loadDumpFiles } from '../src/input/files.js';
import { buildAnalysisReport } from '../src/report/report.js';
import { DEFAULT_SHAPE, ensureDump, shapeFor } from './generate-dump.js';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'bench', 'out');
const pods = Number(process.env.BENCH_PODS ?? DEFAULT_SHAPE.pods);
const shape = shapeFor(pods, process.env.BENCH_NODES ? Number(process.env.BENCH_NODES) : undefined);
const commandRunCount = Number(process.env.BENCH_COMMAND_RUNS ?? 3);
const now = Date.parse(shape.now);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function newestSourceMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

function builtBefore(sourceMs: number): boolean {
  const bin = join(ROOT, 'dist', 'src', 'cli', 'bin.js');
  return !existsSync(bin) || statSync(bin).mtimeMs < sourceMs;
}

/** CPU time of the whole process so far, in ms. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

mkdirSync(OUT, { recursive: true });
const dumpFile = ensureDump(shape, OUT);

const c0 = cpuMs();
const t0 = performance.now();
let raw: unknown[] | undefined = (await loadDumpFiles([dumpFile])).objects;
const t1 = performance.now();
const c1 = cpuMs();
const snapshot = snapshotOf(raw);
const t2 = performance.now();
const c2 = cpuMs();
// The raw objects are garbage from here on, as in the CLI: kept, they would double the heap that
// every collection during the analysis walks.
const objectCount = raw.length;
raw = undefined;
const settings = defaultAnalysisSettings();
const viewTimes: number[] = [];
const analyzeTimes: number[] = [];
const reportTimes: number[] = [];
const analysisCpu: number[] = [];
let findings = 0;
let summary = { critical: 0, warning: 0, info: 0, total: 0 };
for (let i = 0; i < 5; i += 1) {
  const ca = cpuMs();
  const a = performance.now();
  const view = new ClusterView(snapshot);
  const b = performance.now();
  const run = runAnalyzers(view, ANALYZERS, { settings, now });
  const c = performance.now();
  const report = buildAnalysisReport(run.findings);
  const d = performance.now();
  analysisCpu.push(cpuMs() - ca);
  if (run.errors.length) throw new Error(`analyzer errors: ${JSON.stringify(run.errors)}`);
  viewTimes.push(b - a);
  analyzeTimes.push(c - b);
  reportTimes.push(d - c);
  findings = report.findings.length;
  summary = report.summary;
}
const counts = [...snapshot.objects].map(([kind, list]) => `${kind}=${list.length}`).join(' ');

// The whole command as a user runs it: a fresh process on the built CLI.
// Built again when any source is newer than the build: a stale build would measure old code.
if (builtBefore(newestSourceMs(join(ROOT, 'src')))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
const commandRuns: { ms: number; rssMiB: number }[] = [];
for (let i = 0; i < commandRunCount; i += 1) {
  const start = performance.now();
  const child = spawnSync(process.execPath, ['--import', './bench/rss-probe.mjs', 'dist/src/cli/bin.js', 'analyze', '-f', dumpFile, '-o', 'json', '--fail-on', 'none', '--now', shape.now], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = performance.now() - start;
  if (child.status !== 0) throw new Error(`analyze exited ${child.status}: ${child.stderr}`);
  const probe = /RSS_PROBE (\{.*\})/.exec(child.stderr);
  const rssKiB = probe ? (JSON.parse(probe[1]!) as { maxRssKiB: number }).maxRssKiB : NaN;
  commandRuns.push({ ms, rssMiB: rssKiB / 1024 });
}

const results = {
  date: new Date().toISOString(),
  node: process.version,
  dump: { file: dumpFile, shape, objects: objectCount, counts },
  findings: { ...summary, shown: findings },
  inProcessMs: {
    readAndParseFile: Math.round(t1 - t0),
    modelParse: Math.round(t2 - t1),
    buildViewMedian: Math.round(median(viewTimes)),
    analyzersMedian: Math.round(median(analyzeTimes)),
    reportMedian: Math.round(median(reportTimes)),
    analysisMedian: Math.round(median(viewTimes.map((v, i) => v + analyzeTimes[i]! + reportTimes[i]!))),
    analysisFirst: Math.round(viewTimes[0]! + analyzeTimes[0]! + reportTimes[0]!),
    analysisMin: Math.round(Math.min(...viewTimes.map((v, i) => v + analyzeTimes[i]! + reportTimes[i]!))),
  },
  inProcessCpuMs: {
    readAndParseFile: Math.round(c1 - c0),
    modelParse: Math.round(c2 - c1),
    analysisMedian: Math.round(median(analysisCpu)),
    analysisFirst: Math.round(analysisCpu[0]!),
    analysisMin: Math.round(Math.min(...analysisCpu)),
  },
  command: {
    runs: commandRuns.length,
    wallMsMedian: Math.round(median(commandRuns.map((r) => r.ms))),
    peakRssMiBMax: Math.round(commandRuns.length ? Math.max(...commandRuns.map((r) => r.rssMiB)) : NaN),
  },
};
writeFileSync(join(OUT, `results-${pods}.json`), `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(
  `\nanalysis (view + analyzers + report, after parsing): ${results.inProcessMs.analysisMedian} ms (target < 1000)\n` +
    `whole command analyze -f: ${results.command.wallMsMedian} ms (target < 5000), peak RSS ${results.command.peakRssMiBMax} MiB\n`,
);
