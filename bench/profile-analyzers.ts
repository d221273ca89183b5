// Time of each analyzer on the benchmark dump (npm run bench first): where analysis time goes.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runAnalyzers } from '../src/analyzers/engine.js';
import { ANALYZERS } from '../src/analyzers/registry.js';
import { defaultAnalysisSettings } from '../src/analyzers/settings.js';
import { snapshotOf } from '../src/cluster/snapshot.js';
import { ClusterView } from '../src/cluster/view.js';
import { loadDumpFiles } from '../src/input/files.js';

const pods = Number(process.env.BENCH_PODS ?? 10_000);
const { objects } = await loadDumpFiles([join(import.meta.dirname, 'out', `dump-${pods}.json`)]);
const view = new ClusterView(snapshotOf(objects));
const settings = defaultAnalysisSettings();
const now = Date.parse('2026-11-25T12:00:00Z');
const times: [string, number][] = [];
for (const analyzer of ANALYZERS) {
  const samples: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    const start = performance.now();
    runAnalyzers(view, [analyzer], { settings, now });
    samples.push(performance.now() - start);
  }
  times.push([analyzer.name, Math.min(...samples)]);
}
times.sort((a, b) => b[1] - a[1]);
for (const [name, ms] of times.slice(0, 15)) process.stdout.write(`${ms.toFixed(1).padStart(8)} ms  ${name}\n`);
process.stdout.write(`${times.reduce((s, [, ms]) => s + ms, 0).toFixed(0).padStart(8)} ms  total (${times.length} analyzers)\n`);
