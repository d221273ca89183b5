// The monitoring path end to end, with the real programs: `healthreport run` on the local control
// plane, Prometheus scraping it with the chart's rules (rendered by helm with short `for` values),
// Alertmanager with the documented Slack configuration (deploy/alertmanager/alertmanager.yaml, its
// api_url pointed at a webhook stand-in and its intervals shortened). Something real breaks (a
// crash-looping Deployment behind a Service, and a Service selecting nothing): Slack gets one message
// per root cause, none for the finding the crash loop explains; the fix brings a resolved message.
// Then every Grafana dashboard query, variables substituted, must return data from that Prometheus.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { dump, load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadDashboard, panelQueries } from '../dashboards/dashboard-queries.js';
import { helmTemplate } from '../helpers/helm-chart.js';
import { ensureMonitoringTools } from '../helpers/monitoring-tools.js';
import { writeTempFile } from '../helpers/temp-files.js';
import { applyProjectCrds, kube, repoRoot, tempNamespace, waitFor, type Kube } from './kube.js';
import {
  promQuery,
  samples,
  startAlertmanager,
  startPrometheus,
  startSlackWebhook,
  startTcpRelay,
  type ManagedProcess,
  type SlackMessage,
  type SlackWebhook,
  type TcpRelay,
} from './monitoring-stack.js';
import { controllerConfig, startChild, type ChildController } from './reliability-helpers.js';

const SCRAPE_SECONDS = 1;
/** Short `for` values through the chart's values, so that the path takes seconds, not minutes. */
const FOR = { criticalFor: '5s', warningFor: '10s', operatorDownFor: '10s' };
const GROUP = { group_wait: '1s', group_interval: '2s', repeat_interval: '1h' };

let k: Kube;
let ns: { name: string; remove: () => Promise<void> };
let relay: TcpRelay | undefined;
let controller: ChildController | undefined;
let slack: SlackWebhook | undefined;
let alertmanager: ManagedProcess | undefined;
let prometheus: ManagedProcess | undefined;
let renderedBy = '';
let startedAt = 0;
const timings: Record<string, number> = {};

const log = (text: string): void => void process.stdout.write(`[alerts-dashboard] ${text}\n`);

beforeAll(async () => {
  ensureMonitoringTools();
  k = kube();
  await applyProjectCrds(k);
  ns = await tempNamespace(k, 'e2e-alerts');

  // The operator reaches the API server through a relay, so that the test can drop its connections.
  const server = new URL(k.kc.getCurrentCluster()!.server);
  relay = await startTcpRelay(server.hostname, Number(server.port));
  const kubeconfig = load(readFileSync(inject('kubeconfig'), 'utf8')) as { clusters: { cluster: { server: string } }[] };
  for (const cluster of kubeconfig.clusters) cluster.cluster.server = `https://127.0.0.1:${relay.port}`;
  const relayedKubeconfig = writeTempFile('healthreport-alerts-kubeconfig-', 'kubeconfig', dump(kubeconfig));

  const config = controllerConfig(dump({
    namespaces: [ns.name],
    operatorNamespace: ns.name,
    // As the chart runs it: leader election on (a Lease in the operator's namespace).
    leaderElection: { enabled: true, leaseName: 'healthreport-alerts-e2e' },
    analysis: { thresholds: { serviceNoReadyEndpointsAfter: '0s', podNotReadyAfter: '0s' } },
  }));
  controller = await startChild(relayedKubeconfig, config);
  await controller.waitReady();

  const rendered = helmTemplate({ prometheusRule: { enabled: true, ...FOR } }, ['templates/prometheusrule.yaml']);
  renderedBy = `helm template (${rendered.chart}) with prometheusRule ${JSON.stringify(FOR)}`;
  const rules = { groups: (rendered.documents[0] as { spec: { groups: unknown[] } }).spec.groups };

  slack = await startSlackWebhook();
  const amConfig = load(readFileSync(resolve(repoRoot, 'deploy/alertmanager/alertmanager.yaml'), 'utf8')) as {
    route: Record<string, unknown>;
    receivers: { slack_configs: { api_url: string }[] }[];
  };
  Object.assign(amConfig.route, GROUP);
  for (const receiver of amConfig.receivers) for (const slackConfig of receiver.slack_configs) slackConfig.api_url = slack.url;
  alertmanager = await startAlertmanager(amConfig);
  prometheus = await startPrometheus({ scrapeTarget: new URL(controller.metricsUrl).host, rules, alertmanager: alertmanager.url, intervalSeconds: SCRAPE_SECONDS });
  startedAt = Date.now();
  await waitFor('Prometheus to scrape the operator', async () => {
    const up = await promQuery(prometheus!.url, 'up{job="healthreport-operator"} == 1');
    return up.length ? true : undefined;
  }, { timeoutMs: 30_000, intervalMs: 250 });
  log(`rules: ${renderedBy}; operator pid ${controller.child.pid}, prometheus pid ${prometheus.pid}, alertmanager pid ${alertmanager.pid}`);
}, 20 * 60_000);

