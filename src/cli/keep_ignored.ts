/**
 * `subproc run` keeps the signals its caller ignored (`nohup`, `trap '' HUP`,
 * a non-interactive shell's `&` for SIGINT and SIGQUIT) ignored, for CMD as
 * for itself, as they would be without subproc in between.
 *
 * The runtimes don't let that happen by themselves: Deno catches SIGHUP,
 * SIGINT and SIGTERM as soon as any signal listener exists, and a caught
 * signal is reset to the default in a child; Bun resets every signal in its
 * children; Node resets ignored signals at its own start, so none can be
 * seen there. So: what was ignored is read before any listener is
 * installed, subproc keeps ignoring it (a listener that does nothing), and
 * CMD starts behind `env --ignore-signal=…` (GNU coreutils ≥ 8.31), which
 * sets them to ignored again and execs CMD.
 *
 * @module
 */

import { ignoredSignals } from "../runtime/ignored_signals.ts";
import { findExecutable } from "../os/posix.ts";
import { runtimeBackend } from "../runtime/select.ts";
import { signalName } from "../runtime/signals.ts";
import { assertRunnable } from "../spawn/spawn_error.ts";
import type { Signal } from "../types.ts";

/** Ignored by the runtimes themselves (SIGPIPE; SIGXFSZ under Node and
 * Bun), so not known to be the caller's; SIGCHLD, which GNU `timeout` and
 * the library reset for the child's sake. */
const NOT_THE_CALLERS: ReadonlySet<Signal> = new Set<Signal>([
  "SIGPIPE",
  "SIGXFSZ",
  "SIGCHLD",
]);

/** The signals the caller ignored, read now (call it before installing any
 * listener). Empty where that can't be read (no `/proc`, or Node). */
export function callerIgnored(): Signal[] {
  const numbers = ignoredSignals() ?? new Set<number>();
  return [...numbers].map(signalName).filter((
    signal,
  ): signal is Signal => signal !== null && !NOT_THE_CALLERS.has(signal));
}

let envPath: string | null | undefined;

/** GNU `env`, if it has `--ignore-signal`. */
function ignoringEnv(): string | null {
  if (envPath !== undefined) return envPath;
  const env = findExecutable(["/usr/bin/env", "/bin/env"]);
  envPath = env !== null &&
      runtimeBackend.runSync(env, ["--ignore-signal=HUP", "true"]).code === 0
    ? env
    : null;
  return envPath;
}

/**
 * `cmd`, behind `env --ignore-signal=…` when `signals` is not empty and
 * such an `env` exists. CMD is looked up first, so that a missing or
 * non-executable CMD gives the same error as without the prefix.
 *
 * @throws {CommandNotFoundError} CMD was not found.
 * @throws {PermissionDeniedError} CMD can't be executed.
 */
export function keepIgnoredFor(
  cmd: readonly string[],
  signals: readonly Signal[],
): string[] {
  if (signals.length === 0) return [...cmd];
  const env = ignoringEnv();
  if (env === null) return [...cmd];
  assertRunnable(cmd, { cwd: undefined, env: undefined, clearEnv: false });
  const names = signals.map((signal) => signal.slice(3)).join(",");
  return [env, `--ignore-signal=${names}`, "--", ...cmd];
}
