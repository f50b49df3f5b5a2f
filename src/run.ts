/**
 * `run()`: start a command, feed it, wait for it, collect its output — like
 * Python's `subprocess.run`.
 *
 * @module
 */

import {
  CalledProcessError,
  MaxBufferError,
  TimeoutExpiredError,
} from "./errors.ts";
import { spawnWithPlan } from "./spawn.ts";
import type {
  ExitStatus,
  RunOptions,
  RunResult,
  SubprocessOutput,
} from "./types.ts";
import { validateRunOptions } from "./validate/run.ts";
import { validateCmd } from "./validate/text.ts";

const decoder = new TextDecoder();

function describeEnd(status: ExitStatus): string {
  return status.signal !== null
    ? `was killed by ${status.signal}`
    : `exited with code ${status.code}`;
}

/**
 * Runs `cmd` to completion (never through a shell) and resolves with its
 * status and, with `capture`, its output.
 *
 * With a `timeout` or an abort `signal`, the child starts in a new session by
 * default (`newSession: true`), so that stopping it stops its whole process
 * group — the grandchildren too. Output reading never waits more than
 * `drainTimeout` after the child has ended, even when a grandchild still
 * holds the pipe.
 *
 * @param cmd The program and its arguments.
 * @param options See {@linkcode RunOptions}. Streams default to `"inherit"`;
 * `capture` pipes stdout and stderr, `input` pipes stdin.
 * @returns The exit status, the PID, the captured output and the duration.
 * @throws {TypeError} An argument has the wrong type or an option is unknown.
 * @throws {RangeError} An argument is out of range.
 * @throws {CommandNotFoundError} The program was not found.
 * @throws {PermissionDeniedError} The program may not be executed.
 * @throws {TimeoutExpiredError} `timeout` expired; the child's group (or
 * tree) was stopped; the error carries the output read until then.
 * @throws {CalledProcessError} `check: true` and the child did not exit 0.
 * @throws {MaxBufferError} Output went past `maxBuffer`.
 * @throws {unknown} The abort `signal`'s reason, when it aborted the run.
 *
 * @example Capture output and fail on a non-zero exit
 * ```ts
 * import { run } from "@subproc/subproc";
 * const result = await run(["echo", "hello"], { capture: true, check: true });
 * console.log(result.stdout); // "hello\n"
 * ```
 *
 * @example stdout and stderr in one, in the order written (`2>&1`)
 * ```ts
 * import { run } from "@subproc/subproc";
 * const { stdout, stderr } = await run(["sh", "-c", "echo a; echo b >&2; echo c"], {
 *   capture: true,
 *   stderr: "stdout",
 * });
 * console.log(stdout); // "a\nb\nc\n"
 * console.log(stderr); // ""
 * ```
 *
 * @example A timeout that ends the grandchildren too
 * ```ts
 * import { run, TimeoutExpiredError } from "@subproc/subproc";
 * try {
 *   await run(["sh", "-c", "sleep 60 & sleep 60"], { timeout: 200 });
 * } catch (error) {
 *   console.log(error instanceof TimeoutExpiredError); // true
 * }
 * ```
 */
export function run(
  cmd: string[],
  options: RunOptions & { readonly capture: "bytes" },
): Promise<RunResult<Uint8Array>>;
/** Runs `cmd`, capturing stdout and stderr as text (see the first overload). */
export function run(
  cmd: string[],
  options: RunOptions & { readonly capture: true | "text" },
): Promise<RunResult<string>>;
/** Runs `cmd`; output is captured only with `capture` (see the first overload). */
export function run(
  cmd: string[],
  options?: RunOptions,
): Promise<RunResult<string | Uint8Array | undefined>>;
export async function run(
  cmd: string[],
  options?: RunOptions,
): Promise<RunResult<string | Uint8Array | undefined>> {
  const args = validateCmd(cmd);
  const { spawn: plan, capture, check, input } = validateRunOptions(options);
  const started = performance.now();
  const child = spawnWithPlan(args, plan);
  let output: SubprocessOutput;
  let overflow: MaxBufferError | undefined;
  try {
    output = await child.collect(input);
  } catch (error) {
    if (!(error instanceof MaxBufferError)) throw error;
    overflow = error;
    output = {
      ...error.status!,
      stdout: error.stdout as Uint8Array | undefined,
      stderr: error.stderr as Uint8Array | undefined,
    };
  }
  const durationMs = performance.now() - started;
  const convert = (bytes: Uint8Array | undefined) =>
    capture === false || bytes === undefined
      ? undefined
      : capture === "bytes"
      ? bytes
      : decoder.decode(bytes);
  const status: ExitStatus = {
    code: output.code,
    signal: output.signal,
    success: output.success,
  };
  const result: RunResult<string | Uint8Array | undefined> = {
    ...status,
    cmd: args,
    pid: child.pid,
    stdout: convert(output.stdout),
    // Sent down stdout: captured there, so stderr is empty, not missing.
    stderr: convert(
      plan.stderr === "stdout" && output.stdout !== undefined
        ? new Uint8Array(0)
        : output.stderr,
    ),
    durationMs,
  };
  const fields = {
    cmd: args,
    pid: child.pid,
    status,
    stdout: result.stdout,
    stderr: result.stderr,
  };
  const name = JSON.stringify(args[0]);
  if (child.stopReason === "timeout") {
    throw new TimeoutExpiredError(
      `Command ${name} timed out after ${plan.timeout} ms and was stopped (it ${
        describeEnd(status)
      })`,
      { ...fields, timeout: plan.timeout! },
    );
  }
  if (child.stopReason === "abort") throw plan.signal!.reason;
  if (overflow) {
    throw new MaxBufferError(overflow.message, { ...fields, cause: overflow });
  }
  if (check && !status.success) {
    throw new CalledProcessError(
      `Command ${name} ${describeEnd(status)}`,
      fields,
    );
  }
  return result;
}
