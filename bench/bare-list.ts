// The reference of the controller benchmark: the bare LIST of every kind the operator reads, parsed
// into the model (loadLiveSnapshot, the code path of `healthreport analyze` live), timed in a fresh
// process as the controller starts in one. Timed inside the benchmark's own process instead, the
// same LIST took twice as long at 50,000 pods (40-43 s against 19-21 s): that process holds the
// expected reports' snapshot and the report watch, and its heap, not the API server, set the pace.
// Usage: node --import tsx bench/bare-list.ts --kubeconfig FILE [--runs 3]; prints {"seconds":[...]}.
import { parseArgs } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { loadLiveSnapshot } from '../src/input/live.js';
import { connectionFromKubeConfig, kubeGetter } from '../src/kube/http.js';

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
