/**
 * Public types of what `detach()` is given and resolves with.
 *
 * @module
 */

import type { ReadyOptions, ReadyResult } from "./ready.ts";
import type { ContainMode, WindowsOptions } from "./spawn.ts";

/**
 * Options of {@linkcode detach}.
 *
 * @example A daemon with a pidfile and one log for stdout and stderr
 * ```ts
 * import { detach, type DetachOptions, killTree } from "@subproc/subproc";
 * const dir = Deno.makeTempDirSync();
 * const options: DetachOptions = {
 *   pidfile: `${dir}/app.pid`,
 *   stdout: { file: `${dir}/app.log`, append: true },
 *   stderr: "stdout",
 * };
 * const daemon = await detach(["sleep", "30"], options);
 * await killTree(daemon.pid);
 * ```
 */
export interface DetachOptions {
  /** Working directory of the program.
   * @default {the parent's working directory} */
  readonly cwd?: string;
  /** Environment variables to set. */
  readonly env?: Readonly<Record<string, string>>;
  /** Start from an empty environment.
   * @default {false} */
  readonly clearEnv?: boolean;
  /** The program's stdin: `"null"` or a file (`"pipe"` and `"inherit"`
   * would tie it to us).
   * @default {"null"} */
  readonly stdin?: "null" | { readonly file: string };
  /** The program's stdout: `"null"` or a file.
   * @default {"null"} */
  readonly stdout?: "null" | {
    readonly file: string;
    readonly append?: boolean;
  };
  /** The program's stderr: `"null"`, a file, or `"stdout"`: the very
   * descriptor of its stdout (one log, in the order it wrote).
   * @default {"null"} */
  readonly stderr?: "null" | "stdout" | {
    readonly file: string;
    readonly append?: boolean;
  };
  /** How the program and what it starts are held together, so that a
   * stop reaches all of it (see {@linkcode ContainMode}): a daemon that
   * forks again, calls `setsid` and lets its parent exit stays in its
   * cgroup.
   * @default {"auto"} */
  readonly contain?: ContainMode;
  /** Write the program's PID here (atomically, mode 0644). A pidfile that
   * names a running process makes `detach` fail with `AlreadyRunningError`
   * before anything starts; one that someone else could have written (see
   * `Pidfile`), or a directory where they could replace it, with
   * `UntrustedFileError`. */
  readonly pidfile?: string;
  /** Resolve only once the program is ready (see {@linkcode ReadyOptions};
   * a `line` is looked for in the `stdout`/`stderr` files). Not ready in
   * time, or it ended first: it is stopped with everything it started, its
   * pidfile removed, and a `NotReadyError` carrying the last lines of its
   * log thrown. */
  readonly ready?: ReadyOptions;
  /** Windows-only options. */
  readonly windows?: WindowsOptions;
}

/** A program started by {@linkcode detach}. */
export interface DetachedProcess {
  /** The program's PID (no shell in between). */
  readonly pid: number;
  /** Its process group (it leads a new session and group). */
  readonly pgid: number;
  /** The pidfile written, if any. */
  readonly pidfile: string | undefined;
  /** The absolute path of its cgroup directory (Linux, where one could be
   * made), or `null`. It stays while anything of the program runs; a stop
   * of the program's tree by {@linkcode killTree} from this process, or
   * `subproc stop`, removes it. */
  readonly cgroup: string | null;
  /** Windows: `true` when the program broke away from the job this process
   * runs in, `false` when the job forbids it (see
   * `Subprocess.brokeAway`). `undefined` on other systems. */
  readonly brokeAway: boolean | undefined;
  /** With the `ready` option: when and how it became ready. */
  readonly ready: ReadyResult | undefined;
}
