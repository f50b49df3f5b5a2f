/**
 * The `subproc` command line: picks the command and returns its exit code.
 * Each command is loaded only when it runs: `subproc run` must start fast,
 * and needs nothing of `start` or `tree`.
 *
 * @module
 */

import { VERSION } from "../version.ts";
import { type Command, invoke, printHelp } from "./command.ts";
import { USAGE } from "./exit_codes.ts";
import { printError, printLine } from "./io.ts";

/** Every command, by name, loaded on demand. */
const COMMANDS: ReadonlyMap<string, () => Promise<Command>> = new Map([
  [
    "timeout",
    async () => (await import("./timeout/command.ts")).timeoutCommand,
  ],
  ["run", async () => (await import("./run.ts")).runCommand],
  ["start", async () => (await import("./start.ts")).startCommand],
  ["stop", async () => (await import("./stop.ts")).stopCommand],
  ["status", async () => (await import("./status.ts")).statusCommand],
  ["tree", async () => (await import("./tree.ts")).treeCommand],
  ["wait", async () => (await import("./wait.ts")).waitCommand],
]);

async function overview(): Promise<string> {
  const commands = await Promise.all(
    [...COMMANDS.values()].map((load) => load()),
  );
  return `Usage: subproc COMMAND [OPTIONS] [-- CMD [ARG]...]

Spawn, detach, time out and stop processes and everything they started.

Commands:
${commands.map((c) => `  ${c.synopsis}`).join("\n")}

Durations: 500ms, 10s, 2m, 1h, or a bare number of seconds (1.5).
"subproc COMMAND --help" tells more; "subproc --version" the version.`;
}

async function help(topic: string | undefined): Promise<number> {
  if (topic === undefined) {
    printLine(await overview());
    return 0;
  }
  const load = COMMANDS.get(topic);
  if (load === undefined) return unknown(topic);
  printHelp(await load());
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
 * resolves with the exit code. `subproc run` and `subproc timeout` may
 * instead end this process by re-raising a signal, once CMD is gone — as a
 * shell expects of a program interrupted by Ctrl-C.
 *
 * @param args The arguments, e.g. `["run", "--timeout", "5s", "--", "make"]`.
 * @returns The exit code.
 *
 * @example Run a command as `subproc run` would, and get its exit code
 * ```ts
 * import { main } from "@subproc/subproc/cli";
 * const code = await main(["run", "--timeout", "10s", "--", "true"]);
 * console.log(code); // 0
 * ```
 */
export async function main(args: readonly string[]): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined) {
    printError(await overview());
    return USAGE;
  }
  if (name === "--help" || name === "-h") return await help(undefined);
  if (name === "help") return await help(rest[0]);
  if (name === "--version" || name === "-V") {
    printLine(`subproc ${VERSION}`);
    return 0;
  }
  const load = COMMANDS.get(name);
  if (load === undefined) return unknown(name);
  return await invoke(await load(), rest);
}
