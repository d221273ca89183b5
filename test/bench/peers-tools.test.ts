// The peers benchmark reads three tools' JSON answers into one finding shape, and scores coverage by
// matching those findings to the injected breakages. Results shaped as k8sgpt v0.4.36 and Popeye
// v0.22.1 print them (trimmed), so a parser mistake shows as a miss here, not as a tool's miss in
// docs/benchmarks.md.
import { describe, expect, it } from 'vitest';
import { FULL_SHAPE } from '../../bench/controller-scenario.js';
import { bareListSeconds } from '../../bench/bare-list.js';
import { breakages } from '../../bench/peers/scenario.js';
import { healthreportFindings, k8sgptFindings, popeyeFindings, runMeasured } from '../../bench/peers/tools.js';

const k8sgptOutput = JSON.stringify({
  provider: '',
  errors: null,
  status: 'ProblemDetected',
  problems: 3,
  results: [
    { kind: 'Pod', name: 'bench-010/app-07-566f679b67-qk7qq', error: [{ Text: 'the last termination reason is Error container=app pod=app-07-566f679b67-qk7qq', Sensitive: [] }], details: '', parentObject: 'Deployment/app-07' },
    { kind: 'Storage/PersistentVolumeClaim', name: 'bench-x-0/data-noclass', error: [{ Text: 'PersistentVolumeClaim data-noclass is in Pending state', Sensitive: [] }], details: '', parentObject: '' },
    { kind: 'ValidatingWebhookConfiguration', name: '/bench-webhook-ghost.bench.sre.otomi.io', error: [{ Text: 'Service ghost-webhook not found as mapped to by Validating Webhook bench-webhook-ghost.bench.sre.otomi.io', Sensitive: [] }], details: '', parentObject: '' },
  ],
});

const popeyeOutput = JSON.stringify({
  popeye: {
    score: 60,
    grade: 'D',
    sections: [
      { linter: 'services', gvr: 'v1/services', tally: {}, issues: { 'bench-123/app-50': [{ group: '__root__', gvr: 'v1/services', level: 2, message: '[POP-1110] Match EP has no subsets' }] } },
      { linter: 'horizontalpodautoscalers', gvr: 'autoscaling/v2/horizontalpodautoscalers', tally: {}, issues: { 'bench-x-0/hpa-ghost': [{ level: 3, message: '[POP-600] HPA bench-x-0/hpa-ghost references a deployment which does not exist: bench-x-0/ghost' }] } },
      { linter: 'configmaps', gvr: 'v1/configmaps', tally: {}, issues: { 'kube-system/x': [{ level: 0, message: '[POP-400] ok' }] } },
      { linter: 'cronjobs', gvr: 'batch/v1/cronjobs', tally: {} },
    ],
  },
});

