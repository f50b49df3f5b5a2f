/**
 * Starting a process through `CreateProcessW` (FFI): created suspended, put
 * in a job of ours, then resumed; breakaway from the job we run in when
 * asked (`windows.breakawayFromJob`). Its exit is reported by a thread-pool
 * wait. See `backend.ts` for when this path is taken.
 *
 * @module
 */

import { nodeProcess as process } from "../../runtime/node_builtins.ts";
import { alloc, view } from "../../runtime/ffi.ts";
import type {
  ChildHandle,
  SpawnFailureCode,
  SpawnRequest,
  WindowsSpawnRequest,
} from "../../runtime/types.ts";
import { SpawnFailure } from "../../runtime/types.ts";
import type { ExitStatus } from "../../types.ts";
import { batchCommandLine, isBatchFile } from "./cmd_escape.ts";
import { type Created, CreateFailed, createProcess } from "./create_process.ts";
import {
  childEnvironment,
  findRequestedProgram,
  systemProgram,
} from "./find_program.ts";
import { isInAnyJob, Job } from "./job.ts";
import {
  CREATE_BREAKAWAY_FROM_JOB,
  CREATE_NEW_CONSOLE,
  CREATE_NEW_PROCESS_GROUP,
  CREATE_NO_WINDOW,
  CREATE_SUSPENDED,
  ERROR_ACCESS_DENIED,
  INFINITE,
  INVALID_HANDLE_VALUE,
  type Kernel32,
  waitCallback,
  WT_EXECUTEONLYONCE,
} from "./kernel32.ts";
import { commandLine } from "./msvcrt_quote.ts";
import {
  exitStatusOf,
  forgetChild,
  type OwnChild,
  registerChild,
  releaseJob,
  signalChild,
} from "./own_children.ts";
import { TERMINATED_EXIT_CODE } from "./signals.ts";

/** Why `breakawayFromJob: true` failed inside a job that forbids it. */
const BREAKAWAY_DENIED =
  '`windows.breakawayFromJob: true` was refused: this process runs in a job that does not allow breakaway (JOB_OBJECT_LIMIT_BREAKAWAY_OK is not set), so CreateProcessW failed with ERROR_ACCESS_DENIED (5); use `breakawayFromJob: "try"` to start it inside the job instead';

/** The `CREATE_*` flags for `request`, breakaway aside. */
function creationFlags(request: SpawnRequest, w: WindowsSpawnRequest): number {
  if (w.detached) {
    return CREATE_SUSPENDED | CREATE_NEW_PROCESS_GROUP |
      (w.hide ? CREATE_NO_WINDOW : CREATE_NEW_CONSOLE);
  }
  return CREATE_SUSPENDED | (request.newSession ? CREATE_NEW_PROCESS_GROUP : 0);
}

function failureCode(error: number): SpawnFailureCode {
  switch (error) {
    case 2: // ERROR_FILE_NOT_FOUND
    case 3: // ERROR_PATH_NOT_FOUND
      return "ENOENT";
    case ERROR_ACCESS_DENIED:
    case 193: // ERROR_BAD_EXE_FORMAT
    case 740: // ERROR_ELEVATION_REQUIRED
      return "EACCES";
    case 4: // ERROR_TOO_MANY_OPEN_FILES
      return "EMFILE";
    case 206: // ERROR_FILENAME_EXCED_RANGE: the command line is too long
      return "E2BIG";
    case 8: // ERROR_NOT_ENOUGH_MEMORY
    case 14: // ERROR_OUTOFMEMORY
    case 1450: // ERROR_NO_SYSTEM_RESOURCES
      return "ENOMEM";
    default:
      return "UNKNOWN";
  }
}

