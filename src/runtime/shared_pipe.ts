/**
 * One pipe for a child's stdout *and* stderr (`stderr: "stdout"` with a
 * piped stdout), made with `node:net` for Node and Bun.
 *
 * The child must get one descriptor as both fd 1 and fd 2: that alone keeps
 * the order in which it wrote to each (two pipes merged by the parent lose
 * it). `node:child_process` can't hand one pipe it creates to two slots, and
 * Node has no `pipe()`; but it passes any socket it is given to the child.
 * So a connected pair of Unix-domain sockets (what Node's own pipes are) is
 * made by listening in a fresh directory only we can enter (mode 0700, so
 * no other user can connect first), connecting to it and accepting: the
 * connecting end goes to the child, the accepted end is read. On Windows
 * the same is done with a named pipe.
 *
 * @module
 */

import type { Server, Socket } from "node:net";
import { isWindows } from "./platform.ts";
import { process } from "./host.ts";
import { nodeModule } from "./node_builtins.ts";
import { toWebReadable } from "./node_readable.ts";
import { SpawnFailure } from "./types.ts";

/** A pipe whose write end is handed to a child as stdout and stderr. */
export interface SharedPipe {
  /** The end to pass to the child, as `stdio[1]` and `stdio[2]`. */
  readonly childEnd: Socket;
  /** What the child writes, in order. */
  readonly readable: ReadableStream<Uint8Array>;
  /** Closes our copy of the child's end: call once the child has it (or
   * could not be started). */
  release(): void;
}

/** Descriptors {@linkcode makeSharedPipe} holds until the child started:
 * the listening socket, both ends, and the accepted one. */
export const SHARED_PIPE_DESCRIPTORS = 3;

let counter = 0;

/** Makes a {@linkcode SharedPipe}; throws a `SpawnFailure` when it can't
 * (out of descriptors). */
export function makeSharedPipe(): SharedPipe {
  const fs = nodeModule("node:fs");
  const net = nodeModule("node:net");
  const { join } = nodeModule("node:path");
  const dir = isWindows
    ? undefined
    : fs.mkdtempSync(join(nodeModule("node:os").tmpdir(), "subproc-"));
  const path = dir === undefined
    ? `\\\\.\\pipe\\subproc-${process.pid}-${counter++}-${randomTag()}`
    : join(dir, "out");
  // Paused until the web stream is first read: back-pressure from the start.
  const server = net.createServer({ pauseOnConnect: true });
  const accepted = acceptOne(server);
  accepted.catch(() => {}); // a failed listen is reported below, at once
  try {
    server.listen(path);
    if (!server.listening) throw new SpawnFailure("EMFILE", undefined);
    const childEnd = net.connect(path);
    if (!hasDescriptor(childEnd)) {
      childEnd.destroy();
      throw new SpawnFailure("EMFILE", undefined);
    }
    // The connection is complete (the kernel queued it): the socket's name
    // can go at once (finally), and accepting it is all that is left, on
    // the next turn of the event loop.
    const close = () => server.close();
    accepted.then(close, close);
    return {
      childEnd,
      readable: toWebReadable(accepted),
      release: () => childEnd.destroy(),
    };
  } catch (error) {
    server.close();
    throw error;
  } finally {
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The first connection to `server`. */
function acceptOne(server: Server): Promise<Socket> {
  return new Promise<Socket>((resolve, reject) => {
    server.once("connection", resolve);
    server.once("error", reject);
  });
}

/** `true` when `socket` holds a descriptor the child can be given (Node
 * passes it through its internal handle). */
function hasDescriptor(socket: Socket): boolean {
  const handle = (socket as unknown as { _handle?: { fd?: number } | null })
    ._handle;
  return handle !== null && handle !== undefined &&
    (isWindows || (handle.fd ?? -1) >= 0);
}

function randomTag(): string {
  return Math.random().toString(36).slice(2, 10);
}
