/**
 * The libc functions `spawn.ts` and its parts call, over Deno's FFI
 * (`Deno.dlopen`, which needs `--allow-ffi`). Loaded lazily, once;
 * {@linkcode libc} returns `null` where they can't be had (Node, Bun, a Deno
 * without `--allow-ffi`, not Linux, a libc without
 * `posix_spawn_file_actions_addchdir_np`: glibc < 2.29, musl < 1.1.24) and
 * {@linkcode libcUnavailable} says why.
 *
 * Pointers are `bigint`s; the interface is written out by hand so that no
 * `Deno.*` type leaks into the declarations of this package. Sizes and
 * flag values are those of Linux (glibc and musl agree on them).
 *
 * @module
 */

import { alloc } from "../ffi.ts";
import type { SpawnFailureCode } from "../types.ts";

/** A pointer (or any pointer-sized value). */
export type Pointer = bigint;

/** The libc functions this library uses. */
export interface Libc {
  posix_spawn(
    pid: Uint8Array,
    path: Uint8Array,
    actions: Uint8Array,
    attributes: Uint8Array,
    argv: Uint8Array,
    envp: Pointer,
  ): number;
  posix_spawn_file_actions_init(actions: Uint8Array): number;
  posix_spawn_file_actions_destroy(actions: Uint8Array): number;
  posix_spawn_file_actions_adddup2(
    actions: Uint8Array,
    fd: number,
    target: number,
  ): number;
  posix_spawn_file_actions_addopen(
    actions: Uint8Array,
    fd: number,
    path: Uint8Array,
    flags: number,
    mode: number,
  ): number;
  posix_spawn_file_actions_addchdir_np(
    actions: Uint8Array,
    path: Uint8Array,
  ): number;
  posix_spawnattr_init(attributes: Uint8Array): number;
  posix_spawnattr_destroy(attributes: Uint8Array): number;
  posix_spawnattr_setflags(attributes: Uint8Array, flags: number): number;
  posix_spawnattr_setsigmask(attributes: Uint8Array, set: Uint8Array): number;
  posix_spawnattr_setsigdefault(
    attributes: Uint8Array,
    set: Uint8Array,
  ): number;
  sigemptyset(set: Uint8Array): number;
  sigaddset(set: Uint8Array, signal: number): number;
  pipe2(fds: Uint8Array, flags: number): number;
  close(fd: number): number;
  waitpid(pid: number, status: Uint8Array, options: number): number;
  strlen(text: Pointer): bigint;
  __errno_location(): Pointer;
}

/** Room for `posix_spawn_file_actions_t` (80 bytes on glibc and musl). */
export const FILE_ACTIONS_SIZE = 256;
/** Room for `posix_spawnattr_t` (336 bytes on glibc and musl). */
export const SPAWNATTR_SIZE = 512;
/** Room for `sigset_t` (128 bytes). */
export const SIGSET_SIZE = 128;

export const POSIX_SPAWN_SETSIGDEF = 0x04;
export const POSIX_SPAWN_SETSIGMASK = 0x08;
export const POSIX_SPAWN_SETSID = 0x80;
export const O_RDONLY = 0;
export const O_WRONLY = 1;
export const O_CLOEXEC = 0o2000000;
export const WNOHANG = 1;
export const SIGPIPE = 13;
export const EINTR = 4;

