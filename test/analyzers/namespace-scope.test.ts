// Analyzers that declare scope 'namespace' are re-run by the controller on just the namespaces a
// change touched. That is only sound if the findings in a namespace depend on nothing but that
// namespace's objects and cluster-scoped ones. Checked on every fixture and on the example dump
// (all families mixed): for every namespace, (1) a cluster holding only that namespace (and the
// cluster-scoped objects) gives the same findings there as the whole cluster, and (2) the scoped
// view the controller uses gives them too.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAnalyzers } from '../../src/analyzers/engine.js';
import { ANALYZERS } from '../../src/analyzers/registry.js';
import { defaultAnalysisSettings } from '../../src/analyzers/settings.js';
import type { Finding } from '../../src/analyzers/types.js';
import { isLocalToNamespace } from '../../src/analyzers/types.js';
import { snapshotOf } from '../../src/cluster/snapshot.js';
import { ClusterView, scopeToNamespaces } from '../../src/cluster/view.js';
import { parseDocuments } from '../../src/input/documents.js';
import { readFileSync } from 'node:fs';
import { FIXTURES, FIXTURE_NOW } from '../helpers/fixtures.js';

const LOCAL = ANALYZERS.filter(isLocalToNamespace);
const EXAMPLES = join(import.meta.dirname, '..', '..', 'examples', 'broken-cluster');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? yamlFiles(join(dir, e.name)) : e.name.endsWith('.yaml') ? [join(dir, e.name)] : []));
}

const key = (f: Finding): string => JSON.stringify([f.check, f.severity, f.subject, f.object, f.message, f.evidence, f.firstSeen ?? null, f.related ?? null]);

function namespaceOf(raw: unknown): string | undefined {
  const meta = (raw as { metadata?: { namespace?: unknown } }).metadata;
  return typeof meta?.namespace === 'string' ? meta.namespace : undefined;
}

function checkLocality(objects: unknown[]): void {
  const snapshot = snapshotOf(objects);
  const view = new ClusterView(snapshot);
  const options = { settings: defaultAnalysisSettings(), now: FIXTURE_NOW };
  const full = runAnalyzers(view, LOCAL, options).findings;
  for (const f of full) expect(f.subject.namespace, `${f.check} on a cluster-scoped subject`).toBeDefined();
  for (const namespace of view.namespaces()) {
    const expected = full.filter((f) => f.subject.namespace === namespace).map(key).sort();
    // Only this namespace and the cluster-scoped objects, with every kind still counted as listed.
    const alone = new ClusterView(snapshotOf(objects.filter((o) => [undefined, namespace].includes(namespaceOf(o))), [...snapshot.loadedKinds]));
    expect(runAnalyzers(alone, LOCAL, options).findings.map(key).sort(), `namespace ${namespace} alone`).toEqual(expected);
    const scoped = runAnalyzers(scopeToNamespaces(view, new Set([namespace])), LOCAL, options).findings.map(key).sort();
    expect(scoped, `namespace ${namespace} through the scoped view`).toEqual(expected);
  }
}

describe('namespace-scoped analyzers', () => {
  it('are the pod, workload, claim and Service analyzers', () => {
    expect(LOCAL.length).toBeGreaterThan(25);
  });

  it('give per namespace exactly the full run\'s findings on the example dump', () => {
    checkLocality(yamlFiles(EXAMPLES).flatMap((file) => parseDocuments(readFileSync(file, 'utf8'), file)));
  });

  it.each(readdirSync(FIXTURES).filter((d) => d !== 'cli'))('give per namespace exactly the full run\'s findings on the %s fixtures', (family) => {
    for (const file of yamlFiles(join(FIXTURES, family))) checkLocality(parseDocuments(readFileSync(file, 'utf8'), file));
  });
});
