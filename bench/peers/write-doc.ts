// Turns bench/out/peers-results-SCALE.json (bench/peers/bench.ts) into docs/benchmarks.md: the
// coverage table (breakage x tool), noise, one-shot time, API-server requests and bytes, memory, and
// the controller's figures. Usage: node --import tsx bench/peers/write-doc.ts
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const OUT = join(ROOT, 'bench', 'out');

interface Coverage { reported: number; of: number; example?: string }
interface Scored {
  coverage: Record<string, Coverage>;
  breakageTypesReported: number;
  instancesReported: number;
  instances: number;
  noiseFindings: number;
  noiseObjects: number;
  noiseTop: { n: number; text: string }[];
  findingsOutsideScenario: number;
  infoFindings: number;
}
interface OneShot extends Partial<Scored> {
  name: string;
  /** false: stopped at a limit of the benchmark (time or memory); `limit` says which. */
  completed?: boolean;
  limit?: string;
  wallSeconds: number;
  peakRssMiB: number;
  requests: { total: number; byVerb: Record<string, number> };
  bytes: number;
  findings: number;
}
interface Results {
  date: string;
  scale: { pods: number; services: number; deployments: number; namespaces: number; breakages: number };
  nodes: number;
  machine: { cpus: number; node: string };
  versions: Record<string, string>;
  breakageTypes: Record<string, string>;
  bareList: { seconds: number; requests: { total: number }; bytes: number };
  oneShot: Record<string, OneShot>;
  loop?: Record<string, { periodSeconds: number; latenciesSeconds: number[]; runSeconds: number[]; derived?: { fromSeconds: number; toSeconds: number } }>;
  controller?: {
    firstReports: { seconds: number | null; bareListSeconds: number; ratio: number | null; auditedRequests?: { total: number } };
    changeLatency: { p50Ms: number; p99Ms: number; changes: number; timedOut: number };
    atRest: { windowSeconds: number; auditedRequestsPerHour?: number; auditedRequestsPerHourByVerb?: Record<string, number>; bytesServedPerHour?: number; listPerHour: number; writesPerHour: number };
    memory: { peakRssMb: number };
    controllerConfig: { leaderElection: { enabled: boolean } };
  };
  controllerCoverage?: Scored;
}

const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
const fmt = (n: number): string => n.toLocaleString('en-US');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** For each figure of the one-shot runs, the tool with the best value (ties: all of them). */
function aheadOf(r: Results): string {
  const tools = Object.values(r.oneShot).filter(finished) as (OneShot & Scored)[];
  const figures: [string, (o: OneShot & Scored) => number, 'min' | 'max'][] = [
    ['breakage types reported', (o) => o.breakageTypesReported, 'max'],
    ['instances reported', (o) => o.instancesReported, 'max'],
    ['least noise', (o) => o.noiseObjects, 'min'],
    ['wall time', (o) => o.wallSeconds, 'min'],
    ['fewest API requests', (o) => o.requests.total, 'min'],
    ['fewest bytes served', (o) => o.bytes, 'min'],
    ['lowest peak RSS', (o) => o.peakRssMiB, 'min'],
  ];
  return figures
    .map(([label, value, best]) => {
      const target = best === 'min' ? Math.min(...tools.map(value)) : Math.max(...tools.map(value));
      return `${label}: ${tools.filter((o) => value(o) === target).map((o) => o.name).join(' and ')}`;
    })
    .join('; ');
}

const finished = (o: OneShot): boolean => o.completed !== false;

