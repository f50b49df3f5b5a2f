/**
 * `subproc start`: detach CMD with a pidfile, print its PID, return at once.
 *
 * @module
 */

import { statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { detachUnit, type UnitHooks } from "../detach.ts";
import { unitMembers } from "../stop/unit.ts";
import { describe } from "../describe.ts";
import { AlreadyRunningError, NotReadyError } from "../errors.ts";
import { notReadyReason, waitingFor } from "../ready/message.ts";
import { reraise } from "../reraise.ts";
import type { DetachOptions, Signal } from "../types.ts";
import {
  flag,
  type ParsedArgs,
  requireCommand,
  stringOption,
  stringOptions,
  UsageError,
} from "./args.ts";
import type { Command } from "./command.ts";
import { FAILED, startExitCode, USAGE } from "./exit_codes.ts";
import { printError, printLine } from "./io.ts";
import { Interrupts } from "./interrupts.ts";
import { containOption } from "./options.ts";
import { readyOptions, readySpecs } from "./ready_args.ts";
import {
  readUnitRecord,
  removeUnitRecord,
  writeUnitRecord,
} from "./unit_record.ts";

/** A path option made absolute; its directory must exist. */
function pathInExistingDir(value: string, option: string): string {
  const path = resolve(value);
  let ok = false;
  try {
    ok = statSync(dirname(path)).isDirectory();
  } catch {
    // reported below
  }
  if (!ok) {
    throw new UsageError(
      `invalid ${option} ${describe(value)}: the directory ${
        describe(dirname(path))
      } does not exist`,
    );
  }
  return path;
}

/** `--env K=V` options as an object. */
function envOptions(values: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of values) {
    const eq = entry.indexOf("=");
    if (eq <= 0) {
      throw new UsageError(
        `invalid --env ${describe(entry)}: expected KEY=VALUE`,
      );
    }
    env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

/** The detach options for `--log` and `--append`: stdout and stderr both
 * to the file (one descriptor, so their lines interleave in order). */
function logOptions(log: string | undefined, append: boolean): DetachOptions {
  if (log === undefined) {
    if (append) throw new UsageError("option --append needs --log F");
    return {};
  }
  const stream = { file: pathInExistingDir(log, "--log"), append };
  return { stdout: stream, stderr: "stdout" };
}

/** `--ready-*`: a line needs the log to be looked for in. */
function readyOption(parsed: ParsedArgs): DetachOptions {
  const ready = readyOptions(parsed, "ready-")?.options;
  if (ready === undefined) return {};
  if (ready.line !== undefined && stringOption(parsed, "log") === undefined) {
    throw new UsageError(
      "option --ready-line needs --log F: the line is looked for in the log",
    );
  }
  return { ready };
}

function options(parsed: ParsedArgs): DetachOptions & { pidfile: string } {
  const pidfile = stringOption(parsed, "pidfile");
  if (pidfile === undefined) throw new UsageError("missing --pidfile F");
  const env = envOptions(stringOptions(parsed, "env"));
  const cwd = stringOption(parsed, "cwd");
  return {
    ...readyOption(parsed),
    pidfile: pathInExistingDir(pidfile, "--pidfile"),
    ...logOptions(stringOption(parsed, "log"), flag(parsed, "append")),
    ...(cwd === undefined ? {} : { cwd }),
    ...(Object.keys(env).length === 0 ? {} : { env }),
    contain: containOption(stringOption(parsed, "contain"), "auto"),
  };
}

/** The unit's record beside the pidfile: a unit whose first process
 * exited but that still runs (a forking daemon) is as running as its
 * pidfile's process would be. */
function unitHooks(
  pidfile: string,
  cmd: readonly string[],
  cancel: AbortSignal | undefined,
): UnitHooks {
  return {
    ...(cancel === undefined ? {} : { cancel }),
    assertGone() {
      const unit = readUnitRecord(pidfile);
      const left = unit === null ? 0 : unitMembers(unit).length;
      if (unit === null || left === 0) return;
      throw new AlreadyRunningError(
        `Cannot start ${
          JSON.stringify(cmd[0])
        }: what process ${unit.pid} of the pidfile ${
          JSON.stringify(pidfile)
        } started still runs (${left} process(es) of its unit)`,
        { cmd, pid: unit.pid },
      );
    },
    record: (child) => writeUnitRecord(pidfile, child),
    discard: () => removeUnitRecord(pidfile),
  };
}

/** One line saying why, then the last lines of the log as they are. */
function notReady(error: NotReadyError, log: string | undefined): number {
  const why = notReadyReason(error.reason, error.timeout, error.status);
  const stopped = error.reason === "timeout"
    ? `; process ${error.pid} and everything it started were stopped`
    : "";
  const lines = error.lastLines;
  const tail = lines.length === 0 || log === undefined
    ? ""
    : `; the last ${lines.length} line(s) of ${log}:`;
  printError(
    `subproc start: ${why}${
      waitingFor(error.unmet)
    }${stopped}; the pidfile was removed${tail}`,
  );
  for (const line of lines) printError(line);
  return FAILED;
}

function failure(error: unknown, log: string | undefined): number {
  if (error instanceof NotReadyError) return notReady(error, log);
  const message = (error as Error).message;
  printError(`subproc start: ${message}`);
  if (error instanceof AlreadyRunningError) return FAILED;
  if (error instanceof TypeError || error instanceof RangeError) return USAGE;
  return startExitCode(error, FAILED);
}

/** Interrupted while waiting for CMD to be ready: it was stopped; we die
 * of the signal, as a shell expects. */
async function interrupted(signal: Signal, error: unknown): Promise<number> {
  const stopped = error instanceof NotReadyError
    ? `; process ${error.pid} and everything it started were stopped, the pidfile removed`
    : `: ${(error as Error).message}`;
  printError(
    `subproc start: interrupted by ${signal} before CMD was ready${stopped}`,
  );
  return await reraise(signal);
}

async function execute(parsed: ParsedArgs): Promise<number> {
  const cmd = requireCommand(parsed);
  const opts = options(parsed);
  // While it waits for CMD to be ready, a signal must not leave CMD
  // half-started.
  const interrupts = opts.ready === undefined ? undefined : new Interrupts();
  try {
    const daemon = await detachUnit(
      [...cmd],
      opts,
      unitHooks(opts.pidfile, cmd, interrupts?.signal),
    );
    printLine(String(daemon.pid));
    return 0;
  } catch (error) {
    interrupts?.dispose();
    const signal = interrupts?.received;
    if (signal !== undefined) return await interrupted(signal, error);
    const log = opts.stdout === undefined || opts.stdout === "null"
      ? undefined
      : opts.stdout.file;
    return failure(error, log);
  } finally {
    interrupts?.dispose();
  }
}

/** The `start` command. */
export const startCommand: Command = {
  name: "start",
  synopsis:
    "subproc start --pidfile F [--log F] [--append] [--cwd D] [--env K=V]... [--contain M] [--ready-line RE | --ready-port N [--ready-host H] | --ready-url URL | --ready-file P]... [--ready-timeout D] -- CMD [ARG]...",
  help:
    `Starts CMD detached (new session, no terminal, stdin from /dev/null), writes
its PID to the pidfile, prints the PID and returns at once. CMD survives
subproc, its terminal closing and SIGHUP. CMD and everything it starts are a
unit (a cgroup of its own, where one can be made): a daemon that forks and
lets its first process exit is still found by "status" and ended by "stop",
through a record beside the pidfile (F.unit).

With a --ready-* condition, start returns only once CMD is ready (every
condition given holds). Not ready within --ready-timeout, or CMD ended
first: CMD and everything it started are stopped, the pidfile and its
record removed, and start exits 1 with one line saying why and the last
10 lines of the log. Interrupted while it waits (SIGINT, SIGTERM, SIGHUP),
it stops CMD the same way, then dies of the signal.

Options:
  --pidfile F   write CMD's PID to F (required, mode 0644); F must not name
                a running process, and is refused (nothing started) if
                anyone but you or root could have written it or could
                replace it (see "subproc stop --help")
  --log F       CMD's stdout and stderr go to F (default: /dev/null)
  --append      append to the --log file instead of emptying it
  --cwd D       run CMD in directory D
  --env K=V     set variable K to V for CMD (repeatable)
  --contain M   how CMD's unit is held together: auto (default: a cgroup
                where one can be made, else tree), cgroup (required: exit 1
                where none can be made), tree (its group, parent links and
                a token in the environment; a daemon that clears its
                environment escapes)
  --ready-line RE     ready once a line of the log matches the regular
                      expression RE (needs --log; JavaScript syntax); with
                      --append, only lines CMD writes count
  --ready-port N      ready once TCP port N accepts a connection
  --ready-host H      the host --ready-port is tried on (default: 127.0.0.1)
  --ready-url URL     ready once an http(s) GET of URL answers 2xx or 3xx
                      (redirects not followed, certificates not checked)
  --ready-file P      ready once the path P exists
  --ready-timeout D   give up after D (default: 30s; 0: no limit)
  --ready-interval D  try port, URL and file, and read the log, every D
                      (default: 100ms)
  -h, --help    show this help

Relative paths (--pidfile, --log, --ready-file) are taken from subproc's
directory, not from --cwd.

Exit status:
  0     started (and ready); its PID is printed
  1     already running (the pidfile names a live process, or its unit still
        runs), the pidfile was refused, could not start, or not ready
  2     bad arguments
  126   CMD was found but could not be executed
  127   CMD was not found
`,
  options: {
    pidfile: { type: "string" },
    log: { type: "string" },
    append: { type: "boolean" },
    cwd: { type: "string" },
    env: { type: "string", multiple: true },
    contain: { type: "string" },
    ...readySpecs("ready-"),
  },
  usageExitCode: USAGE,
  failureExitCode: FAILED,
  execute,
};
