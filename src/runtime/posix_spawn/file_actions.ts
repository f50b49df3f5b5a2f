/**
 * The file actions of a child started through `posix_spawn`: its standard
 * streams and its working directory.
 *
 * Files are opened by us and pipes made with `pipe2(O_CLOEXEC)` —
 * close-on-exec, as every descriptor of ours — and `posix_spawn` puts each
 * on 0, 1 or 2 with `dup2` in the child: the child gets those three and
 * nothing else we opened. One pipe can be both its stdout and stderr
 * (`stderr: "stdout"`).
 *
 * @module
 */

import { alloc } from "../ffi.ts";
import { closeSync } from "../node_builtins.ts";
import { openStdioFile } from "../stdio_file.ts";
import {
  type ResolvedStdio,
  SpawnFailure,
  type SpawnRequest,
} from "../types.ts";
import {
  cString,
  errno,
  failureCode,
  type Libc,
  O_CLOEXEC,
  O_RDONLY,
  O_WRONLY,
} from "./libc.ts";

const encoder = new TextEncoder();
const DEV_NULL = cString(encoder.encode("/dev/null"));

/** Adds to `actions` a change to directory `cwd` in the child. */
export function addChdir(c: Libc, actions: Uint8Array, cwd: string): void {
  c.posix_spawn_file_actions_addchdir_np(actions, cString(encoder.encode(cwd)));
}

/**
 * The child's standard streams: what is opened for it, which end of each
 * pipe is ours, and what must be closed when.
 */
export class Plumbing {
  readonly #c: Libc;
  /** Descriptors only the child needs: closed once it started. */
  readonly #childEnds: number[] = [];
  /** Files opened for the child, by path and mode. */
  readonly #files = new Map<string, number>();
  /** Our ends of the pipes, by the child's descriptor. */
  readonly ours = new Map<0 | 1 | 2, number>();

  constructor(c: Libc) {
    this.#c = c;
  }

  /** Adds to `actions` what gives the child its fds 0, 1 and 2. */
  connect(actions: Uint8Array, request: SpawnRequest): void {
    const streams = [request.stdin, request.stdout, request.stderr] as const;
    streams.forEach((stream, target) => {
      const fd = target as 0 | 1 | 2;
      if (stream === "stdout") {
        this.#c.posix_spawn_file_actions_adddup2(actions, 1, 2);
      } else if (stream === "null") {
        // Opened onto `fd` in the child: no close-on-exec here.
        const flags = fd === 0 ? O_RDONLY : O_WRONLY;
        this.#c.posix_spawn_file_actions_addopen(
          actions,
          fd,
          DEV_NULL,
          flags,
          0,
        );
      } else if (stream !== "inherit") {
        const source = this.#source(stream, fd);
        this.#c.posix_spawn_file_actions_adddup2(actions, source, fd);
      }
    });
  }

  /** The descriptor that becomes the child's `target`. */
  #source(
    stream: Exclude<ResolvedStdio, "inherit" | "null">,
    target: 0 | 1 | 2,
  ): number {
    if (stream !== "pipe") {
      return openStdioFile(stream, target === 0, this.#files);
    }
    const fds = alloc(8);
    if (this.#c.pipe2(fds, O_CLOEXEC) !== 0) {
      throw new SpawnFailure(failureCode(errno(this.#c)), undefined);
    }
    const view = new DataView(fds.buffer);
    const [read, write] = [view.getInt32(0, true), view.getInt32(4, true)];
    this.ours.set(target, target === 0 ? write : read);
    const theirs = target === 0 ? read : write;
    this.#childEnds.push(theirs);
    return theirs;
  }

  /** Closes what only the child needed (its pipe ends, the files). */
  closeChildEnds(): void {
    for (const fd of this.#childEnds) this.#c.close(fd);
    for (const fd of this.#files.values()) closeSync(fd);
    this.#childEnds.length = 0;
    this.#files.clear();
  }

  /** Nothing started: closes our ends too. */
  abandon(): void {
    for (const fd of this.ours.values()) this.#c.close(fd);
    this.ours.clear();
  }
}