function section(r: Results, scaleName: string): string {
  const allTools = Object.keys(r.oneShot);
  // A tool stopped at a limit found nothing to score: it has no column in the coverage table.
  const tools = allTools.filter((t) => finished(r.oneShot[t]!));
  const columns = [...tools.map((t) => r.oneShot[t]!.name), ...(r.controllerCoverage ? ['healthreport run'] : [])];
  const scoredOf = (i: number): Scored => (i < tools.length ? (r.oneShot[tools[i]!]! as OneShot & Scored) : r.controllerCoverage!);
  const lines: string[] = [];
  lines.push(`## ${scaleName}: ${fmt(r.scale.pods)} pods, ${fmt(r.scale.services)} Services, ${r.scale.namespaces} namespaces, ${r.nodes} nodes`, '');
  lines.push(`Runs ending ${r.date.slice(0, 16).replace('T', ' ')} UTC (one phase at a time; \`--phases\`); ${r.scale.breakages} injected breakages. Results: \`bench/out/peers-results-*.json\`.`, '');
  lines.push('### Coverage: injected breakages reported (instances reported / injected)', '');
  lines.push(`| breakage | ${columns.join(' | ')} |`, `|---|${columns.map(() => '---').join('|')}|`);
  for (const [type, label] of Object.entries(r.breakageTypes)) {
    const cells = columns.map((_, i) => {
      const c = scoredOf(i).coverage[type];
      return c ? `${c.reported === c.of ? '**' : ''}${c.reported}/${c.of}${c.reported === c.of ? '**' : ''}` : '-';
    });
    lines.push(`| ${label} | ${cells.join(' | ')} |`);
  }
  lines.push(`| **types reported** | ${columns.map((_, i) => `${scoredOf(i).breakageTypesReported}/${Object.keys(r.breakageTypes).length}`).join(' | ')} |`);
  lines.push(`| noise: healthy objects with a finding (findings) | ${columns.map((_, i) => `${fmt(scoredOf(i).noiseObjects)} (${fmt(scoredOf(i).noiseFindings)})`).join(' | ')} |`);
  lines.push(`| findings outside the scenario (nodes, kube-system, cluster) | ${columns.map((_, i) => fmt(scoredOf(i).findingsOutsideScenario)).join(' | ')} |`);
  lines.push('');
  lines.push('Most frequent noise per tool (object names elided):', '');
  for (let i = 0; i < columns.length; i += 1) {
    const top = scoredOf(i).noiseTop.slice(0, 4);
    lines.push(`- ${columns[i]}: ${top.length ? top.map((t) => `${fmt(t.n)}x "${t.text.replace(/\|/g, '\\|')}"`).join('; ') : 'none'}`);
  }
  for (const t of allTools.filter((name) => !finished(r.oneShot[name]!))) {
    const o = r.oneShot[t]!;
    lines.push('', `${o.name} has no column: its run ${o.limit} (after ${o.wallSeconds} s, peak RSS ${fmt(Math.round(o.peakRssMiB))} MiB), so it reported nothing.`);
  }
  lines.push('', `Where each tool is ahead, one-shot (among the tools that finished): ${aheadOf(r)}.`);
  lines.push('', '### Time, API-server load and memory (one-shot: one complete analysis)', '');
  lines.push('| tool | wall time | API requests (audit log) | bytes served | peak RSS |', '|---|---|---|---|---|');
  lines.push(`| bare LIST of the kinds the operator reads (reference) | ${r.bareList.seconds} s | ${fmt(r.bareList.requests.total)} | ${mib(r.bareList.bytes)} MiB | - |`);
  for (const t of allTools) {
    const o = r.oneShot[t]!;
    const wall = finished(o) ? `${o.wallSeconds} s` : `${o.limit}: stopped after ${o.wallSeconds} s`;
    lines.push(`| ${o.name} | ${wall} | ${fmt(o.requests.total)} (${Object.entries(o.requests.byVerb).map(([v, n]) => `${v} ${fmt(n)}`).join(', ')}) | ${finished(o) ? `${mib(o.bytes)} MiB` : '- (stopped: not comparable)'} | ${o.peakRssMiB} MiB |`);
  }
  const c = r.controller;
  if (c) {
    lines.push(`| healthreport run (controller, leader election ${c.controllerConfig.leaderElection.enabled ? 'on' : 'off'}): start to complete first reports | ${c.firstReports.seconds ?? 'timeout'} s (${c.firstReports.ratio ?? '-'}x the bare LIST of ${c.firstReports.bareListSeconds} s) | ${fmt(c.firstReports.auditedRequests?.total ?? NaN)} | - | ${c.memory.peakRssMb} MB |`);
  }
  lines.push('', '### Change to report, and cost at rest (per hour)', '');
  lines.push('| tool | change -> report | requests / hour at rest | bytes / hour at rest |', '|---|---|---|---|');
  if (c) {
    lines.push(`| healthreport run (watch) | p50 ${c.changeLatency.p50Ms} ms, p99 ${c.changeLatency.p99Ms} ms (${c.changeLatency.changes} changes, ${c.changeLatency.timedOut} timed out) | ${fmt(c.atRest.auditedRequestsPerHour ?? NaN)} (${Object.entries(c.atRest.auditedRequestsPerHourByVerb ?? {}).map(([v, n]) => `${v} ${fmt(n)}`).join(', ')}) over ${c.atRest.windowSeconds} s | ${mib(c.atRest.bytesServedPerHour ?? NaN)} MiB |`);
  }
  for (const [t, l] of Object.entries(r.loop ?? {})) {
    const o = r.oneShot[t]!;
    const runsPerHour = 3600 / Math.max(l.periodSeconds, median(l.runSeconds));
    const latency = l.derived
      ? `${l.derived.fromSeconds}-${l.derived.toSeconds} s (derived from the ${l.derived.fromSeconds} s run: runs go back to back; not looped)`
      : `${l.latenciesSeconds.map((s) => `${s} s`).join(', ')} (runs took ${median(l.runSeconds)} s)`;
    lines.push(`| ${o.name} in a ${l.periodSeconds} s loop (as k8sgpt-operator runs k8sgpt) | ${latency} | ${fmt(Math.round(o.requests.total * runsPerHour))} (${Math.round(runsPerHour)} runs) | ${mib(o.bytes * runsPerHour)} MiB |`);
  }
  return lines.join('\n');
}

