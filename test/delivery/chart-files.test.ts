// The chart's generated and shared parts agree with their sources: RBAC with the kind registry, the
// README with values.schema.json, the CRDs with crds/, appVersion with package.json, every value of
// values.yaml with a documented schema property. No helm needed (test/delivery/helm-chart.test.ts
// renders the chart).
import { lstatSync, readFileSync, readdirSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { load } from 'js-yaml';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { README_FILE, RULES_FILE, SCHEMA_FILE, VALUES_FILE, renderChartReadme, renderRulesFile, renderValuesSchema, valueRows } from '../../src/delivery/chart-files.js';
import { operatorRbac, registryResources } from '../../src/delivery/rbac.js';
import type { PolicyRule } from '../../src/delivery/rbac.js';
import { KIND_DESCRIPTORS, KIND_NAMES } from '../../src/model/kinds.js';
import { pod } from '../../src/model/core.js';

const root = resolve(import.meta.dirname, '../..');
const read = (file: string): string => readFileSync(resolve(root, file), 'utf8');

function grants(rules: readonly PolicyRule[], group: string, resource: string, verb: string): boolean {
  return rules.some((r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb));
}

describe('RBAC derived from the kind registry', () => {
  it('the chart holds the rules the registry needs (after adding a kind: npm run generate)', () => {
    expect(read(RULES_FILE), `${RULES_FILE} is stale: run \`npm run generate\` and commit it`).toBe(renderRulesFile());
  });

  it('grants list and watch on every group and plural of every variant of every kind', () => {
    const rbac = operatorRbac();
    for (const name of KIND_NAMES) {
      const descriptor = KIND_DESCRIPTORS[name];
      const rules = descriptor.metadataOnly ? rbac.secretMetadata : rbac.read;
      for (const variant of descriptor.variants) {
        for (const verb of ['list', 'watch']) {
          expect(grants(rules, variant.group, descriptor.plural, verb), `${name} ${variant.group}/${variant.version} ${descriptor.plural} ${verb}`).toBe(true);
        }
      }
    }
  });

  it('a kind added to the registry changes the rules, so the committed file no longer matches', () => {
    const withFake = {
      ...KIND_DESCRIPTORS,
      Widget: { name: 'Widget', plural: 'widgets', namespaced: true, variants: [{ group: 'example.com', version: 'v1', schema: pod }] },
    } as unknown as typeof KIND_DESCRIPTORS;
    const rules = operatorRbac(withFake);
    expect(grants(rules.read, 'example.com', 'widgets', 'watch')).toBe(true);
    expect(renderRulesFile(rules)).not.toBe(read(RULES_FILE));
  });

  it('reads only, except HealthReports and the leader Lease; no Secret is ever fetched by name', () => {
    const rbac = operatorRbac();
    const readOnly = [...rbac.read, ...rbac.secretMetadata, ...rbac.podLogs];
    for (const rule of readOnly) expect(rule.verbs.every((v) => ['get', 'list', 'watch'].includes(v)), JSON.stringify(rule)).toBe(true);
    expect(grants([...rbac.read, ...rbac.reports], '', 'events', 'create')).toBe(false);
    expect(grants(rbac.secretMetadata, '', 'secrets', 'get')).toBe(false);
    expect(grants(rbac.read, '', 'secrets', 'list')).toBe(false);
    for (const rule of rbac.reports) expect(rule.apiGroups).toEqual(['sre.otomi.io']);
    expect([...rbac.leaseCreate, ...rbac.leaseNamed].flatMap((r) => r.resources)).toEqual(['leases', 'leases']);
  });

  it('metadata-only kinds are split from the rest', () => {
    const { full, metadataOnly } = registryResources();
    expect([...(metadataOnly.get('') ?? [])]).toEqual(['secrets']);
    expect(full.get('')?.has('secrets')).toBe(false);
  });
});

describe('the chart', () => {
  const chartDir = resolve(root, 'deploy/helm/healthreport-operator');

  it('renders the CRDs of crds/ itself: files/crds is a link to that folder, not a copy', () => {
    const link = resolve(chartDir, 'files/crds');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(realpathSync(link)).toBe(realpathSync(resolve(root, 'crds')));
    expect(readdirSync(link).filter((f) => f.endsWith('.yaml')).length).toBeGreaterThan(0);
  });

  it('appVersion is the operator version of package.json', () => {
    const chart = z.object({ appVersion: z.string(), version: z.string() }).parse(load(read(`${'deploy/helm/healthreport-operator'}/Chart.yaml`)));
    const pkg = z.object({ version: z.string() }).parse(JSON.parse(read('package.json')));
    expect(chart.appVersion).toBe(pkg.version);
  });

  it("values.schema.json checks config with the operator's own configuration schema", () => {
    expect(read(SCHEMA_FILE), `${SCHEMA_FILE} is stale: run \`npm run generate\``).toBe(renderValuesSchema(read(SCHEMA_FILE)));
  });

  it('the README lists every value (generated from values.schema.json)', () => {
    const current = read(README_FILE);
    expect(renderChartReadme(current, read(SCHEMA_FILE), read(VALUES_FILE)), `${README_FILE} is stale: run \`npm run generate\``).toBe(current);
  });

  it('every value of values.yaml is a schema property with a description', () => {
    const schema = JSON.parse(read(SCHEMA_FILE)) as Parameters<typeof valueRows>[0];
    const rows = valueRows(schema, load(read(VALUES_FILE)));
    const documented = new Set(rows.map((r) => r.key));
    for (const row of rows) expect(row.description.length, `${row.key} has no description`).toBeGreaterThan(10);
    // A leaf of values.yaml must be a row, or lie inside a free-form row (config, resources, ...).
    const leaves = (value: unknown, path: string[]): string[] =>
      typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length > 0
        ? Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]))
        : [path.join('.')];
    for (const leaf of leaves(load(read(VALUES_FILE)), [])) {
      const covered = [...documented].some((key) => leaf === key || leaf.startsWith(`${key}.`));
      expect(covered, `values.yaml's ${leaf} is not in values.schema.json`).toBe(true);
    }
  });
});
