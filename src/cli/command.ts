/**
 * What every `subproc` command is made of, and the one place that turns
 * usage mistakes and unexpected errors into a message and an exit code.
 *
 * @module
 */

import {
  type OptionSpecs,
  parseCommandArgs,
  type ParsedArgs,
  UsageError,
} from "./args.ts";
import { printError, printLine } from "./io.ts";

/** One `subproc` command. */
export interface Command {
  /** Its name, e.g. `"run"`. */
  readonly name: string;
  /** One line: the command and its options. */
  readonly synopsis: string;
  /** The full `--help` text (after the synopsis). */
  readonly help: string;
  /** Its options, by long name. */
  readonly options: OptionSpecs;
  /** Parses its arguments, when not as {@linkcode parseCommandArgs} does
   * (`timeout` reads GNU `timeout`'s command line). May throw
   * `UsageError`. */
  parse?(args: readonly string[]): ParsedArgs | Promise<ParsedArgs>;
  /** Exit code of a usage mistake: 125 for `run` and `timeout` (as GNU
   * `timeout`), else 2. */
  readonly usageExitCode: number;
  /** Exit code of an unexpected error of ours. */
  readonly failureExitCode: number;
  /** Does the work once the arguments parsed. May throw `UsageError`. */
  execute(parsed: ParsedArgs): Promise<number>;
}

/** Prints the full help of `command` to stdout. */
export function printHelp(command: Command): void {
  printLine(`Usage: ${command.synopsis}\n\n${command.help.trimEnd()}`);
}

/** Prints a usage mistake: the problem on one line, then how to get help. */
function printUsageError(command: Command, message: string): void {
  printError(`subproc ${command.name}: ${message}`);
  printError(
    `Usage: ${command.synopsis}  (see: subproc ${command.name} --help)`,
  );
}

/**
 * Parses `args` for `command` and runs it.
 *
 * @returns The exit code.
 */
export async function invoke(
  command: Command,
  args: readonly string[],
): Promise<number> {
  try {
    const parsed = command.parse
      ? await command.parse(args)
      : await parseCommandArgs(args, command.options);
    if (parsed.help) {
      printHelp(command);
      return 0;
    }
    return await command.execute(parsed);
  } catch (error) {
    if (error instanceof UsageError) {
      printUsageError(command, error.message);
      return command.usageExitCode;
    }
    printError(
      `subproc ${command.name}: ${
        error instanceof Error ? error.message : String(error)
      }`,
    );
    return command.failureExitCode;
  }
}
