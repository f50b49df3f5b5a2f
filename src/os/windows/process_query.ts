/**
 * The Windows process table without FFI (Node; Deno without `--allow-ffi`):
 * one PowerShell CIM query (`Get-CimInstance Win32_Process`), else `wmic`,
 * which Windows 11 24H2 no longer has but Wine does (Wine's PowerShell is a
 * stub that prints nothing). Each call starts a program (PowerShell: about
 * half a second), so this serves tree stops and listings, never liveness
 * checks. The way that answered first is kept for the next calls.
 *
 * Rows carry no "exited" state: a process that exited is simply not listed.
 * Creation times come from PowerShell and Windows' `wmic`; Wine's `wmic`
 * has none (`startMs: null`), so PID reuse can't be told apart there.
 *
 * @module
 */

import {
  execFileSync,
  nodeProcess as process,
} from "../../runtime/node_builtins.ts";
import { systemProgram } from "./find_program.ts";
import type { WinProcess } from "./process_table.ts";

/** One row per line: PID, parent PID, creation time (FILETIME) or `-`,
 * name. UTF-8 output, whatever the console's code page. */
const CIM_QUERY = "[Console]::OutputEncoding = [Text.Encoding]::UTF8; " +
  "Get-CimInstance Win32_Process | ForEach-Object { " +
  '"$($_.ProcessId) $($_.ParentProcessId) ' +
  "$(if ($_.CreationDate) { $_.CreationDate.ToFileTimeUtc() } else { '-' }) " +
  '$($_.Name)" }';

/** Milliseconds between 1601-01-01 (FILETIME's epoch) and 1970-01-01. */
const FILETIME_EPOCH_MS = 11_644_473_600_000;

/** Parses the output of {@linkcode CIM_QUERY}. */
export function parseCimRows(output: string): WinProcess[] {
  const rows: WinProcess[] = [];
  for (const line of output.split(/\r?\n/)) {
    const match = /^(\d+) (\d+) (\d+|-) (.*)$/.exec(line.trim());
    if (!match) continue;
    rows.push({
      pid: Number(match[1]),
      ppid: Number(match[2]),
      startMs: match[3] === "-"
        ? null
        : Number(BigInt(match[3]!) / 10_000n) - FILETIME_EPOCH_MS,
      exited: false,
      exe: match[4]!,
    });
  }
  return rows;
}

/** A CIM datetime (`yyyymmddHHMMSS.ffffff+UUU`, local time and its offset
 * from UTC in minutes) in ms since the epoch, or `null`. */
export function cimDateMs(text: string): number | null {
  const match = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)\.(\d{6})([+-]\d{3})$/
    .exec(text);
  if (!match) return null;
  const [y, mo, d, h, mi, s, us, offset] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return Date.UTC(y, mo - 1, d, h, mi, s) + Math.floor(us / 1000) -
    offset * 60_000;
}

/**
 * Parses `wmic process get [CreationDate,]Name,ParentProcessId,ProcessId`:
 * a header, then one row per process with the columns in that (alphabetical)
 * order. Column widths can't be trusted (Wine's don't match its header), so
 * rows are read by shape: an optional date, the name (which may hold
 * spaces), two numbers.
 */
export function parseWmicRows(output: string): WinProcess[] {
  const rows: WinProcess[] = [];
  for (const line of output.split(/\r?\n/)) {
    const match = /^(\d{14}\.\d{6}[+-]\d{3})?\s*(.*?)\s+(\d+)\s+(\d+)$/
      .exec(line.trim());
    if (!match) continue;
    rows.push({
      pid: Number(match[4]),
      ppid: Number(match[3]),
      startMs: match[1] === undefined ? null : cimDateMs(match[1]),
      exited: false,
      exe: match[2]!,
    });
  }
  return rows;
}

/** `wmic`'s output: UTF-16LE (with or without a byte-order mark) when it
 * writes to a file or pipe, else the console's code page. */
export function decodeWmic(bytes: Uint8Array): string {
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) ||
    (bytes.length >= 2 && bytes[0] !== 0 && bytes[1] === 0);
  return new TextDecoder(utf16 ? "utf-16le" : "utf-8").decode(bytes);
}

/** Runs `%SystemRoot%\System32\<program>` with `args` (no shell); its
 * output, or `null` when it fails. */
function output(program: string, args: readonly string[]): Uint8Array | null {
  try {
    return execFileSync(systemProgram(program, process.env), args, {
      stdio: ["ignore", "pipe", "ignore"],
      windowsHide: true,
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch {
    return null;
  }
}

/** One way of listing processes; an empty list means it can't answer. */
type Source = () => WinProcess[];

/** `wmic process get COLUMNS`, parsed. */
function wmic(columns: string): WinProcess[] {
  const out = output("wbem\\wmic.exe", ["process", "get", columns]);
  return out === null ? [] : parseWmicRows(decodeWmic(out));
}

const SOURCES: readonly Source[] = [
  () => {
    const out = output("WindowsPowerShell\\v1.0\\powershell.exe", [
      "-NoProfile",
      "-NonInteractive",
      "-Command",
      CIM_QUERY,
    ]);
    return out === null ? [] : parseCimRows(new TextDecoder().decode(out));
  },
  () => wmic("CreationDate,Name,ParentProcessId,ProcessId"),
  // Wine's wmic: "Invalid query" when CreationDate is asked for.
  () => wmic("Name,ParentProcessId,ProcessId"),
];

let working: Source | undefined;

/**
 * Every process (see the module doc).
 *
 * @throws {Error} Neither PowerShell nor `wmic` could list them.
 */
export function queryProcesses(): WinProcess[] {
  if (working !== undefined) {
    const rows = working();
    if (rows.length > 0) return rows;
  }
  for (const source of SOURCES) {
    const rows = source();
    if (rows.length > 0) {
      working = source;
      return rows;
    }
  }
  throw new Error(
    "Cannot list processes: neither PowerShell (Get-CimInstance Win32_Process) nor wmic answered; with FFI (Deno with --allow-ffi, or Bun) Toolhelp32 is used instead",
  );
}
