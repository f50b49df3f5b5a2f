/**
 * The Windows backend: wraps the runtime's own one (`Deno.Command` or
 * `node:child_process`) and starts processes through `CreateProcessW` over
 * FFI when it can (Deno with `--allow-ffi`).
 *
 * Through FFI, a child is created suspended, put in a job of ours
 * (`AssignProcessToJobObject`), then resumed: nothing it starts can escape
 * the job unnoticed, so stopping its tree is `TerminateJobObject`, and with
 * `killOnParentExit` the job is kill-on-close, which ends it when we die by
 * any means. `windows.breakawayFromJob` adds `CREATE_BREAKAWAY_FROM_JOB`
 * (leaving the job *we* run in, e.g. a CI agent's); `ERROR_ACCESS_DENIED`
 * then means that job forbids it. `newSession` gives the child a console
 * process group of its own (`CREATE_NEW_PROCESS_GROUP`), which CTRL_BREAK
 * can reach for a graceful stop. `detach()` gives it a console of its own
 * (`CREATE_NO_WINDOW`, or `CREATE_NEW_CONSOLE` with `hide: false`) rather
 * than none (`DETACHED_PROCESS`): a process without a console opens a new
 * visible window for every console program it starts.
 *
 * Which way a request goes:
 *
 * | request | FFI | way |
 * | --- | --- | --- |
 * | no piped stream | yes | `CreateProcessW` (above) |
 * | a piped stream | yes | the runtime's spawn, then the child is put in a job of ours (a child can't start anything in the few microseconds in between); `breakawayFromJob: true` is refused |
 * | `detach()` | no, on Bun | the `start /b` shim (`start_shim.ts`) |
 * | anything else | no | the runtime's spawn; `breakawayFromJob: true` and `killOnParentExit` with a new group are refused, naming what is missing |
 *
 * Without FFI, `killOnParentExit` relies on the runtime's own kill-on-close
 * job, which both Deno and libuv put their non-detached children in.
 *
 * @module
 */

import { nodeProcess as process } from "./node_builtins.ts";
import { batchCommandLine, isBatchFile } from "../os/windows/cmd_escape.ts";
import {
  type Created,
  CreateFailed,
  createProcess,
} from "../os/windows/create_process.ts";
import {
  childEnvironment,
  findRequestedProgram,
  systemProgram,
} from "../os/windows/find_program.ts";
import { isInAnyJob, Job } from "../os/windows/job.ts";
import {
  alloc,
  CREATE_BREAKAWAY_FROM_JOB,
  CREATE_NEW_CONSOLE,
  CREATE_NEW_PROCESS_GROUP,
  CREATE_NO_WINDOW,
  CREATE_SUSPENDED,
  ERROR_ACCESS_DENIED,
  ffiUnavailable,
  INFINITE,
  INVALID_HANDLE_VALUE,
  type Kernel32,
  kernel32,
  PROCESS_QUERY_LIMITED_INFORMATION,
  PROCESS_SET_QUOTA,
  PROCESS_TERMINATE,
  SYNCHRONIZE,
  view,
  waitCallback,
  WT_EXECUTEONLYONCE,
} from "../os/windows/kernel32.ts";
import { commandLine } from "../os/windows/msvcrt_quote.ts";
import {
  exitStatusOf,
  forgetChild,
  type OwnChild,
  registerChild,
  signalChild,
} from "../os/windows/own_children.ts";
import { openProcess } from "../os/windows/process_table.ts";
import { TERMINATED_EXIT_CODE, windowsAction } from "../os/windows/signals.ts";
import { spawnThroughStartShim } from "../os/windows/start_shim.ts";
import type { ExitStatus } from "../types.ts";
import {
  type Backend,
  type ChildHandle,
  SpawnFailure,
  type SpawnFailureCode,
  type SpawnRequest,
  type WindowsSpawnRequest,
} from "./types.ts";

/** How the runtime under the wrapper behaves. */
export interface WindowsBackendOptions {
  /** The runtime's `detached` child dies with us (Bun): `detach()` without
   * FFI goes through the `start /b` shim instead. */
  readonly detachThroughStartShim: boolean;
}

const DEFAULT_WINDOWS: WindowsSpawnRequest = {
  breakawayFromJob: false,
  hide: true,
  detached: false,
};

