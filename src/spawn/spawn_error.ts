/**
 * Turns a backend's failure to start a child into the error a caller
 * catches. The mapping knows only the failure's kind; what is particular
 * to a runtime or a system (a permission to grant, a job that forbids
 * breakaway, the system's argument limit) comes from the layer that knows
 * it, as the failure's `detail` or the OS shim's wording.
 *
 * @module
 */

import { argumentSize, describeArgumentSize } from "./argument_size.ts";
import {
  BreakawayDeniedError,
  CommandNotFoundError,
  PermissionDeniedError,
  SubprocessError,
  type SubprocessErrorOptions,
} from "../errors.ts";
import { os } from "../os/select.ts";
import { missingProgram } from "../runtime/look_path.ts";
import {
  SpawnFailure,
  type SpawnFailureCode,
  type SpawnRequest,
} from "../runtime/types.ts";

type ErrorClass = new (
  message: string,
  options: SubprocessErrorOptions,
) => SubprocessError;

/** Each kind of failure: the error thrown, and why, when the backend gave
 * no `detail`. */
const KINDS: Readonly<
  Partial<Record<SpawnFailureCode, readonly [ErrorClass, string]>>
> = {
  ENOENT: [CommandNotFoundError, "command not found"],
  EACCES: [
    PermissionDeniedError,
    "permission denied (not executable, or a directory)",
  ],
  BREAKAWAY_DENIED: [
    BreakawayDeniedError,
    "the job this process runs in does not allow breakaway",
  ],
  FFI_NEEDED: [PermissionDeniedError, "it needs FFI, which is not available"],
  NOT_CAPABLE: [PermissionDeniedError, "the runtime denied it"],
  EMFILE: [
    SubprocessError,
    "too many open files (EMFILE); nothing was started",
  ],
  EAGAIN: [
    SubprocessError,
    "the system is out of processes or memory (EAGAIN); nothing was started",
  ],
  ENOMEM: [
    SubprocessError,
    "the system is out of processes or memory (ENOMEM); nothing was started",
  ],
};

/** Turns a backend failure into the error a caller catches; `env` (the
 * child's whole environment) sizes an E2BIG failure. */
export function spawnError(
  cmd: readonly string[],
  failure: SpawnFailure,
  env: Readonly<Record<string, string | undefined>> = {},
): SubprocessError {
  const start = `Cannot run ${JSON.stringify(cmd[0])}`;
  const options = { cmd, cause: failure.cause ?? failure };
  if (failure.code === "E2BIG") {
    return new SubprocessError(
      `${start}: argument list too long (E2BIG): ${
        describeArgumentSize(argumentSize(cmd, env))
      }; ${os.argumentLimit}; nothing was started`,
      options,
    );
  }
  const kind = KINDS[failure.code];
  if (kind === undefined) {
    const detail = failure.detail ? `: ${failure.detail}` : "";
    return new SubprocessError(`${start}: spawn failed${detail}`, options);
  }
  const [ErrorClass, why] = kind;
  return new ErrorClass(`${start}: ${failure.detail ?? why}`, options);
}

/**
 * Looks `cmd[0]` up as the backend would (on the `PATH` of `where`'s
 * environment, from its `cwd`) and throws
 * the error the spawn would give when it is missing or not executable: for
 * a command that runs behind a wrapper program, whose own error would name
 * the wrapper.
 *
 * @throws {CommandNotFoundError} It was not found.
 * @throws {PermissionDeniedError} It can't be executed.
 */
export function assertRunnable(
  cmd: readonly string[],
  where: Pick<SpawnRequest, "cwd" | "env" | "clearEnv">,
): void {
  const missing = missingProgram({ ...where, file: cmd[0]! });
  if (missing) throw spawnError(cmd, new SpawnFailure(missing, undefined));
}
