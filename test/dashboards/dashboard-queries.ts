// The Grafana dashboard's panels and their PromQL, with the dashboard variables substituted the way
// Grafana would for "All" (the e2e test runs each query against a real Prometheus).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const dashboardFile = resolve(import.meta.dirname, '../../deploy/helm/healthreport-operator/files/dashboards/healthreport.json');

export interface DashboardTarget {
  readonly refId: string;
  readonly expr: string;
  readonly instant?: boolean;
  readonly datasource?: { type?: string; uid?: string };
}

export interface DashboardPanel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly gridPos: { h: number; w: number; x: number; y: number };
  readonly datasource?: { type?: string; uid?: string };
  readonly targets?: readonly DashboardTarget[];
}

export interface DashboardVariable {
  readonly type: string;
  readonly name: string;
  readonly query: unknown;
  readonly allValue?: string;
  readonly includeAll?: boolean;
  readonly datasource?: { type?: string; uid?: string };
}

export interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly schemaVersion: number;
  readonly templating: { list: readonly DashboardVariable[] };
  readonly panels: readonly DashboardPanel[];
}

export function loadDashboard(file = dashboardFile): Dashboard {
  return JSON.parse(readFileSync(file, 'utf8')) as Dashboard;
}

export interface PanelQuery {
  readonly panel: string;
  readonly refId: string;
  readonly instant: boolean;
  readonly expr: string;
}

/**
 * Every panel query with the variables substituted: each query variable by its "All" value (`.*`),
 * `$__rate_interval` by `rateInterval` (Grafana makes it at least four scrape intervals).
 */
export function panelQueries(dashboard: Dashboard, rateInterval: string): PanelQuery[] {
  const all = new Map(dashboard.templating.list.filter((v) => v.type === 'query').map((v) => [v.name, v.allValue ?? '.*']));
  const substitute = (expr: string): string =>
    expr.replace(/\$__rate_interval|\$\{(\w+)\}|\$(\w+)/g, (match, braced: string | undefined, bare: string | undefined) => {
      if (match === '$__rate_interval') return rateInterval;
      const value = all.get(braced ?? bare ?? '');
      if (value === undefined) throw new Error(`unknown dashboard variable ${match} in ${expr}`);
      return value;
    });
  return dashboard.panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ panel: panel.title, refId: target.refId, instant: target.instant === true, expr: substitute(target.expr) })),
  );
}
