/**
 * The Windows process table: `CreateToolhelp32Snapshot` for every PID and
 * its parent, `GetProcessTimes` for creation times, `OpenProcess` +
 * `WaitForSingleObject` for "still running", `NtQueryInformationProcess`
 * for one process's parent.
 *
 * Windows never updates a parent PID: after the parent exits, the number may
 * be reused by an unrelated process. A parent link counts only when the
 * parent was created no later than the child ({@linkcode isParentOf}).
 *
 * A process that exited while someone still holds a handle on it stays in
 * the table (its PID can't be reused meanwhile); like a zombie on Unix it
 * counts as dead.
 *
 * @module
 */

import { alloc, view } from "../../runtime/ffi.ts";
import {
  ERROR_ACCESS_DENIED,
  fileTimeMs,
  type Handle,
  type Kernel32,
  PROCESS_QUERY_INFORMATION,
  PROCESS_QUERY_LIMITED_INFORMATION,
  PROCESS_VM_READ,
  readWide,
  SYNCHRONIZE,
  TH32CS_SNAPPROCESS,
  validHandle,
  WAIT_TIMEOUT,
} from "./kernel32.ts";

/** One process as Windows reports it. */
export interface WinProcess {
  readonly pid: number;
  /** The PID of the process that created it (maybe long gone, maybe
   * reused). */
  readonly ppid: number;
  /** Creation time, ms since the epoch; `null` when we may not open it. */
  readonly startMs: number | null;
  /** `true` once it has exited (someone still holds a handle on it). */
  readonly exited: boolean;
  /** The executable's file name, e.g. `cmd.exe`. */
  readonly exe: string;
}

/** `PROCESSENTRY32W` (64-bit): 568 bytes. */
const ENTRY_SIZE = 568;
const ENTRY_PID = 8;
const ENTRY_PPID = 32;
const ENTRY_EXE = 44;
const EXE_CHARS = 260;

/** `PROCESS_BASIC_INFORMATION` (64-bit): 48 bytes, parent PID at 40. */
const BASIC_INFO_SIZE = 48;
const BASIC_INFO_PPID = 40;

/** Opens `pid` with `access`; `null` and the error when Windows refuses. */
export function openProcess(
  k: Kernel32,
  pid: number,
  access: number,
): { handle: Handle | null; error: number } {
  const handle = validHandle(k.OpenProcess(access, 0, pid));
  return { handle, error: handle === null ? k.GetLastError() : 0 };
}

/** Creation time of the process behind `handle`, ms since the epoch. */
export function creationTimeMs(k: Kernel32, handle: Handle): number | null {
  const times = [alloc(8), alloc(8), alloc(8), alloc(8)] as const;
  if (k.GetProcessTimes(handle, ...times) === 0) return null;
  return fileTimeMs(times[0]);
}

/** `true` while the process behind `handle` (opened with `SYNCHRONIZE`)
 * runs. Not `GetExitCodeProcess`: a process may exit with code 259. */
export function isRunning(k: Kernel32, handle: Handle): boolean {
  return k.WaitForSingleObject(handle, 0) === WAIT_TIMEOUT;
}

/** What opening `pid` tells: its creation time and whether it runs. */
function probe(
  k: Kernel32,
  pid: number,
): { startMs: number | null; exited: boolean } | null {
  const { handle, error } = openProcess(
    k,
    pid,
    PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE,
  );
  if (handle === null) {
    // Access denied: it exists (a protected or another user's process).
    return error === ERROR_ACCESS_DENIED
      ? { startMs: null, exited: false }
      : null;
  }
  try {
    return {
      startMs: creationTimeMs(k, handle),
      exited: !isRunning(k, handle),
    };
  } finally {
    k.CloseHandle(handle);
  }
}

/** Every process, with creation times (one `OpenProcess` each). */
export function snapshot(k: Kernel32): WinProcess[] {
  const snap = validHandle(k.CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0));
  if (snap === null) {
    throw new Error(
      `CreateToolhelp32Snapshot failed (Windows error ${k.GetLastError()})`,
    );
  }
  const rows: WinProcess[] = [];
  try {
    const entry = alloc(ENTRY_SIZE);
    const v = view(entry);
    v.setUint32(0, ENTRY_SIZE, true);
    let ok = k.Process32FirstW(snap, entry);
    while (ok !== 0) {
      const pid = v.getUint32(ENTRY_PID, true);
      const ppid = v.getUint32(ENTRY_PPID, true);
      const exe = readWide(entry, ENTRY_EXE, EXE_CHARS);
      // PID 0 is the idle process; it can't be opened or signalled.
      const state = pid === 0 ? null : probe(k, pid);
      if (state !== null) rows.push({ pid, ppid, exe, ...state });
      ok = k.Process32NextW(snap, entry);
    }
  } finally {
    k.CloseHandle(snap);
  }
  return rows;
}