afterAll(async () => {
  log(`timings (ms): ${JSON.stringify(timings)}`);
  await prometheus?.stop();
  await alertmanager?.stop();
  await slack?.close();
  if (controller) expect(await controller.kill('SIGTERM')).toBe(0);
  await relay?.close();
  await ns?.remove();
});

const attachment = (m: SlackMessage) => m.body.attachments?.[0] ?? {};
const isAbout = (m: SlackMessage, subject: string, status: 'firing' | 'resolved') => {
  const title = attachment(m).title ?? '';
  return title.includes(subject) && title.includes(`(${status})`);
};
const messagesAbout = (subject: string, status: 'firing' | 'resolved') => slack!.messages.filter((m) => isAbout(m, subject, status));

function crashingTemplate(crash: boolean) {
  return {
    metadata: { labels: { app: 'payments' }, ...(crash ? { annotations: { 'e2e.sre.otomi.io/scenario': 'crashloop' } } : {}) },
    spec: { containers: [{ name: 'app', image: 'registry.example.com/shop/payments:2.0.1', ports: [{ containerPort: 8080 }] }] },
  };
}

describe('alerts to Slack through Prometheus and Alertmanager', () => {
  const payments = () => `Deployment ${ns.name}/payments`;
  const ledger = () => `Service ${ns.name}/ledger`;

  it('a watch dropped by the network is restarted and counted (the dashboard shows it)', async () => {
    // Twice, a few scrapes apart: the first creates the counter's series, the second is an increase.
    for (const round of [1, 2]) {
      const before = (await controller!.metric('healthreport_watch_restarts_total')) ?? 0;
      const cut = relay!.cut();
      expect(cut).toBeGreaterThan(0);
      await waitFor(`watch restarts after cut ${round}`, async () => (((await controller!.metric('healthreport_watch_restarts_total')) ?? 0) > before ? true : undefined), { timeoutMs: 30_000, intervalMs: 200 });
      await controller!.waitReady();
      await new Promise((r) => setTimeout(r, 5 * SCRAPE_SECONDS * 1000));
    }
  });

  it('one message per root cause, with the check, the subject and the runbook link; none for the dependent finding', async () => {
    const brokeAt = Date.now();
    await k.apps.createNamespacedDeployment({
      namespace: ns.name,
      body: { metadata: { name: 'payments' }, spec: { replicas: 2, selector: { matchLabels: { app: 'payments' } }, template: crashingTemplate(true) } },
    });
    // The Service in front of the crashing pods has no ready endpoints: a finding the crash loop explains.
    await k.core.createNamespacedService({
      namespace: ns.name,
      body: { metadata: { name: 'payments' }, spec: { selector: { app: 'payments' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } },
    });
    await k.core.createNamespacedService({
      namespace: ns.name,
      body: { metadata: { name: 'ledger' }, spec: { selector: { app: 'ledger' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } },
    });

    await waitFor('the dependent finding in Prometheus (root="false")', async () => {
      const dependent = await promQuery(prometheus!.url, `healthreport_finding{namespace="${ns.name}", subject_kind="Service", subject_name="payments", root="false"}`);
      return dependent.length ? true : undefined;
    }, { timeoutMs: 60_000, intervalMs: 500 });
    timings.dependentFindingScraped = Date.now() - brokeAt;

    const firing = await waitFor('a firing Slack message for each root cause', async () => {
      const got = [messagesAbout(payments(), 'firing'), messagesAbout(ledger(), 'firing')];
      return got.every((list) => list.length > 0) ? got : undefined;
    }, { timeoutMs: 90_000, intervalMs: 200 });
    timings.breakToFiringDeployment = firing[0]![0]!.receivedAt - brokeAt;
    timings.breakToFiringService = firing[1]![0]!.receivedAt - brokeAt;

    // Long enough for any duplicate or any message for the dependent finding to arrive: several group
    // intervals and more than the dependent finding's own `for`.
    await new Promise((r) => setTimeout(r, 15_000));
    const inNamespace = slack!.messages.filter((m) => (attachment(m).title ?? '').includes(`${ns.name}/`));
    log(`Slack messages so far:\n${slack!.messages.map((m) => `  +${m.receivedAt - brokeAt}ms ${attachment(m).title}`).join('\n')}`);
    expect(messagesAbout(payments(), 'firing')).toHaveLength(1);
    expect(messagesAbout(ledger(), 'firing')).toHaveLength(1);
    expect(inNamespace.filter((m) => (attachment(m).title ?? '').includes('(firing)'))).toHaveLength(2);
    // Nothing about the Service in front of the crashing pods: its finding is explained (root="false").
    expect(slack!.messages.some((m) => JSON.stringify(m.body).includes(`Service ${ns.name}/payments`))).toBe(false);
    expect(slack!.messages.some((m) => JSON.stringify(m.body).includes('ServiceNoReadyEndpoints'))).toBe(false);

    for (const [message, check] of [[firing[0]![0]!, 'PodCrashLooping'], [firing[1]![0]!, 'ServiceSelectorMatchesNothing']] as const) {
      const { title, title_link, text } = attachment(message);
      expect(title).toContain('HealthReportCritical');
      expect(title_link).toBe(`https://example.com/healthreport-operator/docs/checks.md#${check.toLowerCase()}`);
      expect(text).toContain(`*${check} on `);
      expect(text).toContain(`Runbook: <${title_link}|${check}>`);
      expect(message.body.channel).toBe('#cluster-health');
    }
  });

  it('every dashboard query returns data from that Prometheus', async () => {
    const dashboard = loadDashboard();
    const queries = panelQueries(dashboard, `${15 * SCRAPE_SECONDS}s`);
    const end = Date.now();
    const empty: string[] = [];
    for (const query of queries) {
      const result = await promQuery(prometheus!.url, query.expr, query.instant ? undefined : { start: startedAt, end, step: SCRAPE_SECONDS });
      const values = samples(result);
      log(`panel "${query.panel}" ${query.refId}: ${result.length} series, ${values.length} samples${values.length ? `, max ${Math.max(...values)}` : ''}`);
      if (values.length === 0) empty.push(`${query.panel} (${query.refId}): ${query.expr}`);
      if (query.panel === 'Watch restarts' && values.length) expect(Math.max(...values), 'watch restarts counted after the cut').toBeGreaterThan(0);
      if (query.panel === 'Root-cause findings') {
        const subjects = result.map((s) => `${s.metric.subject_kind}/${s.metric.subject_name}/${s.metric.check}`).sort();
        expect(subjects).toEqual(expect.arrayContaining(['Deployment/payments/PodCrashLooping', 'Service/ledger/ServiceSelectorMatchesNothing']));
        expect(subjects).not.toContain('Service/payments/ServiceNoReadyEndpoints');
      }
    }
    expect(empty, 'dashboard queries that returned no data').toEqual([]);
  });

  it('the fix brings one resolved message per root cause', async () => {
    const fixedAt = Date.now();
    await k.apps.replaceNamespacedDeployment({
      name: 'payments',
      namespace: ns.name,
      body: { metadata: { name: 'payments' }, spec: { replicas: 2, selector: { matchLabels: { app: 'payments' } }, template: crashingTemplate(false) } },
    });
    // The ledger Service's pods are deployed.
    await k.apps.createNamespacedDeployment({
      namespace: ns.name,
      body: {
        metadata: { name: 'ledger' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'ledger' } },
          template: { metadata: { labels: { app: 'ledger' } }, spec: { containers: [{ name: 'app', image: 'registry.example.com/shop/ledger:1.0.0', ports: [{ containerPort: 8080 }] }] } },
        },
      },
    });
    const resolved = await waitFor('a resolved Slack message for each root cause', async () => {
      const got = [messagesAbout(payments(), 'resolved'), messagesAbout(ledger(), 'resolved')];
      return got.every((list) => list.length > 0) ? got : undefined;
    }, { timeoutMs: 120_000, intervalMs: 200 });
    timings.fixToResolvedDeployment = resolved[0]![0]!.receivedAt - fixedAt;
    timings.fixToResolvedService = resolved[1]![0]!.receivedAt - fixedAt;
    await new Promise((r) => setTimeout(r, 5_000));
    expect(messagesAbout(payments(), 'resolved')).toHaveLength(1);
    expect(messagesAbout(ledger(), 'resolved')).toHaveLength(1);
    expect(attachment(resolved[0]![0]!).text).toContain('(resolved)');
    log(`all Slack messages:\n${slack!.messages.map((m) => `  ${new Date(m.receivedAt).toISOString()} ${attachment(m).title} | ${attachment(m).text?.split('\n')[0]}`).join('\n')}`);
    // Nothing else fired about the operator itself (no leader, forbidden kinds, write errors ...).
    expect(slack!.messages.filter((m) => (attachment(m).title ?? '').includes('HealthReportOperator'))).toEqual([]);
  });
});
