// `healthreport` as a child process, the way a user or a container runtime starts it, with its JSON
// logs (pino, on stderr) collected for assertions.
import { spawn, type SpawnOptions } from 'node:child_process';
import type { Readable } from 'node:stream';
import { waitFor } from './kube.js';

export interface OperatorProcess {
  /** Parsed log lines so far (a line that is not JSON becomes {msg: line}). */
  readonly logs: Record<string, unknown>[];
  /** Resolves to the exit code, or the signal's name when a signal ended it. */
  readonly exited: Promise<number | string | null>;
  /** The first log entry with this msg (waits for it; fails when the process exits first). */
  waitForLog(msg: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** The last stderr output, for failure messages. */
  tail(): string;
  kill(signal: NodeJS.Signals): void;
}

/**
 * Collects a process's JSON log lines (pino writes one object per line) as they arrive: a line that
 * is not JSON becomes {msg: line}; `tail` is the last 4,000 characters, for failure messages.
 */
export function collectJsonLogs(stream: Readable): { logs: Record<string, unknown>[]; tail: () => string } {
  const logs: Record<string, unknown>[] = [];
  let pending = '';
  let tail = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    tail = (tail + chunk).slice(-4000);
    pending += chunk;
    let nl = pending.indexOf('\n');
    while (nl >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        logs.push({ msg: line });
      }
      nl = pending.indexOf('\n');
    }
  });
  return { logs, tail: () => tail };
}

export function startOperatorProcess(command: string, args: readonly string[], options: SpawnOptions = {}): OperatorProcess {
  const child = spawn(command, [...args], { ...options, stdio: ['ignore', 'ignore', 'pipe'] });
  const { logs, tail } = collectJsonLogs(child.stderr!);
  const exited = new Promise<number | string | null>((done) => child.once('exit', (code, signal) => done(code ?? signal)));
  return {
    logs,
    exited,
    tail,
    kill: (signal) => child.kill(signal),
    waitForLog: (msg, timeoutMs = 60_000) =>
      waitFor(`the log "${msg}"`, async () => {
        const entry = logs.find((l) => l.msg === msg);
        if (entry) return entry;
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the process exited ${child.exitCode ?? child.signalCode}: ${tail()}`);
        return undefined;
      }, { timeoutMs, intervalMs: 100 }),
  };
}
