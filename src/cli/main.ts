/**
 * The `subproc` command line: picks the command and returns its exit code.
 *
 * @module
 */

import { VERSION } from "../version.ts";
import { type Command, invoke, printHelp } from "./command.ts";
import { USAGE } from "./exit_codes.ts";
import { printError, printLine } from "./io.ts";
import { runCommand } from "./run.ts";
import { startCommand } from "./start.ts";
import { statusCommand } from "./status.ts";
import { stopCommand } from "./stop.ts";
import { treeCommand } from "./tree.ts";

const COMMANDS: ReadonlyMap<string, Command> = new Map(
  [runCommand, startCommand, stopCommand, statusCommand, treeCommand].map(
    (command) => [command.name, command],
  ),
);

const OVERVIEW = `Usage: subproc COMMAND [OPTIONS] [-- CMD [ARG]...]

Spawn, detach, time out and stop processes and everything they started.

Commands:
${[...COMMANDS.values()].map((c) => `  ${c.synopsis}`).join("\n")}

Durations: 500ms, 10s, 2m, 1h, or a bare number of seconds (1.5).
"subproc COMMAND --help" tells more; "subproc --version" the version.`;

function help(topic: string | undefined): number {
  if (topic === undefined) {
    printLine(OVERVIEW);
    return 0;
  }
  const command = COMMANDS.get(topic);
  if (command === undefined) return unknown(topic);
  printHelp(command);
  return 0;
}

function unknown(name: string): number {
  printError(`subproc: unknown command ${JSON.stringify(name)}`);
  printError(
    `Usage: subproc (${
      [...COMMANDS.keys()].join(" | ")
    }) ...  (see: subproc --help)`,
  );
  return USAGE;
}

/**
 * Runs the `subproc` command line `args` (without the program name) and
 * resolves with the exit code. `subproc run` may instead end this process
 * by re-raising a SIGINT, SIGTERM or SIGHUP it received, once CMD and what
 * it left are gone — as a shell expects of a program interrupted by Ctrl-C.
 *
 * @param args The arguments, e.g. `["run", "--timeout", "5s", "--", "make"]`.
 * @returns The exit code.
 *
 * @example
 * ```ts
 * import { main } from "@subproc/subproc/cli";
 * const code = await main(["run", "--timeout", "10s", "--", "true"]);
 * console.log(code); // 0
 * ```
 */
export async function main(args: readonly string[]): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined) {
    printError(OVERVIEW);
    return USAGE;
  }
  if (name === "--help" || name === "-h") return help(undefined);
  if (name === "help") return help(rest[0]);
  if (name === "--version" || name === "-V") {
    printLine(`subproc ${VERSION}`);
    return 0;
  }
  const command = COMMANDS.get(name);
  if (command === undefined) return unknown(name);
  return await invoke(command, rest);
}
