/**
 * The seam between the library and a runtime's process API. `deno.ts`
 * implements it over `Deno.Command`, `node.ts` over `node:child_process`
 * (Node and Bun); `select.ts` picks one at load.
 *
 * @module
 */

import type { ExitStatus, Signal } from "../types.ts";

/** A standard stream after validation: files carry their append flag. */
export type ResolvedStdio =
  | "inherit"
  | "pipe"
  | "null"
  | { readonly file: string; readonly append: boolean };

/** stderr after validation: a stream, or `"stdout"`: the very descriptor
 * the child gets as its stdout, so that both keep the order it wrote in. */
export type ResolvedStderr = ResolvedStdio | "stdout";

/** Everything a backend needs to start one process. */
export interface SpawnRequest {
  /** The program, as given (looked up on `PATH` by the runtime). */
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd: string | undefined;
  /** Variables to add (or, with `clearEnv`, the whole environment). */
  readonly env: Readonly<Record<string, string>> | undefined;
  readonly clearEnv: boolean;
  readonly stdin: ResolvedStdio;
  readonly stdout: ResolvedStdio;
  readonly stderr: ResolvedStderr;
  /** `setsid()` in the child: new session and process group. */
  readonly newSession: boolean;
  /** Make the child die with us, where the OS shim has no command prefix
   * for it (Windows: a kill-on-close job). */
  readonly killOnParentExit?: boolean;
  /** Windows-only; other systems ignore it. */
  readonly windows?: WindowsSpawnRequest;
  /** Windows: `args` is the rest of the command line, passed as is (Node's
   * `windowsVerbatimArguments`, Deno's `windowsRawArguments`). */
  readonly verbatim?: boolean;
}

/** The Windows part of a {@linkcode SpawnRequest}. */
export interface WindowsSpawnRequest {
  /** `CREATE_BREAKAWAY_FROM_JOB`; `"try"` falls back to a normal start. */
  readonly breakawayFromJob: boolean | "try";
  /** No console window for the child. */
  readonly hide: boolean;
  /** From `detach()`: the child must outlive us and our console. */
  readonly detached: boolean;
}

/** A started process as the backend sees it. */
export interface ChildHandle {
  readonly pid: number;
  readonly stdin: WritableStream<Uint8Array> | null;
  readonly stdout: ReadableStream<Uint8Array> | null;
  readonly stderr: ReadableStream<Uint8Array> | null;
  /** Settles once the runtime has reaped the child. Never rejects. */
  readonly status: Promise<ExitStatus>;
  /** Windows: whether the child broke away from our job (`undefined` when
   * breakaway was not asked for). */
  readonly brokeAway?: boolean | undefined;
  /** Signals the direct child. Returns `false` when it is already gone. */
  kill(signal: Signal): boolean;
  ref(): void;
  unref(): void;
}

/** The status of a child whose end was seen but whose status could not be
 * read (it was reaped by someone else). */
export const UNKNOWN_STATUS: ExitStatus = Object.freeze({
  code: null,
  signal: null,
  success: false,
});

/** Why a process could not be started. */
export type SpawnFailureCode =
  | "ENOENT"
  | "EACCES"
  | "EMFILE"
  | "E2BIG"
  | "EAGAIN"
  | "ENOMEM"
  | "NOT_CAPABLE"
  | "BREAKAWAY_DENIED"
  | "FFI_NEEDED"
  | "UNKNOWN";

/** Thrown by a backend's `spawn` when nothing was started. */
export class SpawnFailure extends Error {
  /** `detail`: why, for the caller's error message (e.g. what is missing
   * for `FFI_NEEDED`). */
  constructor(
    readonly code: SpawnFailureCode,
    cause: unknown,
    readonly detail?: string,
  ) {
    super(`spawn failed: ${code}`, { cause });
  }
}

/** The output of a short helper command such as `ps`. */
export interface SyncResult {
  readonly code: number | null;
  readonly stdout: string;
}

/** One runtime's process API. */
export interface Backend {
  readonly name: "deno" | "node";
  spawn(request: SpawnRequest): ChildHandle;
  /** Runs a helper program (never through a shell) and waits for it. */
  runSync(file: string, args: readonly string[]): SyncResult;
  /** Lets a timer not keep the runtime alive. */
  unrefTimer(timer: ReturnType<typeof setTimeout>): void;
}
