import { describe, expect, it } from 'vitest';
import { runCases } from '../../helpers/cases.js';
import { analyzeFixtures } from '../../helpers/fixtures.js';
import { cases } from './cases.js';

runCases('general checks', cases);

describe('ResourceUnparseable', () => {
  it('names the object and the offending field', () => {
    const finding = analyzeFixtures(['general/malformed-pod.yaml']).findings.find((f) => f.check === 'ResourceUnparseable');
    expect(finding?.message).toContain('Pod reports/legacy-batch');
    expect(finding?.message).toContain('field spec.containers');
    expect(finding?.severity).toBe('info');
  });

  it('names the versions it knows for an unknown version', () => {
    const finding = analyzeFixtures(['general/unknown-version.yaml']).findings[0];
    expect(finding?.evidence[0]).toBe('field apiVersion: version apps/v2 is not one of apps/v1');
  });
});
