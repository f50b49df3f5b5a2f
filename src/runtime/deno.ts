/**
 * Backend over `Deno.Command`. `detached: true` runs `setsid()` in the child.
 *
 * `Deno.Command` cannot give a child a file descriptor, nor one pipe as both
 * stdout and stderr: requests with a `{ file }` stream or `stderr: "stdout"`
 * go to `posix_spawn` over FFI (`posix_spawn/spawn.ts`: Linux, `--allow-ffi`).
 * Without it, `node:child_process` (which passes real descriptors inside
 * Deno too) takes files — but Deno's then gives the child a stray duplicate
 * of each descriptor besides — and a piped stdout shared with stderr can't
 * be had at all.
 *
 * @module
 */

import type { ExitStatus, Signal } from "../types.ts";
import { isWindows } from "./platform.ts";
import { keepChildStatuses } from "./child_reaping.ts";
import { missingProgram } from "./look_path.ts";
import { nodeBackend } from "./node.ts";
import {
  posixSpawnAvailable,
  posixSpawnUnavailable,
  spawnWithPosixSpawn,
} from "./posix_spawn/spawn.ts";
import {
  type Backend,
  type ChildHandle,
  type ResolvedStdio,
  SpawnFailure,
  type SpawnFailureCode,
  type SpawnRequest,
  type SyncResult,
  UNKNOWN_STATUS,
} from "./types.ts";

/** The `Deno.Command` backend. */
export const denoBackend: Backend = {
  name: "deno",
  spawn(request: SpawnRequest): ChildHandle {
    const streams = [request.stdin, request.stdout, request.stderr];
    const merged = request.stderr === "stdout";
    if (!merged && !streams.some((s) => typeof s === "object")) {
      return spawnWithDeno(request as SpawnRequest & { stderr: ResolvedStdio });
    }
    // Both to the null device: two opens of it are as good as one.
    if (
      merged && request.stdout === "null" && typeof request.stdin !== "object"
    ) {
      return spawnWithDeno({ ...request, stderr: "null" });
    }
    if (posixSpawnAvailable()) return spawnWithPosixSpawn(request);
    if (merged && request.stdout === "pipe") {
      throw new SpawnFailure(
        "FFI_NEEDED",
        undefined,
        `\`stderr: "stdout"\` with a piped stdout needs one pipe as the child's stdout and stderr, which Deno makes through FFI (posix_spawn), and ${posixSpawnUnavailable()}`,
      );
    }
    return nodeBackend.spawn(request);
  },
  runSync(file: string, args: readonly string[]): SyncResult {
    try {
      const out = new Deno.Command(file, {
        args: [...args],
        stdin: "null",
        stdout: "piped",
        stderr: "null",
        env: { LC_ALL: "C" },
      }).outputSync();
      return { code: out.code, stdout: new TextDecoder().decode(out.stdout) };
    } catch {
      return { code: null, stdout: "" };
    }
  },
  unrefTimer(timer: ReturnType<typeof setTimeout>): void {
    Deno.unrefTimer(timer as unknown as number);
  },
};

function spawnWithDeno(
  request: SpawnRequest & { readonly stderr: ResolvedStdio },
): ChildHandle {
  keepChildStatuses();
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(request.file, {
      args: [...request.args],
      ...(request.cwd === undefined ? {} : { cwd: request.cwd }),
      ...(request.env === undefined ? {} : { env: { ...request.env } }),
      clearEnv: request.clearEnv,
      stdin: toDenoStdio(request.stdin),
      stdout: toDenoStdio(request.stdout),
      stderr: toDenoStdio(request.stderr),
      detached: request.newSession,
      windowsRawArguments: request.verbatim === true,
    }).spawn();
  } catch (error) {
    const code = errorCode(error);
    // Deno searches PATH itself, skipping files it can't execute.
    const why = code === "ENOENT" && !isWindows
      ? missingProgram(request)
      : null;
    const detail = code === "NOT_CAPABLE"
      ? "Deno denied it (grant --allow-run)"
      : undefined;
    throw new SpawnFailure(why ?? code, error, detail);
  }
  let exited = false;
  const status = child.status.then((s): ExitStatus => {
    exited = true;
    const signal = s.signal as Signal | null;
    // Deno reports a signalled child's code as 128+N.
    if (signal !== null) return { code: null, signal, success: false };
    return { code: s.code, signal: null, success: s.code === 0 };
  }, (): ExitStatus => {
    // The runtime could not read the status (someone else reaped the
    // child): say so rather than invent one.
    exited = true;
    return UNKNOWN_STATUS;
  });
  const piped = (s: ResolvedStdio) => s === "pipe";
  return {
    pid: child.pid,
    stdin: piped(request.stdin) ? child.stdin : null,
    stdout: piped(request.stdout) ? child.stdout : null,
    stderr: piped(request.stderr) ? child.stderr : null,
    status,
    kill(signal: Signal): boolean {
      if (exited) return false;
      try {
        child.kill(signal as Deno.Signal);
        return true;
      } catch {
        return false;
      }
    },
    ref: () => child.ref(),
    unref: () => child.unref(),
  };
}

function toDenoStdio(stdio: ResolvedStdio): "inherit" | "piped" | "null" {
  return stdio === "pipe" ? "piped" : stdio === "null" ? "null" : "inherit";
}

function errorCode(error: unknown): SpawnFailureCode {
  if (error instanceof Deno.errors.NotFound) return "ENOENT";
  if (error instanceof Deno.errors.NotCapable) return "NOT_CAPABLE";
  if (error instanceof Deno.errors.PermissionDenied) return "EACCES";
  if (error instanceof Deno.errors.IsADirectory) return "EACCES";
  const message = String((error as Error)?.message ?? "");
  if ((error as { code?: unknown })?.code === "E2BIG") return "E2BIG";
  if (/Argument list too long/i.test(message)) return "E2BIG";
  if (/EMFILE|ENFILE|Too many open files/i.test(message)) return "EMFILE";
  if (/EAGAIN|Resource temporarily unavailable/i.test(message)) return "EAGAIN";
  return "UNKNOWN";
}
