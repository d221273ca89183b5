// What the API server itself says each tool cost it: requests from its audit log (one line per
// request and stage, users of the group bench:tools only; see audit-policy.yaml) and bytes served
// from its own metrics: apiserver_response_sizes (but watches) as a delta over a window minus the
// idle rate measured just before, and for a watching tool its watch events times the server's mean
// event size of each resource (apiserver_watch_events_sizes).
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { KubeGetter } from '../../src/kube/http.js';

export interface RequestCount {
  readonly total: number;
  readonly byVerb: Record<string, number>;
}

/** Reads the audit log from a byte offset on; `mark()` remembers where a window starts. */
export class AuditLog {
  constructor(private readonly path: string) {}

  mark(): number {
    try {
      return statSync(this.path).size;
    } catch {
      return 0;
    }
  }

  /** Requests of `user` logged since `offset` (a watch logs two stages: counted once, by auditID). */
  requestsSince(offset: number, user: string): RequestCount {
    const end = this.mark();
    if (end <= offset) return { total: 0, byVerb: {} };
    const fd = openSync(this.path, 'r');
    const buffer = Buffer.alloc(end - offset);
    try {
      readSync(fd, buffer, 0, buffer.length, offset);
    } finally {
      closeSync(fd);
    }
    const seen = new Set<string>();
    const byVerb: Record<string, number> = {};
    for (const line of buffer.toString('utf8').split('\n')) {
      if (!line.includes(`"username":"${user}"`)) continue;
      const event = JSON.parse(line) as { auditID: string; verb: string; user: { username: string } };
      if (event.user.username !== user || seen.has(event.auditID)) continue;
      seen.add(event.auditID);
      byVerb[event.verb] = (byVerb[event.verb] ?? 0) + 1;
    }
    return { total: seen.size, byVerb };
  }
}

/**
 * The API server's bytes served so far in answers to requests other than watches: the sum of its
 * apiserver_response_sizes histogram without verb WATCH. Watch bytes are left out because most of
 * them, on this cluster, go to the controller-manager, scheduler and kwok (every status change of a
 * crash-looping pod, to each of them), which would drown a one-shot tool's LISTs; a watching tool's
 * share is counted from its own watch events (watchBytes).
 */
export async function bytesServed(admin: KubeGetter): Promise<number> {
  const text = await admin.getText('/metrics');
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('apiserver_response_sizes_sum{') && !line.includes('verb="WATCH"')) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/** The API server's mean watch event size per resource (`group/resource`, '' for the core group), from apiserver_watch_events_sizes. */
export async function watchEventMeanSizes(admin: KubeGetter): Promise<Map<string, number>> {
  const text = await admin.getText('/metrics');
  const sums = new Map<string, number>();
  const counts = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^apiserver_watch_events_sizes_(sum|count)\{(.*)\} (\S+)$/.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries([...match[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const key = `${labels.group ?? ''}/${labels.resource ?? ''}`;
    (match[1] === 'sum' ? sums : counts).set(key, Number(match[3]));
  }
  return new Map([...sums].map(([key, sum]) => [key, sum / Math.max(1, counts.get(key) ?? 0)]));
}

/** Bytes per second the API server serves with no benchmarked tool running (kwok's crash loops, controllers). */
export async function idleByteRate(admin: KubeGetter, seconds: number): Promise<number> {
  const b0 = await bytesServed(admin);
  const t0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const b1 = await bytesServed(admin);
  return (b1 - b0) / ((performance.now() - t0) / 1000);
}

/** Measures `work` alone: its wall time, and the bytes served meanwhile minus the idle rate. */
export async function measureBytes<T>(admin: KubeGetter, idleRate: number, work: () => Promise<T>): Promise<{ result: T; bytes: number; seconds: number }> {
  const b0 = await bytesServed(admin);
  const t0 = performance.now();
  const result = await work();
  const seconds = (performance.now() - t0) / 1000;
  const b1 = await bytesServed(admin);
  return { result, bytes: Math.max(0, b1 - b0 - idleRate * seconds), seconds };
}
