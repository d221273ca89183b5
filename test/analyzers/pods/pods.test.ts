import { describe, expect, it } from 'vitest';
import { runCases } from '../../helpers/cases.js';
import { analyzeFixtures } from '../../helpers/fixtures.js';
import { cases } from './cases.js';

runCases('pod checks', cases);

describe('PodCrashLooping evidence', () => {
  it('names the container, exit code and BackOff event', () => {
    const finding = analyzeFixtures(['pods/crashloop.yaml']).findings.find((f) => f.check === 'PodCrashLooping');
    expect(finding?.object).toMatchObject({ kind: 'Pod', name: 'checkout-7c9d8f6b5d-x2x9q', container: 'app' });
    expect(finding?.message).toContain('exit code 1');
    expect(finding?.evidence.join('\n')).toContain('BackOff (x41');
    // When the back-off began (the BackOff event's first occurrence), not the latest crash.
    expect(finding?.firstSeen).toBe('2026-11-25T11:16:00Z');
  });
});
