/**
 * `CreateProcessW` with the standard handles we choose.
 *
 * - Each standard stream is an inheritable handle made for this call:
 *   a duplicate of ours (`"inherit"`), `NUL` (`"null"`) or a file opened
 *   with `CreateFileW` (`{ file }`; one handle per path and mode, so stdout
 *   and stderr sent to one file share its offset); stderr `"stdout"` is
 *   stdout's handle. They are closed once the child has its copies.
 * - Only those three are inherited: `PROC_THREAD_ATTRIBUTE_HANDLE_LIST`
 *   keeps every other inheritable handle of ours (another child's pipe, say)
 *   out of the child, where it could keep a pipe open for good.
 * - The environment block is built only when the spawn changes it.
 *
 * Pipes are not made here: the runtime's own spawn owns piped streams.
 *
 * @module
 */

import { resolve } from "../../runtime/node_builtins.ts";
import type { ResolvedStderr, ResolvedStdio } from "../../runtime/types.ts";
import { alloc, view } from "../../runtime/ffi.ts";
import {
  CREATE_ALWAYS,
  CREATE_UNICODE_ENVIRONMENT,
  DUPLICATE_SAME_ACCESS,
  EXTENDED_STARTUPINFO_PRESENT,
  FILE_APPEND_DATA,
  FILE_ATTRIBUTE_NORMAL,
  FILE_SHARE_ALL,
  GENERIC_READ,
  GENERIC_WRITE,
  type Handle,
  type Kernel32,
  OPEN_ALWAYS,
  OPEN_EXISTING,
  PROC_THREAD_ATTRIBUTE_HANDLE_LIST,
  STARTF_USESHOWWINDOW,
  STARTF_USESTDHANDLES,
  STD_ERROR_HANDLE,
  STD_INPUT_HANDLE,
  STD_OUTPUT_HANDLE,
  SW_HIDE,
  SYNCHRONIZE,
  validHandle,
  wide,
} from "./kernel32.ts";
import { addressOf } from "./kernel32.ts";

/** What to start. */
export interface CreateRequest {
  /** The absolute path of the executable (`lpApplicationName`). */
  readonly application: string;
  /** The whole command line, program name first. */
  readonly commandLine: string;
  readonly cwd: string | undefined;
  /** The whole environment, or `undefined` to inherit ours. */
  readonly environment: readonly (readonly [string, string])[] | undefined;
  readonly stdio: readonly [ResolvedStdio, ResolvedStdio, ResolvedStderr];
  /** `CREATE_*` flags (`CREATE_UNICODE_ENVIRONMENT` is added). */
  readonly flags: number;
  /** Start the child's window hidden (`SW_HIDE`). */
  readonly hide: boolean;
}

/** A started process; both handles are ours to close. */
export interface Created {
  readonly pid: number;
  readonly process: Handle;
  readonly thread: Handle;
}

/** `CreateProcessW` failed: nothing was started. */
export class CreateFailed extends Error {
  constructor(readonly error: number) {
    super(`CreateProcessW failed with Windows error ${error}`);
  }
}

/** `STARTUPINFOEXW` (64-bit): `STARTUPINFOW` is 104 bytes, then the
 * attribute list pointer. */
const STARTUPINFOEX_SIZE = 112;
const SI_FLAGS = 60;
const SI_SHOW_WINDOW = 64;
const SI_STD = [80, 88, 96] as const;
const SI_ATTRIBUTE_LIST = 104;
/** `PROCESS_INFORMATION`: two handles, two u32 ids. */
const PI_SIZE = 24;
/** `SECURITY_ATTRIBUTES` (64-bit): `bInheritHandle` at 16. */
const SA_SIZE = 24;

function inheritableSecurity(): Uint8Array {
  const sa = alloc(SA_SIZE);
  view(sa).setUint32(0, SA_SIZE, true);
  view(sa).setInt32(16, 1, true);
  return sa;
}

const STD_HANDLES = [STD_INPUT_HANDLE, STD_OUTPUT_HANDLE, STD_ERROR_HANDLE];

/** Opens the three standard handles for the child; every opened handle is
 * pushed to `opened` for the caller to close. */
