/**
 * Children of the runtime's own spawn on Windows (piped streams, or no FFI):
 * with FFI each is put in a job of ours right after it starts, so that it is
 * stopped, signalled and reported like one created through `CreateProcessW`;
 * without FFI every signal that does anything ends it. See `backend.ts` for
 * when this path is taken.
 *
 * @module
 */

import type { ChildHandle, SpawnRequest } from "../../runtime/types.ts";
import { SpawnFailure } from "../../runtime/types.ts";
import type { Signal } from "../../types.ts";
import { Job } from "./job.ts";
import {
  type Kernel32,
  PROCESS_QUERY_LIMITED_INFORMATION,
  PROCESS_SET_QUOTA,
  PROCESS_TERMINATE,
  SYNCHRONIZE,
} from "./kernel32.ts";
import {
  exitStatusOf,
  type Fate,
  forgetChild,
  forgetUnheld,
  type OwnChild,
  registerChild,
  releaseJob,
  signalChild,
  trackUnheld,
} from "./own_children.ts";
import { openProcess } from "./process_table.ts";
import { TERMINATED_EXIT_CODE, windowsAction } from "./signals.ts";

/**
 * Without FFI nothing can ask a process (no CTRL_BREAK): every signal that
 * does anything ends it through the runtime (`TerminateProcess`), as the
 * table in `signals.ts` says, and its status then reports SIGKILL (also
 * when a tree stop ended it: `noteEnding`).
 */
export function terminateOnly(
  handle: ChildHandle,
  brokeAway: boolean | undefined,
): ChildHandle {
  const fate: Fate = { asked: undefined, ended: false };
  trackUnheld(handle.pid, fate);
  return rewrap(handle, brokeAway, fate, {
    onExit: () => forgetUnheld(handle.pid, fate),
    kill(signal, exited): boolean {
      if (windowsAction(signal) === "nothing") return !exited;
      if (exited) return false;
      fate.ended = true;
      return handle.kill("SIGKILL");
    },
  });
}

/** Puts a child the runtime started in a job of ours, so that it is
 * stopped, signalled and reported like one started through FFI. */
export function adopt(
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
  return rewrap(handle, brokeAway, child, {
    onExit(): void {
      forgetChild(child);
      releaseJob(job, killOnClose);
      k.CloseHandle(opened);
    },
    kill: (signal, exited) =>
      !exited && signalChild(k, child, signal, false) === "sent",
  });
}

/** What {@linkcode rewrap} changes in a handle. */
interface Rewrap {
  /** Runs once the child has exited, before its status settles. */
  onExit(): void;
  /** Replaces `kill`; `exited` tells whether the child has exited. */
  kill(signal: Signal, exited: boolean): boolean;
}

/** `handle` whose status reports `fate` (SIGKILL once we ended it, the
 * signal we asked with), with `brokeAway` and the given `kill`. */
function rewrap(
  handle: ChildHandle,
  brokeAway: boolean | undefined,
  fate: Fate,
  changes: Rewrap,
): ChildHandle {
  let exited = false;
  const status = handle.status.then((s) => {
    exited = true;
    changes.onExit();
    return s.code === null ? s : exitStatusOf(fate, s.code);
  });
  return {
    ...handle,
    status,
    brokeAway,
    kill: (signal) => changes.kill(signal, exited),
  };
}
