// Benchmark of `healthreport analyze -f` on a synthetic 10,000-pod dump (npm run bench).
// Reports each phase in-process (read+parse, model parse, view, analyzers, report) and the whole
// command as a user runs it, with its peak memory. Targets: analysis < 1 s, command < 5 s.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runAnalyzers } from '../src/analyzers/engine.js';
import { ANALYZERS } from '../src/analyzers/registry.js';
import { defaultAnalysisSettings } from '../src/analyzers/settings.js';
import { snapshotOf } from '../src/cluster/snapshot.js';
import { ClusterView } from '../src/cluster/view.js';
import { loadDumpFiles } from '../src/input/files.js';
import { buildAnalysisReport } from '../src/report/report.js';
import { DEFAULT_SHAPE, generateDump } from './generate-dump.js';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'bench', 'out');
const pods = Number(process.env.BENCH_PODS ?? DEFAULT_SHAPE.pods);
const shape = { ...DEFAULT_SHAPE, pods };
const dumpFile = join(OUT, `dump-${pods}.json`);
const now = Date.parse(shape.now);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

mkdirSync(OUT, { recursive: true });
if (!existsSync(dumpFile)) {
  const items = generateDump(shape);
  writeFileSync(dumpFile, JSON.stringify({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items }, null, 2));
}

const t0 = performance.now();
const { objects } = await loadDumpFiles([dumpFile]);
const t1 = performance.now();
const snapshot = snapshotOf(objects);
const t2 = performance.now();
const settings = defaultAnalysisSettings();
const viewTimes: number[] = [];
const analyzeTimes: number[] = [];
const reportTimes: number[] = [];
let findings = 0;
let summary = { critical: 0, warning: 0, info: 0, total: 0 };
for (let i = 0; i < 5; i += 1) {
  const a = performance.now();
  const view = new ClusterView(snapshot);
  const b = performance.now();
  const run = runAnalyzers(view, ANALYZERS, { settings, now });
  const c = performance.now();
  const report = buildAnalysisReport(run.findings);
  const d = performance.now();
  if (run.errors.length) throw new Error(`analyzer errors: ${JSON.stringify(run.errors)}`);
  viewTimes.push(b - a);
  analyzeTimes.push(c - b);
  reportTimes.push(d - c);
  findings = report.findings.length;
  summary = report.summary;
}
const counts = [...snapshot.objects].map(([kind, list]) => `${kind}=${list.length}`).join(' ');

// The whole command as a user runs it: a fresh process on the built CLI.
if (!existsSync(join(ROOT, 'dist', 'src', 'cli', 'bin.js'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
const commandRuns: { ms: number; rssMiB: number }[] = [];
for (let i = 0; i < 3; i += 1) {
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
  dump: { file: dumpFile, objects: objects.length, counts },
  findings: { ...summary, shown: findings },
  inProcessMs: {
    readAndParseFile: Math.round(t1 - t0),
    modelParse: Math.round(t2 - t1),
    buildViewMedian: Math.round(median(viewTimes)),
    analyzersMedian: Math.round(median(analyzeTimes)),
    reportMedian: Math.round(median(reportTimes)),
    analysisMedian: Math.round(median(viewTimes.map((v, i) => v + analyzeTimes[i]! + reportTimes[i]!))),
  },
  command: {
    wallMsMedian: Math.round(median(commandRuns.map((r) => r.ms))),
    peakRssMiBMax: Math.round(Math.max(...commandRuns.map((r) => r.rssMiB))),
  },
};
writeFileSync(join(OUT, `results-${pods}.json`), `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(
  `\nanalysis (view + analyzers + report, after parsing): ${results.inProcessMs.analysisMedian} ms (target < 1000)\n` +
    `whole command analyze -f: ${results.command.wallMsMedian} ms (target < 5000), peak RSS ${results.command.peakRssMiBMax} MiB\n`,
);
