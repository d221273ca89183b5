// `helm template` of the project's chart (deploy/helm/healthreport-operator) with the helm that
// scripts/tools/build-helm.sh builds from Go modules and caches in .tools/bin. While the chart's own
// Chart.yaml, values and helpers are not in this checkout (they are delivered separately), the
// monitoring templates are rendered inside a stand-in chart that has just what they use: the
// `healthreport-operator.fullname` and `.labels` helpers and the monitoring values' defaults.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { dump, loadAll } from 'js-yaml';
import { DEFAULT_ALERT_SETTINGS } from '../../src/delivery/alert-rules.js';
import { writeTempFile } from './temp-files.js';

const repoRoot = resolve(import.meta.dirname, '../..');
export const chartDir = resolve(repoRoot, 'deploy/helm/healthreport-operator');

let helmPath: string | undefined;

/** The pinned helm binary, built on first use (minutes when Go's caches are cold, seconds after). */
export function helm(): string {
  if (helmPath) return helmPath;
  const build = spawnSync('bash', [resolve(repoRoot, 'scripts/tools/build-helm.sh')], { cwd: repoRoot, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`scripts/tools/build-helm.sh failed:\n${build.stderr}`);
  helmPath = build.stdout.trim().split('\n').pop() ?? '';
  return helmPath;
}

/** Whether the full chart is present (its Chart.yaml), rather than only the monitoring templates. */
export const fullChartPresent = (): boolean => existsSync(join(chartDir, 'Chart.yaml')) && existsSync(join(chartDir, 'templates/_helpers.tpl'));

const STAND_IN_HELPERS = `{{- define "healthreport-operator.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- define "healthreport-operator.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}
`;

function standInChart(): string {
  // In a temporary directory that the test setup removes after the file.
  const dir = dirname(writeTempFile('healthreport-chart-', 'Chart.yaml', 'apiVersion: v2\nname: healthreport-operator\nversion: 0.0.0-stand-in\n'));
  mkdirSync(join(dir, 'templates'), { recursive: true });
  for (const template of ['prometheusrule.yaml', 'grafana-dashboard.yaml']) cpSync(join(chartDir, 'templates', template), join(dir, 'templates', template));
  cpSync(join(chartDir, 'files'), join(dir, 'files'), { recursive: true });
  writeFileSync(join(dir, 'templates/_helpers.tpl'), STAND_IN_HELPERS);
  writeFileSync(
    join(dir, 'values.yaml'),
    dump({
      serviceMonitor: { cluster: '' },
      prometheusRule: { enabled: false, additionalLabels: {}, criticalFor: DEFAULT_ALERT_SETTINGS.criticalFor, warningFor: DEFAULT_ALERT_SETTINGS.warningFor, operatorDownFor: DEFAULT_ALERT_SETTINGS.operatorDownFor, runbookBaseUrl: DEFAULT_ALERT_SETTINGS.runbookBaseUrl },
      grafanaDashboard: { enabled: false, additionalLabels: {}, folder: 'HealthReport' },
    }),
  );
  return dir;
}

export interface Rendered {
  readonly chart: 'project chart' | 'stand-in chart';
  readonly documents: Record<string, unknown>[];
}

/** `helm template` with the given values; the documents of `templates` (chart-relative paths), parsed. */
export function helmTemplate(values: Record<string, unknown>, templates: readonly string[]): Rendered {
  const full = fullChartPresent();
  const dir = full ? chartDir : standInChart();
  const valuesFile = writeTempFile('healthreport-values-', 'values.yaml', dump(values));
  const args = ['template', 'monitoring-test', dir, '--namespace', 'healthreport-system', '-f', valuesFile, ...templates.flatMap((t) => ['--show-only', t])];
  const run = spawnSync(helm(), args, { cwd: repoRoot, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`helm ${args.join(' ')} failed:\n${run.stderr}`);
  const documents = loadAll(run.stdout).filter((doc): doc is Record<string, unknown> => typeof doc === 'object' && doc !== null);
  return { chart: full ? 'project chart' : 'stand-in chart', documents };
}
