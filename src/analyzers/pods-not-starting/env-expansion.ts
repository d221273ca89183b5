// Shell-style variable references in command/args that nothing expands: Kubernetes substitutes
// only $(VAR), and only a shell would expand $VAR or ${VAR}, so the program gets them literally.
import type { Container } from '../../model/core.js';
import { objectRef } from '../evidence.js';
import type { AnalysisContext, Analyzer, Finding } from '../types.js';
import { OWNER_KINDS, isActivePod, onePerSubject, podName, specContainers } from './pod-state.js';

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'mksh', 'busybox']);
/** Programs whose own language uses `$` (Perl, awk, jq, sed addresses...) or that expand variables themselves. */
const OWN_DOLLAR_SYNTAX = new Set(['perl', 'awk', 'gawk', 'mawk', 'nawk', 'jq', 'yq', 'sed', 'php', 'ruby', 'envsubst']);
/** `-c`, `-ec`, `-xc`, `-lc`...: the shell runs the next argument as a script and expands it. */
const SCRIPT_FLAG = /^-[a-z]*c[a-z]*$/;
/** `$VAR` or `${VAR}` not escaped as `$$`; `$(VAR)` is the Kubernetes syntax and is fine. */
const UNEXPANDED = /(?<!\$)\$(\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)/g;

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Whether a shell runs anywhere in the argv with a script flag (also behind tini, env, dumb-init). */
function runsShellScript(argv: readonly string[]): boolean {
  return argv.some((arg, i) => SHELLS.has(basename(arg)) && argv.slice(i + 1).some((next) => SCRIPT_FLAG.test(next)));
}

export function unexpandedReferences(container: Container): string[] {
  // Without a command the image's entrypoint receives the args, and it may well be a shell
  // wrapper: only an explicit command tells what will interpret them.
  if (!container.command?.length) return [];
  const argv = [...container.command, ...(container.args ?? [])];
  if (runsShellScript(argv) || argv.some((arg) => OWN_DOLLAR_SYNTAX.has(basename(arg)))) return [];
  const found = new Set<string>();
  for (const arg of argv) for (const match of arg.matchAll(UNEXPANDED)) found.add(match[0]);
  return [...found];
}

export function findUnexpandedEnvVars(ctx: AnalysisContext): Finding[] {
  const { view } = ctx;
  const findings: Finding[] = [];
  for (const pod of view.list('Pod')) {
    if (!isActivePod(pod)) continue;
    for (const { container } of specContainers(pod)) {
      const refs = unexpandedReferences(container);
      if (refs.length === 0) continue;
      const kubernetesForm = refs.map((ref) => `$(${ref.replace(/^\$\{?|\}$/g, '')})`);
      findings.push({
        check: 'PodEnvVarNotExpanded',
        severity: 'warning',
        subject: view.subjectOf(pod),
        object: objectRef(pod, container.name),
        message: `Container ${container.name} of pod ${podName(pod)} passes ${refs.join(', ')} literally to ${basename(container.command?.[0] ?? '')}: without a shell Kubernetes expands only ${kubernetesForm.join(', ')}.`,
        evidence: [
          `command: ${JSON.stringify(container.command ?? [])}`,
          `args: ${JSON.stringify(container.args ?? [])}`,
          `not expanded: ${refs.join(', ')}`,
          `fix: write ${kubernetesForm.join(', ')}, or run the command through /bin/sh -c`,
        ],
      });
    }
  }
  return onePerSubject(findings, (f) => `${f.object.container ?? ''}|${f.evidence.slice(0, 2).join('|')}`);
}

export const unexpandedEnvVars: Analyzer = {
  name: 'unexpanded-env-vars',
  description: 'Containers whose command or args use $VAR or ${VAR} without a shell, which Kubernetes does not expand.',
  checks: ['PodEnvVarNotExpanded'],
  reads: ['Pod'],
  scope: 'subject',
  subjectKinds: ['Pod'],
  optionalReads: [...OWNER_KINDS],
  analyze: findUnexpandedEnvVars,
};
