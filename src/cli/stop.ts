/**
 * `subproc stop`: stop a process (its group, or its tree), wait until it is
 * gone, remove its pidfile.
 *
 * @module
 */

import { probeProcess } from "../os/kill_zero.ts";
import type { ProcessInfo } from "../os/types.ts";
import type { Pidfile } from "../pidfile.ts";
import { stopPid } from "../stop/pid.ts";
import { stopUnit, type Unit, unitMembers } from "../stop/unit.ts";
import type { Signal, StopScope } from "../types.ts";
import { validateStopping } from "../validate/stop.ts";
import { flag, noCommand, type ParsedArgs, stringOption } from "./args.ts";
import type { Command } from "./command.ts";
import { FAILED, USAGE } from "./exit_codes.ts";
import { printError, printLine } from "./io.ts";
import { durationOption, signalOption } from "./options.ts";
import { pidfileOrPid, targetOfPid, targetOfPidfile } from "./target.ts";
import { readUnitRecord, removeUnitRecord } from "./unit_record.ts";

/** What is stopped: the tree with `--tree`, else the group the process
 * leads (a detached process leads its own), else the process alone. */
function scopeOf(row: ProcessInfo, tree: boolean): StopScope {
  if (tree) return "tree";
  return row.pgid === row.pid ? "group" : "process";
}

/** Removes the pidfile if it still names `pid` (or nothing valid). */
function removePidfile(pidfile: Pidfile | undefined, pid: number): void {
  if (pidfile === undefined) return;
  const named = pidfile.readRaw();
  if (named === null || named === pid) pidfile.remove();
}

async function stopRunning(
  row: ProcessInfo,
  pidfile: Pidfile | undefined,
  scope: StopScope,
  signal: Signal,
  grace: number,
): Promise<number> {
  if (probeProcess(row.pid) === "denied") {
    printError(
      `subproc stop: cannot stop process ${row.pid}: permission denied (it belongs to another user)`,
    );
    return FAILED;
  }
  try {
    await stopPid(row, scope, signal, grace);
  } catch (error) {
    printError(`subproc stop: ${(error as Error).message}`);
    return FAILED;
  }
  removePidfile(pidfile, row.pid);
  printLine(`stopped ${row.pid} (${scope})`);
  return 0;
}

/** Stops everything of the unit `subproc start` recorded beside
 * `pidfile`: its cgroup, or its token's carriers. */
async function stopRecordedUnit(
  unit: Unit,
  pidfile: Pidfile,
  signal: Signal,
  grace: number,
): Promise<number> {
  const count = unitMembers(unit).length;
  try {
    await stopUnit(unit, signal, grace);
  } catch (error) {
    printError(`subproc stop: ${(error as Error).message}`);
    return FAILED;
  }
  pidfile.remove();
  removeUnitRecord(pidfile.path);
  printLine(
    count === 0
      ? `not running: nothing of the unit of process ${unit.pid} runs`
      : `stopped ${unit.pid} and its unit (${count} process(es))`,
  );
  return 0;
}

async function execute(parsed: ParsedArgs): Promise<number> {
  noCommand(parsed, 1);
  const given = pidfileOrPid(parsed);
  const { killSignal: signal, grace } = validateStopping({
    killSignal: signalOption(stringOption(parsed, "signal"), "--signal"),
    grace: durationOption(stringOption(parsed, "grace"), "--grace"),
  });
  const target = given.pidfile
    ? targetOfPidfile(given.pidfile)
    : targetOfPid(given.pid);
  const unit = given.pidfile ? readUnitRecord(given.pidfile.path) : null;
  if (unit !== null) {
    return await stopRecordedUnit(unit, given.pidfile!, signal, grace);
  }
  if (!target.running) {
    // A pidfile naming no running process is stale: remove it.
    given.pidfile?.remove();
    printLine(`not running: ${target.why}`);
    return 0;
  }
  const scope = scopeOf(target.row, flag(parsed, "tree"));
  return await stopRunning(target.row, given.pidfile, scope, signal, grace);
}

/** The `stop` command. */
export const stopCommand: Command = {
  name: "stop",
  synopsis:
    "subproc stop (--pidfile F | PID) [--grace D] [--signal S] [--tree]",
  help:
    `Stops a process and waits until it is gone: the signal (TERM), then SIGKILL
after the grace period. With the pidfile of "subproc start", everything of
its unit is stopped: the process and all it started, a daemon that forked
and let the first process exit included (its cgroup, or its token; see
"subproc start --help"). Otherwise a process that leads its own process
group is stopped with its whole group; with --tree, every descendant is
stopped too, even those that left the group. The pidfile (and the unit's
record) is removed once everything is gone, or when nothing runs.

Options:
  --pidfile F   the process whose PID is in F (checked against its start
                time, so a reused PID is never signalled). F is refused,
                and nothing signalled, if anyone but you or root could
                have written it: F owned by another user, writable by
                every user or by a group not yours or root's, a symlink,
                or in a directory that another user owns or may write
                without the sticky bit
  --grace D     wait D after the signal before SIGKILL (default: 2s)
  --signal S    the first signal (default: TERM; a name or a number)
  --tree        stop every descendant, not just the group (a unit is
                always stopped whole)
  -h, --help    show this help

Exit status:
  0   stopped, or was not running
  1   could not stop it (another user's process, or it survived SIGKILL),
      or the pidfile was refused
  2   bad arguments
`,
  options: {
    pidfile: { type: "string" },
    grace: { type: "string" },
    signal: { type: "string" },
    tree: { type: "boolean" },
  },
  usageExitCode: USAGE,
  failureExitCode: FAILED,
  execute,
};
