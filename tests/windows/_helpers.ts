/**
 * Helpers of the Windows tests, which run under Wine on Deno, Node and Bun
 * (`npm run test:windows`). Every test file here that needs Windows skips
 * itself elsewhere, so `deno test tests/`, Node and Bun can load these files
 * on any system; `cmd_line_test.ts` and `shim_logic_test.ts` test the pure
 * parts of the Windows shim and run everywhere.
 *
 * The kernel's view comes from kernel32 (Toolhelp32, OpenProcess) where the
 * runtime has FFI (Deno with -A, Bun), else from the process table that
 * PowerShell or `wmic` prints and the runtime's `kill(pid, 0)` (Node) —
 * through the library's own bindings in both cases.
 */

import { spawn as nodeSpawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, win32 } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { killZero } from "../../src/os/kill_zero.ts";
import { type Kernel32, kernel32 } from "../../src/os/windows/kernel32.ts";
import { queryProcesses } from "../../src/os/windows/process_query.ts";
import {
  descendants,
  processInfo,
  snapshot,
  type WinProcess,
} from "../../src/os/windows/process_table.ts";
import { host } from "../../src/runtime/host.ts";

/** The runtime the tests run on. */
export const runtime: "deno" | "node" | "bun" = host.name;

const onWindows = process.platform === "win32";

/** `test()` options that skip a test off Windows. */
export const windowsOnly: { skip: string | false } = {
  skip: !onWindows && "Windows only",
};

/** The kernel32 bindings, or `null` on Node (no FFI). */
export function k32(): Kernel32 | null {
  return onWindows ? kernel32() : null;
}

/** `true` where the library reaches Windows through FFI (Deno with
 * `--allow-ffi`, Bun). */
export const hasFfi: boolean = k32() !== null;

/** `test()` options for what needs FFI: job objects, `CreateProcessW`. */
export const ffiOnly: { skip: string | false } = {
  skip: windowsOnly.skip ||
    (!hasFfi &&
      "needs FFI (job objects, CreateProcessW): Node has none; its errors are tested in no_ffi_test"),
};

/** `test()` options for what the library does without FFI: under Deno
 * (fixtures without --allow-ffi) and Node. */
export const noFfiOnly: { skip: string | false } = {
  skip: windowsOnly.skip ||
    (runtime === "bun" && "Bun always has FFI (bun:ffi)"),
};

/** `true` under Wine (a Wine prefix has `wineboot.exe` in System32). */
export function isWine(): boolean {
  const root = process.env.SystemRoot ?? "C:\\Windows";
  return existsSync(win32.join(root, "System32", "wineboot.exe"));
}

/** `test()` options for what needs creation times: FFI's
 * `GetProcessTimes`, else PowerShell's CIM query, which Wine lacks. */
export const startTimesKnown: { skip: string | false } = {
  skip: windowsOnly.skip ||
    (!hasFfi && isWine() &&
      "Node reads creation times through PowerShell (a stub under Wine) or wmic (no CreationDate under Wine): real Windows only"),
};

/** What Bun prints on stderr under Wine besides the program's own output
 * ("Internal error: directory mismatch …"; it runs on). */
const BUN_WINE_NOISE = /^Internal error: directory mismatch .*$/;

/** `lines` without Bun's line of noise under Wine (see above). */
export function withoutBunNoise(lines: readonly string[]): string[] {
  return lines.filter((line) => !BUN_WINE_NOISE.test(line));
}

/** `text` without Bun's lines of noise under Wine. */
export function withoutBunNoiseText(text: string): string {
  return withoutBunNoise(text.split("\n")).join("\n");
}

/** How long a terminated process may take to disappear. */
export const DEATH_MS = 5000;

/** Every process: Toolhelp32, or PowerShell/`wmic` without FFI. */
export function table(): WinProcess[] {
  const k = k32();
  return k === null ? queryProcesses() : snapshot(k);
}

/** `true` while `pid` runs (not merely held open by a handle). */
export function alive(pid: number): boolean {
  const k = k32();
  if (k === null) return killZero(pid);
  const row = processInfo(k, pid);
  return row !== null && !row.exited;
}

/** The live descendants of `pid` (not `pid` itself). */
export function descendantsOf(pid: number): WinProcess[] {
  const rows = table();
  const root = rows.find((row) => row.pid === pid);
  if (root === undefined) return [];
  return descendants(rows, root).filter((row) => row.pid !== pid);
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
  try {
    process.kill(pid, "SIGKILL"); // the runtime's TerminateProcess
  } catch {
    // gone meanwhile
  }
}

