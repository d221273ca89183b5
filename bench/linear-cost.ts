// Does the one-shot analysis cost grow linearly with the cluster? (issue 12 §3)
//
//   npm run bench:linear -- [--sizes 10000,50000] [--command-runs 1] [--tag NAME] [--skip-analyzers]
//
// In one run, for each size: `npm run bench` (the analyze benchmark: read+parse, model parse,
// analysis in-process, and the whole `analyze -f` command with its peak RSS), then the per-analyzer
// profile at all sizes (bench/profile-analyzers.ts). Prints each figure at each size with its growth
// against the smallest size, divided by the growth of the pod count (1.00 = linear), and writes
// everything to bench/out/linear-cost[-TAG].json.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'bench', 'out');

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,50000' },
    'command-runs': { type: 'string', default: '1' },
    repeat: { type: 'string', default: '10' },
    tag: { type: 'string' },
    'skip-analyzers': { type: 'boolean', default: false },
  },
});
const sizes = values.sizes.split(',').map(Number).sort((a, b) => a - b);
const suffix = values.tag ? `-${values.tag}` : '';

function run(args: readonly string[], env: Record<string, string> = {}): void {
  const child = spawnSync(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
  if (child.status !== 0) throw new Error(`${args.join(' ')} exited ${child.status}`);
}

interface BenchResult {
  readonly dump: { readonly objects: number };
  readonly inProcessMs: Record<string, number>;
  readonly inProcessCpuMs: Record<string, number>;
  readonly command: { readonly wallMsMedian: number; readonly peakRssMiBMax: number };
}

const benches: BenchResult[] = [];
for (const pods of sizes) {
  process.stdout.write(`\n=== analyze benchmark, ${pods} pods ===\n`);
  run(['bench/analyze-bench.ts'], { BENCH_PODS: String(pods), BENCH_COMMAND_RUNS: values['command-runs'] });
  benches.push(JSON.parse(readFileSync(join(OUT, `results-${pods}.json`), 'utf8')) as BenchResult);
}
const analyzersFile = join(OUT, `analyzers${suffix}.json`);
if (!values['skip-analyzers']) {
  process.stdout.write(`\n=== analyzers, ${sizes.join(' and ')} pods ===\n`);
  run(['bench/profile-analyzers.ts', '--sizes', sizes.join(','), '--repeat', values.repeat, '--out', analyzersFile]);
}
const analyzers = values['skip-analyzers']
  ? undefined
  : (JSON.parse(readFileSync(analyzersFile, 'utf8')) as { superlinear: string[]; analyzers: { name: string; ms: number[]; perPodGrowth: number[]; verdict: string }[] });

const figures: [string, (b: BenchResult) => number][] = [
  ['read+parse of the dump, wall ms', (b) => b.inProcessMs.readAndParseFile!],
  ['read+parse of the dump, CPU ms', (b) => b.inProcessCpuMs.readAndParseFile!],
  ['model parse, wall ms', (b) => b.inProcessMs.modelParse!],
  ['model parse, CPU ms', (b) => b.inProcessCpuMs.modelParse!],
  ['view build (median of 5), ms', (b) => b.inProcessMs.buildViewMedian!],
  ['analyzers (median of 5), ms', (b) => b.inProcessMs.analyzersMedian!],
  ['analysis = view+analyzers+report, first pass, ms', (b) => b.inProcessMs.analysisFirst!],
  ['analysis = view+analyzers+report, median of 5, ms', (b) => b.inProcessMs.analysisMedian!],
  ['analysis, fastest of 5, ms', (b) => b.inProcessMs.analysisMin!],
  ['analysis, median CPU ms', (b) => b.inProcessCpuMs.analysisMedian!],
  ['analysis, fastest CPU ms', (b) => b.inProcessCpuMs.analysisMin!],
  ['analyze -f command, wall ms', (b) => b.command.wallMsMedian],
  ['analyze -f command, peak RSS MiB', (b) => b.command.peakRssMiBMax],
];
const rows = figures.map(([label, pick]) => {
  const at = benches.map(pick);
  // Growth of the figure divided by growth of the pod count: 1.00 is linear.
  const perPodGrowth = at.slice(1).map((v, i) => Math.round(((v / at[0]!) / (sizes[i + 1]! / sizes[0]!)) * 100) / 100);
  return { figure: label, at, perPodGrowth };
});
const rssPer10k = benches.map((b, i) => Math.round((b.command.peakRssMiBMax / sizes[i]!) * 10_000));

const lines = [`\n${'figure'.padEnd(52)}${sizes.map((s) => `${s}`.padStart(10)).join('')}${sizes.slice(1).map((s) => `x/pod ${s / sizes[0]!}x`.padStart(14)).join('')}`];
for (const row of rows) lines.push(`${row.figure.padEnd(52)}${row.at.map((v) => `${v}`.padStart(10)).join('')}${row.perPodGrowth.map((g) => `${g.toFixed(2)}`.padStart(14)).join('')}`);
lines.push(`${'peak RSS per 10,000 pods, MiB'.padEnd(52)}${rssPer10k.map((v) => `${v}`.padStart(10)).join('')}`);
// Issue 12's target, by wall time (the median and the fastest of 5 passes) and by CPU time: on a
// shared machine the wall time of one size can be inflated by the neighbours' load and not the other's.
const target: string[] = [];
for (const [label, pick] of [
  ['wall, median', (b: BenchResult) => b.inProcessMs.analysisMedian!],
  ['wall, fastest', (b: BenchResult) => b.inProcessMs.analysisMin!],
  ['CPU, median', (b: BenchResult) => b.inProcessCpuMs.analysisMedian!],
] as const) {
  const at = benches.map(pick);
  for (let i = 1; i < at.length; i += 1) target.push(`${sizes[i]} pods: analysis (${label}) ${at[i]} ms = ${(at[i]! / at[0]!).toFixed(2)}x the ${sizes[0]}-pod ${at[0]} ms (target <= ${sizes[i]! / sizes[0]!}x)`);
}
lines.push(...target);
if (analyzers) lines.push(analyzers.superlinear.length ? `analyzers growing > 1.3x per pod: ${analyzers.superlinear.join(', ')}` : 'no analyzer grows > 1.3x per pod');
process.stdout.write(`${lines.join('\n')}\n`);

const out = join(OUT, `linear-cost${suffix}.json`);
writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, sizes, figures: rows, rssPer10kMiB: rssPer10k, benches, analyzers }, null, 2)}\n`);
process.stdout.write(`written to ${out}\n`);