describe('peers benchmark: tool answers in one shape', () => {
  it('reads k8sgpt results: namespace/name split, analyzer prefixes dropped from kinds, a webhook named by the webhook inside', () => {
    expect(k8sgptFindings(`W1202 warning line\n${k8sgptOutput}`)).toEqual([
      { kind: 'Pod', namespace: 'bench-010', name: 'app-07-566f679b67-qk7qq', level: 'error', text: expect.stringContaining('termination reason is Error') },
      { kind: 'PersistentVolumeClaim', namespace: 'bench-x-0', name: 'data-noclass', level: 'error', text: expect.any(String) },
      { kind: 'ValidatingWebhookConfiguration', namespace: '', name: 'bench-webhook-ghost.bench.sre.otomi.io', level: 'error', text: expect.any(String) },
    ]);
  });

  it('reads Popeye sections: linter to kind, level 0 (ok) left out, a section without issues is no finding', () => {
    expect(popeyeFindings(popeyeOutput)).toEqual([
      { kind: 'Service', namespace: 'bench-123', name: 'app-50', level: 'warning', text: '[POP-1110] Match EP has no subsets' },
      { kind: 'HorizontalPodAutoscaler', namespace: 'bench-x-0', name: 'hpa-ghost', level: 'error', text: expect.stringContaining('POP-600') },
    ]);
  });

  it('reads healthreport findings: the subject and, when it differs, the object, group-qualified kinds reduced to the kind', () => {
    const output = JSON.stringify({
      findings: [
        { check: 'PodCrashLooping', severity: 'critical', subject: { kind: 'Deployment', namespace: 'bench-010', name: 'app-07' }, object: { kind: 'Pod', namespace: 'bench-010', name: 'app-07-566f679b67-qk7qq' }, message: 'crash' },
        { check: 'GatewayNotProgrammed', severity: 'warning', subject: { kind: 'Gateway.gateway.networking.k8s.io', namespace: 'ns', name: 'public' }, object: { kind: 'Gateway.gateway.networking.k8s.io', namespace: 'ns', name: 'public' }, message: 'not programmed' },
      ],
    });
    expect(healthreportFindings(output).map((f) => `${f.level} ${f.kind} ${f.namespace}/${f.name}`)).toEqual([
      'error Deployment bench-010/app-07',
      'error Pod bench-010/app-07-566f679b67-qk7qq',
      'warning Gateway ns/public',
    ]);
  });

  it('fails with the start of the output when a tool printed no JSON', () => {
    expect(() => k8sgptFindings('Error: no kubeconfig found')).toThrow(/no JSON in the output: Error: no kubeconfig found/);
  });
});

describe('peers benchmark: the scenario', () => {
  it('injects every breakage type, and the base scenario\'s in the proportions of the controller benchmark', () => {
    const all = breakages(FULL_SHAPE);
    const byType = new Map<string, number>();
    for (const b of all) byType.set(b.type, (byType.get(b.type) ?? 0) + 1);
    expect(Object.fromEntries(byType)).toEqual({
      crashloop: 20, 'image-pull': 20, 'not-ready': 20, 'service-selects-nothing': 20,
      oomkilled: 4, unschedulable: 4, 'ingress-missing-service': 4, 'ingress-missing-class': 4, 'ingress-missing-tls-secret': 4,
      'pvc-missing-class': 4, 'hpa-missing-target': 4, 'pdb-no-disruption': 4, 'cronjob-failing': 4, 'webhook-missing-service': 1,
    });
    expect(new Set(all.map((b) => `${b.object.kind}/${b.object.namespace}/${b.object.name}`)).size).toBe(all.length);
  });
});

describe('runMeasured limits', () => {
  it('stops a tool whose memory passes the cap and says so, with the peak it sampled', async () => {
    // Holds ~200 MiB of touched memory for a long while: only the cap can end it early.
    const run = await runMeasured(process.execPath, ['-e', 'const b = Buffer.alloc(200 * 2 ** 20, 1); setTimeout(() => b.length, 60_000)'], process.env, { maxRssMiB: 100 });
    expect(run.limit).toBe('memory');
    expect(run.maxRssMiB).toBeGreaterThan(100);
  });

  it('stops a tool at the time limit, and leaves a run that ends by itself unmarked', async () => {
    const slow = await runMeasured(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], process.env, { timeoutMs: 500 });
    expect(slow.limit).toBe('timeout');
    const quick = await runMeasured(process.execPath, ['-e', 'console.log("{}")'], process.env, { timeoutMs: 30_000, maxRssMiB: 1024 });
    expect(quick.limit).toBeUndefined();
    expect(quick.exitCode).toBe(0);
    expect(quick.stdout.trim()).toBe('{}');
  });
});

describe('the bare LIST reference', () => {
  it("reads the seconds from bench/bare-list.ts's last line, and says so when there are none", () => {
    expect(bareListSeconds('(node) a warning first\n{"seconds":[27.71,29.45]}\n')).toEqual([27.71, 29.45]);
    expect(() => bareListSeconds('{"error":"connection refused"}')).toThrow(/printed no seconds/);
  });
});