/** Wraps `base` (see the module doc). */
export function windowsBackend(
  base: Backend,
  options: WindowsBackendOptions,
): Backend {
  return {
    name: base.name,
    runSync: base.runSync,
    unrefTimer: base.unrefTimer,
    spawn(request: SpawnRequest): ChildHandle {
      const w = request.windows ?? DEFAULT_WINDOWS;
      const k = kernel32();
      const piped = [request.stdin, request.stdout, request.stderr]
        .includes("pipe");
      if (k !== null && !piped) return spawnWithFfi(k, request, w);
      if (w.breakawayFromJob === true) {
        if (k !== null) {
          throw new RangeError(
            'Cannot combine `windows.breakawayFromJob: true` with a piped stream: breakaway needs CreateProcessW, and piped streams the runtime\'s own spawn (use files, or `breakawayFromJob: "try"`)',
          );
        }
        throw new SpawnFailure(
          "FFI_NEEDED",
          undefined,
          `\`windows.breakawayFromJob: true\` creates the process with CreateProcessW over FFI, and ${ffiUnavailable()}`,
        );
      }
      const ownGroup = request.newSession || w.detached;
      if (k === null && request.killOnParentExit && ownGroup) {
        throw new SpawnFailure(
          "FFI_NEEDED",
          undefined,
          `\`killOnParentExit\` with \`newSession\` needs a kill-on-close job of ours, made over FFI, and ${ffiUnavailable()}`,
        );
      }
      if (k === null && w.detached && options.detachThroughStartShim) {
        return spawnThroughStartShim(request, k, base);
      }
      const handle = base.spawn({ ...request, newSession: ownGroup });
      const brokeAway = w.breakawayFromJob === "try" ? false : undefined;
      if (k === null) return terminateOnly(handle, brokeAway);
      return adopt(k, handle, request, brokeAway);
    },
  };
}

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

function spawnWithFfi(
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
          throw new SpawnFailure("BREAKAWAY_DENIED", error);
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

/** Closes a child's job once its direct child has exited, unless it is
 * kill-on-close and descendants still run (closing it would end them). */
function releaseJob(job: Job | null, killOnClose: boolean): void {
  if (job === null) return;
  if (killOnClose && job.activeProcesses() > 0) return; // kept until we exit
  job.close();
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

/**
 * Without FFI nothing can ask a process (no CTRL_BREAK): every signal that
 * does anything ends it through the runtime (`TerminateProcess`), as the
 * table in `signals.ts` says, and its status then reports SIGKILL.
 */
function terminateOnly(
  handle: ChildHandle,
  brokeAway: boolean | undefined,
): ChildHandle {
  const child = { asked: undefined, ended: false };
  let exited = false;
  const status = handle.status.then((s) => {
    exited = true;
    return s.code === null ? s : exitStatusOf(child, s.code);
  });
  return {
    ...handle,
    status,
    brokeAway,
    kill(signal): boolean {
      if (windowsAction(signal) === "nothing") return !exited;
      if (exited) return false;
      child.ended = true;
      return handle.kill("SIGKILL");
    },
  };
}

/** Puts a child the runtime started in a job of ours, so that it is
 * stopped, signalled and reported like one started through FFI. */
function adopt(
  k: Kernel32,
  handle: ChildHandle,
  request: SpawnRequest,
  brokeAway: boolean | undefined,
): ChildHandle {
  const killOnClose = request.killOnParentExit === true;
  const opened = openProcess(
    k,
    handle.pid,
    PROCESS_TERMINATE | PROCESS_SET_QUOTA | PROCESS_QUERY_LIMITED_INFORMATION |
      SYNCHRONIZE,
  ).handle;
  if (opened === null) return { ...handle, brokeAway }; // already gone
  let job = request.windows?.detached
    ? null
    : Job.create(k, { killOnClose, breakawayOk: true });
  if (job !== null && !job.assign(opened)) {
    job.close();
    job = null;
  }
  if (killOnClose && job === null && request.newSession) {
    // Outside the runtime's own job too: nothing would end it with us.
    const error = k.GetLastError();
    k.TerminateProcess(opened, TERMINATED_EXIT_CODE);
    k.CloseHandle(opened);
    throw new SpawnFailure(
      "UNKNOWN",
      undefined,
      `\`killOnParentExit\` could not put the child in a kill-on-close job (Windows error ${error})`,
    );
  }
  const child: OwnChild = {
    pid: handle.pid,
    process: opened,
    job,
    ownGroup: false, // the runtime's new groups have no console of ours
    asked: undefined,
    ended: false,
  };
  registerChild(child);
  let exited = false;
  const status = handle.status.then((s) => {
    exited = true;
    forgetChild(child);
    releaseJob(job, killOnClose);
    k.CloseHandle(opened);
    return s.code === null ? s : exitStatusOf(child, s.code);
  });
  return {
    ...handle,
    status,
    brokeAway,
    kill(signal): boolean {
      if (exited) return false;
      return signalChild(k, child, signal, false) === "sent";
    },
  };
}
