/**
 * What a host offers (the interfaces `host_deno.ts` and `host_node.ts`
 * implement and `host.ts` chooses between), and the error test both share.
 *
 * @module
 */

/** A signal listener, as `process.on` calls it (with the signal's name). */
export type SignalListener = (signal: string) => void;

/** The members of Node's `process` the library uses on its common path. */
export interface HostProcess {
  readonly pid: number;
  /** The parent's PID now (it changes when the parent dies). */
  readonly ppid: number;
  /** As Node names it: `"linux"`, `"darwin"`, `"win32"`, … */
  readonly platform: string;
  /** The environment (read on each access). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The exit code used when the event loop ends. */
  exitCode?: number | string | null | undefined;
  cwd(): string;
  /** `kill(2)`: throws an error whose `code` is `"ESRCH"` (no such process
   * or group) or `"EPERM"` (not ours). `target` < 0 is a process group. */
  kill(target: number, signal?: string | number): boolean;
  /** Listens for `signal` (or `"exit"`: a normal exit); throws where the
   * runtime can't catch the signal. */
  on(signal: string, listener: SignalListener): unknown;
  /** Stops listening. */
  off(signal: string, listener: SignalListener): unknown;
  /** How many listeners `signal` has in this process, from any code (Deno:
   * also those added through its `node:process`, loaded for the count). */
  listenerCount(signal: string): number;
  /** Ends this process with `code`. */
  exit(code: number): never;
}

/** What the host offers besides its `process`. */
export interface Host {
  readonly name: "deno" | "node" | "bun";
  readonly process: HostProcess;
  /** The program's arguments (those after the script). */
  args(): string[];
  /** The signal numbers of this system, by name. */
  signalNumbers(): Readonly<Record<string, number>>;
  /** The file at `path` as UTF-8 text. Every file function throws errors
   * with Node's `code` (`"ENOENT"`, …), as `node:fs` does. */
  readTextFile(path: string): string;
  /** The file at `path` as Latin-1 text: one character per byte, so that
   * no byte is lost (environments need not be UTF-8). */
  readLatin1(path: string): string;
  /** The names in directory `path`. */
  readDirNames(path: string): string[];
  /** The names of the directories in directory `path`. */
  subdirectories(path: string): string[];
  /** `mkdir(path, mode)`. Throws (`code` `"EEXIST"`, …) like
   * `fs.mkdirSync`. */
  makeDirectory(path: string, mode: number): void;
  /** `rmdir(path)`. Throws (`code` `"ENOENT"`, `"EBUSY"`, …). */
  removeDirectory(path: string): void;
  /** Writes `text` to the existing file `path` (truncating it). */
  writeTextFile(path: string, text: string): void;
  /** The owner (uid) of `path` itself (not following a symbolic link). */
  ownerOf(path: string): number;
  /** Where the symbolic link `path` points. */
  readLink(path: string): string;
  /** This process's user id; `undefined` on Windows. */
  uid(): number | undefined;
  /** What `path` is (following symbolic links), or `null` when it does not
   * exist or can't be reached. */
  fileKind(path: string): "file" | "directory" | "other" | null;
  /** `false` when `count` more descriptors can't be opened now (EMFILE or
   * ENFILE), probed by opening (and closing at once) the null device;
   * `true` otherwise, including when the probe fails for another reason. */
  canOpenFiles(count: number): boolean;
  /** `access(path, X_OK)`: may this process execute `path`? */
  isExecutable(path: string): boolean;
}

/** EMFILE or ENFILE: out of descriptors. */
export function tooManyFiles(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === "EMFILE" || code === "ENFILE";
}
