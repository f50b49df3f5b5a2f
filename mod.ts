/**
 * Spawn, detach, time out and stop processes — and everything they started —
 * on Deno, Node and Bun.
 *
 * - {@linkcode run}: run to completion, capture output, time out for real.
 * - {@linkcode spawn}: a {@linkcode Subprocess} handle with web streams,
 *   `wait`, `communicate`, and `stop` over its process group or tree.
 * - {@linkcode detach}: start a daemon that outlives us, with a pidfile.
 * - {@linkcode killTree}: stop a process and all its descendants.
 * - {@linkcode isAlive} and {@linkcode Pidfile}: PID-reuse-safe bookkeeping
 *   that refuses a pidfile someone else could have written.
 *
 * Arguments never pass through a shell. Every option is checked before
 * anything starts; bad input throws a `TypeError` or `RangeError` naming the
 * option and the value.
 *
 * @example Run with a timeout that stops the grandchildren too
 * ```ts
 * import { run } from "@subproc/subproc";
 * const result = await run(["sh", "-c", "echo hi; sleep 60 & wait"], {
 *   capture: true,
 *   timeout: 300,
 * }).catch((error) => error);
 * console.log(result.name, result.stdout); // "TimeoutExpiredError" "hi\n"
 * ```
 *
 * @module
 */

export type * from "./src/types.ts";
export * from "./src/errors.ts";
export { run } from "./src/run.ts";
export { spawn } from "./src/spawn.ts";
export { detach } from "./src/detach.ts";
export { killTree } from "./src/stop/kill_tree.ts";
export { isAlive } from "./src/alive.ts";
export { Pidfile } from "./src/pidfile.ts";
