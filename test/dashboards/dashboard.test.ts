// The Grafana dashboard without Grafana: strictly decoded and validated by the Grafana Foundation SDK
// (Grafana's own schemas, test/dashboards/validator), its structure checked (datasource variable on
// every panel and query, unique ids, a layout inside 24 columns), and the chart's ConfigMap as the
// Grafana sidecar expects it. The e2e test alerts-dashboard runs every query against Prometheus.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { helmTemplate } from '../helpers/helm-chart.js';
import { writeTempFile } from '../helpers/temp-files.js';
import { dashboardFile, loadDashboard, panelQueries } from './dashboard-queries.js';

const repoRoot = resolve(import.meta.dirname, '../..');
let validator: string;

function validate(file: string): { status: number | null; output: string } {
  const run = spawnSync(validator, [file], { encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

beforeAll(() => {
  const build = spawnSync('bash', [resolve(repoRoot, 'test/dashboards/validator/build.sh')], { cwd: repoRoot, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`test/dashboards/validator/build.sh failed:\n${build.stderr}`);
  validator = build.stdout.trim().split('\n').pop() ?? '';
}, 15 * 60_000);

describe('the Grafana dashboard', () => {
  const dashboard = loadDashboard();
  const raw = readFileSync(dashboardFile, 'utf8');

  it('passes strict decoding and validation with Grafana\'s schema (Foundation SDK)', () => {
    const run = validate(dashboardFile);
    expect(run.output).toContain(': ok ("HealthReport operator", schemaVersion 42');
    expect(run.status).toBe(0);
  });

  it('fails that validation with an unknown panel field or a wrongly typed one (the check can fail)', () => {
    const unknownField = JSON.parse(raw) as { panels: Record<string, unknown>[] };
    unknownField.panels[1]!.datasourse = { uid: '${datasource}' };
    const unknown = validate(writeTempFile('healthreport-dashboard-', 'unknown.json', JSON.stringify(unknownField)));
    expect(unknown.status).toBe(1);
    expect(unknown.output).toContain('datasourse');

    const wrongType = JSON.parse(raw) as { panels: { gridPos: Record<string, unknown> }[] };
    wrongType.panels[2]!.gridPos.w = 'wide';
    const wrong = validate(writeTempFile('healthreport-dashboard-', 'wrong.json', JSON.stringify(wrongType)));
    expect(wrong.status).toBe(1);
    expect(wrong.output).toContain('gridPos');
  });

  it('has a stable uid, the current schema version and the datasource, namespace and check variables', () => {
    expect(dashboard.uid).toBe('healthreport-operator');
    // The schema version of the Foundation SDK pinned in test/dashboards/validator/go.mod (Grafana 12).
    expect(dashboard.schemaVersion).toBe(42);
    const byName = new Map(dashboard.templating.list.map((v) => [v.name, v]));
    expect(byName.get('datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    for (const name of ['namespace', 'check']) {
      expect(byName.get(name)).toMatchObject({ type: 'query', includeAll: true, allValue: '.*', datasource: { type: 'prometheus', uid: '${datasource}' } });
    }
  });

  it('has a cluster variable (label_values of cluster, All = .*) that every panel query and the other variables filter by', () => {
    const cluster = dashboard.templating.list.find((v) => v.name === 'cluster');
    expect(cluster).toMatchObject({ type: 'query', includeAll: true, allValue: '.*', datasource: { type: 'prometheus', uid: '${datasource}' } });
    expect(JSON.stringify(cluster?.query)).toMatch(/label_values\(healthreport_[a-z_]+, cluster\)/);
    // Before the variables that depend on it, so Grafana resolves it first.
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(['datasource', 'cluster', 'namespace', 'check']);
    for (const name of ['namespace', 'check']) {
      expect(JSON.stringify(dashboard.templating.list.find((v) => v.name === name)?.query), name).toContain('cluster=~\\"$cluster\\"');
    }
    const selector = /\b((?:healthreport|process|nodejs)_[a-z_]+)(\{[^}]*\})?/g;
    let selectors = 0;
    for (const panel of dashboard.panels) {
      for (const target of panel.targets ?? []) {
        for (const match of target.expr.matchAll(selector)) {
          selectors += 1;
          expect(match[2] ?? '', `${panel.title} ${target.refId}: ${match[1]}`).toContain('cluster=~"$cluster"');
        }
        // An aggregation that keeps series apart by their labels keeps the clusters apart too.
        for (const by of target.expr.matchAll(/\b(?:by|on) \(([^)]*)\)/g)) {
          const labels = by[1]!.split(',').map((l) => l.trim());
          if (labels.includes('subject_name') || labels.includes('instance')) expect(labels, `${panel.title}: ${by[0]}`).toContain('cluster');
        }
      }
    }
    expect(selectors).toBeGreaterThanOrEqual(17);
  });

  it('queries through the datasource variable on every panel and target, and hard-codes no datasource uid', () => {
    const withQueries = dashboard.panels.filter((p) => p.type !== 'row');
    expect(withQueries.length).toBeGreaterThanOrEqual(12);
    for (const panel of withQueries) {
      expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) expect(target.datasource, `${panel.title} ${target.refId}`).toEqual({ type: 'prometheus', uid: '${datasource}' });
    }
    // Every "uid" in the file: the dashboard's own, the variable, and Grafana's built-in annotation source.
    const uids = new Set([...raw.matchAll(/"uid":\s*"([^"]*)"/g)].map((m) => m[1]));
    expect([...uids].sort()).toEqual(['${datasource}', '-- Grafana --', 'healthreport-operator'].sort());
  });

  it('has unique panel ids and a layout inside 24 columns without overlaps', () => {
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Set<string>();
    for (const { title, gridPos } of dashboard.panels) {
      expect(gridPos.x, title).toBeGreaterThanOrEqual(0);
      expect(gridPos.w, title).toBeGreaterThan(0);
      expect(gridPos.h, title).toBeGreaterThan(0);
      expect(gridPos.x + gridPos.w, title).toBeLessThanOrEqual(24);
      for (let x = gridPos.x; x < gridPos.x + gridPos.w; x += 1) {
        for (let y = gridPos.y; y < gridPos.y + gridPos.h; y += 1) {
          expect(cells.has(`${x},${y}`), `${title} overlaps at ${x},${y}`).toBe(false);
          cells.add(`${x},${y}`);
        }
      }
    }
  });

  it('shows what the issue asks for, each panel titled', () => {
    expect(dashboard.panels.map((p) => p.title)).toEqual(expect.arrayContaining([
      'Active findings by severity', 'Top checks', 'Top namespaces', 'Root-cause findings',
      'Analysis duration', 'Watch restarts', 'Work queue depth', 'Report writes by result', 'Cache objects', 'Leader', 'Memory',
    ]));
    const table = panelQueries(dashboard, '1m').find((q) => q.panel === 'Root-cause findings');
    expect(table?.expr).toMatch(/healthreport_finding\{[^}]*root="true"/);
  });

  it('substitutes every variable in its queries', () => {
    for (const query of panelQueries(dashboard, '30s')) expect(query.expr, `${query.panel} ${query.refId}`).not.toMatch(/\$/);
  });
});

describe('the chart\'s dashboard ConfigMap, rendered by helm', () => {
  it('is off by default; when on, the Grafana sidecar finds it and files it in the folder', { timeout: 15 * 60_000 }, () => {
    expect(helmTemplate({}, []).documents.filter((d) => d.kind === 'ConfigMap' && String((d.metadata as { name?: string }).name).endsWith('-dashboards'))).toEqual([]);
    const { documents } = helmTemplate({ grafanaDashboard: { enabled: true, folder: 'Platform', additionalLabels: { team: 'sre' } } }, ['templates/grafana-dashboard.yaml']);
    expect(documents).toHaveLength(1);
    expect(documents[0]).toMatchObject({
      kind: 'ConfigMap',
      metadata: { namespace: 'healthreport-system', labels: { grafana_dashboard: '1', team: 'sre' }, annotations: { grafana_folder: 'Platform' } },
    });
    expect((documents[0] as { data: Record<string, string> }).data['healthreport.json']).toBe(readFileSync(dashboardFile, 'utf8'));
  });
});