const SYMBOLS = {
  posix_spawn: {
    parameters: ["buffer", "buffer", "buffer", "buffer", "buffer", "usize"],
    result: "i32",
  },
  posix_spawn_file_actions_init: { parameters: ["buffer"], result: "i32" },
  posix_spawn_file_actions_destroy: { parameters: ["buffer"], result: "i32" },
  posix_spawn_file_actions_adddup2: {
    parameters: ["buffer", "i32", "i32"],
    result: "i32",
  },
  posix_spawn_file_actions_addopen: {
    parameters: ["buffer", "i32", "buffer", "i32", "u32"],
    result: "i32",
  },
  posix_spawn_file_actions_addchdir_np: {
    parameters: ["buffer", "buffer"],
    result: "i32",
  },
  posix_spawnattr_init: { parameters: ["buffer"], result: "i32" },
  posix_spawnattr_destroy: { parameters: ["buffer"], result: "i32" },
  posix_spawnattr_setflags: { parameters: ["buffer", "i16"], result: "i32" },
  posix_spawnattr_setsigmask: {
    parameters: ["buffer", "buffer"],
    result: "i32",
  },
  posix_spawnattr_setsigdefault: {
    parameters: ["buffer", "buffer"],
    result: "i32",
  },
  sigemptyset: { parameters: ["buffer"], result: "i32" },
  sigaddset: { parameters: ["buffer", "i32"], result: "i32" },
  pipe2: { parameters: ["buffer", "i32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  waitpid: { parameters: ["i32", "buffer", "i32"], result: "i32" },
  strlen: { parameters: ["usize"], result: "usize" },
  __errno_location: { parameters: [], result: "usize" },
} as const;

const STATICS = { environ: { type: "pointer" } } as const;

/** The names the C library goes by: glibc, then musl. */
const LIBRARIES = [
  "libc.so.6",
  "libc.musl-x86_64.so.1",
  "libc.musl-aarch64.so.1",
];

interface DenoFfi {
  build: { os: string };
  dlopen: typeof Deno.dlopen;
  permissions: { querySync(d: { name: "ffi" }): { state: string } };
  UnsafePointer: typeof Deno.UnsafePointer;
  UnsafePointerView: typeof Deno.UnsafePointerView;
}

const deno = (globalThis as { Deno?: DenoFfi }).Deno;

/** The address of `buffer`'s memory. `buffer` must own an `ArrayBuffer` of
 * its own (made by `alloc`, `ffi.ts`) so that the address stays valid. */
export function addressOf(buffer: Uint8Array): bigint {
  return BigInt(deno!.UnsafePointer.value(deno!.UnsafePointer.of(buffer)));
}

let loaded: Libc | null | undefined;
let environAddress: Pointer = 0n;
let reason = "";

/** The bindings, or `null` where they can't be had (see
 * {@linkcode libcUnavailable}). */
export function libc(): Libc | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  if (deno?.dlopen === undefined) {
    reason = "this runtime has no Deno FFI";
  } else if (deno.build.os !== "linux") {
    reason = "this is not Linux";
  } else if (deno.permissions.querySync({ name: "ffi" }).state !== "granted") {
    reason = "Deno was not granted FFI (run with --allow-ffi)";
  } else {
    const errors: string[] = [];
    for (const name of LIBRARIES) {
      try {
        const library = deno.dlopen(name, { ...SYMBOLS, ...STATICS });
        const { environ, ...functions } = library.symbols;
        environAddress = BigInt(deno.UnsafePointer.value(environ));
        loaded = functions as unknown as Libc;
        break;
      } catch (error) {
        errors.push(`${name}: ${(error as Error)?.message ?? error}`);
      }
    }
    if (loaded === null) {
      reason = `the C library could not be loaded (${errors.join("; ")})`;
    }
  }
  return loaded;
}

/** Why {@linkcode libc} returns `null` (empty when it doesn't). */
export function libcUnavailable(): string {
  libc();
  return reason;
}

/** The value of `errno` after the last failed call on this thread. */
export function errno(c: Libc): number {
  const at = deno!.UnsafePointer.create(c.__errno_location());
  return new deno!.UnsafePointerView(at!).getInt32(0);
}

/** What a failed call's `errno` means to the caller of a spawn. */
export function failureCode(error: number): SpawnFailureCode {
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

/** The process's environment, `environ`, as it is now: its address (for
 * `posix_spawn`) and its `NAME=value` entries as raw bytes (not decoded:
 * what is not UTF-8 passes unchanged). */
export function environment(c: Libc): {
  readonly pointer: Pointer;
  readonly entries: Uint8Array[];
} {
  const variable = deno!.UnsafePointer.create(environAddress);
  const pointer = new deno!.UnsafePointerView(variable!).getBigUint64(0);
  const entries: Uint8Array[] = [];
  const table = deno!.UnsafePointer.create(pointer);
  if (table === null) return { pointer, entries };
  const rows = new deno!.UnsafePointerView(table);
  for (let i = 0;; i++) {
    const entry = rows.getBigUint64(i * 8);
    if (entry === 0n) break;
    const length = Number(c.strlen(entry));
    const bytes = new Uint8Array(length);
    deno!.UnsafePointerView.copyInto(
      deno!.UnsafePointer.create(entry)!,
      bytes,
    );
    entries.push(bytes);
  }
  return { pointer, entries };
}

/** `bytes` as a NUL-terminated C string in memory of its own. */
export function cString(bytes: Uint8Array): Uint8Array {
  const buffer = alloc(bytes.byteLength + 1);
  buffer.set(bytes);
  return buffer;
}
