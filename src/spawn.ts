/**
 * `spawn()`: start a child and hand back a `Subprocess` (its machinery is
 * in `spawn/`).
 *
 * @module
 */

import type { SpawnOptions, Subprocess } from "./types.ts";
import { validateCmd } from "./validate/text.ts";
import { validateOptionsObject } from "./validate/options.ts";
import { SPAWN_OPTION_KEYS, validateSpawnOptions } from "./validate/spawn.ts";
import { spawnWithPlan } from "./spawn/start.ts";

/**
 * Starts `cmd` (never through a shell) and returns a {@linkcode Subprocess}.
 * Every option is checked before anything starts.
 *
 * @param cmd The program and its arguments, e.g. `["ls", "-l"]`.
 * @param options See {@linkcode SpawnOptions}; every stream defaults to
 * `"inherit"`.
 * @returns A handle on the running child.
 * @throws {TypeError} An argument has the wrong type or an option is unknown.
 * @throws {RangeError} An argument is out of range (empty `cmd`, NUL byte,
 * negative `timeout`, unknown signal, missing `cwd`, …).
 * @throws {CommandNotFoundError} The program was not found.
 * @throws {PermissionDeniedError} The program may not be executed.
 *
 * @example Stream a child's output, stop its whole group
 * ```ts
 * import { spawn } from "@subproc/subproc";
 * await using child = spawn(["sh", "-c", "echo ready; sleep 30"], {
 *   stdout: "pipe",
 *   newSession: true,
 * });
 * const reader = child.stdout!.getReader();
 * const { value } = await reader.read();
 * console.log(new TextDecoder().decode(value)); // "ready\n"
 * reader.releaseLock();
 * const status = await child.stop({ grace: 1000 });
 * console.log(status.signal); // "SIGTERM"
 * ```
 *
 * @example Wait until a server is ready
 * ```ts
 * import { spawn } from "@subproc/subproc";
 * await using server = spawn(
 *   ["sh", "-c", "echo starting; sleep 0.2; echo 'listening on 8080'; sleep 30"],
 *   { stdout: "pipe", ready: { line: /listening on (\d+)/, timeout: 10_000 } },
 * );
 * const { match } = await server.ready; // NotReadyError if not in 10 s
 * console.log(match?.[1]); // "8080"
 * ```
 */
export function spawn(cmd: string[], options?: SpawnOptions): Subprocess {
  const args = validateCmd(cmd);
  const given = validateOptionsObject("spawn", options, SPAWN_OPTION_KEYS);
  return spawnWithPlan(args, validateSpawnOptions(given));
}
