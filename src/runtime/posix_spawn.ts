/**
 * Starting a process through libc's `posix_spawn` over Deno's FFI, for
 * what `Deno.Command` can't do: hand the child a file, or one pipe as both
 * its stdout and stderr (`stderr: "stdout"`, which keeps the order the
 * child wrote in). Deno's `node:child_process` can pass descriptors, but
 * gives the child a stray duplicate of each besides (it `dup()`s them
 * without close-on-exec), which a daemon logging to a file would hold for
 * life.
 *
 * Here files are opened by us and pipes made with `pipe2(O_CLOEXEC)` —
 * close-on-exec, as every descriptor of ours — and `posix_spawn` puts each
 * on 0, 1 or 2 with `dup2` in the child: the child gets those three and
 * nothing else we opened. The program is found on the child's `PATH` first
 * (as `execvp` would); the environment is ours from `environ` as raw bytes,
 * so that what is not UTF-8 passes unchanged. In the child the signal mask
 * is emptied and SIGPIPE (which Deno ignores) reset, as `Deno.Command`
 * does. Exits are collected with `waitpid(pid, WNOHANG)` on every SIGCHLD,
 * for our own children only.
 *
 * Linux, Deno with `--allow-ffi` ({@linkcode posixSpawnAvailable}).
 *
 * @module
 */

import type { Socket } from "node:net";
import { alloc } from "./ffi.ts";
import {
  addressOf,
  cString,
  EINTR,
  environment,
  errno,
  FILE_ACTIONS_SIZE,
  type Libc,
  libc,
  libcUnavailable,
  O_CLOEXEC,
  O_RDONLY,
  O_WRONLY,
  POSIX_SPAWN_SETSID,
  POSIX_SPAWN_SETSIGDEF,
  POSIX_SPAWN_SETSIGMASK,
  SIGPIPE,
  SIGSET_SIZE,
  SPAWNATTR_SIZE,
  WNOHANG,
} from "./libc.ts";
import { lookPath } from "./look_path.ts";
import { signalName } from "../signals.ts";
import type { ExitStatus, Signal } from "../types.ts";
import { errorCode } from "./node.ts";
import { closeSync, nodeModule, resolve } from "./node_builtins.ts";
import { toWebReadable } from "./node_readable.ts";
import { signalChild } from "./send_signal.ts";
import { openStdioFile } from "./stdio_file.ts";
import {
  type ChildHandle,
  type ResolvedStdio,
  SpawnFailure,
  type SpawnFailureCode,
  type SpawnRequest,
  UNKNOWN_STATUS,
} from "./types.ts";

/** `true` where {@linkcode spawnWithPosixSpawn} can be used. */
export function posixSpawnAvailable(): boolean {
  return libc() !== null;
}

/** Why {@linkcode posixSpawnAvailable} is `false`. */
export function posixSpawnUnavailable(): string {
  return libcUnavailable();
}

const encoder = new TextEncoder();

