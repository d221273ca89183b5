import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDefinition } from '../../src/analyzers/catalogue.js';
import type { CheckId } from '../../src/analyzers/catalogue.js';
import type { Finding } from '../../src/analyzers/types.js';
import { remediationFor, shellWord } from '../../src/report/remediation.js';
import { buildAnalysisReport } from '../../src/report/report.js';
import type { ReportFinding } from '../../src/report/report.js';
import { analyzeFixtures } from '../helpers/fixtures.js';

/** The report finding of `check` on the object named `objectName`, from a fixture analysed as `analyze -f` does. */
function reported(fixture: string, check: CheckId, objectName: string): ReportFinding {
  const matching = buildAnalysisReport(analyzeFixtures([fixture]).findings).findings.filter((f) => f.check === check && f.object.name === objectName);
  expect(matching).toHaveLength(1);
  return matching[0] as ReportFinding;
}

/** The step of a finding's remediation that holds `text`. */
function stepWith(finding: ReportFinding, text: string): string | undefined {
  return finding.remediation.find((step) => step.includes(text));
}

describe('remediation commands name the finding\'s objects, per family', () => {
  it('pods: the pod, its container and namespace, and the workload to roll back', () => {
    const finding = reported('pods/oom-killed.yaml', 'PodCrashLooping', 'cart-8kcfcj7k46-k8m2p');
    expect(finding.remediation).toContain('Read the logs of the crashed instance: `kubectl logs -n shop cart-8kcfcj7k46-k8m2p -c app --previous`.');
    expect(stepWith(finding, 'roll back')).toBe('If the crash started with a new version, roll back: `kubectl rollout undo deployment/cart -n shop`.');
    const oom = reported('pods/oom-killed.yaml', 'PodOOMKilled', 'cart-8kcfcj7k46-k8m2p');
    expect(stepWith(oom, 'kubectl top')).toBe('Compare the memory limit with actual usage: `kubectl top pod -n shop cart-8kcfcj7k46-k8m2p --containers`.');
    // The finding does not know the pod's node: that placeholder stays for the reader.
    expect(stepWith(oom, 'describe node')).toContain('`kubectl describe node <node>`');
  });

  it('workloads: a StatefulSet gets the StatefulSet\'s rollout commands, a Deployment the Deployment\'s', () => {
    const sts = reported('pods-not-starting/rollouts.yaml', 'WorkloadRolloutStuck', 'queue');
    expect(stepWith(sts, 'go back')).toBe('Fix the template, or go back: `kubectl rollout undo sts -n rollout queue` (a StatefulSet\'s failed pod may need deleting after the fix)');
    expect(stepWith(sts, 'rollout history')).toContain('`kubectl rollout history sts -n rollout queue --revision=<n>`');
    const deploy = reported('pods-not-starting/rollouts.yaml', 'WorkloadRolloutStuck', 'checkout');
    expect(stepWith(deploy, 'See the rollout')).toBe('See the rollout: `kubectl rollout status deploy -n rollout checkout` and `kubectl get rs -n rollout -l <selector>`');
    // A crash-looping pod of a StatefulSet: the Deployment-worded rollback applies to its StatefulSet.
    const pod = reported('pods-not-starting/rollouts.yaml', 'PodCrashLooping', 'queue-2');
    expect(stepWith(pod, 'roll back')).toContain('`kubectl rollout undo statefulset/queue -n rollout`');
  });

  it('network: the Service, its EndpointSlices by label, and its one backing pod', () => {
    const finding = reported('network/crashing-backends.yaml', 'ServiceNoReadyEndpoints', 'queue');
    expect(stepWith(finding, 'endpointslices')).toBe('Inspect the endpoints and pods: `kubectl get endpointslices -n net-orders -l kubernetes.io/service-name=queue` and `kubectl describe pods -n net-orders -l <selector>`.');
    expect(stepWith(finding, 'kubectl logs')).toContain('`kubectl logs queue-0 -n net-orders --previous`');
    const ingress = reported('network/crashing-backends.yaml', 'IngressBackendMissing', 'orders');
    expect(ingress.remediation).toContain('Validate ingress and services: `kubectl describe ingress orders -n net-orders` and `kubectl get svc -n net-orders`.');
  });

  it('istio: the sidecar\'s pod for kubectl and istioctl', () => {
    const finding = reported('istio/sidecar-crashloop.yaml', 'IstioSidecarNotReady', 'cart-6fgl64gqb9-5q5ps');
    expect(finding.remediation[0]).toBe('Read the sidecar\'s logs: `kubectl logs -n shop cart-6fgl64gqb9-5q5ps -c istio-proxy` (and `--previous` after a crash)');
    expect(stepWith(finding, 'istioctl proxy-config')).toContain('`istioctl proxy-config bootstrap -n shop cart-6fgl64gqb9-5q5ps`');
    // Literal names and other namespaces in the runbook stay as written.
    expect(stepWith(finding, 'istiod itself')).toContain('`kubectl get pods -n istio-system -l app=istiod`');
  });

  it('certificates: the Certificate for cmctl, the Order and the CertificateRequest it links', () => {
    const order = reported('certificates/acme-order-invalid.yaml', 'ACMEOrderFailed', 'www-tls-9q2xk-1196420851');
    expect(order.remediation[0]).toBe('Read the reason: `kubectl describe orders.acme.cert-manager.io -n www www-tls-9q2xk-1196420851`');
    expect(stepWith(order, 'cmctl')).toContain('`cmctl renew -n www www-tls`');
    const certificate = reported('certificates/acme-order-invalid.yaml', 'CertificateNotReady', 'www-tls');
    expect(certificate.remediation[0]).toBe('Follow the chain: `kubectl describe certificate -n www www-tls`, then `kubectl describe certificaterequest -n www www-tls-9q2xk`');
  });

  it('storage and nodes: the claim, the class-less class placeholder, the node', () => {
    const mount = reported('storage/rwo-multi-attach.yaml', 'PodVolumeMountFailed', 'uploads-5f7c9d6b8-9vq7m');
    expect(stepWith(mount, 'describe pvc')).toBe('Check the claims and volumes: `kubectl get pvc -n storage-web` and `kubectl describe pvc -n storage-web uploads-data`');
    const pressure = reported('nodes/pressure.yaml', 'NodePressure', 'worker-5');
    expect(stepWith(pressure, 'heaviest')).toContain('`kubectl get pods -A -o wide --field-selector spec.nodeName=worker-5`');
    const cordoned = reported('nodes/cordoned.yaml', 'NodeCordoned', 'worker-8');
    expect(stepWith(cordoned, 'retired')).toBe('Or, if it is retired, drain and remove it: `kubectl drain worker-8 --ignore-daemonsets` and `kubectl delete node worker-8`');
  });

  it('dns: external-dns\'s namespace, and the pod a policy keeps from resolving', () => {
    const externalDns = reported('dns/external-dns-crashloop.yaml', 'ExternalDNSUnhealthy', 'external-dns-kkp9sngxv4-nxpxx');
    expect(externalDns.remediation[0]).toContain('`kubectl logs -n dns-broken deploy/external-dns --tail=100`');
    const blocked = buildAnalysisReport(analyzeFixtures(['network/netpol-deny-all.yaml']).findings).findings.find((f) => f.check === 'NetworkPolicyBlocksDNS');
    expect(blocked).toBeDefined();
    const { namespace, name } = blocked?.object ?? { name: '' };
    expect(blocked?.remediation).toContain(`Verify from the pod: \`kubectl exec ${name} -n ${namespace} -- nslookup kubernetes.default\`.`);
  });
});

