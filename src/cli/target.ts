/**
 * The process a `stop` command is about: from `--pidfile F` (checked with
 * `Pidfile.read()`, so a reused PID is never taken and a pidfile someone
 * else could have written is refused) or from a PID argument.
 *
 * @module
 */

import { describe } from "../describe.ts";
import { os } from "../os/select.ts";
import type { ProcessInfo } from "../os/types.ts";
import { Pidfile } from "../pidfile.ts";
import { type ParsedArgs, stringOption, UsageError } from "./args.ts";

/** A running target, or why there is none. */
type Target =
  | { readonly running: true; readonly row: ProcessInfo }
  | { readonly running: false; readonly why: string };

/** The PID argument, checked. */
export function pidArgument(text: string): number {
  if (!/^[1-9][0-9]*$/.test(text) || Number(text) > 2 ** 31 - 1) {
    throw new UsageError(
      `invalid PID ${describe(text)}: expected a positive integer`,
    );
  }
  return Number(text);
}

/** The running process `pid`, or why it isn't one. */
export function targetOfPid(pid: number): Target {
  const row = os.info(pid);
  if (row === null || row.zombie) {
    return { running: false, why: `process ${pid} is not running` };
  }
  return { running: true, row };
}

/** The running process a pidfile names, or why there is none.
 *
 * @throws {UntrustedFileError} Someone else could have written it. */
export function targetOfPidfile(pidfile: Pidfile): Target {
  const pid = pidfile.read();
  if (pid !== null) return targetOfPid(pid);
  const raw = pidfile.readRaw();
  const path = describe(pidfile.path);
  return {
    running: false,
    why: raw === null
      ? `no process: the pidfile ${path} is missing or holds no PID`
      : `process ${raw} named by ${path} is not running (or its PID now belongs to a newer process)`,
  };
}

/** `--pidfile F` or one PID argument, never both.
 *
 * @throws {UsageError} Neither or both. */
export function pidfileOrPid(
  parsed: ParsedArgs,
): { pidfile: Pidfile; pid?: undefined } | {
  pid: number;
  pidfile?: undefined;
} {
  const path = stringOption(parsed, "pidfile");
  const arg = parsed.positionals[0];
  if (path !== undefined && arg !== undefined) {
    throw new UsageError(
      `give either --pidfile or a PID, not both (got --pidfile ${
        describe(path)
      } and ${describe(arg)})`,
    );
  }
  if (path !== undefined) return { pidfile: new Pidfile(path) };
  if (arg === undefined) throw new UsageError("missing --pidfile F or PID");
  return { pid: pidArgument(arg) };
}
