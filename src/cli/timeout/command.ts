/**
 * `subproc timeout`: GNU `timeout`'s command line and behaviour, on every
 * system and runtime subproc supports.
 *
 * @module
 */

import { VERSION } from "../../version.ts";
import { type ParsedArgs, UsageError } from "../args.ts";
import type { Command } from "../command.ts";
import { RUN_FAILED } from "../exit_codes.ts";
import { printLine } from "../io.ts";
import { parseGnuDuration } from "./duration.ts";
import { getopt, type GetoptOption } from "./getopt.ts";
import { runTimeout, type TimeoutRequest } from "./monitor.ts";
import { parseGnuSignal } from "./signal.ts";

const OPTIONS: readonly GetoptOption[] = [
  { long: "foreground", short: "f", value: false },
  { long: "kill-after", short: "k", value: true },
  { long: "preserve-status", short: "p", value: false },
  { long: "signal", short: "s", value: true },
  { long: "verbose", short: "v", value: false },
  { long: "tree", value: false },
  { long: "help", value: false },
  { long: "version", value: false },
];

/** The command line as GNU's `getopt_long` reads it: options, then the
 * duration, then CMD and its arguments, untouched. */
function parse(args: readonly string[]): ParsedArgs {
  const { options, operands } = getopt(args, OPTIONS);
  const values: Record<string, string | boolean> = {};
  for (const [name, value] of options) {
    if (name === "help") {
      return { values, positionals: [], command: [], help: true };
    }
    values[name] = OPTIONS.find((o) => o.long === name)!.value ? value : true;
  }
  const [duration, ...command] = operands;
  return {
    values,
    positionals: duration === undefined ? [] : [duration],
    command,
    help: false,
  };
}

function request(parsed: ParsedArgs): TimeoutRequest {
  const value = (name: string) => parsed.values[name];
  const killAfter = value("kill-after");
  const signal = value("signal");
  const duration = parsed.positionals[0];
  if (duration === undefined) throw new UsageError("missing the duration");
  const cmd = parsed.command ?? [];
  if (cmd.length === 0) {
    throw new UsageError(`missing the command after the duration`);
  }
  return {
    cmd,
    duration: parseGnuDuration(duration),
    killAfter: typeof killAfter === "string" ? parseGnuDuration(killAfter) : 0,
    signal: parseGnuSignal(typeof signal === "string" ? signal : "TERM"),
    foreground: value("foreground") === true,
    preserveStatus: value("preserve-status") === true,
    verbose: value("verbose") === true,
    tree: value("tree") === true,
  };
}

/** The `timeout` command. */
export const timeoutCommand: Command = {
  name: "timeout",
  synopsis: "subproc timeout [OPTION]... DURATION CMD [ARG]...",
  help: `Starts CMD, and stops it if still running after DURATION: GNU timeout's
command line and behaviour, on Linux, macOS and Windows.

Options:
  -f, --foreground       CMD stays in subproc's process group: it can read
                         from the terminal and get its signals; only CMD is
                         signalled, not what it started
  -k, --kill-after=D     also send KILL if CMD is still running D after the
                         first signal (without it: never)
  -p, --preserve-status  exit with CMD's status even when it timed out
  -s, --signal=S         the signal sent on timeout (default: TERM; a name
                         such as HUP, a number, or 0 / EXIT to send none)
  -v, --verbose          say on stderr each signal sent
      --tree             send the signal to CMD's whole tree (its group and
                         what left it), through subproc's stop; KILL after
                         --kill-after
      --help             show this help
      --version          show the version

DURATION is a floating point number (1e-3 and 0x10 too) with an optional
unit: s (seconds, the default), m, h or d. 0 disables the timeout; a value
too large for a timer means practically forever.

CMD leads a process group of its own (unless --foreground), which gets the
signal. SIGALRM sent to subproc expires the timeout at once; SIGINT,
SIGQUIT, SIGHUP, SIGTERM, SIGUSR1 and SIGUSR2 are passed on to CMD the same
way. On Linux, CMD gets the signal if subproc itself dies.

Exit status:
  124  CMD timed out, and --preserve-status was not given
  125  subproc itself failed (bad arguments included)
  126  CMD was found but could not be executed
  127  CMD was not found
  137  CMD (timed out) was sent KILL (128 + 9)
  -    CMD's own status otherwise (killed by signal N: subproc dies of it)
`,
  options: {},
  parse,
  usageExitCode: RUN_FAILED,
  failureExitCode: RUN_FAILED,
  execute(parsed: ParsedArgs): Promise<number> {
    if (parsed.values.version === true) {
      printLine(`subproc timeout ${VERSION}`);
      return Promise.resolve(0);
    }
    return runTimeout(request(parsed));
  },
};
