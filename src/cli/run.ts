/**
 * `subproc run`: run CMD with a timeout that stops its whole tree, and
 * report how it ended the way GNU `timeout` does.
 *
 * @module
 */

import { formatDuration } from "../duration.ts";
import { spawn } from "../spawn.ts";
import type { ContainMode, Signal, Subprocess } from "../types.ts";
import { type Stopping, validateStopping } from "../validate/stop.ts";
import { flag, type ParsedArgs, requireCommand, stringOption } from "./args.ts";
import type { Command } from "./command.ts";
import {
  RUN_FAILED,
  startExitCode,
  statusExitCode,
  TIMED_OUT,
} from "./exit_codes.ts";
import { SignalForwarder } from "./forward.ts";
import { dieOf } from "./die.ts";
import { printError } from "./io.ts";
import { callerIgnored, keepIgnoredFor } from "./keep_ignored.ts";
import { stopLeftovers } from "./leftovers.ts";
import { containOption, durationOption, signalOption } from "./options.ts";

/** What `subproc run` was asked to do. */
interface RunRequest {
  readonly cmd: readonly string[];
  /** Milliseconds; `undefined` (or `--timeout 0`) for none. */
  readonly timeout: number | undefined;
  /** The first signal (`--signal`) and the wait before SIGKILL
   * (`--grace`) of every stop. */
  readonly stopping: Stopping;
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
    stopping: validateStopping({
      killSignal: signalOption(stringOption(parsed, "signal"), "--signal"),
      grace: durationOption(stringOption(parsed, "grace"), "--grace"),
    }),
    newSession: flag(parsed, "new-session"),
    killOnParentExit: flag(parsed, "kill-on-parent-exit"),
    // As run() does: a cgroup where subproc stops CMD itself (a timeout);
    // else the tree, which a signal's clean-up reaches too, without the
    // cgroup's cost (the kernel's wait on the first move into one).
    contain: containOption(
      stringOption(parsed, "contain"),
      timeout ? "auto" : "tree",
    ),
  };
}

function startFailure(error: unknown): number {
  printError(`subproc run: ${(error as Error).message}`);
  return startExitCode(error, RUN_FAILED);
}

function start(req: RunRequest, ignored: readonly Signal[]): Subprocess {
  return spawn(keepIgnoredFor(req.cmd, ignored), {
    newSession: req.newSession,
    contain: req.contain,
    ...req.stopping,
    killOnParentExit: req.killOnParentExit ? req.stopping.killSignal : false,
    ...(req.timeout === undefined ? {} : { timeout: req.timeout }),
  });
}

/** Signals sent to CMD and to us at once (the terminal's Ctrl-C and
 * Ctrl-\, a hangup, a supervisor's TERM to the group): CMD killed by one
 * counts as interrupted even before our own listener ran, as CMD's end may
 * be seen first. */
const SENT_TO_BOTH: readonly Signal[] = [
  "SIGINT",
  "SIGQUIT",
  "SIGTERM",
  "SIGHUP",
];

/** `signal` if CMD's death by it means we were interrupted too. */
function interruption(signal: Signal | null): Signal | undefined {
  return signal !== null && SENT_TO_BOTH.includes(signal) ? signal : undefined;
}

/**
 * Runs `req.cmd` and returns the exit code: CMD's own, 124 on timeout,
 * 128 + N when signal N ended it, 125/126/127 when it could not start. When
 * we receive a signal that would end us (see `FORWARDED`), or CMD dies of
 * SIGINT, SIGQUIT, SIGTERM or SIGHUP, we stop what CMD left once it ended and
 * die of that signal (as GNU `timeout` dies of the signal that killed its
 * child).
 */
async function runCmd(req: RunRequest): Promise<number> {
  // Read before any listener of ours is installed: those would hide it.
  const ignored = callerIgnored();
  const forwarder = new SignalForwarder(ignored);
  let child: Subprocess;
  try {
    child = start(req, ignored);
  } catch (error) {
    forwarder.dispose();
    return startFailure(error);
  }
  forwarder.attach(child);
  const status = await child.wait();
  const interrupt = forwarder.received ??
    (child.timedOut ? undefined : interruption(status.signal));
  if (interrupt !== undefined) {
    await stopLeftovers(
      child,
      forwarder.snapshot,
      req.stopping,
      (error) => printError(`subproc run: ${(error as Error).message}`),
    );
    forwarder.dispose();
    return await dieOf(interrupt);
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
  if (status.code === null && status.signal === null) {
    printError(
      `subproc run: ${
        JSON.stringify(req.cmd[0])
      } ended, but its exit status could not be read (it was reaped by another process)`,
    );
    return RUN_FAILED;
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
  --kill-on-parent-exit  send CMD the --signal even if subproc dies by
                         SIGKILL (Linux; Windows: CMD is killed)
  --contain M            how CMD and what it starts are held together for
                         stopping: auto (a cgroup where one can be made,
                         else tree; the default with --timeout), cgroup
                         (required: exit 125 where none can be made), tree
                         (group, parent links and a token in the
                         environment; the default without --timeout)
  -h, --help             show this help

Durations: 500ms, 10s, 2m, 1h, or a bare number of seconds (1.5).

Signals: every signal that would end subproc and that it can catch (HUP,
INT, QUIT, TERM, USR1, USR2, ALRM, VTALRM, XCPU, XFSZ, IO, PWR) is
passed on to CMD, and subproc waits for CMD. With --new-session it goes to
CMD's group. Without it, CMD shares subproc's process group, so Ctrl-C and
Ctrl-\ in a terminal reach both (they are not sent twice), and the others
are passed on to CMD alone. A signal ignored when subproc started (nohup)
stays ignored, for CMD too (not under Node, which resets it at start-up).
Once CMD has ended after such a signal (or was killed by INT, QUIT, TERM or
HUP), what is left of its group or tree (e.g. a shell's background jobs,
which ignore SIGINT) is stopped, and subproc dies of the same signal, as GNU
timeout does (a shell shows exit status 128 + N; after QUIT, XCPU or XFSZ
subproc exits with 128 + N instead of dumping core).

Exit status:
  CMD's own   CMD exited
  124         --timeout expired; CMD and its tree were stopped
  125         subproc itself failed (bad arguments included), or CMD's
              status could not be read
  126         CMD was found but could not be executed
  127         CMD was not found
  128 + N     CMD was ended by signal N (after a signal sent to subproc, or
              INT, QUIT, TERM, HUP: subproc dies of the same signal, which a
              shell shows as 128 + N)
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
