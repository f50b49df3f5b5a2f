/**
 * Backend over `node:child_process`, for Node and Bun — and for Deno when a
 * standard stream is a file, because `Deno.Command` cannot hand a child a file
 * descriptor while `node:child_process` (inside Deno too) passes real ones.
 *
 * @module
 */

import type { ChildProcess } from "node:child_process";
import { isSignal } from "./signals.ts";
import {
  closeSync,
  nodeModule,
  nodeProcess as process,
} from "./node_builtins.ts";
import { keepChildStatuses } from "./child_reaping.ts";
import { host } from "./host.ts";
import { missingProgram } from "./look_path.ts";
import { openStdioFile } from "./stdio_file.ts";
import { toWebReadable } from "./node_readable.ts";
import { signalChild } from "./send_signal.ts";
import {
  makeSharedPipe,
  SHARED_PIPE_DESCRIPTORS,
  type SharedPipe,
} from "./shared_pipe.ts";
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

function hasPipes(request: SpawnRequest): boolean {
  return request.stdin === "pipe" || request.stdout === "pipe" ||
    request.stderr === "pipe";
}

/** `true` for `stderr: "stdout"` with a piped stdout: one pipe for both. */
function sharesPipe(request: SpawnRequest): boolean {
  return request.stderr === "stdout" && request.stdout === "pipe";
}

/** The descriptors a spawn opens in this process: two per pipe (or those
 * of a shared pipe), and two for the pipe that reports a failed exec. */
function descriptorsNeeded(request: SpawnRequest): number {
  const pipes = [request.stdin, request.stdout, request.stderr]
    .filter((s) => s === "pipe").length;
  return sharesPipe(request)
    ? 2 * pipes + SHARED_PIPE_DESCRIPTORS
    : 2 * pipes + 2;
}

function spawnWithNode(request: SpawnRequest): ChildHandle {
  keepChildStatuses();
  const fds = new Map<string, number>();
  let shared: SharedPipe | undefined;
  let child: ChildProcess;
  try {
    // Node leaks the pipes of a spawn that fails for want of descriptors
    // (libuv opens them, then node returns early and never wraps them), so
    // every failed attempt would eat what was freed: make sure of the room
    // first (a few opens of the null device, ~1 µs each). Without pipes
    // nothing can leak; Bun and Deno don't leak them.
    if (
      host.name === "node" && hasPipes(request) &&
      !host.canOpenFiles(descriptorsNeeded(request))
    ) {
      throw new SpawnFailure("EMFILE", undefined);
    }
    const stdin = toNodeStdio(request.stdin, "r", fds);
    if (sharesPipe(request)) shared = makeSharedPipe();
    const stdout = shared?.childEnd ?? toNodeStdio(request.stdout, "w", fds);
    const stderr = request.stderr === "stdout"
      ? sameAsStdout(stdout)
      : toNodeStdio(request.stderr, "w", fds);
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
      stdio: [stdin, stdout, stderr],
      detached: request.newSession,
      windowsHide: true,
      windowsVerbatimArguments: request.verbatim === true,
    });
  } catch (error) {
    shared?.readable.cancel().catch(() => {});
    if (error instanceof SpawnFailure) throw error;
    throw new SpawnFailure(errorCode(error), error);
  } finally {
    for (const fd of fds.values()) closeSync(fd);
    shared?.release();
  }
  if (child.pid === undefined) {
    shared?.readable.cancel().catch(() => {});
    // Node reports ENOENT/EACCES/EMFILE asynchronously; nothing was started,
    // so work out which it is now and keep the late 'error' event from
    // crashing us.
    child.on("error", () => {});
    const missing = missingProgram(request);
    if (missing !== null) throw new SpawnFailure(missing, undefined);
    const room = host.canOpenFiles(descriptorsNeeded(request));
    throw new SpawnFailure(room ? "UNKNOWN" : "EMFILE", undefined);
  }
  return wrap(child, child.pid, shared?.readable);
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

/** stderr as the very descriptor given as stdout: our own fd 1 for
 * "inherit", the file's descriptor, the shared pipe's end. */
function sameAsStdout<T>(stdout: T | "inherit" | "ignore"): T | 1 | "ignore" {
  return stdout === "inherit" ? 1 : stdout;
}

/** `merged`: the shared pipe that stands for stdout (`stderr: "stdout"`). */
function wrap(
  child: ChildProcess,
  pid: number,
  merged?: ReadableStream<Uint8Array>,
): ChildHandle {
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
    stdout: merged ?? (child.stdout ? toWebReadable(child.stdout) : null),
    stderr: child.stderr ? toWebReadable(child.stderr) : null,
    status,
    kill(signal: Signal): boolean {
      return !exited && signalChild(pid, signal);
    },
    ref: () => child.ref(),
    unref: () => child.unref(),
  };
}

/** The failure code of a `node:` error (its `code`). */
export function errorCode(error: unknown): SpawnFailureCode {
  const code = (error as { code?: unknown })?.code;
  switch (code) {
    case "ENOENT":
    case "EACCES":
    case "EMFILE":
    case "E2BIG":
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
