/**
 * The file operations the cgroup parts share: paths, reads that tolerate a
 * missing file, and error codes.
 *
 * @module
 */

import { host } from "../../../runtime/host.ts";

/** `dir/name`: paths here are absolute, made of names we read or chose. */
export function join(dir: string, name: string): string {
  return `${dir}/${name}`;
}

/** The text of `path`, or `""` when it can't be read. */
export function readOrEmpty(path: string): string {
  try {
    return host.readTextFile(path);
  } catch {
    return "";
  }
}

/** The code of a file-system error (`ENOENT`, …). */
export function codeOf(error: unknown): string {
  return (error as { code?: string }).code ?? String(error);
}

/** The directories in `dir` (the cgroups below it), as paths. */
export function subdirectories(dir: string): string[] {
  try {
    return host.subdirectories(dir).map((name) => join(dir, name));
  } catch {
    return [];
  }
}
