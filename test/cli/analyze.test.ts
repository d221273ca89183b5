import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runCli } from '../../src/cli/main.js';
import { FIXTURES } from '../helpers/fixtures.js';

const ROOT = join(import.meta.dirname, '..', '..');
const NOW = ['--now', '2026-11-25T12:00:00Z'];

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), color: false, env: {} });
  return { code, stdout, stderr };
}

// The JSON contract of ../shared/DESIGN.md: scripts and dashboards parse this.
const ref = z.strictObject({ kind: z.string(), namespace: z.string().optional(), name: z.string() });
const jsonOutput = z.strictObject({
  findings: z.array(
    z.strictObject({
      check: z.string(),
      severity: z.enum(['critical', 'warning', 'info']),
      subject: ref,
      object: ref.extend({ container: z.string().optional() }),
      message: z.string().min(1),
      evidence: z.array(z.string()),
      remediation: z.array(z.string()),
      rootCause: z.strictObject({ check: z.string(), subject: ref }).optional(),
      firstSeen: z.string().optional(),
    }),
  ),
  summary: z.strictObject({ critical: z.number(), warning: z.number(), info: z.number(), total: z.number() }),
});

describe('healthreport analyze -f', () => {
  const crashloop = join(FIXTURES, 'pods', 'crashloop.yaml');

  it('exits 1 when a finding reaches --fail-on (critical by default) and prints the table', async () => {
    const { code, stdout } = await cli('analyze', '-f', crashloop, ...NOW);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^CRITICAL +Deployment shop\/checkout$/m);
    expect(stdout).toContain('PodCrashLooping');
    expect(Math.max(...stdout.split('\n').map((l) => l.length))).toBeLessThanOrEqual(100);
  });

  it('exits 0 with --fail-on none, and with a --min-severity filter that leaves nothing', async () => {
    expect((await cli('analyze', '-f', crashloop, '--fail-on', 'none', ...NOW)).code).toBe(0);
    const filtered = await cli('analyze', '-f', join(FIXTURES, 'general', 'unknown-version.yaml'), '--min-severity', 'warning', ...NOW);
    expect(filtered.code).toBe(0);
    expect(filtered.stdout).toContain('No findings');
  });

  it('writes the JSON shape of DESIGN.md with lower-case severities and remediation', async () => {
    const { code, stdout } = await cli('analyze', '-f', crashloop, '-o', 'json', ...NOW);
    expect(code).toBe(1);
    const parsed = jsonOutput.parse(JSON.parse(stdout));
    const finding = parsed.findings.find((f) => f.check === 'PodCrashLooping');
    expect(finding).toMatchObject({
      severity: 'critical',
      subject: { kind: 'Deployment', namespace: 'shop', name: 'checkout' },
      object: { kind: 'Pod', namespace: 'shop', name: 'checkout-7c9d8f6b5d-x2x9q', container: 'app' },
    });
    // Remediation commands name the pod, its container and its Deployment, ready to paste.
    expect(finding?.remediation).toContain('Read the logs of the crashed instance: `kubectl logs -n shop checkout-7c9d8f6b5d-x2x9q -c app --previous`.');
    expect(finding?.remediation).toContain('If the crash started with a new version, roll back: `kubectl rollout undo deployment/checkout -n shop`.');
    expect(parsed.summary.total).toBe(parsed.findings.length);
  });

  it('writes the same document as YAML', async () => {
    const asJson = JSON.parse((await cli('analyze', '-f', crashloop, '-o', 'json', ...NOW)).stdout) as unknown;
    const asYaml = yaml.load((await cli('analyze', '-f', crashloop, '-o', 'yaml', ...NOW)).stdout);
    expect(asYaml).toEqual(asJson);
  });

  it('filters by namespace with -n', async () => {
    const { stdout } = await cli('analyze', '-f', crashloop, '-n', 'other', '-o', 'json', ...NOW);
    expect(jsonOutput.parse(JSON.parse(stdout)).findings).toEqual([]);
  });

  it('exits 2 naming the file and the line of a malformed YAML file', async () => {
    const file = join(FIXTURES, 'cli', 'broken.yaml');
    const { code, stderr, stdout } = await cli('analyze', '-f', file);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(file);
    expect(stderr).toMatch(/invalid YAML at line \d+/);
  });

  it('exits 2 for a missing file, a bad flag value and an unknown flag', async () => {
    const missing = await cli('analyze', '-f', '/nonexistent/dump.yaml');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('/nonexistent/dump.yaml: no such file or directory');
    expect((await cli('analyze', '-f', crashloop, '-o', 'xml')).code).toBe(2);
    expect((await cli('analyze', '-f', crashloop, '--fail-on', 'severe')).stderr).toContain('--fail-on must be one of');
    expect((await cli('analyze', '--bogus')).code).toBe(2);
  });

  it('exits 2 with a clear message for an invalid config file', async () => {
    const { code, stderr } = await cli('analyze', '-f', crashloop, '--config', join(FIXTURES, 'cli', 'bad-config.yaml'));
    expect(code).toBe(2);
    expect(stderr).toContain('thresholds.podPendingTooLongAfter');
  });

  it('applies disabled checks from the config file', async () => {
    const { code, stdout } = await cli('analyze', '-f', crashloop, '--config', join(FIXTURES, 'cli', 'disable-crashloop.yaml'), '-o', 'json', ...NOW);
    expect(JSON.parse(stdout).findings.map((f: { check: string }) => f.check)).not.toContain('PodCrashLooping');
    expect(code).toBe(jsonOutput.parse(JSON.parse(stdout)).summary.critical > 0 ? 1 : 0);
  });

  it('exits 2 when no cluster is reachable', async () => {
    const { code, stderr } = await cli('analyze', '--kubeconfig', join(FIXTURES, 'cli', 'unreachable-kubeconfig.yaml'));
    expect(code).toBe(2);
    expect(stderr).toContain('cannot read the cluster at https://127.0.0.1:1');
  });
});

describe('healthreport checks', () => {
  it('lists the catalogue as JSON', async () => {
    const { code, stdout } = await cli('checks', '-o', 'json');
    expect(code).toBe(0);
    const checks = z.array(z.object({ id: z.string(), severity: z.string(), area: z.string(), title: z.string(), runbook: z.array(z.string()) })).parse(JSON.parse(stdout));
    expect(checks.map((c) => c.id)).toContain('PodCrashLooping');
  });
});

describe('the healthreport process', () => {
  it('sets its exit code and writes errors to stderr', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'analyze', '-f', 'test/fixtures/cli/broken.yaml'], { cwd: ROOT, encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('broken.yaml');
  });
});
