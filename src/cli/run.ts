// `healthreport run`: the controller. Composition root: config -> logger -> metrics -> kube ->
// manager -> HTTP servers -> leader election; SIGTERM/SIGINT -> graceful stop.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { loadControllerConfig } from '../config/controller.js';
import type { ControllerConfig, ControllerEnvironment } from '../config/controller.js';
import { chooseLeaderElection, operatorNamespaceOrigin, runsInPod } from '../config/placement.js';
import { HeapBudget } from '../controller/heap-budget.js';
import { LeaderElector, kubernetesLeaseClient } from '../controller/leader.js';
import { Manager } from '../controller/manager.js';
import { loadConnection } from '../kube/connection.js';
import { KubeRequestError, kubeGetter } from '../kube/http.js';
import type { KubeGetter } from '../kube/http.js';
import { createHttpServers } from '../server/http.js';
import { createMetrics } from '../server/metrics.js';
import type { CliIO } from './io.js';
import { EXIT, UsageError } from './io.js';
import { VERSION } from './version.js';

export const RUN_USAGE = `Usage: healthreport run [options]

Runs the controller: watches the cluster, writes HealthReports, serves metrics and health probes.

Options:
      --config FILE          controller configuration (YAML or JSON; every field has a default)
      --kubeconfig FILE      kubeconfig (default: in-cluster, else $KUBECONFIG or ~/.kube/config)
      --context NAME         kubeconfig context
      --metrics-port N       /metrics port (default 8080, or the config's server.metricsPort)
      --health-port N        /healthz and /readyz port (default 8081)
      --leader-elect[=BOOL]  elect a leader through a Lease in the operator namespace (default:
                             the config's leaderElection.enabled, else on in a pod, off elsewhere)
      --namespace NS         watch only this namespace (repeatable; default all)
      --log-level LEVEL      trace|debug|info|warn|error (default info)
  -h, --help                 this help
`;

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

function portOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--${name} must be a port number; got ${JSON.stringify(value)}`);
  return port;
}

export interface RunOptions {
  /** Resolves when the controller should stop (signals); tests pass their own. */
  readonly stopSignal?: Promise<string>;
  readonly onStarted?: (info: { metricsPort: number; healthPort: number; manager: Manager }) => void;
}

/**
 * `--leader-elect` alone means true, as for controller-runtime's managers (a Go bool flag); parseArgs
 * only knows options that always take a value, so the bare flag is spelled out before parsing.
 */
export function normalizeLeaderElectFlag(argv: readonly string[]): string[] {
  return argv.map((arg, i) => (arg === '--leader-elect' && !['true', 'false'].includes(argv[i + 1] ?? '') ? '--leader-elect=true' : arg));
}

/**
 * The operator namespace must exist: reports on cluster-scoped subjects and the leader Lease live
 * there, and writing into a missing one would only fail again at every retry. A 403 (RBAC without
 * `get` on namespaces) cannot tell, so start-up goes on.
 */
async function checkOperatorNamespace(api: KubeGetter, namespace: string, origin: string, log: Logger): Promise<void> {
  try {
    await api.getJson(`/api/v1/namespaces/${encodeURIComponent(namespace)}`);
  } catch (error) {
    if (error instanceof KubeRequestError && error.status === 404) {
      throw new Error(
        `the operator namespace "${namespace}" (${origin}) does not exist; it holds the reports on cluster-scoped subjects (nodes, the cluster) and the leader election Lease. ` +
          `Create it (kubectl create namespace ${namespace}) or name an existing one: operatorNamespace in --config, $POD_NAMESPACE, or the kubeconfig context's namespace`,
      );
    }
    if (error instanceof KubeRequestError && error.status === 403) {
      log.warn({ namespace }, 'cannot check that the operator namespace exists (RBAC forbids get on namespaces): going on');
      return;
    }
    throw new Error(`cannot reach the cluster at ${api.server}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function signalPromise(): Promise<string> {
  return new Promise((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
}

/** The heap budget of `memory.heapBudgetMiB` (see controller/heap-budget.ts); undefined when 0. */
function heapBudget(config: ControllerConfig, log: Logger): HeapBudget | undefined {
  const { heapBudgetMiB, minCollectionInterval } = config.memory;
  if (heapBudgetMiB === 0) return undefined;
  return new HeapBudget({
    budgetBytes: heapBudgetMiB * 1024 * 1024,
    minIntervalMs: minCollectionInterval,
    onOverBudget: (live) =>
      log.warn({ liveMiB: Math.round(live / 1024 / 1024), heapBudgetMiB }, 'the live heap alone exceeds memory.heapBudgetMiB: collecting less often; raise the budget (and the memory limit) for a cluster this size'),
  });
}

export async function runCommand(argv: readonly string[], io: CliIO, options: RunOptions = {}): Promise<number> {
  const { values } = parseArgs({
    args: normalizeLeaderElectFlag(argv),
    options: {
      config: { type: 'string' },
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      'metrics-port': { type: 'string' },
      'health-port': { type: 'string' },
      'leader-elect': { type: 'string' },
      namespace: { type: 'string', multiple: true },
      'log-level': { type: 'string', default: 'info' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout(RUN_USAGE);
    return EXIT.ok;
  }
  const level = values['log-level'] ?? 'info';
  if (!LOG_LEVELS.includes(level)) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
  const leaderElect = values['leader-elect'];
  if (leaderElect !== undefined && !['true', 'false'].includes(leaderElect)) throw new UsageError('--leader-elect must be true or false');

  const metricsPort = portOption('metrics-port', values['metrics-port']);
  const healthPort = portOption('health-port', values['health-port']);

  const log = pino({ level, base: { component: 'healthreport-operator', version: VERSION } }, pino.destination({ dest: 2, sync: false }));
  let connection;
  try {
    connection = await loadConnection({ ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}), ...(values.context ? { context: values.context } : {}), env: io.env, log });
  } catch (error) {
    throw new Error(`cannot load the kubeconfig${values.kubeconfig ? ` ${values.kubeconfig}` : ''}: ${error instanceof Error ? error.message : String(error)}`);
  }
  // The connection's namespace is one of the operator namespace's defaults (config/placement.ts).
  const placement: ControllerEnvironment = {
    ...(io.env.POD_NAMESPACE ? { podNamespace: io.env.POD_NAMESPACE } : {}),
    ...(connection.namespace ? { contextNamespace: connection.namespace } : {}),
  };
  const loaded = await loadControllerConfig(values.config, placement);
  const election = chooseLeaderElection(leaderElect === undefined ? undefined : leaderElect === 'true', loaded.leaderElection.enabled, runsInPod(io.env));
  const config: ControllerConfig = {
    ...loaded,
    ...(values.namespace?.length ? { namespaces: values.namespace } : {}),
    server: { metricsPort: metricsPort ?? loaded.server.metricsPort, healthPort: healthPort ?? loaded.server.healthPort },
    leaderElection: { ...loaded.leaderElection, enabled: election.enabled },
  };
  const namespaceOrigin = operatorNamespaceOrigin(config.operatorNamespace, placement, connection.loader === 'in-cluster');

  const registry = new Registry();
  const metrics = createMetrics(registry, { version: VERSION });
  // Counts what the controller asks of the API server (the leader Lease, which has its own getter and counter, aside).
  const api = kubeGetter(connection, undefined, { onRequest: (verb) => metrics.apiRequests.inc({ verb }) });
  await checkOperatorNamespace(api, config.operatorNamespace, namespaceOrigin, log);
  const budget = heapBudget(config, log);
  const manager = new Manager({ api, config, metrics, log, ...(budget ? { heapCheck: () => budget.check() } : {}) });
  const servers = createHttpServers({ registry, metricsPort: config.server.metricsPort, healthPort: config.server.healthPort, readiness: () => manager.readiness() });
  const ports = await servers.start();
  // Also between passes: listing and watch traffic make garbage outside them.
  const heapTimer = budget ? setInterval(() => budget.check(), 250).unref() : undefined;
  log.info(
    { server: api.server, ...ports, namespaces: config.namespaces, operatorNamespace: config.operatorNamespace, operatorNamespaceFrom: namespaceOrigin, leaderElection: election.enabled, leaderElectionFrom: election.reason },
    'starting',
  );
  try {
    await manager.start();
  } catch (error) {
    clearInterval(heapTimer);
    await servers.stop();
    throw new Error(`cannot reach the cluster at ${api.server}: ${error instanceof Error ? error.message : String(error)}`);
  }

  let elector: LeaderElector | undefined;
  if (config.leaderElection.enabled) {
    const identity = `${io.env.POD_NAME ?? hostname()}-${randomBytes(4).toString('hex')}`;
    elector = new LeaderElector({
      identity,
      client: kubernetesLeaseClient(kubeGetter(connection, undefined, { onRequest: (verb) => metrics.leaderElectionRequests.inc({ verb }) }), config.operatorNamespace, config.leaderElection.leaseName),
      leaseDurationMs: config.leaderElection.leaseDuration,
      renewDeadlineMs: config.leaderElection.renewDeadline,
      retryPeriodMs: config.leaderElection.retryPeriod,
      onStartedLeading: () => {
        log.info({ identity }, 'became the leader: writing reports');
        manager.startLeading();
      },
      onStoppedLeading: () => {
        log.warn({ identity }, 'lost leadership: keeping caches warm, writing nothing');
        manager.stopLeading();
      },
      onNewLeader: (leader) => log.info({ leader }, 'another replica leads'),
      onError: (error) => {
        // The usual cause of a 404 here: the lease's namespace does not exist.
        if (error instanceof KubeRequestError && error.status === 404) log.error({ namespace: config.operatorNamespace }, 'leader election: the operator namespace does not exist; create it or set operatorNamespace / POD_NAMESPACE');
        else log.warn({ err: error instanceof Error ? error.message.split('\n')[0] : String(error) }, 'leader election failed: retrying');
      },
    });
    elector.start();
  } else {
    manager.startLeading();
  }
  options.onStarted?.({ ...ports, manager });

  const signal = await (options.stopSignal ?? signalPromise());
  log.info({ signal }, 'stopping: finishing in-flight writes');
  manager.stopLeading();
  await manager.stop();
  await elector?.stop();
  await servers.stop();
  clearInterval(heapTimer);
  log.info('stopped');
  log.flush();
  return EXIT.ok;
}
