/**
 * `subproc status`: is the process of a pidfile running? LSB exit codes.
 *
 * @module
 */

import { lstatSync } from "node:fs";
import { describe } from "../describe.ts";
import { SubprocessError } from "../errors.ts";
import { Pidfile } from "../pidfile.ts";
import { type Unit, unitMembers } from "../stop/unit.ts";
import {
  noCommand,
  type ParsedArgs,
  stringOption,
  UsageError,
} from "./args.ts";
import type { Command } from "./command.ts";
import { FAILED, NOT_RUNNING, STATUS_UNKNOWN, USAGE } from "./exit_codes.ts";
import { printLine } from "./io.ts";
import { readUnitRecord } from "./unit_record.ts";

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The status of `pidfile`: the LSB code and the line to print. */
function pidfileStatus(pidfile: Pidfile): [number, string] {
  const path = describe(pidfile.path);
  let pid: number | null;
  let unit: Unit | null;
  try {
    pid = pidfile.read();
    unit = readUnitRecord(pidfile.path);
  } catch (error) {
    if (!(error instanceof SubprocessError)) throw error;
    return [STATUS_UNKNOWN, `unknown: ${error.message}`];
  }
  const members = unit === null ? [] : unitMembers(unit);
  if (pid !== null) {
    const more = members.filter((member) => member !== pid).length;
    const rest = more === 0 ? "" : ` and ${more} more of its unit`;
    return [0, `running: process ${pid}${rest} (pidfile ${path})`];
  }
  if (unit !== null && members.length > 0) {
    return [
      0,
      `running: ${members.length} process(es) of the unit of process ${unit.pid}, which exited (pidfile ${path})`,
    ];
  }
  if (!exists(pidfile.path)) {
    return [NOT_RUNNING, `not running: no pidfile ${path}`];
  }
  const raw = pidfile.readRaw();
  return [
    FAILED,
    raw === null
      ? `dead: the pidfile ${path} holds no valid PID`
      : `dead: process ${raw} is not running (or its PID now belongs to a newer process), but the pidfile ${path} remains`,
  ];
}

function execute(parsed: ParsedArgs): Promise<number> {
  noCommand(parsed, 0);
  const path = stringOption(parsed, "pidfile");
  if (path === undefined) throw new UsageError("missing --pidfile F");
  const [code, line] = pidfileStatus(new Pidfile(path));
  printLine(line);
  return Promise.resolve(code);
}

/** The `status` command. */
export const statusCommand: Command = {
  name: "status",
  synopsis: "subproc status --pidfile F",
  help:
    `Tells whether the process named by a pidfile is running, on one line with
its PID. A PID counts only if that process started before the pidfile was
written (otherwise the PID was reused by another process), and only if
nobody but you or root could have written the pidfile (see "subproc stop
--help"). A process started by "subproc start" counts as running while
anything of its unit runs (a daemon that forked and let it exit): the line
then says how many processes that is.

Options:
  --pidfile F   the pidfile (required)
  -h, --help    show this help

Exit status (as LSB init scripts):
  0   running
  1   not running, but the pidfile exists
  2   bad arguments
  3   not running (no pidfile)
  4   unknown: the pidfile could have been written by someone else (the
      line says why), or an unexpected error
`,
  options: { pidfile: { type: "string" } },
  usageExitCode: USAGE,
  failureExitCode: STATUS_UNKNOWN,
  execute,
};
