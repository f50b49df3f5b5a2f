/**
 * How the runtime's spawn finds a program on Linux and macOS (`execvp`'s
 * search), to tell "not found" from "not executable" when the runtime
 * reports only that the spawn failed: a file on `PATH` that can't be
 * executed is remembered (EACCES) and the search goes on. Deno and Bun
 * search `PATH` themselves and skip such files, so they report "not found"
 * for both.
 *
 * @module
 */

import { host, process } from "./host.ts";
import type { SpawnRequest } from "./types.ts";

/** `parts` resolved against `base` as the kernel will: an absolute part
 * starts over. (Not normalized: `..` and `.` are left to the kernel.) */
function resolvePath(base: string, ...parts: string[]): string {
  return parts.reduce(
    (path, part) => part.startsWith("/") ? part : `${path}/${part}`,
    base,
  );
}

/** Where `lookPath` found a program, or why it didn't. */
type LookPathResult =
  | { readonly ok: true; readonly path: string }
  | { readonly ok: false; readonly code: "ENOENT" | "EACCES" };

/**
 * Finds `file` as `execvp` would: a name with a `/` is taken relative to
 * `cwd`; any other is searched in `path` (default `/usr/bin:/bin`).
 */
export function lookPath(
  file: string,
  cwd: string | undefined,
  path: string | undefined,
): LookPathResult {
  const base = cwd ?? process.cwd();
  const candidates = file.includes("/")
    ? [resolvePath(base, file)]
    : (path ?? "/usr/bin:/bin").split(":").map((dir) =>
      resolvePath(base, dir || ".", file)
    );
  let exists = false;
  for (const candidate of candidates) {
    const kind = host.fileKind(candidate);
    if (kind === null) continue;
    exists = true;
    // A directory, or found but not executable: keep looking, as execvp
    // does, and report EACCES if nothing else is found.
    if (kind !== "directory" && host.isExecutable(candidate)) {
      return { ok: true, path: candidate };
    }
  }
  return { ok: false, code: exists ? "EACCES" : "ENOENT" };
}

/** `"EACCES"` when `request.file` exists (on its `PATH`) but can't be
 * executed, `"ENOENT"` when it doesn't exist, `null` when it is there and
 * executable. */
export function missingProgram(
  request: Pick<SpawnRequest, "file" | "cwd" | "env" | "clearEnv">,
): "ENOENT" | "EACCES" | null {
  const path = request.env?.PATH ??
    (request.clearEnv ? undefined : process.env.PATH);
  const found = lookPath(request.file, request.cwd, path);
  return found.ok ? null : found.code;
}
