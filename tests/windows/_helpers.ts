/**
 * Helpers of the Windows tests (run under Wine: `deno task test:windows`).
 * Every test file here skips itself elsewhere, so `deno test tests/`, Node
 * and Bun can load these files on any system.
 *
 * The kernel's view comes straight from kernel32 (Toolhelp32,
 * OpenProcess, IsProcessInJob), through the library's own bindings.
 */

import { spawn as nodeSpawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { type Kernel32, kernel32 } from "../../src/os/windows/kernel32.ts";
import {
  descendants,
  processInfo,
  snapshot,
  type WinProcess,
} from "../../src/os/windows/process_table.ts";

/** `test()` options that skip a test off Windows. */
export const windowsOnly: { skip: string | false } = {
  skip: process.platform !== "win32" && "Windows only",
};

/** How long a terminated process may take to disappear. */
export const DEATH_MS = 5000;

/** The kernel32 bindings (the tests run with -A, so FFI is there). */
export function k32(): Kernel32 {
  const k = kernel32();
  if (k === null) throw new Error("These tests need Deno with --allow-ffi");
  return k;
}

let wine: boolean | undefined;

/** `true` under Wine (ntdll exports `wine_get_version`). */
export function isWine(): boolean {
  wine ??= Deno.dlopen("ntdll.dll", {
    wine_get_version: { parameters: [], result: "pointer", optional: true },
  }).symbols.wine_get_version !== null;
  return wine;
}

/** `true` while `pid` runs (not merely held open by a handle). */
export function alive(pid: number): boolean {
  const row = processInfo(k32(), pid);
  return row !== null && !row.exited;
}

/** When `pid` was created (ms since the epoch), or `null` when it is gone. */
export function startOf(pid: number): number | null {
  return processInfo(k32(), pid)?.startMs ?? null;
}

/** The live descendants of `pid` (not `pid` itself). */
export function descendantsOf(pid: number): WinProcess[] {
  const table = snapshot(k32());
  const root = table.find((row) => row.pid === pid);
  if (root === undefined) return [];
  return descendants(table, root).filter((row) => row.pid !== pid);
}

/** Polls `done` every 50 ms; throws naming `what` after `ms`. */
export async function waitFor(
  done: () => boolean,
  ms: number,
  what: string,
): Promise<void> {
  const deadline = performance.now() + ms;
  while (!done()) {
    if (performance.now() > deadline) {
      throw new Error(`Timed out after ${ms} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Ends `pid` if it still runs (cleanup after a failed assertion). */
export function endProcess(pid: number | undefined): void {
  if (pid === undefined || !alive(pid)) return;
  const k = k32();
  const h = k.OpenProcess(0x1, 0, pid);
  if (h !== 0n) {
    k.TerminateProcess(h, 1);
    k.CloseHandle(h);
  }
}

/** A fresh temporary directory. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "subproc-win-"));
}

/** The absolute path of fixture `name`. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}

/** Permissions of a fixture: all, or all but FFI. */
const ALL = ["--allow-all"];
const NO_FFI = [
  "--allow-read",
  "--allow-write",
  "--allow-run",
  "--allow-env",
  "--allow-sys",
];

/** A fixture process: its PID, the JSON lines it printed, its end. */
export interface Fixture {
  readonly pid: number;
  /** Resolves with the first JSON line the fixture prints. */
  readonly report: Promise<Record<string, unknown>>;
  /** Resolves with its exit code once it ended. */
  readonly exit: Promise<number | null>;
}

/**
 * Runs `tests/windows/fixtures/<name>` with this Deno, started with the
 * runtime's own spawn (not the library under test). Deno puts its
 * non-detached children in a job of its own; `detached: true` keeps the
 * fixture out of it.
 */
export function runFixture(
  name: string,
  args: readonly string[] = [],
  options: { ffi?: boolean; detached?: boolean } = {},
): Fixture {
  const child = nodeSpawn(process.execPath, [
    "run",
    ...(options.ffi === false ? NO_FFI : ALL),
    fixture(name),
    ...args,
  ], { stdio: ["ignore", "pipe", "inherit"], detached: options.detached });
  let text = "";
  const report = new Promise<Record<string, unknown>>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Uint8Array) => {
      text += new TextDecoder().decode(chunk);
      const line = text.split("\n").find((l) => l.trim().startsWith("{"));
      if (line) resolve(JSON.parse(line));
    });
    child.on("exit", (code) =>
      reject(
        new Error(`Fixture ${name} exited with ${code} before reporting`),
      ));
  });
  const exit = new Promise<number | null>((resolve) =>
    child.on("exit", (code) => resolve(code))
  );
  report.catch(() => {});
  return { pid: child.pid!, report, exit };
}