function standardHandles(
  k: Kernel32,
  stdio: CreateRequest["stdio"],
  opened: Handle[],
): Handle[] {
  const sa = inheritableSecurity();
  const files = new Map<string, Handle>();
  const handles: Handle[] = [];
  stdio.forEach((spec, i) => {
    // stderr "stdout": the very handle of stdout, so both keep their order.
    handles.push(spec === "stdout" ? handles[1]! : open(spec, i));
  });
  return handles;

  function open(spec: ResolvedStdio, i: number): Handle {
    const input = i === 0;
    if (spec === "inherit") {
      const ours = validHandle(k.GetStdHandle(STD_HANDLES[i]!));
      if (ours === null) return 0n;
      const copy = alloc(8);
      const self = k.GetCurrentProcess();
      if (
        k.DuplicateHandle(
          self,
          ours,
          self,
          copy,
          0,
          1,
          DUPLICATE_SAME_ACCESS,
        ) ===
          0
      ) {
        return ours; // not duplicable (old console handle): pass it as is
      }
      const handle = view(copy).getBigUint64(0, true);
      opened.push(handle);
      return handle;
    }
    if (spec === "pipe") {
      throw new Error("Piped streams are made by the runtime's own spawn");
    }
    const path = spec === "null" ? "NUL" : spec.file;
    const mode = spec === "null"
      ? "null"
      : input
      ? "r"
      : spec.append
      ? "a"
      : "w";
    const key = `${mode}:${spec === "null" ? "NUL" : resolve(path)}`;
    const shared = files.get(key);
    if (shared !== undefined) return shared;
    const access = mode === "null"
      ? GENERIC_READ | GENERIC_WRITE
      : mode === "r"
      ? GENERIC_READ
      : mode === "a"
      ? FILE_APPEND_DATA | SYNCHRONIZE
      : GENERIC_WRITE;
    const disposition = mode === "w"
      ? CREATE_ALWAYS
      : mode === "a"
      ? OPEN_ALWAYS
      : OPEN_EXISTING;
    const handle = validHandle(
      k.CreateFileW(
        wide(path),
        access >>> 0, // GENERIC_READ is bit 31: keep it unsigned
        FILE_SHARE_ALL,
        sa,
        disposition,
        FILE_ATTRIBUTE_NORMAL,
        0n,
      ),
    );
    if (handle === null) {
      const error = k.GetLastError();
      throw new Error(
        `Cannot open ${JSON.stringify(path)} as the child's ${
          ["stdin", "stdout", "stderr"][i]
        } (Windows error ${error})`,
      );
    }
    opened.push(handle);
    files.set(key, handle);
    return handle;
  }
}

function environmentBlock(
  environment: readonly (readonly [string, string])[],
): Uint8Array {
  return wide(
    environment.map(([key, value]) => `${key}=${value}\0`).join("") + "\0",
  );
}

/** A `PROC_THREAD_ATTRIBUTE_HANDLE_LIST` naming `handles`, or `null` when
 * Windows can't make one (then every inheritable handle is inherited). */
function handleList(
  k: Kernel32,
  handles: readonly Handle[],
): { list: Uint8Array; keep: Uint8Array } | null {
  const size = alloc(8);
  k.InitializeProcThreadAttributeList(null, 1, 0, size);
  const bytes = Number(view(size).getBigUint64(0, true));
  if (bytes <= 0) return null;
  const list = alloc(bytes);
  if (k.InitializeProcThreadAttributeList(list, 1, 0, size) === 0) return null;
  // The list keeps a pointer to this array until CreateProcessW: it must
  // not move, hence its own ArrayBuffer (alloc).
  const keep = alloc(8 * handles.length);
  handles.forEach((h, i) => view(keep).setBigUint64(8 * i, h, true));
  const ok = k.UpdateProcThreadAttribute(
    list,
    0,
    PROC_THREAD_ATTRIBUTE_HANDLE_LIST,
    keep,
    BigInt(keep.byteLength),
    0n,
    0n,
  );
  if (ok === 0) {
    k.DeleteProcThreadAttributeList(list);
    return null;
  }
  return { list, keep };
}

/**
 * Starts `request`. Throws `CreateFailed` with the Windows error when
 * `CreateProcessW` fails, or an `Error` naming the file when a standard
 * stream can't be opened.
 */
export function createProcess(k: Kernel32, request: CreateRequest): Created {
  const opened: Handle[] = [];
  let attributes: { list: Uint8Array; keep: Uint8Array } | null = null;
  try {
    const std = standardHandles(k, request.stdio, opened);
    const si = alloc(STARTUPINFOEX_SIZE);
    const v = view(si);
    v.setUint32(
      SI_FLAGS,
      STARTF_USESTDHANDLES | (request.hide ? STARTF_USESHOWWINDOW : 0),
      true,
    );
    v.setUint16(SI_SHOW_WINDOW, SW_HIDE, true);
    std.forEach((h, i) => v.setBigUint64(SI_STD[i]!, h, true));
    const inherited = [...new Set(std.filter((h) => h !== 0n))];
    let flags = request.flags | CREATE_UNICODE_ENVIRONMENT;
    if (inherited.length > 0) attributes = handleList(k, inherited);
    if (attributes !== null) {
      v.setUint32(0, STARTUPINFOEX_SIZE, true);
      v.setBigUint64(SI_ATTRIBUTE_LIST, addressOf(attributes.list), true);
      flags |= EXTENDED_STARTUPINFO_PRESENT;
    } else {
      v.setUint32(0, 104, true);
    }
    const pi = alloc(PI_SIZE);
    const ok = k.CreateProcessW(
      wide(request.application),
      wide(request.commandLine), // CreateProcessW may write to it
      0n,
      0n,
      inherited.length > 0 ? 1 : 0,
      flags,
      request.environment === undefined
        ? null
        : environmentBlock(request.environment),
      request.cwd === undefined ? null : wide(request.cwd),
      si,
      pi,
    );
    if (ok === 0) throw new CreateFailed(k.GetLastError());
    const p = view(pi);
    return {
      process: p.getBigUint64(0, true),
      thread: p.getBigUint64(8, true),
      pid: p.getUint32(16, true),
    };
  } finally {
    if (attributes !== null) k.DeleteProcThreadAttributeList(attributes.list);
    for (const handle of opened) k.CloseHandle(handle);
  }
}