/** Starts `request` through `posix_spawn` (see the module doc). */
export function spawnWithPosixSpawn(request: SpawnRequest): ChildHandle {
  const c = libc()!;
  const env = environment(c);
  const program = findProgram(request, env.entries);
  const envp = request.env === undefined && !request.clearEnv
    ? { pointer: env.pointer, keep: [] }
    : pointerArray(childEnvironment(request, env.entries));
  const argv = pointerArray(
    [request.file, ...request.args].map((arg) => encoder.encode(arg)),
  );
  const plumbing = new Plumbing(c);
  const actions = alloc(FILE_ACTIONS_SIZE);
  const attributes = alloc(SPAWNATTR_SIZE);
  c.posix_spawn_file_actions_init(actions);
  c.posix_spawnattr_init(attributes);
  // Before the child can exit: its SIGCHLD must find the listener, and
  // SIGCHLD must not be ignored (the kernel would then reap it for us).
  listen(c);
  let pid: number;
  try {
    plumbing.connect(actions, request);
    if (request.cwd !== undefined) {
      const cwd = cString(encoder.encode(request.cwd));
      c.posix_spawn_file_actions_addchdir_np(actions, cwd);
    }
    setSignalsAndSession(c, attributes, request.newSession);
    const pidBuffer = alloc(4);
    const failed = c.posix_spawn(
      pidBuffer,
      cString(encoder.encode(program)),
      actions,
      attributes,
      argv.array,
      envp.pointer,
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

/** The program's path: found on the child's `PATH` when it has no `/`. */
function findProgram(
  request: SpawnRequest,
  entries: readonly Uint8Array[],
): string {
  let path = request.env?.PATH;
  if (path === undefined && !request.clearEnv) {
    const entry = entries.find((e) => startsWithName(e, "PATH"));
    path = entry && new TextDecoder().decode(entry.subarray(5));
  }
  const found = lookPath(request.file, request.cwd, path);
  if (!found.ok) throw new SpawnFailure(found.code, undefined);
  return request.file.includes("/") ? request.file : found.path;
}

/** The child's whole environment: ours (unless `clearEnv`) with the
 * request's variables replacing those of the same name. */
function childEnvironment(
  request: SpawnRequest,
  ours: readonly Uint8Array[],
): Uint8Array[] {
  const added = Object.entries(request.env ?? {});
  const kept = request.clearEnv
    ? []
    : ours.filter((entry) =>
      !added.some(([name]) => startsWithName(entry, name))
    );
  return [
    ...kept,
    ...added.map(([name, value]) => encoder.encode(`${name}=${value}`)),
  ];
}

/** `true` when `entry` (`NAME=value` bytes) is variable `name`. */
function startsWithName(entry: Uint8Array, name: string): boolean {
  const bytes = encoder.encode(`${name}=`);
  if (entry.byteLength < bytes.byteLength) return false;
  return bytes.every((byte, i) => entry[i] === byte);
}

/** A NULL-terminated array of C strings; `keep` holds the memory the
 * pointers point into, which must outlive the call. */
function pointerArray(
  strings: readonly Uint8Array[],
): { pointer: bigint; array: Uint8Array; keep: Uint8Array[] } {
  const keep = strings.map(cString);
  const array = alloc((keep.length + 1) * 8);
  const view = new DataView(array.buffer);
  keep.forEach((s, i) => view.setBigUint64(i * 8, addressOf(s), true));
  return { pointer: addressOf(array), array, keep };
}

/** An empty signal mask, and SIGPIPE back to its default (Deno ignores it,
 * and an ignored signal stays ignored across exec). */
function setSignalsAndSession(
  c: Libc,
  attributes: Uint8Array,
  newSession: boolean,
): void {
  const empty = alloc(SIGSET_SIZE);
  c.sigemptyset(empty);
  const reset = alloc(SIGSET_SIZE);
  c.sigemptyset(reset);
  c.sigaddset(reset, SIGPIPE);
  c.posix_spawnattr_setsigmask(attributes, empty);
  c.posix_spawnattr_setsigdefault(attributes, reset);
  c.posix_spawnattr_setflags(
    attributes,
    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
      (newSession ? POSIX_SPAWN_SETSID : 0),
  );
}

/**
 * The child's standard streams: what is opened for it, which end of each
 * pipe is ours, and what must be closed when.
 */
class Plumbing {
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
      const fd = openStdioFile(
        { ...stream, file: resolve(stream.file) },
        target === 0,
        this.#files,
      );
      return fd;
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

const DEV_NULL = cString(encoder.encode("/dev/null"));

function failureCode(error: number): SpawnFailureCode {
  switch (error) {
    case 2: // ENOENT
    case 20: // ENOTDIR
      return "ENOENT";
    case 1: // EPERM
    case 13: // EACCES
    case 21: // EISDIR
      return "EACCES";
    case 7:
      return "E2BIG";
    case 23: // ENFILE
    case 24: // EMFILE
      return "EMFILE";
    case 11:
      return "EAGAIN";
    case 12:
      return "ENOMEM";
    default:
      return "UNKNOWN";
  }
}

/** What a handle needs to hear of its child's exit. */
interface Waiting {
  readonly settle: (status: ExitStatus) => void;
  refd: boolean;
}

/** Our children not reaped yet. */
const waiting = new Map<number, Waiting>();
let listening = false;
let keepAlive: ReturnType<typeof setInterval> | undefined;

/** Collects every exited child of ours; called on each SIGCHLD (which
 * may stand for several exits). */
function reap(c: Libc): void {
  const status = alloc(4);
  for (const [pid, child] of waiting) {
    let got = c.waitpid(pid, status, WNOHANG);
    while (got === -1 && errno(c) === EINTR) {
      got = c.waitpid(pid, status, WNOHANG);
    }
    if (got === 0) continue;
    waiting.delete(pid);
    child.settle(
      got === pid
        ? decodeStatus(new DataView(status.buffer).getInt32(0, true))
        // ECHILD: someone else reaped it; its status is lost.
        : UNKNOWN_STATUS,
    );
  }
  updateKeepAlive();
}

function decodeStatus(status: number): ExitStatus {
  const signal = status & 0x7f;
  if (signal === 0) {
    const code = (status >> 8) & 0xff;
    return { code, signal: null, success: code === 0 };
  }
  return { code: null, signal: signalName(signal), success: false };
}

/** While a ref'd child runs, a timer keeps the runtime alive (a signal
 * listener does not). */
function updateKeepAlive(): void {
  const refd = [...waiting.values()].some((w) => w.refd);
  if (refd && keepAlive === undefined) {
    keepAlive = setInterval(() => {}, 1 << 30);
  } else if (!refd && keepAlive !== undefined) {
    clearInterval(keepAlive);
    keepAlive = undefined;
  }
}

function listen(c: Libc): void {
  if (listening) return;
  listening = true;
  Deno.addSignalListener("SIGCHLD", () => reap(c));
}

/** A `node:net` socket over our end of a pipe. */
function socket(
  options: { fd: number; readable: boolean; writable: boolean },
): Socket {
  return new (nodeModule("node:net").Socket)(options);
}

function handle(c: Libc, pid: number, plumbing: Plumbing): ChildHandle {
  let exited = false;
  let settle!: (status: ExitStatus) => void;
  const status = new Promise<ExitStatus>((resolve) => {
    settle = (s) => {
      exited = true;
      resolve(s);
    };
  });
  const entry: Waiting = { settle, refd: true };
  waiting.set(pid, entry);
  updateKeepAlive();
  // It may have exited already, its SIGCHLD delivered before we listened.
  reap(c);
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
    status,
    kill(signal: Signal): boolean {
      return !exited && signalChild(pid, signal);
    },
    ref(): void {
      entry.refd = true;
      updateKeepAlive();
    },
    unref(): void {
      entry.refd = false;
      updateKeepAlive();
    },
  };
}
