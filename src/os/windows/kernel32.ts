/**
 * The Win32 functions we call, declared once and bound through the
 * runtime's FFI adapter (`Deno.dlopen` with `--allow-ffi`, or `bun:ffi`;
 * see `../../runtime/ffi.ts`). Loaded lazily, once; {@linkcode kernel32}
 * returns `null` where there is no FFI (Node, a Deno without `--allow-ffi`,
 * or not Windows), and {@linkcode ffiUnavailable} says why.
 *
 * Handles are `bigint`s. The exported interface is written out by hand so
 * that no runtime's FFI type leaks into the declarations of this package.
 *
 * Struct layouts are those of 64-bit Windows (the only Windows Deno and Bun
 * ship for); offsets are named next to each struct helper.
 *
 * @module
 */

import {
  alloc,
  type Ffi,
  type FfiDeclarations,
  type NativeCallback,
  view,
} from "../../runtime/ffi.ts";
import { runtimeFfi } from "../../runtime/select.ts";
import { isWindows } from "../../runtime/platform.ts";

/** A Win32 `HANDLE` (or any pointer-sized value). */
export type Handle = bigint;

/** A byte buffer handed to a Win32 function. */
export type Buf = Uint8Array | null;

/** The kernel32 and ntdll functions this library uses. */
export interface Kernel32 {
  GetLastError(): number;
  CloseHandle(h: Handle): number;
  GetCurrentProcess(): Handle;
  GetCurrentProcessId(): number;
  CreateProcessW(
    app: Buf,
    commandLine: Buf,
    processAttributes: Handle,
    threadAttributes: Handle,
    inheritHandles: number,
    flags: number,
    environment: Buf,
    cwd: Buf,
    startupInfo: Buf,
    processInformation: Buf,
  ): number;
  ResumeThread(thread: Handle): number;
  OpenProcess(access: number, inherit: number, pid: number): Handle;
  TerminateProcess(process: Handle, code: number): number;
  WaitForSingleObject(h: Handle, ms: number): number;
  GetExitCodeProcess(process: Handle, code: Buf): number;
  GetProcessTimes(
    process: Handle,
    creation: Buf,
    exit: Buf,
    kernel: Buf,
    user: Buf,
  ): number;
  CreateJobObjectW(attributes: Handle, name: Handle): Handle;
  SetInformationJobObject(
    job: Handle,
    infoClass: number,
    info: Buf,
    size: number,
  ): number;
  QueryInformationJobObject(
    job: Handle,
    infoClass: number,
    info: Buf,
    size: number,
    returned: Buf,
  ): number;
  AssignProcessToJobObject(job: Handle, process: Handle): number;
  TerminateJobObject(job: Handle, code: number): number;
  IsProcessInJob(process: Handle, job: Handle, result: Buf): number;
  CreateToolhelp32Snapshot(flags: number, pid: number): Handle;
  Process32FirstW(snapshot: Handle, entry: Buf): number;
  Process32NextW(snapshot: Handle, entry: Buf): number;
  GenerateConsoleCtrlEvent(event: number, group: number): number;
  GetStdHandle(which: number): Handle;
  DuplicateHandle(
    sourceProcess: Handle,
    source: Handle,
    targetProcess: Handle,
    target: Buf,
    access: number,
    inherit: number,
    options: number,
  ): number;
  CreateFileW(
    name: Buf,
    access: number,
    share: number,
    security: Buf,
    disposition: number,
    flags: number,
    template: Handle,
  ): Handle;
  InitializeProcThreadAttributeList(
    list: Buf,
    count: number,
    flags: number,
    size: Buf,
  ): number;
  UpdateProcThreadAttribute(
    list: Buf,
    flags: number,
    attribute: bigint,
    value: Buf,
    size: bigint,
    previous: Handle,
    returnSize: Handle,
  ): number;
  DeleteProcThreadAttributeList(list: Buf): void;
  RegisterWaitForSingleObject(
    newWait: Buf,
    object: Handle,
    callback: Handle,
    context: Handle,
    ms: number,
    flags: number,
  ): number;
  UnregisterWaitEx(wait: Handle, completionEvent: Handle): number;
  GetSystemTimeAsFileTime(time: Buf): void;
  ReadProcessMemory(
    process: Handle,
    address: bigint,
    buffer: Buf,
    size: bigint,
    read: Buf,
  ): number;
  /** ntdll: `ProcessBasicInformation` (class 0) gives the parent PID. */
  NtQueryInformationProcess(
    process: Handle,
    infoClass: number,
    info: Buf,
    size: number,
    returned: Buf,
  ): number;
}

