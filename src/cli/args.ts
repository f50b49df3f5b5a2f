/**
 * Command-line parsing for every `subproc` command, over `node:util`
 * `parseArgs`: options before `--`, the command after it, and one-line
 * errors that name the option and the value.
 *
 * `parseArgs` runs with `strict: false` and `tokens: true` so that every
 * runtime's parser (Node, Deno, Bun) yields the same tokens and the messages
 * are ours, not the runtime's. `node:util` is loaded only when there are
 * options to parse: under Deno it costs a few milliseconds of start-up, and
 * `subproc run -- CMD` has none.
 *
 * @module
 */

import { describe } from "../describe.ts";
import { loadNodeUtil } from "../runtime/node_builtins.ts";

/** One option of a command. */
interface OptionSpec {
  readonly type: "string" | "boolean";
  /** May be given more than once (values are collected in order). */
  readonly multiple?: boolean;
}

/** The options of a command, by long name (without `--`). */
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** A mistake on the command line: reported with a usage hint. */
export class UsageError extends Error {
  /** Makes an error whose message is one line naming the problem. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** What a command line holds once parsed. */
export interface ParsedArgs {
  /** Option values by long name: `string`, `boolean` or `string[]`. */
  readonly values: Readonly<Record<string, string | boolean | string[]>>;
  /** Arguments before `--` that are not options. */
  readonly positionals: readonly string[];
  /** Everything after the first `--`, or `undefined` without a `--`. */
  readonly command: readonly string[] | undefined;
  /** `--help` or `-h` was given before `--`. */
  readonly help: boolean;
}

interface OptionToken {
  readonly kind: "option";
  readonly name: string;
  readonly rawName: string;
  readonly value?: string | undefined;
  readonly inlineValue?: boolean | undefined;
}

type Token = OptionToken | {
  readonly kind: "positional" | "option-terminator";
};

/**
 * Parses `args` against `specs`. Options are read up to the first `--`; what
 * follows it is the command, untouched.
 *
 * @throws {UsageError} An unknown option, a missing or unexpected value.
 */
export async function parseCommandArgs(
  args: readonly string[],
  specs: OptionSpecs,
): Promise<ParsedArgs> {
  const dash = args.indexOf("--");
  const head = dash < 0 ? [...args] : args.slice(0, dash);
  const command = dash < 0 ? undefined : args.slice(dash + 1);
  if (head.includes("--help") || head.includes("-h")) {
    return { values: {}, positionals: [], command, help: true };
  }
  if (head.length === 0) {
    return { values: {}, positionals: [], command, help: false };
  }
  const { parseArgs } = await loadNodeUtil();
  const options: Record<
    string,
    { type: "string" | "boolean"; multiple?: boolean }
  > = {};
  for (const [name, spec] of Object.entries(specs)) {
    options[name] = spec.multiple
      ? { type: spec.type, multiple: true }
      : { type: spec.type };
  }
  const parsed = parseArgs({
    args: head,
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  for (const token of parsed.tokens as readonly Token[]) {
    if (token.kind === "option") checkOption(token, specs[token.name]);
  }
  return {
    values: parsed.values as Record<string, string | boolean | string[]>,
    positionals: parsed.positionals,
    command,
    help: false,
  };
}

function checkOption(token: OptionToken, spec: OptionSpec | undefined): void {
  const raw = token.rawName;
  if (spec === undefined) {
    throw new UsageError(`unknown option ${raw}`);
  }
  if (spec.type === "boolean") {
    if (token.value !== undefined) {
      throw new UsageError(
        `option ${raw} takes no value, got ${describe(token.value)}`,
      );
    }
    return;
  }
  if (token.value === undefined || token.value === "") {
    throw new UsageError(`option ${raw} needs a value`);
  }
  if (!token.inlineValue && token.value.startsWith("-")) {
    throw new UsageError(
      `option ${raw} needs a value, got the option ${
        describe(token.value)
      } (write ${raw}=${token.value} for a value that starts with "-")`,
    );
  }
}

/** The string value of option `name`, if given. */
export function stringOption(
  parsed: ParsedArgs,
  name: string,
): string | undefined {
  const value = parsed.values[name];
  return typeof value === "string" ? value : undefined;
}

/** Every value of a `multiple` option, in order. */
export function stringOptions(parsed: ParsedArgs, name: string): string[] {
  const value = parsed.values[name];
  return Array.isArray(value) ? value : [];
}

/** `true` when boolean option `name` was given. */
export function flag(parsed: ParsedArgs, name: string): boolean {
  return parsed.values[name] === true;
}

/**
 * The command after `--`.
 *
 * @throws {UsageError} No `--`, nothing after it, or stray arguments before
 * it.
 */
export function requireCommand(parsed: ParsedArgs): readonly string[] {
  const stray = parsed.positionals[0];
  if (parsed.command === undefined) {
    throw new UsageError(
      stray === undefined
        ? 'missing "--" and the command to run'
        : `missing "--" before the command ${describe(stray)}`,
    );
  }
  if (stray !== undefined) {
    throw new UsageError(`unexpected argument ${describe(stray)} before "--"`);
  }
  if (parsed.command.length === 0 || parsed.command[0] === "") {
    throw new UsageError('missing the command after "--"');
  }
  return parsed.command;
}

/**
 * Checks that nothing follows `--` and at most `max` positionals were given.
 *
 * @throws {UsageError} Otherwise.
 */
export function noCommand(parsed: ParsedArgs, max: number): void {
  if (parsed.command !== undefined) {
    throw new UsageError('unexpected "--": this command runs no command');
  }
  const extra = parsed.positionals[max];
  if (extra !== undefined) {
    throw new UsageError(`unexpected argument ${describe(extra)}`);
  }
}
