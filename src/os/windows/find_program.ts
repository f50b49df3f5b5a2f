/**
 * Finding the file `CreateProcessW` should run, as `Deno.Command` does on
 * Windows: a name with a directory part is taken relative to the working
 * directory; any other name is searched in `PATH` (the child's, when the
 * spawn sets one, else ours) — never in the current directory, which a
 * bare `CreateProcessW` would search first. A name without an extension is
 * tried with each runnable extension of `PATHEXT` (`.com .exe .bat .cmd`),
 * in its order.
 *
 * Pure apart from the `exists` function it is given, so it is tested on
 * every system.
 *
 * @module
 */

import {
  nodeProcess as process,
  resolve,
  statSync,
  win32,
} from "../../runtime/node_builtins.ts";

/** Extensions `CreateProcessW` can run (batch files through `cmd.exe`). */
const RUNNABLE = [".com", ".exe", ".bat", ".cmd"];

/** Where the program is, or why it isn't. */
export type FindResult =
  | { readonly ok: true; readonly path: string }
  | { readonly ok: false; readonly code: "ENOENT" };

/** What {@linkcode findProgram} needs to know. */
export interface FindContext {
  /** The child's working directory (absolute). */
  readonly cwd: string;
  /** The `PATH` to search. */
  readonly path: string | undefined;
  /** The `PATHEXT` in effect. */
  readonly pathext: string | undefined;
  /** `true` when `path` is an existing file (not a directory). */
  readonly exists: (path: string) => boolean;
}

/** The runnable extensions of `pathext`, in its order. */
export function runnableExtensions(pathext: string | undefined): string[] {
  const listed = (pathext ?? RUNNABLE.join(";")).split(";")
    .map((ext) => ext.trim().toLowerCase())
    .filter((ext) => RUNNABLE.includes(ext));
  return listed.length > 0 ? [...new Set(listed)] : [...RUNNABLE];
}

function candidates(base: string, exts: readonly string[]): string[] {
  return win32.extname(base) === "" ? exts.map((ext) => base + ext) : [base];
}

/** Finds `file` (see the module doc). */
export function findProgram(file: string, context: FindContext): FindResult {
  const exts = runnableExtensions(context.pathext);
  const hasDirectory = /[\\/]/.test(file) || /^[A-Za-z]:/.test(file);
  const dirs = hasDirectory
    ? [context.cwd]
    : (context.path ?? "").split(";").map((d) => d.trim().replace(/^"|"$/g, ""))
      .filter((d) => d !== "");
  for (const dir of dirs) {
    for (const candidate of candidates(win32.resolve(dir, file), exts)) {
      if (context.exists(candidate)) return { ok: true, path: candidate };
    }
  }
  return { ok: false, code: "ENOENT" };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** What a spawn asks for, as far as finding its program goes. */
export interface ProgramRequest {
  readonly file: string;
  readonly cwd: string | undefined;
  readonly env: Readonly<Record<string, string>> | undefined;
  readonly clearEnv: boolean;
}

/**
 * Finds the program of a spawn on this machine (not pure: reads the file
 * system and our environment): its working directory made absolute, the
 * child's `PATH`/`PATHEXT` when it sets them, else ours.
 */
export function findRequestedProgram(
  request: ProgramRequest,
): { readonly cwd: string; readonly found: FindResult } {
  const cwd = resolve(request.cwd ?? process.cwd());
  const found = findProgram(request.file, {
    cwd,
    path: envValue(request.env, "PATH") ??
      (request.clearEnv ? undefined : process.env.PATH),
    pathext: envValue(request.env, "PATHEXT") ?? process.env.PATHEXT,
    exists: isFile,
  });
  return { cwd, found };
}

/** The value of environment variable `name` in `env`, whose names are
 * case-insensitive on Windows. */
export function envValue(
  env: Readonly<Record<string, string>> | undefined,
  name: string,
): string | undefined {
  if (env === undefined) return undefined;
  const upper = name.toUpperCase();
  for (const [key, value] of Object.entries(env)) {
    if (key.toUpperCase() === upper) return value;
  }
  return undefined;
}

/**
 * The child's whole environment: ours (unless `clearEnv`) with `env`
 * applied, names compared without case; sorted as Windows wants its
 * environment blocks (by upper-cased name).
 */
export function childEnvironment(
  parent: Readonly<Record<string, string | undefined>>,
  env: Readonly<Record<string, string>> | undefined,
  clearEnv: boolean,
): [string, string][] {
  const merged = new Map<string, [string, string]>();
  if (!clearEnv) {
    for (const [key, value] of Object.entries(parent)) {
      if (value !== undefined) merged.set(key.toUpperCase(), [key, value]);
    }
  }
  for (const [key, value] of Object.entries(env ?? {})) {
    merged.set(key.toUpperCase(), [key, value]);
  }
  return [...merged.entries()].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)
    .map(([, pair]) => pair);
}

/** The absolute path of a program in `%SystemRoot%\System32` (never
 * looked up on `PATH`, where it could be replaced). */
export function systemProgram(
  name: string,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const root = envValue(
    Object.fromEntries(
      Object.entries(env).filter((e): e is [string, string] =>
        e[1] !== undefined
      ),
    ),
    "SystemRoot",
  ) ?? "C:\\Windows";
  return win32.join(root, "System32", name);
}