// Win32 constants.
export const ERROR_ACCESS_DENIED = 5;
export const ERROR_INVALID_PARAMETER = 87;
export const ERROR_INSUFFICIENT_BUFFER = 122;
export const STILL_ACTIVE = 259;
export const WAIT_OBJECT_0 = 0;
export const WAIT_TIMEOUT = 0x102;
export const INFINITE = 0xffffffff;
export const INVALID_HANDLE_VALUE: Handle = 0xffffffffffffffffn;

export const CREATE_SUSPENDED = 0x4;
export const DETACHED_PROCESS = 0x8;
export const CREATE_NEW_CONSOLE = 0x10;
export const CREATE_NEW_PROCESS_GROUP = 0x200;
export const CREATE_UNICODE_ENVIRONMENT = 0x400;
export const EXTENDED_STARTUPINFO_PRESENT = 0x80000;
export const CREATE_BREAKAWAY_FROM_JOB = 0x1000000;
export const CREATE_NO_WINDOW = 0x8000000;

export const STARTF_USESHOWWINDOW = 0x1;
export const STARTF_USESTDHANDLES = 0x100;
export const SW_HIDE = 0;

export const PROCESS_TERMINATE = 0x1;
export const PROCESS_VM_READ = 0x10;
export const PROCESS_SET_QUOTA = 0x100;
export const PROCESS_QUERY_INFORMATION = 0x400;
export const PROCESS_QUERY_LIMITED_INFORMATION = 0x1000;
export const SYNCHRONIZE = 0x100000;

export const JOB_OBJECT_LIMIT_BREAKAWAY_OK = 0x800;
export const JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK = 0x1000;
export const JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE = 0x2000;
export const JobObjectBasicAccountingInformation = 1;
export const JobObjectBasicProcessIdList = 3;
export const JobObjectExtendedLimitInformation = 9;

export const TH32CS_SNAPPROCESS = 0x2;
export const CTRL_BREAK_EVENT = 1;
export const STD_INPUT_HANDLE = -10 >>> 0;
export const STD_OUTPUT_HANDLE = -11 >>> 0;
export const STD_ERROR_HANDLE = -12 >>> 0;
export const DUPLICATE_SAME_ACCESS = 0x2;
export const GENERIC_READ = 0x80000000;
export const GENERIC_WRITE = 0x40000000;
export const FILE_APPEND_DATA = 0x4;
export const FILE_SHARE_ALL = 0x7; // read | write | delete
export const OPEN_EXISTING = 3;
export const OPEN_ALWAYS = 4;
export const CREATE_ALWAYS = 2;
export const FILE_ATTRIBUTE_NORMAL = 0x80;
export const PROC_THREAD_ATTRIBUTE_HANDLE_LIST = 0x20002n;
export const WT_EXECUTEONLYONCE = 0x8;

