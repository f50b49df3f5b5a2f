/**
 * Backend over `node:child_process`, for Node and Bun — and for Deno when a
 * standard stream is a file, because `Deno.Command` cannot hand a child a file
 * descriptor while `node:child_process` (inside Deno too) passes real ones.
 *
 * @module
 */

import type { ChildProcess, StdioOptions } from "node:child_process";
import type { Readable } from "node:stream";
import { isSignal } from "../signals.ts";
import {
  closeSync,
  nodeModule,
  nodeProcess as process,
} from "./node_builtins.ts";
import { keepChildStatuses } from "./child_reaping.ts";
import { host } from "./host.ts";
import { missingProgram } from "./look_path.ts";
import { openStdioFile } from "./stdio_file.ts";
import type { ExitStatus, Signal } from "../types.ts";
import {
  type Backend,
  type ChildHandle,
  type ResolvedStdio,
  SpawnFailure,
  type SpawnFailureCode,
  type SpawnRequest,
  type SyncResult,
} from "./types.ts";

/** The `node:child_process` backend. */
export const nodeBackend: Backend = {
  name: "node",
  spawn: spawnWithNode,
  runSync(file: string, args: readonly string[]): SyncResult {
    try {
      const stdout = nodeModule("node:child_process").execFileSync(file, args, {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
        env: { ...process.env, LC_ALL: "C" },
        maxBuffer: 64 * 1024 * 1024,
      });
      return { code: 0, stdout };
    } catch (error) {
      const e = error as { status?: number | null; stdout?: string };
      return { code: e.status ?? null, stdout: e.stdout ?? "" };
    }
  },
  unrefTimer(timer: ReturnType<typeof setTimeout>): void {
    (timer as unknown as { unref?: () => void }).unref?.();
  },
};

function spawnWithNode(request: SpawnRequest): ChildHandle {
  keepChildStatuses();
  const fds = new Map<string, number>();
  let child: ChildProcess;
  try {
    const stdio: StdioOptions = [
      toNodeStdio(request.stdin, "r", fds),
      toNodeStdio(request.stdout, "w", fds),
      toNodeStdio(request.stderr, "w", fds),
    ];
    child = nodeModule("node:child_process").spawn(request.file, [
      ...request.args,
    ], {
      cwd: request.cwd,
      // Without changes, leave `env` out: the runtime then reads its own
      // environment once, where a copy would cost a second pass over it
      // (~2 % of a spawn of /bin/true on Node).
      env: request.clearEnv
        ? { ...request.env }
        : request.env === undefined
        ? undefined
        : { ...process.env, ...request.env },
      stdio,
      detached: request.newSession,
      windowsHide: true,
    });
  } catch (error) {
    throw new SpawnFailure(errorCode(error), error);
  } finally {
    for (const fd of fds.values()) closeSync(fd);
  }
  if (child.pid === undefined) {
    // Node reports ENOENT/EACCES/EMFILE asynchronously; nothing was started,
    // so work out which it is now and keep the late 'error' event from
    // crashing us.
    child.on("error", () => {});
    const missing = missingProgram(request);
    if (missing !== null) throw new SpawnFailure(missing, undefined);
    // A spawn needs two descriptors per pipe and two for the exec check.
    const pipes = [request.stdin, request.stdout, request.stderr]
      .filter((s) => s === "pipe").length;
    const room = host.canOpenFiles(2 * pipes + 2);
    throw new SpawnFailure(room ? "UNKNOWN" : "EMFILE", undefined);
  }
  return wrap(child, child.pid);
}

function toNodeStdio(
  stdio: ResolvedStdio,
  mode: "r" | "w",
  fds: Map<string, number>,
): "inherit" | "pipe" | "ignore" | number {
  if (stdio === "null") return "ignore";
  if (typeof stdio === "string") return stdio;
  return openStdioFile(stdio, mode === "r", fds);
}

function wrap(child: ChildProcess, pid: number): ChildHandle {
  let exited = false;
  const status = new Promise<ExitStatus>((resolve) => {
    // 'exit', not 'close': 'close' waits for every holder of the pipes,
    // including grandchildren.
    child.once("exit", (code, signal) => {
      exited = true;
      const name = isSignal(signal) ? signal : null;
      resolve({
        code: name === null ? code : null,
        signal: name,
        success: code === 0,
      });
    });
  });
  child.on("error", () => {});
  child.stdin?.on("error", () => {}); // EPIPE when the child stops reading
  return {
    pid,
    stdin: child.stdin
      ? nodeModule("node:stream").Writable.toWeb(child.stdin) as WritableStream<
        Uint8Array
      >
      : null,
    stdout: child.stdout ? toWebReadable(child.stdout) : null,
    stderr: child.stderr ? toWebReadable(child.stderr) : null,
    status,
    kill(signal: Signal): boolean {
      if (exited) return false;
      try {
        process.kill(pid, signal);
        return true;
      } catch {
        return false;
      }
    },
    ref: () => child.ref(),
    unref: () => child.unref(),
  };
}

/**
 * How many chunks a pipe's web stream buffers before the Node stream is
 * paused (about 1 MiB of 64 KiB pipe reads).
 */
const QUEUED_CHUNKS = 16;

/**
 * A web stream over a Node readable. Each chunk is passed on as a view of
 * the Node buffer (no copy), and the Node stream is paused while the web
 * queue is full. `Readable.toWeb` copies every chunk; under Bun, capturing
 * 256 MiB through it ran at about 0.6× the raw speed.
 */
function toWebReadable(stream: Readable): ReadableStream<Uint8Array> {
  let finished = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const finish = (error?: unknown) => {
        if (finished) return;
        finished = true;
        if (error === undefined) controller.close();
        else controller.error(error);
      };
      stream.on("data", (chunk: Uint8Array) => {
        if (finished) return;
        controller.enqueue(
          new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength),
        );
        if ((controller.desiredSize ?? 1) <= 0) stream.pause();
      });
      stream.once("end", () => finish());
      stream.once("error", (error) => finish(error));
      // Destroyed without an end (e.g. by the runtime): end the web stream
      // too, so that no reader waits forever.
      stream.once("close", () => finish());
    },
    pull() {
      stream.resume();
    },
    cancel() {
      finished = true;
      stream.destroy();
    },
  }, new CountQueuingStrategy({ highWaterMark: QUEUED_CHUNKS }));
}

function errorCode(error: unknown): SpawnFailureCode {
  const code = (error as { code?: unknown })?.code;
  switch (code) {
    case "ENOENT":
    case "EACCES":
    case "EMFILE":
    case "EAGAIN":
    case "ENOMEM":
      return code;
    case "ENFILE":
      return "EMFILE";
    case "EPERM":
    case "EISDIR":
      return "EACCES";
    default:
      return "UNKNOWN";
  }
}