const files = ['full', 'large'].map((s) => join(OUT, `peers-results-${s}.json`)).filter(existsSync);
if (!files.length) throw new Error('no bench/out/peers-results-*.json: run npm run bench:peers first');
const results = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as Results);
const first = results[0]!;
const doc = `# Benchmarks: healthreport, k8sgpt and Popeye side by side

Generated by \`npm run bench:peers\` (bench/peers/) from \`bench/out/peers-results-*.json\`; do not edit by hand.

One local control plane (bench/controller-cluster.sh: kube-apiserver, etcd, controller-manager and
scheduler built from the Kubernetes Go modules, kwok nodes and pods), with the audit log on. Each tool
talks to it as its own user (a client certificate per tool), so the API server's audit log counts
its requests. Bytes served: the delta of the API server's \`apiserver_response_sizes_sum\` (all verbs
but WATCH) while the tool runs alone, minus the idle rate measured just before; watch bytes are left
out of that sum because the cluster's own controllers and kwok receive most of them, and the
controller's are counted instead as its watch events times the API server's mean event size of each
resource (\`apiserver_watch_events_sizes\`).
Peak RSS from \`/usr/bin/time\` (the controller: VmHWM). Machine: ${first.machine.cpus} cores, shared;
Node.js ${first.machine.node}; k8sgpt ${first.versions.K8SGPT_VERSION ?? '?'} (no AI backend, \`analyze -o json\` with every
analyzer that applies), Popeye ${first.versions.POPEYE_VERSION ?? '?'} (\`-A -o json\`), both built from their Go modules.

The scenario: the controller benchmark's Deployments and Services (3 % of the Deployments crash-looping,
failing image pulls or never ready through kwok; 1 % of the Services selecting nothing) plus, in four
namespaces of their own, one of each further breakage next to a healthy look-alike of the same kind.
A tool reports a breakage when one of its findings (warning or above; every k8sgpt result counts)
names the broken object, or its pods/ReplicaSets/Jobs. Noise: findings on objects of the scenario
that carry no breakage.

${results.map((r) => section(r, r.scale.pods > 20_000 ? 'Large' : 'Default scale')).join('\n\n')}
`;
writeFileSync(join(ROOT, 'docs', 'benchmarks.md'), doc);
console.log(`wrote docs/benchmarks.md from ${files.join(', ')}`);