describe('remediation filling', () => {
  const crashLoop = (object: Finding['object'], subject: Finding['subject'] = { kind: 'Deployment', namespace: object.namespace, name: 'web' }): Finding => ({
    check: 'PodCrashLooping',
    severity: 'critical',
    subject,
    object,
    message: 'crash',
    evidence: [],
  });

  it('quotes a name a shell would split or expand, so that the pasted command gets it verbatim', () => {
    const odd = "we'ird $(touch /tmp/pwned) `x`; rm -rf ~";
    expect(shellWord(odd)).toBeUndefined(); // a backtick would end the Markdown code span
    const tricky = "we'ird $(touch pwned); rm -rf ~ *";
    const word = shellWord(tricky);
    expect(word).toBe(`'we'\\''ird $(touch pwned); rm -rf ~ *'`);
    // A real shell reads the word back as exactly one argument with the original text.
    const echoed = spawnSync('/bin/sh', ['-c', `printf '%s\\n' ${word ?? ''}`], { encoding: 'utf8' });
    expect(echoed.stdout).toBe(`${tricky}\n`);
  });

  it('fills quoted names into the commands and leaves what must not be pasted as placeholders', () => {
    const steps = remediationFor(crashLoop({ kind: 'Pod', namespace: 'shop', name: 'web 1', container: '-rf' }));
    expect(steps[0]).toBe("Read the logs of the crashed instance: `kubectl logs -n shop 'web 1' -c <container> --previous`.");
    const shell = /`(kubectl logs [^`]+)`/.exec(steps[0] ?? '')?.[1] ?? '';
    const argv = spawnSync('/bin/sh', ['-c', `printf '%s\\n' ${shell.replace('<container>', 'c')}`], { encoding: 'utf8' }).stdout.trim().split('\n');
    expect(argv).toEqual(['kubectl', 'logs', '-n', 'shop', 'web 1', '-c', 'c', '--previous']);
  });

  it('keeps a placeholder the finding cannot fill, and the catalogue\'s own list when it fills nothing', () => {
    const bare = crashLoop({ kind: 'Pod', namespace: 'shop', name: 'web-0' }, { kind: 'Pod', namespace: 'shop', name: 'web-0' });
    const steps = remediationFor(bare);
    expect(steps[0]).toContain('`kubectl logs -n shop web-0 -c <container> --previous`');
    expect(steps[3]).toContain('`kubectl rollout undo deployment/<name> -n shop`');
    const nodeless: Finding = { ...bare, check: 'NodePressure', subject: { kind: 'Cluster', name: 'cluster' }, object: { kind: 'Cluster', name: 'cluster' } };
    expect(remediationFor(nodeless)).toBe(checkDefinition('NodePressure').runbook);
  });

  it('leaves the catalogue (docs/checks.md, `healthreport checks`) generic', () => {
    remediationFor(crashLoop({ kind: 'Pod', namespace: 'shop', name: 'web-1', container: 'app' }));
    expect(checkDefinition('PodCrashLooping').runbook[0]).toBe('Read the logs of the crashed instance: `kubectl logs -n <namespace> <pod> -c <container> --previous`.');
    const docs = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'checks.md'), 'utf8');
    expect(docs).toContain('`kubectl logs -n <namespace> <pod> -c <container> --previous`');
  });

  it('never fills the name of an object a step creates', () => {
    const jobFailed = { check: 'PodCrashLooping', severity: 'critical', subject: { kind: 'CronJob', namespace: 'shop', name: 'feed-export' }, object: { kind: 'Job', namespace: 'shop', name: 'feed-export-29402640' }, message: 'm', evidence: [] } as const;
    const steps = remediationFor({ ...jobFailed, check: 'WorkloadServiceAccountMissing' });
    // `kubectl create serviceaccount -n <namespace> <account>`: the account's own placeholder, unknown here.
    expect(steps.find((s) => s.includes('create serviceaccount'))).toContain('`kubectl create serviceaccount -n shop <account>`');
    const created = remediationFor({ ...jobFailed, check: 'PodImagePullSecretMissing' });
    expect(created.find((s) => s.includes('docker-registry'))).toContain('`kubectl create secret docker-registry <name> -n shop');
  });

  it('fills only Kubernetes CLIs\' commands: a nameserver `@<ns>` of dig or a host in a URL stays', () => {
    const challenge: Finding = { check: 'ACMEChallengePending', severity: 'warning', subject: { kind: 'Certificate', namespace: 'www', name: 'www-tls' }, object: { kind: 'Challenge', namespace: 'www', name: 'www-tls-1-2' }, message: 'm', evidence: [] };
    const steps = remediationFor(challenge);
    expect(steps[0]).toBe('Read the reason: `kubectl describe challenges.acme.cert-manager.io -n www www-tls-1-2`');
    expect(steps[1]).toBe(checkDefinition('ACMEChallengePending').runbook[1]);
  });
});
