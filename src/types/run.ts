/**
 * Public types of what `run()` is given and resolves with.
 *
 * @module
 */

import type { ExitStatus } from "./process.ts";
import type { SpawnOptions } from "./spawn.ts";
import type { Input } from "./subprocess.ts";

/** What `run()` keeps of the child's output.
 *
 * - `false`: nothing; stdout and stderr go where `stdout`/`stderr` say.
 * - `true` or `"text"`: both as UTF-8 strings.
 * - `"bytes"`: both as `Uint8Array`.
 */
export type Capture = boolean | "text" | "bytes";

/**
 * Options of {@linkcode run}: every {@linkcode SpawnOptions} field but
 * `ready` (`run()` waits for the end), plus `capture`, `input` and `check`.
 *
 * @example Feed a command, capture its output, fail on a non-zero exit
 * ```ts
 * import { run, type RunOptions } from "@subproc/subproc";
 * const options = { input: "b\na\n", capture: true, check: true } as const;
 * const { stdout } = await run(["sort"], options satisfies RunOptions);
 * console.log(stdout); // "a\nb\n"
 * ```
 */
export interface RunOptions extends Omit<SpawnOptions, "ready"> {
  /** Capture stdout and stderr (piping them unless `stdout`/`stderr` say
   * otherwise).
   * @default {false} */
  readonly capture?: Capture;
  /** Written to the child's stdin, which is then closed: a string (as
   * UTF-8), bytes (any `ArrayBufferView`), or a `ReadableStream` of bytes
   * (read as the child reads; cancelled if the child stops reading). */
  readonly input?: Input;
  /** Throw `CalledProcessError` when the child does not exit with code 0.
   * @default {false} */
  readonly check?: boolean;
}

/** What {@linkcode run} resolves with. */
export interface RunResult<T extends string | Uint8Array | undefined>
  extends ExitStatus {
  /** The command as given. */
  readonly cmd: readonly string[];
  /** The child's PID. */
  readonly pid: number;
  /** Captured stdout, or `undefined` when not captured. */
  readonly stdout: T;
  /** Captured stderr, or `undefined` when not captured; empty with
   * `stderr: "stdout"` (it is in `stdout`, in order). */
  readonly stderr: T;
  /** Milliseconds from start to the end of output. */
  readonly durationMs: number;
}