/** Starts `request` through `CreateProcessW` (see the module doc). */
export function spawnWithFfi(
  k: Kernel32,
  request: SpawnRequest,
  w: WindowsSpawnRequest,
): ChildHandle {
  const { cwd, found } = findRequestedProgram(request);
  if (!found.ok) throw new SpawnFailure(found.code, undefined);
  const batch = isBatchFile(found.path);
  const application = batch
    ? systemProgram("cmd.exe", process.env)
    : found.path;
  const line = batch
    ? batchCommandLine(application, found.path, [request.file, ...request.args])
    : commandLine(request.file, request.args);
  const create = (flags: number): Created =>
    createProcess(k, {
      application,
      commandLine: line,
      cwd: request.cwd === undefined ? undefined : cwd,
      environment: request.env === undefined && !request.clearEnv
        ? undefined
        : childEnvironment(process.env, request.env, request.clearEnv),
      stdio: [request.stdin, request.stdout, request.stderr],
      flags,
      hide: w.hide,
    });
  const flags = creationFlags(request, w);
  let created: Created;
  let brokeAway: boolean | undefined;
  try {
    if (w.breakawayFromJob === false) {
      created = create(flags);
    } else {
      try {
        created = create(flags | CREATE_BREAKAWAY_FROM_JOB);
        brokeAway = true;
      } catch (error) {
        // ERROR_ACCESS_DENIED from a process in a job: the job forbids
        // breakaway (outside any job the flag does nothing).
        if (
          !(error instanceof CreateFailed) ||
          error.error !== ERROR_ACCESS_DENIED ||
          !isInAnyJob(k, k.GetCurrentProcess())
        ) throw error;
        if (w.breakawayFromJob === true) {
          throw new SpawnFailure("BREAKAWAY_DENIED", error, BREAKAWAY_DENIED);
        }
        created = create(flags);
        brokeAway = false;
      }
    }
  } catch (error) {
    if (error instanceof CreateFailed) {
      throw new SpawnFailure(failureCode(error.error), error, error.message);
    }
    throw error;
  }
  const killOnParentExit = request.killOnParentExit === true;
  let job = w.detached
    ? null
    : Job.create(k, { killOnClose: killOnParentExit, breakawayOk: true });
  if (job !== null && !job.assign(created.process)) {
    job.close();
    job = null;
  }
  if (killOnParentExit && job === null) {
    const error = k.GetLastError();
    k.TerminateProcess(created.process, TERMINATED_EXIT_CODE);
    k.CloseHandle(created.thread);
    k.CloseHandle(created.process);
    throw new SpawnFailure(
      "UNKNOWN",
      undefined,
      `\`killOnParentExit\` could not put the child in a kill-on-close job (Windows error ${error})`,
    );
  }
  k.ResumeThread(created.thread);
  k.CloseHandle(created.thread);
  const child: OwnChild = {
    pid: created.pid,
    process: created.process,
    job,
    // A detached child has a console of its own: our CTRL_BREAK can't
    // reach it.
    ownGroup: request.newSession && !w.detached,
    asked: undefined,
    ended: false,
  };
  registerChild(child);
  return ffiHandle(k, child, brokeAway, killOnParentExit);
}

/** The handle of a child created through FFI; its exit is reported by a
 * thread-pool wait (`RegisterWaitForSingleObject`). */
function ffiHandle(
  k: Kernel32,
  child: OwnChild,
  brokeAway: boolean | undefined,
  killOnClose: boolean,
): ChildHandle {
  let exited = false;
  let refd = true;
  let done!: (status: ExitStatus) => void;
  const status = new Promise<ExitStatus>((resolve) => (done = resolve));
  const waitHandle = alloc(8);
  const finish = () => {
    const code = alloc(4);
    k.GetExitCodeProcess(child.process, code);
    exited = true;
    forgetChild(child);
    // Waits for the pool thread to leave the callback before freeing it.
    k.UnregisterWaitEx(
      view(waitHandle).getBigUint64(0, true),
      INVALID_HANDLE_VALUE,
    );
    callback.close();
    releaseJob(child.job, killOnClose);
    k.CloseHandle(child.process);
    done(exitStatusOf(child, view(code).getUint32(0, true)));
  };
  // Runs on our thread; the rest waits until the pool thread has returned.
  const callback = waitCallback(() => void setTimeout(finish, 0));
  const registered = k.RegisterWaitForSingleObject(
    waitHandle,
    child.process,
    callback.pointer,
    0n,
    INFINITE,
    WT_EXECUTEONLYONCE,
  );
  if (registered === 0) {
    callback.close();
    k.TerminateProcess(child.process, TERMINATED_EXIT_CODE);
    forgetChild(child);
    child.job?.close();
    k.CloseHandle(child.process);
    throw new SpawnFailure(
      "UNKNOWN",
      undefined,
      `RegisterWaitForSingleObject failed (Windows error ${k.GetLastError()})`,
    );
  }
  return {
    pid: child.pid,
    stdin: null,
    stdout: null,
    stderr: null,
    status,
    brokeAway,
    kill(signal): boolean {
      if (exited) return false;
      return signalChild(k, child, signal, false) === "sent";
    },
    ref(): void {
      if (!refd && !exited) callback.ref();
      refd = true;
    },
    unref(): void {
      if (refd && !exited) callback.unref();
      refd = false;
    },
  };
}
