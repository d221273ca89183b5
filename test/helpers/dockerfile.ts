// A reader for the project's Dockerfile, so that tests check and reproduce what it says instead of
// repeating it: the runtime image test runs the runtime stage's ENTRYPOINT, as its USER, in its
// WORKDIR. Handles what the Dockerfile uses: comments, line continuations, global ARGs, stages
// named with AS, and exec-form (JSON) arguments.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface Instruction {
  readonly keyword: string;
  /** The arguments as written (continuations joined). */
  readonly args: string;
  readonly line: number;
}

export interface Stage {
  readonly from: string;
  readonly name?: string;
  readonly instructions: readonly Instruction[];
}

export interface Dockerfile {
  /** ARGs before the first FROM, with their defaults. */
  readonly args: ReadonlyMap<string, string>;
  readonly stages: readonly Stage[];
}

export function parseDockerfile(text: string): Dockerfile {
  const instructions: Instruction[] = [];
  let pending: { text: string; line: number } | undefined;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trimEnd();
    if (!pending && (line.trim() === '' || line.trimStart().startsWith('#'))) return;
    // Comment lines inside a continued instruction are dropped, as BuildKit does.
    if (pending && line.trimStart().startsWith('#')) return;
    const continued = line.endsWith('\\');
    const body = continued ? line.slice(0, -1) : line;
    pending = pending ? { text: `${pending.text} ${body.trim()}`, line: pending.line } : { text: body.trim(), line: index + 1 };
    if (continued) return;
    const match = /^(\S+)\s*(.*)$/.exec(pending.text);
    if (match?.[1]) instructions.push({ keyword: match[1].toUpperCase(), args: match[2] ?? '', line: pending.line });
    pending = undefined;
  });

  const args = new Map<string, string>();
  const stages: { from: string; name?: string; instructions: Instruction[] }[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const match = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args);
      if (!match?.[1]) throw new Error(`Dockerfile line ${instruction.line}: cannot read FROM ${instruction.args}`);
      stages.push({ from: match[1], ...(match[2] ? { name: match[2] } : {}), instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword !== 'ARG') throw new Error(`Dockerfile line ${instruction.line}: only ARG may come before the first FROM`);
      const [name, value] = instruction.args.split('=', 2);
      if (name) args.set(name, (value ?? '').replace(/^"(.*)"$/, '$1'));
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return { args, stages };
}

export function readDockerfile(repoRoot: string): Dockerfile {
  return parseDockerfile(readFileSync(resolve(repoRoot, 'Dockerfile'), 'utf8'));
}

export function stage(dockerfile: Dockerfile, name: string): Stage {
  const found = dockerfile.stages.find((s) => s.name === name);
  if (!found) throw new Error(`the Dockerfile has no stage named ${name}`);
  return found;
}

/** The arguments of the stage's instructions of this kind, in order. */
export function argsOf(stage: Stage, keyword: string): string[] {
  return stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
}

/** The exec form of ENTRYPOINT/CMD (a JSON array of strings); throws for the shell form. */
export function execForm(args: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    throw new Error(`not the exec form (a JSON array): ${args}`);
  }
  if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string')) throw new Error(`not the exec form (a JSON array of strings): ${args}`);
  return parsed;
}

/** LABEL key="value" pairs of a stage (values as written, quotes removed). */
export function labelsOf(stage: Stage): Map<string, string> {
  const labels = new Map<string, string>();
  for (const args of argsOf(stage, 'LABEL')) {
    for (const match of args.matchAll(/([\w.-]+)=("(?:[^"\\]|\\.)*"|\S+)/g)) {
      if (match[1] && match[2]) labels.set(match[1], match[2].replace(/^"(.*)"$/s, '$1'));
    }
  }
  return labels;
}