const SYMBOLS = {
  GetLastError: { parameters: [], result: "u32" },
  CloseHandle: { parameters: ["usize"], result: "i32" },
  GetCurrentProcess: { parameters: [], result: "usize" },
  GetCurrentProcessId: { parameters: [], result: "u32" },
  CreateProcessW: {
    parameters: [
      "buffer",
      "buffer",
      "usize",
      "usize",
      "i32",
      "u32",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
  },
  ResumeThread: { parameters: ["usize"], result: "u32" },
  OpenProcess: { parameters: ["u32", "i32", "u32"], result: "usize" },
  TerminateProcess: { parameters: ["usize", "u32"], result: "i32" },
  WaitForSingleObject: { parameters: ["usize", "u32"], result: "u32" },
  GetExitCodeProcess: { parameters: ["usize", "buffer"], result: "i32" },
  GetProcessTimes: {
    parameters: ["usize", "buffer", "buffer", "buffer", "buffer"],
    result: "i32",
  },
  CreateJobObjectW: { parameters: ["usize", "usize"], result: "usize" },
  SetInformationJobObject: {
    parameters: ["usize", "i32", "buffer", "u32"],
    result: "i32",
  },
  QueryInformationJobObject: {
    parameters: ["usize", "i32", "buffer", "u32", "buffer"],
    result: "i32",
  },
  AssignProcessToJobObject: { parameters: ["usize", "usize"], result: "i32" },
  TerminateJobObject: { parameters: ["usize", "u32"], result: "i32" },
  IsProcessInJob: { parameters: ["usize", "usize", "buffer"], result: "i32" },
  CreateToolhelp32Snapshot: { parameters: ["u32", "u32"], result: "usize" },
  Process32FirstW: { parameters: ["usize", "buffer"], result: "i32" },
  Process32NextW: { parameters: ["usize", "buffer"], result: "i32" },
  GenerateConsoleCtrlEvent: { parameters: ["u32", "u32"], result: "i32" },
  GetStdHandle: { parameters: ["u32"], result: "usize" },
  DuplicateHandle: {
    parameters: ["usize", "usize", "usize", "buffer", "u32", "i32", "u32"],
    result: "i32",
  },
  CreateFileW: {
    parameters: ["buffer", "u32", "u32", "buffer", "u32", "u32", "usize"],
    result: "usize",
  },
  InitializeProcThreadAttributeList: {
    parameters: ["buffer", "u32", "u32", "buffer"],
    result: "i32",
  },
  UpdateProcThreadAttribute: {
    parameters: ["buffer", "u32", "usize", "buffer", "usize", "usize", "usize"],
    result: "i32",
  },
  DeleteProcThreadAttributeList: { parameters: ["buffer"], result: "void" },
  RegisterWaitForSingleObject: {
    parameters: ["buffer", "usize", "usize", "usize", "u32", "u32"],
    result: "i32",
  },
  UnregisterWaitEx: { parameters: ["usize", "usize"], result: "i32" },
  GetSystemTimeAsFileTime: { parameters: ["buffer"], result: "void" },
  ReadProcessMemory: {
    parameters: ["usize", "usize", "buffer", "usize", "buffer"],
    result: "i32",
  },
} as const satisfies FfiDeclarations;

const NTDLL_SYMBOLS = {
  NtQueryInformationProcess: {
    parameters: ["usize", "i32", "buffer", "u32", "buffer"],
    result: "i32",
  },
} as const satisfies FfiDeclarations;

let loaded: { k: Kernel32; ffi: Ffi } | null | undefined;
let reason = "";

function load(): { k: Kernel32; ffi: Ffi } | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  const ffi = isWindows ? runtimeFfi() : "this is not Windows";
  if (typeof ffi === "string") {
    reason = ffi;
  } else {
    try {
      const k32 = ffi.open("kernel32.dll", SYMBOLS);
      const nt = ffi.open("ntdll.dll", NTDLL_SYMBOLS);
      loaded = { k: { ...k32, ...nt } as unknown as Kernel32, ffi };
    } catch (error) {
      reason = `kernel32.dll could not be loaded: ${
        (error as Error)?.message ?? error
      }`;
    }
  }
  return loaded;
}

/** The bindings, or `null` when FFI can't be used here (see
 * {@linkcode ffiUnavailable}). */
export function kernel32(): Kernel32 | null {
  return load()?.k ?? null;
}

/** Why {@linkcode kernel32} returns `null` (empty when it doesn't). */
export function ffiUnavailable(): string {
  load();
  return reason;
}

/** The adapter the bindings were made with (only once they were). */
function boundFfi(): Ffi {
  const bound = load();
  if (bound === null) throw new Error(`No FFI: ${reason}`);
  return bound.ffi;
}

/**
 * A callback for `RegisterWaitForSingleObject` (`WAITORTIMERCALLBACK`):
 * Windows calls it on a pool thread, `fn` runs on the JavaScript thread.
 * While ref'd it keeps the runtime alive.
 */
export function waitCallback(fn: () => void): NativeCallback {
  return boundFfi().callback(
    { parameters: ["usize", "u8"], result: "void" },
    fn,
  );
}

/** The address of `buffer`'s memory (see `alloc` in `runtime/ffi.ts`). */
export function addressOf(buffer: Uint8Array): bigint {
  return boundFfi().addressOf(buffer);
}

/** `text` as a NUL-terminated UTF-16LE string. */
export function wide(text: string): Uint8Array {
  const buffer = alloc((text.length + 1) * 2);
  const view = new DataView(buffer.buffer);
  for (let i = 0; i < text.length; i++) {
    view.setUint16(i * 2, text.charCodeAt(i), true);
  }
  return buffer;
}

/** Reads a NUL-terminated UTF-16LE string of at most `chars` characters. */
export function readWide(
  buffer: Uint8Array,
  offset: number,
  chars: number,
): string {
  const view = new DataView(buffer.buffer, buffer.byteOffset);
  let text = "";
  for (let i = 0; i < chars; i++) {
    const code = view.getUint16(offset + i * 2, true);
    if (code === 0) break;
    text += String.fromCharCode(code);
  }
  return text;
}

/** Milliseconds since the Unix epoch of a `FILETIME` (100 ns ticks since
 * 1601-01-01), read at `offset`. */
export function fileTimeMs(buffer: Uint8Array, offset = 0): number {
  const ticks = view(buffer).getBigUint64(offset, true);
  return Number(ticks / 10_000n) - 11_644_473_600_000;
}

/** `h` as a handle value, or `null` for 0 and `INVALID_HANDLE_VALUE`. */
export function validHandle(h: Handle | number): Handle | null {
  const value = BigInt(h);
  return value === 0n || value === INVALID_HANDLE_VALUE ? null : value;
}
