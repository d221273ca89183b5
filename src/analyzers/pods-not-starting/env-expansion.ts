// Shell-style variable references in command/args that nothing expands: Kubernetes substitutes
// only $(VAR), and only a shell would expand $VAR or ${VAR}, so the program gets them literally.
import type { Container } from '../../model/core.js';
import { objectRef } from '../evidence.js';
import { TEMPLATE_KINDS, judgedSpecs } from '../pod-templates.js';
import type { AnalysisContext, Analyzer, Finding } from '../types.js';
import { OWNER_KINDS, onePerSubject } from './pod-state.js';

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
  const findings: Finding[] = [];
  // The template decides: a Job whose pods all failed, a CronJob between runs and a Deployment
  // scaled to zero carry the mistake as much as a running pod does.
  for (const judged of judgedSpecs(ctx.view)) {
    for (const container of [...(judged.spec.initContainers ?? []), ...judged.spec.containers]) {
      const refs = unexpandedReferences(container);
      if (refs.length === 0) continue;
      const kubernetesForm = refs.map((ref) => `$(${ref.replace(/^\$\{?|\}$/g, '')})`);
      findings.push({
        check: 'PodEnvVarNotExpanded',
        severity: 'warning',
        subject: judged.subject,
        object: objectRef(judged.object, container.name),
        message: `Container ${container.name} of ${judged.where} passes ${refs.join(', ')} literally to ${basename(container.command?.[0] ?? '')}: without a shell Kubernetes expands only ${kubernetesForm.join(', ')}.`,
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
  description: 'Containers whose command or args use $VAR or ${VAR} without a shell, which Kubernetes does not expand: in the workload\'s pod template, else in its live pods and the failed pods of a Job that has not succeeded.',
  checks: ['PodEnvVarNotExpanded'],
  // Pods or workload templates, whichever are loaded.
  reads: [],
  scope: 'subject',
  subjectKinds: ['Pod', ...TEMPLATE_KINDS],
  optionalReads: ['Pod', ...OWNER_KINDS],
  analyze: findUnexpandedEnvVars,
};
