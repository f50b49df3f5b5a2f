/**
 * `subproc tree`: print a process and its descendants with their command
 * lines.
 *
 * @module
 */

import process from "node:process";
import { os } from "../os/select.ts";
import { collectTree } from "../process_tree.ts";
import { noCommand, type ParsedArgs, UsageError } from "./args.ts";
import type { Command } from "./command.ts";
import { FAILED, USAGE } from "./exit_codes.ts";
import { formatTree } from "./format_tree.ts";
import { printError, printLine } from "./io.ts";
import { pidArgument } from "./target.ts";

function execute(parsed: ParsedArgs): Promise<number> {
  noCommand(parsed, 1);
  const arg = parsed.positionals[0];
  if (arg === undefined) throw new UsageError("missing PID");
  const pid = pidArgument(arg);
  // Without ourselves (and so without what we start, such as `ps`).
  const rows = collectTree(os.list(), [pid], new Set([process.pid]));
  if (!rows.some((row) => row.pid === pid)) {
    printError(`subproc tree: process ${pid} is not running`);
    return Promise.resolve(FAILED);
  }
  const lines = formatTree(
    rows,
    pid,
    (member) => os.commandLine(member) ?? "?",
  );
  printLine(lines.join("\n"));
  return Promise.resolve(0);
}

/** The `tree` command. */
export const treeCommand: Command = {
  name: "tree",
  synopsis: "subproc tree PID",
  help: `Prints PID and its descendants, one per line, indented two spaces per
level: the PID, then the command line. Processes that were re-parented but
stayed in a process group or session of the tree are shown under its leader,
marked as orphans. Zombies are left out.

Options:
  -h, --help    show this help

Exit status:
  0   printed
  1   PID is not running
  2   bad arguments
`,
  options: {},
  usageExitCode: USAGE,
  failureExitCode: FAILED,
  execute,
};
