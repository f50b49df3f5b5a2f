/**
 * `subproc wait`: wait until a port accepts, a URL answers, a file exists
 * or a log shows a line — wait-on and wait-for-it in one command.
 *
 * @module
 */

import { notReadyReason, waitingFor } from "../ready/message.ts";
import { awaitConditions } from "../ready/standalone.ts";
import {
  noCommand,
  type ParsedArgs,
  stringOption,
  UsageError,
} from "./args.ts";
import type { Command } from "./command.ts";
import { FAILED, USAGE } from "./exit_codes.ts";
import { printError, printLine } from "./io.ts";
import { readyOptions, readySpecs } from "./ready_args.ts";

async function execute(parsed: ParsedArgs): Promise<number> {
  noCommand(parsed, 0);
  const log = stringOption(parsed, "log");
  const ready = readyOptions(parsed, "");
  if (ready === undefined) {
    throw new UsageError(
      "missing a condition: --port N, --url URL, --file P or --line RE --log F",
    );
  }
  const { options, plan } = ready;
  if (options.line !== undefined && log === undefined) {
    throw new UsageError(
      "option --line needs --log F: the file the line is looked for in",
    );
  }
  if (log !== undefined && options.line === undefined) {
    throw new UsageError("option --log needs --line RE");
  }
  const outcome = await awaitConditions(plan, log);
  if (outcome.kind === "ready") {
    if (outcome.result.line !== undefined) printLine(outcome.result.line);
    return 0;
  }
  const why = notReadyReason("timeout", plan.timeout, undefined);
  printError(`subproc wait: ${why}${waitingFor(outcome.unmet)}`);
  return FAILED;
}

/** The `wait` command. */
export const waitCommand: Command = {
  name: "wait",
  synopsis:
    "subproc wait (--port N [--host H] | --url URL | --file P | --line RE --log F)... [--timeout D] [--interval D]",
  help: `Waits until something started elsewhere is ready: a TCP port accepts a
connection, a URL answers, a file exists, or a log file holds a line that
matches. Several conditions: all of them must hold. Replaces "sleep 5"
before the first request to a server started in the background.

Options:
  --port N      ready once TCP port N accepts a connection
  --host H      the host --port is tried on (default: 127.0.0.1)
  --url URL     ready once an http(s) GET of URL answers 2xx or 3xx
                (redirects not followed, certificates not checked)
  --file P      ready once the path P exists
  --line RE     ready once a line of the --log file matches the regular
                expression RE (JavaScript syntax); the lines already in
                the file count, then it is followed as "tail -f" does (it
                may not exist yet). The line is printed
  --log F       the file --line looks in
  --timeout D   give up after D (default: 30s; 0: no limit)
  --interval D  try again every D (default: 100ms)
  -h, --help    show this help

Exit status:
  0   ready
  1   not ready within --timeout (one line says what did not hold)
  2   bad arguments
`,
  options: { ...readySpecs(""), log: { type: "string" } },
  usageExitCode: USAGE,
  failureExitCode: FAILED,
  execute,
};
