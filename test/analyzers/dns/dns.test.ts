import { describe, expect, it } from 'vitest';
import { externalDnsLogTargets, judgeExternalDnsLogs } from '../../../src/analyzers/dns/external-dns.js';
import { snapshotOf } from '../../../src/cluster/snapshot.js';
import { ClusterView } from '../../../src/cluster/view.js';
import { linkRootCauses } from '../../../src/report/root-causes.js';
import { runCases } from '../../helpers/cases.js';
import { analyzeFixtures, loadFixture } from '../../helpers/fixtures.js';
import { cases } from './cases.js';

runCases('external-dns checks', cases);

const UP_TO_DATE = 'time="2026-11-25T11:58:00Z" level=info msg="All records are already up to date"';
const CREDENTIALS =
  'time="2026-11-25T11:59:00Z" level=error msg="Failed to do run once: records retrieval failed: failed to list hosted zones: NoCredentialProviders: no valid providers in chain. Deprecated."';
const THROTTLED =
  'time="2026-11-25T11:59:30Z" level=error msg="failed to list resource records sets for zone /hostedzone/Z0123456789ABC: Throttling: Rate exceeded\\n\\tstatus code: 400"';

describe('judgeExternalDnsLogs', () => {
  it('is satisfied when the last sync was up to date, even after earlier errors', () => {
    expect(judgeExternalDnsLogs([CREDENTIALS, UP_TO_DATE])).toEqual({ errors: [], categories: [], sawSuccess: true });
  });

  it('reports errors after the last successful sync, by category', () => {
    const verdict = judgeExternalDnsLogs([UP_TO_DATE, CREDENTIALS, THROTTLED]);
    expect(verdict.errors).toEqual([CREDENTIALS, THROTTLED]);
    expect(verdict.categories).toEqual(['credential', 'rate-limit']);
  });

  it('reads JSON logs and counts "were successfully updated" as a successful sync', () => {
    const json = '{"level":"error","msg":"AccessDenied: User: arn:aws:sts::123456789012:assumed-role/external-dns is not authorized to perform: route53:ChangeResourceRecordSets","time":"2026-11-25T11:50:00Z"}';
    expect(judgeExternalDnsLogs([json]).categories).toEqual(['credential']);
    expect(judgeExternalDnsLogs([json, 'time="2026-11-25T11:55:00Z" level=info msg="2 record(s) in zone example.com. [Id: /hostedzone/Z0123456789ABC] were successfully updated"']).errors).toEqual([]);
  });

  it('ignores info and warning lines that merely mention errors', () => {
    expect(judgeExternalDnsLogs(['time="2026-11-25T11:50:00Z" level=info msg="Applying provider record filter for domains: [example.com. .example.com.]"', 'time="2026-11-25T11:50:01Z" level=warning msg="failed to resolve target; retrying"']).errors).toEqual([]);
  });
});

describe('ExternalDNSUnhealthy', () => {
  const pod = (loadFixture('dns/external-dns-healthy.yaml') as { kind: string; metadata: { name: string } }[]).find((o) => o.kind === 'Pod');
  const key = `dns-ok/${pod?.metadata.name ?? ''}`;

  it('flags a ready external-dns whose logs show credential errors since its last sync', () => {
    const run = analyzeFixtures(['dns/external-dns-healthy.yaml'], { extra: { externalDnsLogs: new Map([[key, [UP_TO_DATE, CREDENTIALS, CREDENTIALS]]]) } });
    const [finding] = run.findings.filter((f) => f.check === 'ExternalDNSUnhealthy');
    expect(finding?.subject).toMatchObject({ kind: 'Deployment', namespace: 'dns-ok', name: 'external-dns' });
    expect(finding?.object).toMatchObject({ kind: 'Pod', name: pod?.metadata.name });
    expect(finding?.message).toBe(
      'external-dns (Deployment dns-ok/external-dns) is failing to update DNS records: its recent logs show credential errors (2 error lines since the last successful sync).',
    );
    expect(finding?.evidence).toContain(CREDENTIALS);
    expect(finding?.firstSeen).toBe('2026-11-25T11:59:00Z');
  });

  it('stays quiet when the logs end with "All records are already up to date"', () => {
    const run = analyzeFixtures(['dns/external-dns-healthy.yaml'], { extra: { externalDnsLogs: new Map([[key, [THROTTLED, UP_TO_DATE]]]) } });
    expect(run.findings.filter((f) => f.check === 'ExternalDNSUnhealthy')).toEqual([]);
  });

  it('links a crash-looping external-dns to its pod\'s crash loop', () => {
    const linked = linkRootCauses(analyzeFixtures(['dns/external-dns-crashloop.yaml']).findings).find((f) => f.check === 'ExternalDNSUnhealthy');
    expect(linked?.message).toBe('external-dns (Deployment dns-broken/external-dns) is crash-looping.');
    expect(linked?.rootCause).toMatchObject({ check: 'PodCrashLooping', subject: { kind: 'Deployment', name: 'external-dns' } });
  });
});

describe('externalDnsLogTargets', () => {
  it('names the external-dns container of each running external-dns pod, and nothing else', () => {
    const view = new ClusterView(snapshotOf(loadFixture('dns/external-dns-healthy.yaml', 'dns/external-dns-starting.yaml', 'network/healthy-namespace.yaml')));
    const targets = externalDnsLogTargets(view);
    expect(targets).toHaveLength(1);
    expect(targets[0]).toMatchObject({ namespace: 'dns-ok', container: 'external-dns' });
    expect(targets[0]?.pod).toMatch(/^external-dns-/);
  });
});
