/**
 * The Windows backend: wraps the runtime's own one (`Deno.Command` or
 * `node:child_process`) and starts processes through `CreateProcessW` over
 * FFI when it can (Deno with `--allow-ffi`, Bun): `spawn_ffi.ts`; children
 * of the runtime's own spawn are put in a job of ours: `adopt.ts`.
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
 * | `detach()` | no, on Bun (if `bun:ffi` fails to load) | the `start /b` shim (`start_shim.ts`) |
 * | anything else | no | the runtime's spawn; `breakawayFromJob: true` and `killOnParentExit` with a new group are refused, naming what is missing |
 *
 * A batch file that goes to the runtime's spawn is run by `cmd.exe` with
 * the arguments escaped as `CreateProcessW`'s path does (`cmd_escape.ts`).
 *
 * Without FFI, `killOnParentExit` relies on the runtime's own kill-on-close
 * job, which both Deno and libuv put their non-detached children in.
 *
 * @module
 */

import { nodeProcess as process } from "../../runtime/node_builtins.ts";
import type {
  Backend,
  ChildHandle,
  SpawnRequest,
  WindowsSpawnRequest,
} from "../../runtime/types.ts";
import { SpawnFailure } from "../../runtime/types.ts";
import { adopt, terminateOnly } from "./adopt.ts";
import { batchArguments, isBatchFile } from "./cmd_escape.ts";
import { findRequestedProgram, systemProgram } from "./find_program.ts";
import { ffiUnavailable, kernel32 } from "./kernel32.ts";
import { spawnWithFfi } from "./spawn_ffi.ts";
import { spawnThroughStartShim } from "./start_shim.ts";

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
      const handle = base.spawn(
        throughCmdIfBatch({ ...request, newSession: ownGroup }),
      );
      const brokeAway = w.breakawayFromJob === "try" ? false : undefined;
      if (k === null) return terminateOnly(handle, brokeAway);
      return adopt(k, handle, request, brokeAway);
    },
  };
}

/**
 * A batch file is run by `cmd.exe` with our escaping (`cmd_escape.ts`), as
 * the FFI path does: Node refuses to spawn one (CVE-2024-27980), and this
 * way every runtime quotes its arguments alike.
 */
function throughCmdIfBatch(request: SpawnRequest): SpawnRequest {
  if (/\.(exe|com)$/i.test(request.file)) return request; // no search needed
  const { found } = findRequestedProgram(request);
  if (!found.ok || !isBatchFile(found.path)) return request;
  return {
    ...request,
    file: systemProgram("cmd.exe", process.env),
    args: [batchArguments(found.path, [request.file, ...request.args])],
    verbatim: true,
  };
}
