/**
 * Starting a process through libc's `posix_spawn` over Deno's FFI, for
 * what `Deno.Command` can't do: hand the child a file, or one pipe as both
 * its stdout and stderr (`stderr: "stdout"`, which keeps the order the
 * child wrote in). Deno's `node:child_process` can pass descriptors, but
 * gives the child a stray duplicate of each besides (it `dup()`s them
 * without close-on-exec), which a daemon logging to a file would hold for
 * life.
 *
 * The parts: what the child runs (`program.ts`), its streams and working
 * directory (`file_actions.ts`), its signals and session (`attributes.ts`),
 * and collecting its exit (`reaping.ts`); the libc calls are declared in
 * `libc.ts`.
 *
 * Linux, Deno with `--allow-ffi` ({@linkcode posixSpawnAvailable}).
 *
 * @module
 */

import type { Socket } from "node:net";
import type { Signal } from "../../types.ts";
import { alloc } from "../ffi.ts";
import { errorCode } from "../node.ts";
import { nodeModule } from "../node_builtins.ts";
import { toWebReadable } from "../node_readable.ts";
import { signalChild } from "../send_signal.ts";
import { type ChildHandle, SpawnFailure, type SpawnRequest } from "../types.ts";
import { setSignalsAndSession } from "./attributes.ts";
import { addChdir, Plumbing } from "./file_actions.ts";
import {
  failureCode,
  FILE_ACTIONS_SIZE,
  type Libc,
  libc,
  libcUnavailable,
  SPAWNATTR_SIZE,
} from "./libc.ts";
import { programOf } from "./program.ts";
import { listenForExits, watchExit } from "./reaping.ts";

/** `true` where {@linkcode spawnWithPosixSpawn} can be used. */
export function posixSpawnAvailable(): boolean {
  return libc() !== null;
}

/** Why {@linkcode posixSpawnAvailable} is `false`. */
export function posixSpawnUnavailable(): string {
  return libcUnavailable();
}

/** Starts `request` through `posix_spawn` (see the module doc). */
export function spawnWithPosixSpawn(request: SpawnRequest): ChildHandle {
  const c = libc()!;
  const program = programOf(c, request);
  const plumbing = new Plumbing(c);
  const actions = alloc(FILE_ACTIONS_SIZE);
  const attributes = alloc(SPAWNATTR_SIZE);
  c.posix_spawn_file_actions_init(actions);
  c.posix_spawnattr_init(attributes);
  listenForExits(c); // before the child can exit
  let pid: number;
  try {
    plumbing.connect(actions, request);
    if (request.cwd !== undefined) addChdir(c, actions, request.cwd);
    setSignalsAndSession(c, attributes, request.newSession);
    const pidBuffer = alloc(4);
    const failed = c.posix_spawn(
      pidBuffer,
      program.path,
      actions,
      attributes,
      program.argv.array,
      program.envp.pointer,
    );
    if (failed !== 0) throw new SpawnFailure(failureCode(failed), undefined);
    pid = new DataView(pidBuffer.buffer).getInt32(0, true);
  } catch (error) {
    plumbing.abandon();
    if (error instanceof SpawnFailure) throw error;
    throw new SpawnFailure(errorCode(error), error); // a file that won't open
  } finally {
    plumbing.closeChildEnds();
    c.posix_spawn_file_actions_destroy(actions);
    c.posix_spawnattr_destroy(attributes);
  }
  return handle(c, pid, plumbing);
}

/** A `node:net` socket over our end of a pipe. */
function socket(
  options: { fd: number; readable: boolean; writable: boolean },
): Socket {
  return new (nodeModule("node:net").Socket)(options);
}

function handle(c: Libc, pid: number, plumbing: Plumbing): ChildHandle {
  const watch = watchExit(c, pid);
  const readable = (target: 1 | 2) => {
    const fd = plumbing.ours.get(target);
    if (fd === undefined) return null;
    return toWebReadable(socket({ fd, readable: true, writable: false }));
  };
  const stdinFd = plumbing.ours.get(0);
  let stdin: WritableStream<Uint8Array> | null = null;
  if (stdinFd !== undefined) {
    const writable = socket({ fd: stdinFd, readable: false, writable: true });
    writable.on("error", () => {}); // EPIPE when the child stops reading
    stdin = nodeModule("node:stream").Writable.toWeb(
      writable,
    ) as WritableStream<
      Uint8Array
    >;
  }
  return {
    pid,
    stdin,
    stdout: readable(1),
    stderr: readable(2),
    status: watch.status,
    kill(signal: Signal): boolean {
      return !watch.exited() && signalChild(pid, signal);
    },
    ref: () => watch.setRef(true),
    unref: () => watch.setRef(false),
  };
}
