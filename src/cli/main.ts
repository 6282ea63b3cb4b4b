#!/usr/bin/env node
import { ConfigError, SipcastError } from "../index";
import { parseCli } from "./cli-options";
import { HELP } from "./help";
import { runCall } from "./run-call";

async function main(): Promise<number> {
  let command;
  try {
    command = parseCli(process.argv.slice(2), process.env);
  } catch (error) {
    process.stderr.write(`sipcast: ${(error as Error).message}\n`);
    return 2;
  }
  if (command.kind === "help") {
    process.stdout.write(HELP);
    return 0;
  }
  if (command.kind === "version") {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    process.stdout.write(`${(require("../../package.json") as { version: string }).version}\n`);
    return 0;
  }
  try {
    return await runCall(command.options, process.stdout, process.stderr);
  } catch (error) {
    const usage = error instanceof ConfigError;
    process.stderr.write(`sipcast: ${error instanceof SipcastError || usage ? (error as Error).message : String(error)}\n`);
    return usage ? 2 : 1;
  }
}

void main().then((code) => {
  process.exitCode = code;
  // Everything is closed by now, so the process should end by itself; if a handle lingers, do not hang the shell.
  setTimeout(() => process.exit(code), 2000).unref();
});
