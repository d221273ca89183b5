import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/load.js';
import { loadControllerConfig, parseControllerConfig } from '../../src/config/controller.js';
import { writeTempFile } from '../helpers/temp-files.js';

async function configFile(text: string): Promise<string> {
  return writeTempFile('healthreport-config-', 'config.yaml', text);
}

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('controller configuration', () => {
  it('is complete without a file', async () => {
    const config = await loadControllerConfig(undefined);
    expect(config).toMatchObject({
      namespaces: [],
      operatorNamespace: 'default',
      workers: 2,
      reports: { retention: 3_600_000, maxFindingsPerReport: 50 },
      server: { metricsPort: 8080, healthPort: 8081 },
      leaderElection: { leaseName: 'healthreport-operator', leaseDuration: 20_000, renewDeadline: 15_000, retryPeriod: 6_000 },
      rateLimit: { qps: 50, burst: 100, backoffBase: 100, backoffMax: 300_000 },
    });
    expect(config.analysis.thresholds.podPendingTooLongAfter).toBe(600_000);
    expect(config.analysis.evidence.maxEvents).toBe(5);
    // Unset: decided by where the controller runs (config/placement.ts).
    expect(config.leaderElection.enabled).toBeUndefined();
  });

  it('takes the operator namespace from the file, else the pod, else the kubeconfig context, else default (like kubectl)', () => {
    const ns = (document: object, env: object) => parseControllerConfig(document, 'test', env).operatorNamespace;
    expect(ns({}, { podNamespace: 'platform', contextNamespace: 'shop' })).toBe('platform');
    expect(ns({ operatorNamespace: 'ops' }, { podNamespace: 'platform', contextNamespace: 'shop' })).toBe('ops');
    expect(ns({}, { podNamespace: '', contextNamespace: 'shop' })).toBe('shop');
    expect(ns({}, { podNamespace: '' })).toBe('default');
    expect(ns({}, {})).toBe('default');
  });

  it('keeps leaderElection.enabled as the file says it', () => {
    expect(parseControllerConfig({ leaderElection: { enabled: true } }, 'test').leaderElection.enabled).toBe(true);
    expect(parseControllerConfig({ leaderElection: { enabled: false } }, 'test').leaderElection.enabled).toBe(false);
  });

  it('reads no logs unless evidence.logs is true, and bounds what it reads', () => {
    expect(parseControllerConfig({}, 'test').evidence).toEqual({ logs: false, maxLogLines: 20, logRequestsPerMinute: 30 });
    expect(parseControllerConfig({ evidence: { logs: true, maxLogLines: 50 } }, 'test').evidence).toEqual({ logs: true, maxLogLines: 50, logRequestsPerMinute: 30 });
    expect(errorOf(() => parseControllerConfig({ evidence: { logs: 'yes' } }, 'cfg.yaml'))).toContain('evidence.logs');
    expect(errorOf(() => parseControllerConfig({ evidence: { maxLogLines: 0 } }, 'cfg.yaml'))).toContain('evidence.maxLogLines');
    expect(errorOf(() => parseControllerConfig({ evidence: { log: true } }, 'cfg.yaml'))).toContain('evidence');
  });

  it('reads a YAML file with durations and partial sections', async () => {
    const path = await configFile(`
namespaces: [shop, payments]
reports:
  retention: 30m
leaderElection:
  leaseDuration: 30s
  renewDeadline: 20s
analysis:
  disabledChecks: [NodeCordoned]
  thresholds:
    podPendingTooLongAfter: 5m
`);
    const config = await loadControllerConfig(path);
    expect(config.namespaces).toEqual(['shop', 'payments']);
    expect(config.reports).toEqual({ retention: 1_800_000, maxFindingsPerReport: 50, maxEvidencePerFinding: 30, maxReportBytes: 262_144 });
    expect(config.leaderElection).toMatchObject({ leaseDuration: 30_000, renewDeadline: 20_000, retryPeriod: 6_000 });
    expect(config.analysis.disabledChecks).toEqual(['NodeCordoned']);
    expect(config.analysis.thresholds.podPendingTooLongAfter).toBe(300_000);
  });

  it('names the file and the field of a bad value', async () => {
    const path = await configFile('reports:\n  retention: soon\n');
    await expect(loadControllerConfig(path)).rejects.toThrow(new RegExp(`^${path}: reports\\.retention: not a duration`));
  });

  it('names an unknown field instead of ignoring it', () => {
    expect(errorOf(() => parseControllerConfig({ leaderElection: { leaseDurationSeconds: 15 } }, 'cfg.yaml'))).toMatch(/^cfg\.yaml: leaderElection: .*leaseDurationSeconds/);
    expect(errorOf(() => parseControllerConfig({ worker: 3 }, 'cfg.yaml'))).toMatch(/^cfg\.yaml: \(top level\): .*worker/);
  });

  it('names nested analysis fields', () => {
    expect(errorOf(() => parseControllerConfig({ analysis: { severityOverrides: { NoSuchCheck: 'info' } } }, 'cfg.yaml'))).toMatch(/analysis\.severityOverrides/);
    expect(errorOf(() => parseControllerConfig({ namespaces: ['Shop'] }, 'cfg.yaml'))).toMatch(/^cfg\.yaml: namespaces\.0: must be a DNS-1123 label/);
    expect(errorOf(() => parseControllerConfig({ reports: { maxFindingsPerReport: 500 } }, 'cfg.yaml'))).toMatch(/reports\.maxFindingsPerReport/);
  });

  it('rejects leader election timings that would let two leaders overlap', () => {
    expect(errorOf(() => parseControllerConfig({ leaderElection: { renewDeadline: '20s' } }, 'cfg.yaml'))).toMatch(/leaderElection\.renewDeadline: must be shorter than leaseDuration/);
    expect(errorOf(() => parseControllerConfig({ leaderElection: { retryPeriod: '13s' } }, 'cfg.yaml'))).toMatch(/leaderElection\.retryPeriod/);
  });

  it('rejects one port for metrics and probes', () => {
    expect(errorOf(() => parseControllerConfig({ server: { metricsPort: 9000, healthPort: 9000 } }, 'cfg.yaml'))).toMatch(/server\.healthPort: must differ/);
  });

  it('treats an empty file as the defaults', async () => {
    const path = await configFile('');
    expect((await loadControllerConfig(path)).workers).toBe(2);
  });
});
