// Where a V8 CPU profile (node --cpu-prof) spent its time, optionally within a window of it: the
// functions with the most self time, and the time per source file. For the controller's start-up,
// profile `healthreport run` and look at the first seconds only (the rest is the process at rest).
// Usage: node --import tsx bench/cpuprofile-top.ts FILE.cpuprofile [--from S] [--to S] [--top N]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { from: { type: 'string', default: '0' }, to: { type: 'string', default: 'Infinity' }, top: { type: 'string', default: '30' } },
});
if (!positionals[0]) throw new Error('usage: cpuprofile-top.ts FILE.cpuprofile [--from S] [--to S] [--top N]');
const profile = JSON.parse(readFileSync(positionals[0], 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const fromUs = Number(args.from) * 1e6;
const toUs = Number(args.to) * 1e6;

const selfUs = new Map<number, number>();
let t = 0;
let total = 0;
for (let i = 0; i < profile.samples.length; i += 1) {
  const delta = profile.timeDeltas[i] ?? 0;
  t += delta;
  if (t < fromUs || t > toUs) continue;
  const id = profile.samples[i]!;
  selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  total += delta;
}

const short = (url: string): string => url.replace(/^file:\/\//, '').replace(/^.*\/(node_modules\/)/, '$1').replace(/^.*\/(dist\/|src\/)/, '$1') || '(native)';
const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
for (const [id, us] of selfUs) {
  const node = byId.get(id)!;
  const name = `${node.callFrame.functionName || '(anonymous)'} ${short(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  const file = node.callFrame.url ? short(node.callFrame.url) : node.callFrame.functionName;
  byFile.set(file, (byFile.get(file) ?? 0) + us);
}
const top = Number(args.top);
const ms = (us: number): string => (us / 1000).toFixed(0).padStart(7);
const pct = (us: number): string => `${((100 * us) / total).toFixed(1).padStart(5)} %`;
console.log(`window ${args.from}-${args.to} s of ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s; sampled ${ms(total)} ms`);
console.log('\nself time by function:');
for (const [name, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(us)} ms ${pct(us)}  ${name}`);
console.log('\nself time by file:');
for (const [name, us] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(us)} ms ${pct(us)}  ${name}`);
