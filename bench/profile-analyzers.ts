// Time of each analyzer on the benchmark dump at two (or more) sizes, and how its time per pod grows
// from the smallest size to each larger one: issue 12 calls any growth above 1.3x a bug.
//
//   npm run bench:analyzers -- [--sizes 10000,50000] [--repeat 10] [--out FILE]
//
// A node per 200 pods at every size (bench/generate-dump.ts shapeFor), unless BENCH_NODES=N.
//
// Each size runs in a process of its own (same script, --child N, with --expose-gc), so that one
// size's heap and JIT state do not weigh on the other. One untimed pass of every analyzer comes
// first: it compiles the code and builds the view's lazy indexes (analyze-bench's first pass shows
// that cost); with it, the fastest of 5 cold samples measured the JIT at 10k more than the analyzer
// (missing-resources 45.7 ms, 9.5 ms warm). Per analyzer then: a full collection, untimed, so that
// none pays for the garbage of the one before, and the fastest of --repeat samples. The verdict is on CPU time (the process's, GC threads included):
// on a shared machine a process gets a third of a core at times, which wall time shows and CPU time
// does not; wall times are recorded as well.
// Results go to bench/out/analyzers-<sizes>.json (or --out).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { runAnalyzers } from '../src/analyzers/engine.js';
import { ANALYZERS } from '../src/analyzers/registry.js';
import { defaultAnalysisSettings } from '../src/analyzers/settings.js';
import { snapshotOf } from '../src/cluster/snapshot.js';
import { ClusterView } from '../src/cluster/view.js';
import { loadDumpFiles } from '../src/input/files.js';
import type { Pod } from '../src/model/core.js';
import { DEFAULT_SHAPE, ensureDump, shapeFor } from './generate-dump.js';

const OUT = join(import.meta.dirname, 'out');
/** Growth of time per pod above which an analyzer is not linear (issue 12). */
const MAX_GROWTH = 1.3;
/** Below this many ms at the larger size, a ratio is timer and scheduler noise, not a trend. */
const MIN_JUDGED_MS = 3;

interface AnalyzerTiming {
  readonly name: string;
  readonly firstMs: number;
  /** Fastest CPU time of the samples (after the warm-up pass): what the verdict is on. */
  readonly minMs: number;
  readonly firstWallMs: number;
  readonly minWallMs: number;
  readonly findings: number;
  readonly skipped: boolean;
}

interface SizeResult {
  readonly pods: number;
  readonly objects: number;
  readonly loadMs: number;
  readonly viewMs: number;
  /** CPU ns per pod of a loop that reads three fields of every pod: the memory floor of a per-pod pass. */
  readonly touchNsPerPod: number;
  readonly analyzers: readonly AnalyzerTiming[];
}

/**
 * What merely reaching each pod costs, no analysis: once the pods outgrow the CPU caches (32 MiB of
 * L3 here), each pod read is a trip to memory, and per-pod passes grow per pod with no scan or sort.
 */
function touchNsPerPod(pods: readonly Pod[]): number {
  let sink = 0;
  const samples: number[] = [];
  for (let i = 0; i < 20; i += 1) {
    const start = cpuMs();
    for (const pod of pods) {
      if (pod.metadata.deletionTimestamp || pod.status.phase === 'Failed') sink += 1;
      sink += pod.spec.initContainers?.length ?? 0;
    }
    samples.push(cpuMs() - start);
  }
  return sink < 0 ? 0 : Math.round((Math.min(...samples) * 1e6) / Math.max(pods.length, 1));
}

async function measureSize(pods: number, repeat: number): Promise<SizeResult> {
  const file = ensureDump(shapeFor(pods, process.env.BENCH_NODES ? Number(process.env.BENCH_NODES) : undefined), OUT);
  const t0 = performance.now();
  const { objects } = await loadDumpFiles([file]);
  const snapshot = snapshotOf(objects);
  const t1 = performance.now();
  const view = new ClusterView(snapshot);
  const t2 = performance.now();
  const settings = defaultAnalysisSettings();
  const now = Date.parse(DEFAULT_SHAPE.now);
  const analyzers: AnalyzerTiming[] = [];
  const collect = (globalThis as { gc?: () => void }).gc ?? ((): void => undefined);
  runAnalyzers(view, ANALYZERS, { settings, now });
  for (const analyzer of ANALYZERS) {
    collect();
    const samples: number[] = [];
    const wallSamples: number[] = [];
    let findings = 0;
    let skipped = false;
    for (let i = 0; i < repeat; i += 1) {
      const cpuStart = cpuMs();
      const start = performance.now();
      const run = runAnalyzers(view, [analyzer], { settings, now });
      wallSamples.push(performance.now() - start);
      samples.push(cpuMs() - cpuStart);
      if (run.errors.length) throw new Error(`analyzer ${analyzer.name} failed: ${run.errors[0]!.message}`);
      findings = run.findings.length;
      skipped = run.skipped.length > 0;
    }
    analyzers.push({
      name: analyzer.name,
      firstMs: round(samples[0]!),
      minMs: round(Math.min(...samples)),
      firstWallMs: round(wallSamples[0]!),
      minWallMs: round(Math.min(...wallSamples)),
      findings,
      skipped,
    });
  }
  return { pods, objects: objects.length, loadMs: Math.round(t1 - t0), viewMs: Math.round(t2 - t1), touchNsPerPod: touchNsPerPod(view.list('Pod')), analyzers };
}

