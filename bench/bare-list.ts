// The reference of the controller benchmark: the bare LIST of every kind the operator reads, parsed
// into the model (loadLiveSnapshot, the code path of `healthreport analyze` live), timed in a fresh
// process as the controller starts in one. Timed inside the benchmark's own process instead, the
// same LIST took twice as long at 50,000 pods (40-43 s against 19-21 s): that process holds the
// expected reports' snapshot and the report watch, and its heap, not the API server, set the pace.
// Usage: node --import tsx bench/bare-list.ts --kubeconfig FILE [--runs 3]; prints {"seconds":[...]}.
// The benchmarks start it with bareListArgs() and read its answer with bareListSeconds().
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { loadLiveSnapshot } from '../src/input/live.js';
import { connectionFromKubeConfig, kubeGetter } from '../src/kube/http.js';

/** The arguments of `node` that run this script: `runs` LISTs as the user of `kubeconfig`. */
export function bareListArgs(kubeconfig: string, runs: number): string[] {
  return ['--import', 'tsx', join(import.meta.dirname, 'bare-list.ts'), '--kubeconfig', kubeconfig, '--runs', String(runs)];
}

/** The seconds of each LIST, from what the script printed (its last line). */
export function bareListSeconds(stdout: string): number[] {
  const answer = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { seconds?: unknown };
  if (!Array.isArray(answer.seconds)) throw new Error(`bench/bare-list.ts printed no seconds: ${stdout.slice(-300)}`);
  return answer.seconds as number[];
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({ options: { kubeconfig: { type: 'string' }, runs: { type: 'string', default: '3' } } });
  if (!args.kubeconfig) throw new Error('usage: bare-list.ts --kubeconfig FILE [--runs N]');
  const kc = new KubeConfig();
  kc.loadFromFile(args.kubeconfig);
  const api = kubeGetter(connectionFromKubeConfig(kc), 300_000);
  const seconds: number[] = [];
  for (let i = 0; i < Number(args.runs); i += 1) {
    const t0 = performance.now();
    // The snapshot is dropped at once: one run's objects must not weigh on the next.
    await loadLiveSnapshot(api);
    seconds.push((performance.now() - t0) / 1000);
  }
  console.log(JSON.stringify({ seconds }));
}

if (import.meta.filename === process.argv[1]) await main();
