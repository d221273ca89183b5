// Containers whose process the runtime cannot start: a command that is not in the image, not
// executable or not a file (PodStartCommandFailed), or a binary built for another CPU architecture
// (PodExecFormatError). Newer runtimes start the process before exec fails, so "exec format error"
// may only be in the previous instance's log.
import type { ContainerStatus, Pod } from '../../model/core.js';
import { describeState, eventEvidence, objectRef, containerStatuses } from '../evidence.js';
import type { AnalysisContext, Analyzer, Finding } from '../types.js';
import { OWNER_KINDS, containerEvents, containerSpec, earliestEvent, isActivePod, podEvents, podName } from './pod-state.js';

const START_FAILURE_REASONS = ['RunContainerError', 'StartError', 'ContainerCannotRun'];
const EXEC_FORMAT = /exec format error/i;
/**
 * Start errors have other causes too (subPath mounts, devices, cgroups): only those where the
 * runtime failed to exec the command are about the command.
 */
const COMMAND_PROBLEM = /\bexec\b[^:]*:|executable file not found|no command specified/i;

interface StartFailure {
  readonly reason: string;
  readonly message: string;
  readonly at?: string;
}

/** The start failure the container shows now, or the one its last instance died of while it backs off. */
function startFailure(status: ContainerStatus): StartFailure | undefined {
  const { state, lastState } = status;
  const waiting = state?.waiting;
  const terminated = state?.terminated ?? (waiting?.reason === 'CrashLoopBackOff' ? lastState?.terminated : undefined);
  let failure: StartFailure | undefined;
  if (waiting?.reason && (START_FAILURE_REASONS.includes(waiting.reason) || waiting.reason === 'CreateContainerError')) {
    failure = { reason: waiting.reason, message: waiting.message ?? '' };
  } else if (terminated?.reason && START_FAILURE_REASONS.includes(terminated.reason)) {
    failure = { reason: terminated.reason, message: terminated.message ?? '', ...(terminated.finishedAt ? { at: terminated.finishedAt } : {}) };
  }
  return failure && (COMMAND_PROBLEM.test(failure.message) || EXEC_FORMAT.test(failure.message)) ? failure : undefined;
}

function explainCommandFailure(message: string): string {
  const notFound = /exec: "([^"]+)": executable file not found/i.exec(message);
  if (notFound) return `executable "${notFound[1]}" is not found in the image's $PATH`;
  if (/executable file not found/i.test(message)) return 'the executable is not found in the image';
  const path = /exec: "([^"]+)"/.exec(message)?.[1] ?? /exec (\S+?):/.exec(message)?.[1];
  const subject = path ? `"${path}"` : 'the command';
  if (/permission denied/i.test(message)) return `${subject} is not executable (permission denied)`;
  if (/no such file or directory/i.test(message)) return `${subject} or its interpreter does not exist (no such file or directory)`;
  if (/is a directory/i.test(message)) return `${subject} is a directory`;
  if (/no command specified/i.test(message)) return 'neither the pod nor the image specifies a command';
  return 'the container runtime could not start it';
}

function commandLine(pod: Pod, container: string): string | undefined {
  const spec = containerSpec(pod, container);
  const argv = [...(spec?.command ?? []), ...(spec?.args ?? [])];
  return argv.length ? argv.join(' ') : undefined;
}

export function findContainerStartFailures(ctx: AnalysisContext): Finding[] {
  const { view } = ctx;
  const findings: Finding[] = [];
  for (const pod of view.list('Pod')) {
    if (!isActivePod(pod)) continue;
    const node = pod.spec.nodeName && view.has('Node') ? view.get('Node', undefined, pod.spec.nodeName) : undefined;
    const arch = node?.status.nodeInfo?.architecture;
    for (const c of containerStatuses(pod)) {
      const failure = startFailure(c.status);
      const logs = ctx.extra.previousLogs?.get(`${pod.metadata.namespace ?? ''}/${pod.metadata.name}/${c.name}`) ?? [];
      const loggedExecFormat = c.status.state?.waiting?.reason === 'CrashLoopBackOff' ? logs.find((line) => EXEC_FORMAT.test(line)) : undefined;
      if (!failure && !loggedExecFormat) continue;
      const image = containerSpec(pod, c.name)?.image ?? c.status.image ?? '(no image)';
      const events = containerEvents(podEvents(view, pod), c.name).filter((e) => e.reason === 'Failed' || e.reason === 'BackOff');
      const argv = commandLine(pod, c.name);
      // While the container backs off, the failed start is its last state: that comes first.
      const backingOff = c.status.state?.waiting?.reason === 'CrashLoopBackOff';
      const states = (backingOff ? [describeState(c.status.lastState), describeState(c.status.state)] : [describeState(c.status.state)]).filter((s): s is string => Boolean(s));
      const firstSeen = earliestEvent(events) ?? failure?.at;
      const common = { severity: 'critical' as const, subject: view.subjectOf(pod), object: objectRef(pod, c.name), ...(firstSeen ? { firstSeen } : {}) };
      if (loggedExecFormat || EXEC_FORMAT.test(failure?.message ?? '')) {
        findings.push({
          ...common,
          check: 'PodExecFormatError',
          message: `Container ${c.name} of pod ${podName(pod)} cannot run image ${image}: it is built for another CPU architecture than node ${pod.spec.nodeName ?? '(unknown)'}${arch ? ` (${arch})` : ''} (exec format error).`,
          evidence: [
            `image: ${image}`,
            ...(arch ? [`node ${pod.spec.nodeName ?? ''} architecture: ${arch}`] : []),
            ...states,
            ...(loggedExecFormat ? [`previous log: ${loggedExecFormat}`] : []),
            ...eventEvidence(events, ctx.settings.evidence.maxEvents),
          ],
        });
        continue;
      }
      if (!failure) continue;
      findings.push({
        ...common,
        check: 'PodStartCommandFailed',
        message: `Container ${c.name} of pod ${podName(pod)} cannot start: ${explainCommandFailure(failure.message)} (${failure.reason}).`,
        evidence: [
          ...(argv ? [`command: ${argv}`] : ['command: the image default (no command or args in the pod)']),
          `image: ${image}`,
          ...states,
          `restarts: ${c.status.restartCount}`,
          ...eventEvidence(events, ctx.settings.evidence.maxEvents),
        ],
      });
    }
  }
  return findings;
}

export const containerStartFailures: Analyzer = {
  name: 'container-start-failures',
  description: 'Containers whose process cannot be started: command not found, not executable, missing file, or a binary for another CPU architecture.',
  checks: ['PodStartCommandFailed', 'PodExecFormatError'],
  reads: ['Pod'],
  scope: 'subject',
  subjectKinds: ['Pod'],
  optionalReads: ['Event', 'Node', ...OWNER_KINDS],
  analyze: findContainerStartFailures,
};