const round = (ms: number): number => Math.round(ms * 100) / 100;

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function runChild(pods: number, repeat: number): SizeResult {
  const child = spawnSync(process.execPath, [...process.execArgv, '--expose-gc', import.meta.filename, '--child', String(pods), '--repeat', String(repeat)], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (child.status !== 0) throw new Error(`profiling ${pods} pods exited ${child.status}`);
  return JSON.parse(child.stdout) as SizeResult;
}

interface Growth {
  readonly name: string;
  readonly ms: readonly number[];
  /** (ms per pod at the larger size) / (ms per pod at the smallest), per larger size. */
  readonly perPodGrowth: readonly number[];
  readonly verdict: 'linear' | 'SUPERLINEAR' | 'too small to judge' | 'skipped';
}

function growthOf(results: readonly SizeResult[]): Growth[] {
  const [base, ...larger] = results;
  return base!.analyzers.map((timing, i) => {
    const ms = results.map((r) => r.analyzers[i]!.minMs);
    const perPodGrowth = larger.map((r) => round((r.analyzers[i]!.minMs / r.pods) / (Math.max(timing.minMs, 0.01) / base!.pods)));
    const largest = ms[ms.length - 1]!;
    const verdict = timing.skipped ? 'skipped' : largest < MIN_JUDGED_MS ? 'too small to judge' : perPodGrowth.some((g) => g > MAX_GROWTH) ? 'SUPERLINEAR' : 'linear';
    return { name: timing.name, ms, perPodGrowth, verdict };
  });
}

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,50000' },
    repeat: { type: 'string', default: '10' },
    child: { type: 'string' },
    out: { type: 'string' },
  },
});
const repeat = Number(values.repeat);
if (values.child) {
  process.stdout.write(JSON.stringify(await measureSize(Number(values.child), repeat)));
} else {
  const sizes = values.sizes.split(',').map(Number).sort((a, b) => a - b);
  const results = sizes.map((pods) => runChild(pods, repeat));
  const growth = growthOf(results).sort((a, b) => b.ms[b.ms.length - 1]! - a.ms[a.ms.length - 1]!);
  const totals = results.map((r) => round(r.analyzers.reduce((sum, a) => sum + a.minMs, 0)));
  const header = `CPU ms, fastest of ${repeat}\n${sizes.map((s) => `${s} pods`.padStart(12)).join('')}  ${sizes.slice(1).map((s) => `per pod x${s / sizes[0]!}`.padStart(12)).join('')}  analyzer`;
  const lines = [header];
  for (const g of growth) {
    if (g.verdict === 'skipped') continue;
    const flag = g.verdict === 'SUPERLINEAR' ? '  <-- grows faster than the cluster' : g.verdict === 'too small to judge' ? '  (small)' : '';
    lines.push(`${g.ms.map((ms) => `${ms.toFixed(1)} ms`.padStart(12)).join('')}  ${g.perPodGrowth.map((x) => `${x.toFixed(2)}x`.padStart(12)).join('')}  ${g.name}${flag}`);
  }
  lines.push(`${totals.map((ms) => `${ms.toFixed(0)} ms`.padStart(12)).join('')}  ${sizes.slice(1).map((s, i) => `${((totals[i + 1]! / s) / (totals[0]! / sizes[0]!)).toFixed(2)}x`.padStart(12)).join('')}  total (${growth.length} analyzers, ${growth.filter((g) => g.verdict === 'skipped').length} skipped)`);
  const touch = results.map((r) => r.touchNsPerPod);
  lines.push(`memory floor (reading 3 fields of every pod): ${touch.map((ns, i) => `${ns} ns/pod at ${sizes[i]}`).join(', ')} (${(touch[touch.length - 1]! / Math.max(touch[0]!, 1)).toFixed(2)}x per pod)`);
  const superlinear = growth.filter((g) => g.verdict === 'SUPERLINEAR').map((g) => g.name);
  lines.push(superlinear.length ? `superlinear (> ${MAX_GROWTH}x per pod): ${superlinear.join(', ')}` : `no analyzer grows faster than ${MAX_GROWTH}x per pod`);
  process.stdout.write(`${lines.join('\n')}\n`);
  mkdirSync(OUT, { recursive: true });
  const out = values.out ?? join(OUT, `analyzers-${sizes.join('-')}.json`);
  const document = { date: new Date().toISOString(), node: process.version, repeat, maxGrowth: MAX_GROWTH, minJudgedMs: MIN_JUDGED_MS, sizes: results.map(({ analyzers: _, ...rest }) => rest), totalsMs: totals, superlinear, analyzers: growth };
  writeFileSync(out, `${JSON.stringify(document, null, 2)}\n`);
  process.stdout.write(`written to ${out}\n`);
}
