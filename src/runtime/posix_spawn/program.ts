/**
 * What a child started through `posix_spawn` runs: the program's path (as
 * `execvp` would find it, on the child's `PATH`), and its arguments and
 * environment as NULL-terminated arrays of C strings. The environment is
 * ours from `environ` as raw bytes, so that what is not UTF-8 passes
 * unchanged.
 *
 * @module
 */

import { alloc } from "../ffi.ts";
import { lookPath } from "../look_path.ts";
import { SpawnFailure, type SpawnRequest } from "../types.ts";
import { addressOf, cString, environment, type Libc } from "./libc.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const PATH_PREFIX = encoder.encode("PATH=");

/** A NULL-terminated array of C strings: its address and memory, and
 * `keep`, the memory the pointers point into, which must outlive the call. */
export interface PointerArray {
  readonly pointer: bigint;
  readonly array: Uint8Array;
  readonly keep: readonly Uint8Array[];
}

/** What `posix_spawn` needs to start `request`. */
export interface Program {
  /** The program's path, as a C string. */
  readonly path: Uint8Array;
  readonly argv: PointerArray;
  /** The environment: ours as it is (`environ`), or a new array. */
  readonly envp: Pick<PointerArray, "pointer" | "keep">;
}

/** The program, arguments and environment of `request`.
 *
 * @throws {SpawnFailure} The program is not found (or not runnable).
 */
export function programOf(c: Libc, request: SpawnRequest): Program {
  const env = environment(c);
  const path = findProgram(request, env.entries);
  return {
    path: cString(encoder.encode(path)),
    argv: pointerArray(
      [request.file, ...request.args].map((arg) => encoder.encode(arg)),
    ),
    envp: request.env === undefined && !request.clearEnv
      ? { pointer: env.pointer, keep: [] }
      : pointerArray(childEnvironment(request, env.entries)),
  };
}

/** The program's path: found on the child's `PATH` when it has no `/`. */
function findProgram(
  request: SpawnRequest,
  entries: readonly Uint8Array[],
): string {
  let path = request.env?.PATH;
  if (path === undefined && !request.clearEnv) {
    const entry = entries.find((e) => startsWith(e, PATH_PREFIX));
    path = entry && decoder.decode(entry.subarray(PATH_PREFIX.byteLength));
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
  const replaced = added.map(([name]) => encoder.encode(`${name}=`));
  const kept = request.clearEnv
    ? []
    : ours.filter((entry) => !replaced.some((p) => startsWith(entry, p)));
  return [
    ...kept,
    ...added.map(([name, value]) => encoder.encode(`${name}=${value}`)),
  ];
}

/** `true` when `entry` (`NAME=value` bytes) starts with `prefix`
 * (`NAME=`): it is that variable. */
function startsWith(entry: Uint8Array, prefix: Uint8Array): boolean {
  if (entry.byteLength < prefix.byteLength) return false;
  for (let i = 0; i < prefix.byteLength; i++) {
    if (entry[i] !== prefix[i]) return false;
  }
  return true;
}

function pointerArray(strings: readonly Uint8Array[]): PointerArray {
  const keep = strings.map(cString);
  const array = alloc((keep.length + 1) * 8);
  const view = new DataView(array.buffer);
  keep.forEach((s, i) => view.setBigUint64(i * 8, addressOf(s), true));
  return { pointer: addressOf(array), array, keep };
}