/** A fresh temporary directory. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "subproc-win-"));
}

/** Test scripts are TypeScript under Deno and compiled JavaScript on Node
 * and Bun (which run the tests of the npm build). */
const EXTENSION = import.meta.url.endsWith(".ts") ? ".ts" : ".js";

/** The absolute path of fixture `name` (without extension). */
export function fixture(name: string): string {
  return fileURLToPath(
    new URL(`./fixtures/${name}${EXTENSION}`, import.meta.url),
  );
}

/** Deno's permissions of a fixture: all, or all but FFI. */
const ALL = ["--allow-all"];
const NO_FFI = [
  "--allow-read",
  "--allow-write",
  "--allow-run",
  "--allow-env",
  "--allow-sys",
];

/**
 * The command that runs the script at `path` (a `.ts` under Deno, a `.js`
 * elsewhere: see {@linkcode EXTENSION}) with this runtime; `ffi: false`
 * withholds FFI (Deno only: Node has none, Bun can't run without it).
 */
export function scriptCommand(
  path: string,
  options: { ffi?: boolean } = {},
): string[] {
  if (runtime === "deno") {
    const permissions = options.ffi === false ? NO_FFI : ALL;
    return [process.execPath, "run", ...permissions, path];
  }
  if (runtime === "bun" && options.ffi === false) {
    throw new Error("Bun can't run without FFI: skip this test on Bun");
  }
  return [process.execPath, path];
}

/** The command that runs fixture `name` (see {@linkcode scriptCommand}). */
export function fixtureCommand(
  name: string,
  options: { ffi?: boolean } = {},
): string[] {
  return scriptCommand(fixture(name), options);
}

/** The command that runs JavaScript `code` with this runtime (`deno eval`,
 * `node -e`, `bun -e`). */
export function evalCommand(code: string): string[] {
  return runtime === "deno"
    ? [process.execPath, "eval", code]
    : [process.execPath, "-e", code];
}

/** The path of `tests/<path>` (without extension) as this runtime runs it:
 * `.ts` under Deno, the compiled `.js` elsewhere. */
export function testScript(path: string): string {
  return fileURLToPath(new URL(`../${path}${EXTENSION}`, import.meta.url));
}

/** How long a fixture may take to print its report. */
const FIXTURE_MS = 60_000;

/** A fixture process: its PID, the JSON lines it printed, its end. */
export interface Fixture {
  readonly pid: number;
  /** Resolves with the first JSON line the fixture prints. */
  readonly report: Promise<Record<string, unknown>>;
  /** Resolves with its exit code once it ended. */
  readonly exit: Promise<number | null>;
}

/**
 * Runs `tests/windows/fixtures/<name>` with this runtime, started with the
 * runtime's own spawn (not the library under test). Deno and Node put their
 * non-detached children in a kill-on-close job of their own; `detached:
 * true` keeps the fixture out of it.
 */
export function runFixture(
  name: string,
  args: readonly string[] = [],
  options: { ffi?: boolean; detached?: boolean } = {},
): Fixture {
  const [file, ...rest] = fixtureCommand(name, options);
  const child = nodeSpawn(file!, [...rest, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
    detached: options.detached,
  });
  let text = "";
  let timer: ReturnType<typeof setTimeout> | undefined;
  const report = new Promise<Record<string, unknown>>((resolve, reject) => {
    // A fixture that stalls (Wine has been seen to stall a starting
    // process under load) fails its test instead of hanging the suite.
    timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(`Fixture ${name} printed no report in ${FIXTURE_MS} ms`),
      );
    }, FIXTURE_MS);
    child.stdout!.on("data", (chunk: Uint8Array) => {
      text += new TextDecoder().decode(chunk);
      const line = text.split("\n").find((l) => l.trim().startsWith("{"));
      if (line) resolve(JSON.parse(line));
    });
    // "close", not "exit": the exit may be seen before the last output.
    child.on("close", (code) =>
      reject(
        new Error(`Fixture ${name} exited with ${code} before reporting`),
      ));
  });
  report.finally(() => clearTimeout(timer)).catch(() => {});
  // "exit", not "close": a terminated fixture's pipe may stay open while
  // the children it started run on (seen under Wine).
  const exit = new Promise<number | null>((resolve) =>
    child.on("exit", (code) => resolve(code))
  );
  return { pid: child.pid!, report, exit };
}
