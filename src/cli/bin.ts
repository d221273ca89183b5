#!/usr/bin/env node
// The `healthreport` executable.
import { runCli } from './main.js';

const io = {
  stdout: (text: string) => process.stdout.write(text),
  stderr: (text: string) => process.stderr.write(text),
  color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  env: process.env,
};

process.exitCode = await runCli(process.argv.slice(2), io);