/** One process, without a snapshot; `null` when there is no such PID. */
export function processInfo(k: Kernel32, pid: number): WinProcess | null {
  const { handle, error } = openProcess(
    k,
    pid,
    PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE,
  );
  if (handle === null) {
    if (error !== ERROR_ACCESS_DENIED) return null;
    const row = snapshotRow(k, pid);
    return row ?? { pid, ppid: 0, startMs: null, exited: false, exe: "" };
  }
  try {
    const info = alloc(BASIC_INFO_SIZE);
    const status = k.NtQueryInformationProcess(
      handle,
      0,
      info,
      BASIC_INFO_SIZE,
      null,
    );
    const ppid = status === 0
      ? Number(view(info).getBigUint64(BASIC_INFO_PPID, true))
      : snapshotRow(k, pid)?.ppid ?? 0;
    return {
      pid,
      ppid,
      startMs: creationTimeMs(k, handle),
      exited: !isRunning(k, handle),
      exe: "",
    };
  } finally {
    k.CloseHandle(handle);
  }
}

/** `ProcessCommandLineInformation`: a `UNICODE_STRING` (16 bytes) whose
 * buffer follows it in ours. */
const COMMAND_LINE_CLASS = 60;
/** 64-bit PEB: `ProcessParameters` at 0x20; in it, `CommandLine` (a
 * `UNICODE_STRING`: length, then the buffer's address at +8) at 0x70. */
const PEB_PARAMETERS = 0x20n;
const PARAMETERS_COMMAND_LINE = 0x70n;

/** The command line `pid` was started with, or `null` when it is gone or
 * Windows won't say. */
export function processCommandLine(k: Kernel32, pid: number): string | null {
  return commandLineByClass(k, pid) ?? commandLineFromPeb(k, pid);
}

/** Reads `size` bytes at `address` of the process behind `handle`. */
function readMemory(
  k: Kernel32,
  handle: Handle,
  address: bigint,
  size: number,
): Uint8Array | null {
  const buffer = alloc(size);
  return k.ReadProcessMemory(handle, address, buffer, BigInt(size), null) === 0
    ? null
    : buffer;
}

/** The command line read from the process's PEB (before Windows 8.1, and
 * under Wine, which lacks `ProcessCommandLineInformation`). */
function commandLineFromPeb(k: Kernel32, pid: number): string | null {
  const { handle } = openProcess(
    k,
    pid,
    PROCESS_QUERY_INFORMATION | PROCESS_VM_READ,
  );
  if (handle === null) return null;
  try {
    const info = alloc(BASIC_INFO_SIZE);
    if (k.NtQueryInformationProcess(handle, 0, info, BASIC_INFO_SIZE, null)) {
      return null;
    }
    const peb = view(info).getBigUint64(8, true);
    const params = readMemory(k, handle, peb + PEB_PARAMETERS, 8);
    if (params === null) return null;
    const address = view(params).getBigUint64(0, true);
    const string = readMemory(k, handle, address + PARAMETERS_COMMAND_LINE, 16);
    if (string === null) return null;
    const length = view(string).getUint16(0, true);
    const text = readMemory(
      k,
      handle,
      view(string).getBigUint64(8, true),
      length,
    );
    return text === null ? null : readWide(text, 0, length / 2);
  } finally {
    k.CloseHandle(handle);
  }
}

function commandLineByClass(k: Kernel32, pid: number): string | null {
  const { handle } = openProcess(k, pid, PROCESS_QUERY_LIMITED_INFORMATION);
  if (handle === null) return null;
  try {
    for (let size = 1024; size <= 1 << 20; size *= 8) {
      const info = alloc(size);
      const returned = alloc(4);
      const status = k.NtQueryInformationProcess(
        handle,
        COMMAND_LINE_CLASS,
        info,
        size,
        returned,
      );
      if (status === 0) {
        const length = view(info).getUint16(0, true);
        return readWide(info, 16, Math.min(length / 2, (size - 16) / 2));
      }
      if (view(returned).getUint32(0, true) <= size) return null;
    }
    return null;
  } finally {
    k.CloseHandle(handle);
  }
}

function snapshotRow(k: Kernel32, pid: number): WinProcess | undefined {
  return snapshot(k).find((row) => row.pid === pid);
}

/**
 * `true` when `parent` may really be `child`'s parent: its PID is the one
 * recorded and it was created no later than the child (else the PID was
 * reused after the real parent exited).
 */
export function isParentOf(parent: WinProcess, child: WinProcess): boolean {
  if (child.ppid !== parent.pid || child.pid === parent.pid) return false;
  if (parent.startMs === null || child.startMs === null) return true;
  return parent.startMs <= child.startMs;
}

/**
 * `root` and every descendant in `table`, following only genuine parent
 * links ({@linkcode isParentOf}); `exclude` is never entered. Exited
 * processes are not returned, but their children are.
 */
export function descendants(
  table: readonly WinProcess[],
  root: WinProcess,
  exclude: ReadonlySet<number> = new Set(),
): WinProcess[] {
  const found = new Map<number, WinProcess>([[root.pid, root]]);
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.pop()!;
    for (const row of table) {
      if (found.has(row.pid) || exclude.has(row.pid)) continue;
      if (isParentOf(parent, row)) {
        found.set(row.pid, row);
        queue.push(row);
      }
    }
  }
  return [...found.values()].filter((row) => !row.exited);
}
