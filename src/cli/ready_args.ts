/**
 * The readiness options of `subproc start` (`--ready-port`, …) and
 * `subproc wait` (`--port`, …): one parser, the names differing by a prefix.
 *
 * @module
 */

import { describe } from "../describe.ts";
import type { ReadyOptions } from "../types.ts";
import { type ReadyPlan, validateReady } from "../validate/ready.ts";
import {
  type OptionSpecs,
  type ParsedArgs,
  stringOption,
  UsageError,
} from "./args.ts";
import { durationOption } from "./options.ts";

const NAMES = [
  "line",
  "port",
  "host",
  "url",
  "file",
  "timeout",
  "interval",
] as const;

/** The option specs, each named `prefix` + name (`ready-port`). */
export function readySpecs(prefix: string): OptionSpecs {
  return Object.fromEntries(
    NAMES.map((name) => [`${prefix}${name}`, { type: "string" as const }]),
  );
}

/** `true` when any readiness condition was given. */
function hasReadyCondition(parsed: ParsedArgs, prefix: string): boolean {
  return ["line", "port", "url", "file"].some((name) =>
    stringOption(parsed, `${prefix}${name}`) !== undefined
  );
}

function portOf(value: string, option: string): number {
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (port >= 1 && port <= 65535) return port;
  throw new UsageError(
    `invalid ${option} ${describe(value)}: expected a TCP port from 1 to 65535`,
  );
}

function regexOf(value: string, option: string): RegExp {
  try {
    return new RegExp(value);
  } catch (error) {
    throw new UsageError(
      `invalid ${option} ${describe(value)}: ${(error as Error).message}`,
    );
  }
}

/** The `ready` option the command line gives, and the library's check of
 * it (what `subproc wait` watches). */
export interface ReadyArgs {
  readonly options: ReadyOptions;
  readonly plan: ReadyPlan;
}

/**
 * The `ready` option the options named `prefix` + name give, checked, or
 * `undefined` when none was given. `--…timeout 0` waits without a limit.
 *
 * @throws {UsageError} A bad value, or an option that needs another.
 */
export function readyOptions(
  parsed: ParsedArgs,
  prefix: string,
): ReadyArgs | undefined {
  const option = (name: string) => `--${prefix}${name}`;
  const value = (name: (typeof NAMES)[number]) =>
    stringOption(parsed, `${prefix}${name}`);
  if (!hasReadyCondition(parsed, prefix)) {
    for (const name of ["host", "timeout", "interval"] as const) {
      if (value(name) !== undefined) {
        throw new UsageError(
          `option ${option(name)} needs a condition: ${option("line")}, ${
            option("port")
          }, ${option("url")} or ${option("file")}`,
        );
      }
    }
    return undefined;
  }
  if (value("host") !== undefined && value("port") === undefined) {
    throw new UsageError(
      `option ${option("host")} needs ${option("port")} N`,
    );
  }
  const line = value("line");
  const port = value("port");
  const url = value("url");
  const file = value("file");
  const timeout = durationOption(value("timeout"), option("timeout"));
  const interval = durationOption(value("interval"), option("interval"));
  const options: ReadyOptions = {
    ...(line === undefined ? {} : { line: regexOf(line, option("line")) }),
    ...(port === undefined ? {} : { port: portOf(port, option("port")) }),
    ...(value("host") === undefined ? {} : { host: value("host")! }),
    ...(url === undefined ? {} : { url }),
    ...(file === undefined ? {} : { file }),
    ...(timeout === undefined
      ? {}
      : { timeout: timeout === 0 ? Infinity : timeout }),
    ...(interval === undefined ? {} : { interval }),
  };
  try {
    return { options, plan: validateReady(options) };
  } catch (error) {
    // The library names `ready.url`: name the option instead.
    throw new UsageError(
      (error as Error).message.replace(
        /(the )?`ready\.(\w+)`( option)?/,
        (_, _the, name: string) => option(name),
      ),
    );
  }
}
