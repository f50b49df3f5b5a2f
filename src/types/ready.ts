/**
 * The public types of readiness: what `ready` waits for, and what it
 * resolves with.
 *
 * @module
 */

/** Which of the child's output a `line` condition reads.
 *
 * - `"stdout"`, `"stderr"`: that stream (it must be `"pipe"` or a file).
 * - `"both"`: each of the two that is `"pipe"` or a file (at least one
 *   must be); lines of the two are never mixed.
 */
export type ReadyStream = "stdout" | "stderr" | "both";

/**
 * When a child counts as ready: every condition given must hold (each is
 * watched from the start, and counts once it held). At least one of
 * `line`, `port`, `url`, `file` and `check` is needed.
 *
 * @example A line on stdout and a file, within 10 seconds
 * ```ts
 * import { type ReadyOptions, spawn } from "@subproc/subproc";
 * const flag = `${Deno.makeTempDirSync()}/up`;
 * const ready: ReadyOptions = { line: "up", file: flag, timeout: 10_000 };
 * await using child = spawn(
 *   ["sh", "-c", `echo up; touch ${flag}; sleep 30`],
 *   { stdout: "pipe", ready },
 * );
 * console.log((await child.ready).line); // "up"
 * ```
 */
export interface ReadyOptions {
  /** A line of the child's output that contains this string, or that this
   * RegExp matches (each line from its start: `lastIndex` is not kept
   * between lines). Lines end at `\n` (a `\r` before it is dropped); they
   * are decoded as UTF-8. A stream that is `"pipe"` is read while waiting,
   * and what was read stays readable from `stdout`/`stderr` afterwards
   * (kept in memory until then); a `{ file }` is followed as `tail -f`
   * would (from where the child starts writing: the end of an `append`
   * file). */
  readonly line?: string | RegExp;
  /** Where `line` looks (see {@linkcode ReadyStream}).
   * @default {"both"} */
  readonly stream?: ReadyStream;
  /** A TCP port that accepts a connection on `host`. */
  readonly port?: number;
  /** The host `port` is tried on (a name or an address).
   * @default {"127.0.0.1"} */
  readonly host?: string;
  /** An `http:` or `https:` URL that answers a GET with a 2xx or 3xx
   * status (redirects are not followed). The server's certificate is not
   * checked: the probe sends nothing and reads only the status, and local
   * servers mostly have self-signed certificates. */
  readonly url?: string;
  /** A path that exists (a file, directory or socket; relative to this
   * process's working directory). A file left by an earlier run counts:
   * remove it before starting. */
  readonly file?: string;
  /** Anything else: ready once it returns (or resolves to) `true`. Called
   * every `interval` ms, never twice at once; a throw counts as `false`
   * (the last one is the `cause` of a timeout's `NotReadyError`). */
  readonly check?: () => boolean | Promise<boolean>;
  /** Milliseconds to wait in all, from the start; then the child and
   * everything it started are stopped, and a `NotReadyError` thrown.
   * `Infinity` waits as long as the child runs.
   * @default {30000} */
  readonly timeout?: number;
  /** Milliseconds between two tries of `port`, `url`, `file` and `check`,
   * and between two reads of a followed file. `line` on a pipe is not
   * polled: it holds as soon as the line is read.
   * @default {100} */
  readonly interval?: number;
}

/** What `ready` resolves with. */
export interface ReadyResult {
  /** Milliseconds from the start of the child until every condition held. */
  readonly elapsedMs: number;
  /** The line that held the `line` condition (without its line end). */
  readonly line?: string;
  /** The RegExp's match on `line`, when `line` was a RegExp. */
  readonly match?: RegExpExecArray;
}
