// Every family's healthy fixtures, run through ALL analyzers (not only their own family's):
// no warning or critical finding, each file alone and all of them together.
import { describe, expect, it } from 'vitest';
import { analyzeFixtures } from '../helpers/fixtures.js';

const HEALTHY = [
  'certificates/cert-manager-healthy.yaml',
  'certificates/healthy-certificates.yaml',
  'certificates/renewing-normally.yaml',
  'certificates/external-issuer.yaml',
  'dns/external-dns-healthy.yaml',
  'gateway-api/healthy.yaml',
  'istio/mesh-healthy.yaml',
  'network/coredns-healthy.yaml',
  'network/healthy-namespace.yaml',
  'network/unmanaged-services.yaml',
  'nodes/healthy.yaml',
  'pods-not-starting/healthy.yaml',
  'pods/healthy.yaml',
  'storage/shared-claims-ok.yaml',
  'storage/classes.yaml',
  'jobs/recovered-runs.yaml',
  'jobs/schedules-healthy.yaml',
];

function loudFindings(files: readonly string[]): string[] {
  const run = analyzeFixtures(files);
  expect(run.errors).toEqual([]);
  return run.findings.filter((f) => f.severity !== 'info').map((f) => `${f.check} ${f.subject.kind}/${f.subject.namespace ?? ''}/${f.subject.name}`);
}

describe('no false positives across families', () => {
  it.each(HEALTHY)('%s raises no warning or critical finding from any analyzer', (file) => {
    expect(loudFindings([file])).toEqual([]);
  });

  it('all healthy fixtures together raise none either', () => {
    expect(loudFindings(HEALTHY)).toEqual([]);
  });
});
