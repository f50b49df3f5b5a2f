/**
 * GNU `getopt_long` as `timeout` calls it (`"+fk:ps:v"`): options end at the
 * first operand (the duration), so the command's own options are never
 * read; long options may be abbreviated to any unambiguous prefix
 * (`--kill=5`); short options may be grouped (`-vk5`), and a value may be
 * attached (`-s9`, `--signal=9`) or the next argument (`-s 9`). `node:util`
 * `parseArgs` does neither of the first two, hence this parser.
 *
 * @module
 */

import { UsageError } from "../args.ts";

/** One option: its long name, short letter, and whether it takes a value. */
export interface GetoptOption {
  readonly long: string;
  readonly short?: string;
  readonly value: boolean;
}

/** What was parsed: option values in order of appearance, then operands. */
interface GetoptResult {
  /** `[long name, value]` for each option given, in order (`""` for a
   * flag). */
  readonly options: readonly (readonly [string, string])[];
  /** The first operand and everything after it. */
  readonly operands: readonly string[];
}

function findLong(
  name: string,
  options: readonly GetoptOption[],
): GetoptOption {
  const exact = options.find((option) => option.long === name);
  if (exact) return exact;
  const matches = options.filter((option) => option.long.startsWith(name));
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) {
    throw new UsageError(`unrecognized option '--${name}'`);
  }
  throw new UsageError(
    `option '--${name}' is ambiguous; possibilities: ${
      matches.map((option) => `'--${option.long}'`).join(" ")
    }`,
  );
}

/**
 * Parses `args` as GNU `getopt_long` with a leading `+` in its option string.
 *
 * @throws {UsageError} An unknown or ambiguous option, a missing value, a
 * value given to a flag.
 */
export function getopt(
  args: readonly string[],
  options: readonly GetoptOption[],
): GetoptResult {
  const found: [string, string][] = [];
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      i++;
      break;
    }
    if (!arg.startsWith("-") || arg === "-") break;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      const option = findLong(name, options);
      if (!option.value) {
        if (eq >= 0) {
          throw new UsageError(
            `option '--${option.long}' doesn't allow an argument`,
          );
        }
        found.push([option.long, ""]);
        continue;
      }
      if (eq >= 0) {
        found.push([option.long, arg.slice(eq + 1)]);
        continue;
      }
      if (i + 1 >= args.length) {
        throw new UsageError(`option '--${option.long}' requires an argument`);
      }
      found.push([option.long, args[++i]!]);
      continue;
    }
    for (let j = 1; j < arg.length; j++) {
      const letter = arg[j]!;
      const option = options.find((o) => o.short === letter);
      if (option === undefined) {
        throw new UsageError(`invalid option -- '${letter}'`);
      }
      if (!option.value) {
        found.push([option.long, ""]);
        continue;
      }
      if (j + 1 < arg.length) {
        found.push([option.long, arg.slice(j + 1)]);
      } else if (i + 1 < args.length) {
        found.push([option.long, args[++i]!]);
      } else {
        throw new UsageError(`option requires an argument -- '${letter}'`);
      }
      break;
    }
  }
  return { options: found, operands: args.slice(i) };
}
