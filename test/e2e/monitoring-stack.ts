// Real Prometheus and Alertmanager (Debian's prometheus and prometheus-alertmanager) for the e2e
// alert path, each a child process on a loopback port chosen at run time with its storage in a temp
// directory, stopped by PID; a Slack webhook stand-in (an HTTP server that records what Alertmanager
// posts, as Slack's incoming webhook would receive it); and a TCP relay in front of the API server
// whose connections the test can cut, as a network fault would.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { waitFor } from './kube.js';
import { freePort } from '../helpers/free-port.js';

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly url: string;
  /** The last lines of its output, for failure messages. */
  output(): string;
  /** SIGTERM by PID, SIGKILL after 10 s; resolves when it has exited. Removes its directory. */
  stop(): Promise<void>;
}

async function startProcess(name: string, command: string, args: (port: number, dir: string) => string[], files: Record<string, string>): Promise<ManagedProcess> {
  const dir = mkdtempSync(join(tmpdir(), `healthreport-${name}-`));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  const port = await freePort();
  const child: ChildProcess = spawn(command, args(port, dir), { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-6000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let done = false;
  void exited.then(() => (done = true));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (!done && child.pid !== undefined) {
      process.kill(child.pid, 'SIGTERM');
      const timer = setTimeout(() => !done && child.pid !== undefined && process.kill(child.pid, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(`${name} to be ready on ${url}`, async () => {
      if (done) throw new Error(`${name} exited: ${tail}`);
      const res = await fetch(`${url}/-/ready`);
      return res.ok ? true : undefined;
    }, { timeoutMs: 30_000, intervalMs: 200 });
  } catch (error) {
    await stop();
    throw error;
  }
  return { name, pid: child.pid!, url, output: () => tail, stop };
}

export interface PrometheusOptions {
  readonly scrapeTarget: string;
  readonly rules: unknown;
  readonly alertmanager: string;
  readonly intervalSeconds: number;
}

/** Prometheus scraping one target, with the rule groups loaded and alerts sent to one Alertmanager. */
export function startPrometheus(options: PrometheusOptions): Promise<ManagedProcess> {
  const interval = `${options.intervalSeconds}s`;
  const config = {
    global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval },
    rule_files: ['rules.yaml'],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [options.alertmanager.replace(/^http:\/\//, '')] }] }] },
    scrape_configs: [{ job_name: 'healthreport-operator', static_configs: [{ targets: [options.scrapeTarget] }] }],
  };
  return startProcess(
    'prometheus',
    'prometheus',
    (port, dir) => [
      `--config.file=${join(dir, 'prometheus.yaml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { 'prometheus.yaml': dump(config), 'rules.yaml': dump(options.rules) },
  );
}

/** Alertmanager with the given configuration; `--cluster.listen-address=` keeps it off any cluster port. */
export function startAlertmanager(config: unknown): Promise<ManagedProcess> {
  return startProcess(
    'alertmanager',
    'prometheus-alertmanager',
    (port, dir) => [
      `--config.file=${join(dir, 'alertmanager.yaml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { 'alertmanager.yaml': dump(config) },
  );
}

/** What Slack's incoming webhook receives from Alertmanager's slack_configs. */
export interface SlackMessage {
  readonly receivedAt: number;
  readonly body: {
    channel?: string;
    attachments?: { title?: string; title_link?: string; text?: string; color?: string; fallback?: string }[];
  };
}

export interface SlackWebhook {
  readonly url: string;
  readonly messages: SlackMessage[];
  close(): Promise<void>;
}

export async function startSlackWebhook(): Promise<SlackWebhook> {
  const messages: SlackMessage[] = [];
  const server: Server = createHttpServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      try {
        messages.push({ receivedAt: Date.now(), body: JSON.parse(body) as SlackMessage['body'] });
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      } catch {
        res.writeHead(400).end('invalid_payload');
      }
    });
  });
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
  return {
    url: `http://127.0.0.1:${port}/services/T000/B000/XXXX`,
    messages,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface TcpRelay {
  readonly port: number;
  /** Destroys every open connection (both ends), as a dropped network path would. */
  cut(): number;
  close(): Promise<void>;
}

/** A TCP relay to host:port (TLS passes through untouched). */
export async function startTcpRelay(host: string, port: number): Promise<TcpRelay> {
  const open = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = createConnection({ host, port });
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const relayPort = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
  return {
    port: relayPort,
    cut: () => {
      const count = open.size;
      for (const socket of open) socket.destroy();
      return count;
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface PromSeries {
  readonly metric: Record<string, string>;
  readonly value?: [number, string];
  readonly values?: [number, string][];
}

/** A PromQL query through Prometheus' HTTP API: instant at now, or a range with a step. */
export async function promQuery(prometheus: string, expr: string, range?: { start: number; end: number; step: number }): Promise<PromSeries[]> {
  const params = new URLSearchParams({ query: expr });
  if (range) {
    params.set('start', String(range.start / 1000));
    params.set('end', String(range.end / 1000));
    params.set('step', String(range.step));
  }
  const res = await fetch(`${prometheus}/api/v1/${range ? 'query_range' : 'query'}?${params}`);
  const json = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: PromSeries[] } };
  if (json.status !== 'success') throw new Error(`PromQL ${expr}: ${json.error ?? res.status}`);
  return json.data?.result ?? [];
}

/** The numeric, non-NaN samples of a query result. */
export const samples = (series: readonly PromSeries[]): number[] =>
  series.flatMap((s) => (s.values ?? (s.value ? [s.value] : [])).map(([, v]) => Number(v))).filter((v) => !Number.isNaN(v));
