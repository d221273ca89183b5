// The `healthreport` command line: dispatches to a command and maps failures to exit code 2.
import { analyzeCommand } from './analyze.js';
import { runCommand } from './run.js';
import { renderChecksJson, renderChecksTable } from './checks.js';
import type { CliIO } from './io.js';
import { EXIT, UsageError } from './io.js';
import { parseArgs } from 'node:util';

export const USAGE = `Usage: healthreport <command> [options]

Commands:
  run       the controller: watch, analyze on change, write HealthReports, serve metrics
  analyze   analyze the live cluster, or dumps with -f, and print the findings
  checks    list the check catalogue (-o table|json)

Run 'healthreport <command> --help' for a command's options.
`;

function checksCommand(argv: readonly string[], io: CliIO): number {
  const { values } = parseArgs({ args: [...argv], options: { output: { type: 'string', short: 'o', default: 'table' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    io.stdout('Usage: healthreport checks [-o table|json]\n');
    return EXIT.ok;
  }
  if (values.output === 'json') io.stdout(renderChecksJson());
  else if (values.output === 'table') io.stdout(renderChecksTable());
  else throw new UsageError(`-o must be table or json; got ${JSON.stringify(values.output)}`);
  return EXIT.ok;
}

export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'analyze':
        return await analyzeCommand(rest, io);
      case 'run':
        return await runCommand(rest, io);
      case 'checks':
        return checksCommand(rest, io);
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        io.stdout(USAGE);
        return command === undefined ? EXIT.error : EXIT.ok;
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`healthreport: ${message}\n`);
    if (error instanceof UsageError || (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      io.stderr(`Run 'healthreport ${command ?? ''} --help' for usage.\n`);
    }
    return EXIT.error;
  }
}
