/**
 * `subproc run`: run CMD with a timeout that stops its whole tree, and
 * report how it ended the way GNU `timeout` does.
 *
 * @module
 */

import { formatDuration } from "../duration.ts";
import { CommandNotFoundError, PermissionDeniedError } from "../errors.ts";
import { spawn, type Subprocess } from "../spawn.ts";
import type { ContainMode, Signal } from "../types.ts";
import { DEFAULT_GRACE } from "../validate.ts";
import { flag, type ParsedArgs, requireCommand, stringOption } from "./args.ts";
import type { Command } from "./command.ts";
import {
  NOT_EXECUTABLE,
  NOT_FOUND,
  RUN_FAILED,
  statusExitCode,
  TIMED_OUT,
} from "./exit_codes.ts";
import { FORWARDED, SignalForwarder } from "./forward.ts";
import { printError } from "./io.ts";
import { stopLeftovers } from "./leftovers.ts";
import { containOption, durationOption, signalOption } from "./options.ts";
import { reraise } from "../reraise.ts";

/** What `subproc run` was asked to do. */
export interface RunRequest {
  readonly cmd: readonly string[];
  /** Milliseconds; `undefined` (or `--timeout 0`) for none. */
  readonly timeout: number | undefined;
  readonly grace: number;
  readonly signal: Signal;
  readonly newSession: boolean;
  readonly killOnParentExit: boolean;
  readonly contain: ContainMode;
}

function request(parsed: ParsedArgs): RunRequest {
  const cmd = requireCommand(parsed);
  const timeout = durationOption(stringOption(parsed, "timeout"), "--timeout");
  return {
    cmd,
    // GNU timeout: a duration of 0 disables the timeout.
    timeout: timeout === 0 ? undefined : timeout,
    grace: durationOption(stringOption(parsed, "grace"), "--grace") ??
      DEFAULT_GRACE,
    signal: signalOption(stringOption(parsed, "signal"), "--signal", "SIGTERM"),
    newSession: flag(parsed, "new-session"),
    killOnParentExit: flag(parsed, "kill-on-parent-exit"),
    contain: containOption(stringOption(parsed, "contain")),
  };
}

function startFailure(error: unknown): number {
  printError(`subproc run: ${(error as Error).message}`);
  if (error instanceof CommandNotFoundError) return NOT_FOUND;
  if (error instanceof PermissionDeniedError) return NOT_EXECUTABLE;
  return RUN_FAILED;
}

function start(req: RunRequest): Subprocess {
  return spawn([...req.cmd], {
    newSession: req.newSession,
    contain: req.contain,
    cleanup: false,
    killOnParentExit: req.killOnParentExit ? req.signal : false,
    killSignal: req.signal,
    grace: req.grace,
    ...(req.timeout === undefined ? {} : { timeout: req.timeout }),
  });
}

/**
 * `signal` if it is one that `run` forwards. CMD killed by one of them
 * counts as interrupted even before our own listener ran: the terminal sends
 * Ctrl-C to CMD and to us at once, and CMD's end may be seen first.
 */
function forwardable(signal: Signal | null): Signal | undefined {
  return signal !== null && FORWARDED.includes(signal) ? signal : undefined;
}

/**
 * Runs `req.cmd` and returns the exit code: CMD's own, 124 on timeout,
 * 128 + N when signal N ended it, 125/126/127 when it could not start. When
 * we receive SIGINT, SIGTERM or SIGHUP, or CMD dies of one, we stop what CMD
 * left once it ended and die of that signal (as GNU `timeout` dies of the
 * signal that killed its child).
 */
export async function runCmd(req: RunRequest): Promise<number> {
  const forwarder = new SignalForwarder();
  let child: Subprocess;
  try {
    child = start(req);
  } catch (error) {
    forwarder.dispose();
    return startFailure(error);
  }
  forwarder.attach(child);
  const status = await child.wait();
  const interrupt = forwarder.received ??
    (child.timedOut ? undefined : forwardable(status.signal));
  if (interrupt !== undefined) {
    await stopLeftovers(
      child,
      forwarder.snapshot,
      req.signal,
      req.grace,
      (error) => printError(`subproc run: ${(error as Error).message}`),
    );
    forwarder.dispose();
    return await reraise(interrupt);
  }
  forwarder.dispose();
  if (child.timedOut) {
    printError(
      `subproc run: ${JSON.stringify(req.cmd[0])} timed out after ${
        formatDuration(req.timeout!)
      } and was stopped`,
    );
    return TIMED_OUT;
  }
  return statusExitCode(status);
}

/** The `run` command. */
export const runCommand: Command = {
  name: "run",
  synopsis:
    "subproc run [--timeout D] [--grace D] [--signal S] [--new-session] [--kill-on-parent-exit] [--contain M] -- CMD [ARG]...",
  help: `Runs CMD (never through a shell) and exits with its exit code.

Options:
  --timeout D            stop CMD and everything it started after D
                         (0: no timeout)
  --grace D              after sending the signal, wait D before SIGKILL
                         (default: 2s)
  --signal S             the first signal sent when stopping CMD
                         (default: TERM; a name such as INT or a number)
  --new-session          start CMD in a new session and process group: it
                         loses the terminal; subproc forwards signals to it
  --kill-on-parent-exit  kill CMD even if subproc dies by SIGKILL (Linux)
  --contain M            how CMD and what it starts are held together for
                         stopping: auto (default: a cgroup where one can be
                         made, else tree), cgroup (required: exit 125 where
                         none can be made), tree (group, parent links and a
                         token in the environment)
  -h, --help             show this help

Durations: 500ms, 10s, 2m, 1h, or a bare number of seconds (1.5).

Signals: with --new-session, SIGINT, SIGTERM and SIGHUP sent to subproc are
passed on to CMD's group. Without it, CMD shares subproc's process group, so
Ctrl-C in a terminal reaches both, and SIGTERM or SIGHUP sent to subproc alone
is passed on to CMD. Once CMD has ended after such a signal (or was killed by
one), what is left of its group or tree (e.g. a shell's background jobs,
which ignore SIGINT) is stopped, and subproc dies of the same signal, as
GNU timeout does (a shell shows exit status 128 + N).

Exit status:
  CMD's own   CMD exited
  124         --timeout expired; CMD and its tree were stopped
  125         subproc itself failed (bad arguments included)
  126         CMD was found but could not be executed
  127         CMD was not found
  128 + N     CMD was ended by signal N (SIGINT, SIGTERM, SIGHUP: subproc
              dies of the same signal, which a shell shows as 128 + N)
`,
  options: {
    timeout: { type: "string" },
    grace: { type: "string" },
    signal: { type: "string" },
    "new-session": { type: "boolean" },
    "kill-on-parent-exit": { type: "boolean" },
    contain: { type: "string" },
  },
  usageExitCode: RUN_FAILED,
  failureExitCode: RUN_FAILED,
  execute: (parsed) => runCmd(request(parsed)),
};
