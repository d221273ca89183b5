// The text the checks parse: scheduler verdicts, command lines, FailedCreate messages.
import { describe, expect, it } from 'vitest';
import { unexpandedReferences } from '../../../src/analyzers/pods-not-starting/env-expansion.js';
import { describePullError } from '../../../src/analyzers/pods-not-starting/image-pull.js';
import { parseSchedulerMessage } from '../../../src/analyzers/pods-not-starting/scheduler-message.js';
import { classifyFailedCreate } from '../../../src/analyzers/workloads/failed-create.js';
import type { Container } from '../../../src/model/core.js';

describe('parseSchedulerMessage', () => {
  it('reads the current format with preemption', () => {
    const verdict = parseSchedulerMessage(
      "0/5 nodes are available: 2 Insufficient cpu, 1 node(s) had untolerated taint {dedicated: gpu}, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling.",
    );
    expect(verdict).toMatchObject({ availableNodes: 0, totalNodes: 5, preemption: '0/5 nodes are available: 5 Preemption is not helpful for scheduling' });
    expect(verdict.causes.map((c) => [c.kind, c.nodes])).toEqual([['insufficient-resources', 2], ['taint', 1], ['node-selector', 2]]);
  });

  it('keeps the old taint wording, whose comma is not a separator', () => {
    const verdict = parseSchedulerMessage("0/3 nodes are available: 1 node(s) had taint {node.kubernetes.io/unreachable: }, that the pod didn't tolerate, 2 Insufficient memory.");
    expect(verdict.causes).toEqual([
      { kind: 'node-not-ready', nodes: 1, text: "taint {node.kubernetes.io/unreachable: }, that the pod didn't tolerate" },
      { kind: 'insufficient-resources', nodes: 2, text: 'Insufficient memory' },
    ]);
  });

  it('classifies volume, cordon and affinity causes', () => {
    const verdict = parseSchedulerMessage(
      "0/4 nodes are available: 1 node(s) had volume node affinity conflict, 1 node(s) were unschedulable, 2 node(s) didn't match pod anti-affinity rules.",
    );
    expect(verdict.causes.map((c) => c.kind)).toEqual(['volume', 'cordoned', 'pod-affinity']);
  });

  it('keeps an unrecognised message whole', () => {
    expect(parseSchedulerMessage('running PreBind plugin "VolumeBinding": binding volumes: timed out').causes).toHaveLength(1);
  });
});

describe('unexpandedReferences', () => {
  const c = (command: string[] | undefined, args?: string[]): Container => ({ name: 'app', ...(command ? { command } : {}), ...(args ? { args } : {}) });

  it('finds $VAR and ${VAR} but not $(VAR), $$VAR or positional parameters', () => {
    expect(unexpandedReferences(c(['/app'], ['--a=$HOME', '--b=${USER}', '--c=$(PORT)', '--d=$$LITERAL', '--e=$1', 'cost: $5']))).toEqual(['$HOME', '${USER}']);
  });

  it('leaves shells with a script flag alone, also behind an init process', () => {
    expect(unexpandedReferences(c(['/bin/bash', '-ec'], ['echo $HOME']))).toEqual([]);
    expect(unexpandedReferences(c(['tini', '--', 'sh', '-c', 'exec app --token=$TOKEN']))).toEqual([]);
  });

  it('reports a shell running a script file, which gets the argument literally', () => {
    expect(unexpandedReferences(c(['/bin/sh', '/scripts/start.sh', '$MODE']))).toEqual(['$MODE']);
  });

  it('leaves programs with their own $ syntax alone', () => {
    expect(unexpandedReferences(c(['jq', '-r', '.items[] | select(.name == $name)']))).toEqual([]);
    expect(unexpandedReferences(c(['/usr/bin/perl', '-e', 'print $ENV{HOME}']))).toEqual([]);
  });

  it('does not judge args passed to the image entrypoint', () => {
    expect(unexpandedReferences(c(undefined, ['--url=$URL']))).toEqual([]);
  });
});

describe('describePullError', () => {
  it.each([
    ['rpc error: code = NotFound desc = failed to resolve reference "x:1": x:1: not found', 'the image or tag does not exist'],
    ['failed to authorize: failed to fetch oauth token: unexpected status: 401 Unauthorized', 'the registry refused access (credentials or permissions)'],
    ['dial tcp: lookup registry.internal on 10.96.0.10:53: no such host', 'the registry is not reachable from the node'],
    ['toomanyrequests: You have reached your pull rate limit.', 'the registry rate-limits pulls'],
    ['InvalidImageName Failed to apply default image tag "Repo/App:1": couldn\'t parse image name', 'the image reference is not valid'],
  ])('%s', (text, meaning) => {
    expect(describePullError(text)).toBe(meaning);
  });
});

describe('classifyFailedCreate', () => {
  it.each([
    ['pods "a-" is forbidden: exceeded quota: q, requested: pods=1, used: pods=10, limited: pods=10', 'WorkloadQuotaExceeded'],
    ['pods "a-" is forbidden: failed quota: q: must specify limits.cpu for: app', 'WorkloadQuotaExceeded'],
    ['pods "a-" is forbidden: [minimum memory usage per Container is 64Mi, but request is 32Mi, cpu max limit to request ratio per Container is 2, but provided ratio is 4.000000]', 'WorkloadLimitRangeViolation'],
    ['pods "a-0" is forbidden: error looking up service account ns/robot: serviceaccount "robot" not found', 'WorkloadServiceAccountMissing'],
    ['admission webhook "validate.kyverno.svc-fail" denied the request: policy Deployment/ns/a for resource violation: require-labels', 'WorkloadAdmissionDenied'],
    ['pods "a-" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false', 'WorkloadAdmissionDenied'],
    ['Internal error occurred: failed calling webhook "mutate.example.com": failed to call webhook: connection refused', 'WorkloadAdmissionDenied'],
    ['pods "a-" is forbidden: node(s) were unschedulable', undefined],
  ])('%s', (message, check) => {
    expect(classifyFailedCreate(message)).toBe(check);
  });
});
