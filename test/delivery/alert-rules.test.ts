// The alert rules: generated files are fresh, Prometheus' own tools accept them (promtool check
// rules), every alert has a promtool unit test that passes (and a wrong `for` makes it fail), the
// chart's template renders through the real helm to exactly the plain file's rules, and the runbook
// links point at anchors docs/checks.md has.
import { copyFileSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { load } from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../src/analyzers/catalogue.js';
import { checkAnchor } from '../../src/cli/checks.js';
import { ALERT_NAMES, DEFAULT_ALERT_SETTINGS, alertRuleGroups, escapeForHelm, renderHelmPrometheusRule, renderPlainRuleFile, type RuleGroup } from '../../src/delivery/alert-rules.js';
import { helmTemplate } from '../helpers/helm-chart.js';
import { ensureMonitoringTools, runTool } from '../helpers/monitoring-tools.js';
import { writeTempFile } from '../helpers/temp-files.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const plainFile = resolve(repoRoot, 'deploy/prometheus/healthreport-rules.yaml');
const helmFile = resolve(repoRoot, 'deploy/helm/healthreport-operator/templates/prometheusrule.yaml');
const promtoolTests = resolve(repoRoot, 'deploy/prometheus/healthreport-rules.test.yaml');

beforeAll(() => ensureMonitoringTools());

describe('generated rule files', () => {
  it('are what src/delivery/alert-rules.ts renders (run `npm run docs` after changing it or the catalogue)', () => {
    expect(readFileSync(plainFile, 'utf8')).toBe(renderPlainRuleFile());
    expect(readFileSync(helmFile, 'utf8')).toBe(renderHelmPrometheusRule());
  });

  it('link each check to its anchor in docs/checks.md, the lower-cased ID that the rules compute with toLower', () => {
    const docs = readFileSync(resolve(repoRoot, 'docs/checks.md'), 'utf8');
    for (const check of CATALOGUE) {
      expect(checkAnchor(check.id)).toBe(check.id.toLowerCase());
      expect(docs).toContain(`### ${check.id}\n`);
    }
    const critical = alertRuleGroups()[0]!.rules[0]!;
    expect(critical.annotations.runbook_url).toBe(`${DEFAULT_ALERT_SETTINGS.runbookBaseUrl}#{{ $labels.check | toLower }}`);
  });

  it('name every check of the catalogue in the description template', () => {
    const description = alertRuleGroups()[0]!.rules[0]!.annotations.description ?? '';
    for (const check of CATALOGUE) expect(description).toContain(`eq $labels.check "${check.id}" }} ${check.title}\n`);
  });

  it('escape Prometheus template actions for Helm as raw strings, and refuse what cannot be', () => {
    expect(escapeForHelm('a {{ $labels.x }} b {{- if eq $labels.y "z" }}')).toBe('a {{`{{ $labels.x }}`}} b {{`{{- if eq $labels.y "z" }}`}}');
    expect(() => escapeForHelm('{{ `x` }}')).toThrow(/backtick/);
  });
});

describe('promtool', { timeout: 120_000 }, () => {
  it('check rules accepts the plain rule file', () => {
    const run = runTool('promtool', ['check', 'rules', plainFile]);
    expect(run.output).toContain('SUCCESS: 8 rules found');
    expect(run.status).toBe(0);
  });

  it('test rules passes, with a unit test for every alert', () => {
    const tests = load(readFileSync(promtoolTests, 'utf8')) as { tests: { alert_rule_test: { alertname: string }[] }[] };
    const tested = new Set(tests.tests.flatMap((t) => t.alert_rule_test.map((a) => a.alertname)));
    expect([...tested].sort()).toEqual([...ALERT_NAMES].sort());
    const run = runTool('promtool', ['test', 'rules', promtoolTests]);
    expect(run.output).toContain('SUCCESS');
    expect(run.status).toBe(0);
  });

  it('test rules passes for every cross-cluster query of README "Many clusters"', () => {
    const readme = readFileSync(resolve(repoRoot, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Many clusters'), readme.indexOf('\n## ', readme.indexOf('## Many clusters') + 1));
    const queries = [...section.matchAll(/```promql\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.split('\n')).filter((line) => line.trim() && !line.startsWith('#'));
    expect(queries.length).toBeGreaterThanOrEqual(5);
    const file = resolve(repoRoot, 'deploy/prometheus/many-clusters.test.yaml');
    const tests = load(readFileSync(file, 'utf8')) as { tests: { promql_expr_test: { expr: string }[] }[] };
    const tested = new Set(tests.tests.flatMap((t) => t.promql_expr_test.map((e) => e.expr)));
    for (const query of queries) expect(tested.has(query), query).toBe(true);
    const run = runTool('promtool', ['test', 'rules', file]);
    expect(run.output).toContain('SUCCESS');
    expect(run.status).toBe(0);
  });

  it('test rules fails when a `for` is shorter than the documented one (the tests can fail)', () => {
    const dir = dirname(writeTempFile('healthreport-rules-', 'healthreport-rules.yaml', renderPlainRuleFile({ ...DEFAULT_ALERT_SETTINGS, criticalFor: '1m' })));
    copyFileSync(promtoolTests, join(dir, 'healthreport-rules.test.yaml'));
    const run = runTool('promtool', ['test', 'rules', join(dir, 'healthreport-rules.test.yaml')]);
    expect(run.status).not.toBe(0);
    expect(run.output).toContain('alertname: HealthReportCritical, time: 1m45s');
  });
});

describe('the chart\'s PrometheusRule, rendered by helm', () => {
  it('is off by default', { timeout: 15 * 60_000 }, () => {
    expect(helmTemplate({}, []).documents.filter((d) => d.kind === 'PrometheusRule')).toEqual([]);
  });

  it('carries the plain file\'s rules with the default values, and the values when set', { timeout: 15 * 60_000 }, () => {
    const defaults = helmTemplate({ prometheusRule: { enabled: true, additionalLabels: { release: 'kube-prometheus-stack' } } }, ['templates/prometheusrule.yaml']);
    const [rule] = defaults.documents;
    expect(rule).toMatchObject({ apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { namespace: 'healthreport-system', labels: { release: 'kube-prometheus-stack' } } });
    const groups = (rule as { spec: { groups: RuleGroup[] } }).spec.groups;
    expect(groups).toEqual((load(readFileSync(plainFile, 'utf8')) as { groups: RuleGroup[] }).groups);

    const settings = { criticalFor: '10s', warningFor: '20s', operatorDownFor: '30s', runbookBaseUrl: 'https://runbooks.example.com/checks' };
    const custom = helmTemplate({ prometheusRule: { enabled: true, ...settings }, serviceMonitor: { cluster: 'prod-eu' } }, ['templates/prometheusrule.yaml']);
    expect((custom.documents[0] as { spec: { groups: RuleGroup[] } }).spec.groups).toEqual(alertRuleGroups({ ...settings, operatorSelector: '{cluster="prod-eu"}' }));

    // And Prometheus accepts what the chart renders.
    const file = writeTempFile('healthreport-rendered-rules-', 'rules.yaml', JSON.stringify({ groups }));
    const run = runTool('promtool', ['check', 'rules', file]);
    expect(run.status, run.output).toBe(0);
  });
});

describe('the example Alertmanager configuration', { timeout: 60_000 }, () => {
  const file = resolve(repoRoot, 'deploy/alertmanager/alertmanager.yaml');

  it('is valid for amtool check-config', () => {
    const run = runTool('amtool', ['check-config', file]);
    expect(run.output).toContain('SUCCESS');
    expect(run.status).toBe(0);
  });

  it('routes the alerts\' labels and inhibits warnings by a critical of the same subject', () => {
    const config = load(readFileSync(file, 'utf8')) as { route: { group_by: string[] }; inhibit_rules: { equal: string[] }[] };
    expect(config.route.group_by).toEqual(expect.arrayContaining(['alertname', 'namespace', 'subject_kind', 'subject_name']));
    expect(config.inhibit_rules[0]!.equal).toEqual(['cluster', 'namespace', 'subject_kind', 'subject_name']);
  });

  it('is shown verbatim in README\'s "Alerts"', () => {
    expect(readFileSync(resolve(repoRoot, 'README.md'), 'utf8')).toContain(`\`\`\`yaml\n${readFileSync(file, 'utf8')}\`\`\``);
  });
});
