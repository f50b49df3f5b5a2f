/**
 * The Windows tests (`tests/windows/`) under Wine, on the Windows builds of
 * Deno (from the sources), Node and Bun (on the npm build, compiled into
 * `.build/node/` as for Linux): `npm run test:windows`.
 *
 * The test bed comes from `setup.ts` (Wine and mingw must be installed; when
 * they are not, the run is skipped with a note naming them — or fails, with
 * `SUBPROC_REQUIRE_TOOLS=1` as on CI). Each runner writes to a file, shown
 * as it grows: Node for Windows can't write to a Unix pipe (EBADF). After
 * each runtime, a process left in the prefix that a test could have started
 * fails the run, and the prefix's processes are ended (`wineserver -k`).
 *
 * A runner that prints nothing for 2 minutes is stalled: its threads are
 * shown (winedbg) and it is ended; a watchdog ends any after 5 minutes.
 * Wine itself fails now and then: deno.exe was seen to stall before running
 * anything under heavy load, Wine 8's server to crash (once in some thirty
 * runs), and bun.exe to hang inside Wine's NtQueryVolumeInformationFile
 * (about once in twenty runs). Only such failures (see `wineFailure`) are
 * retried, once, with a fresh wineserver, and the summary says so; a test
 * that fails is never retried.
 *
 * Usage: `deno run -A scripts/wine/test_windows.ts [--runtime deno,node,bun]`
 *
 * @module
 */

import { spawn } from "node:child_process";
import {
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import process from "node:process";
import { parseArgs } from "node:util";
import {
  decodeWmic,
  parseWmicRows,
} from "../../src/os/windows/process_query.ts";
import { toolsRequired } from "../_dev_tools.ts";
import { nodeTestsDir, prepareNodeTests } from "../node_tests.ts";
import {
  MissingTool,
  type RuntimeName,
  type WineBed,
  wineBed,
} from "./setup.ts";

const root = new URL("../..", import.meta.url).pathname;
const WATCHDOG_MS = 300_000;
/** No new output for this long: the runner is stuck (each test of Node
 * and Bun has a 60 s timeout, and a fixture 60 s to report). */
const STALL_MS = 120_000;
/** The per-test timeout given to the runners that take one. */
const TEST_TIMEOUT_MS = 60_000;
const RUNTIMES: readonly RuntimeName[] = ["deno", "node", "bun"];

/** A line that only a runner that has started testing prints. */
const STARTED = /^(running \d|✔|✖|﹣|\(pass\)|\(fail\)|\(skip\))/m;

/** The Windows test files of the npm build, relative to `.build/node/`. */
let compiledTests: string[] = [];

/** The runner of `name`'s suite: its arguments (after the executable) and
 * working directory. */
function suite(
  bed: WineBed,
  name: RuntimeName,
): { args: string[]; cwd: string } {
  switch (name) {
    case "deno":
      return {
        args: [bed.exe.deno, "test", "-A", "tests/windows/"],
        cwd: root,
      };
    case "node":
      return {
        args: [
          bed.exe.node,
          "--test",
          "--test-concurrency=1",
          `--test-timeout=${TEST_TIMEOUT_MS}`,
          "--test-reporter=spec",
          ...compiledTests,
        ],
        cwd: nodeTestsDir,
      };
    case "bun":
      return {
        args: [
          bed.exe.bun,
          "test",
          "--timeout",
          String(TEST_TIMEOUT_MS),
          "tests/windows/",
        ],
        cwd: nodeTestsDir,
      };
  }
}

function env(bed: WineBed): Record<string, string> {
  return { ...process.env, ...bed.env } as Record<string, string>;
}

/** How a runner ended. */
type RunEnd =
  | { readonly kind: "exited"; readonly code: number | null }
  /** The watchdog ended it. */
  | { readonly kind: "timeout" }
  /** It printed nothing for {@linkcode STALL_MS}. */
  | { readonly kind: "stall" }
  /** Wine's server crashed under it (it prints so); nothing in the prefix
   * would have moved again. */
  | { readonly kind: "crash" };

const WINESERVER_CRASH = "wineserver crashed";

/** Runs `args` (`runtime`'s runner) in the prefix, its output to `log`,
 * shown as it grows. A stalled runner's threads are shown before it is
 * ended. */
function runLogged(
  bed: WineBed,
  runtime: RuntimeName,
  args: string[],
  cwd: string,
  log: string,
): Promise<RunEnd> {
  const fd = openSync(log, "w");
  const child = spawn(bed.wine, args, {
    cwd,
    env: env(bed),
    stdio: ["ignore", fd, fd],
  });
  closeSync(fd);
  let end: RunEnd | undefined;
  const stop = (why: RunEnd) => {
    end ??= why;
    child.kill("SIGKILL");
    endPrefix(bed);
  };
  let shown = 0;
  let lastOutput = performance.now();
  let checking = false;
  const show = () => {
    const size = statSync(log).size;
    if (size > shown) {
      const text = readFileSync(log).subarray(shown, size);
      shown = size;
      lastOutput = performance.now();
      process.stdout.write(text);
      if (new TextDecoder().decode(text).includes(WINESERVER_CRASH)) {
        stop({ kind: "crash" });
      }
    } else if (!checking && performance.now() - lastOutput > STALL_MS) {
      checking = true;
      void showThreads(bed, runtime).finally(() => stop({ kind: "stall" }));
    }
  };
  const poll = setInterval(show, 250);
  const watchdog = setTimeout(() => stop({ kind: "timeout" }), WATCHDOG_MS);
  return new Promise((resolve) => {
    child.on("exit", (code) => {
      clearInterval(poll);
      clearTimeout(watchdog);
      show();
      resolve(end ?? { kind: "exited", code });
    });
  });
}

/** `pid` as winedbg names it: four hex digits. */
function hex(pid: number): string {
  return pid.toString(16).padStart(4, "0");
}

/** Prints the top frames of every thread of `runtime`'s processes in the
 * prefix (winedbg), to tell where a stalled runner hangs. */
async function showThreads(bed: WineBed, runtime: RuntimeName): Promise<void> {
  const rows = await processesOfPrefix(bed) ?? [];
  for (const row of rows) {
    if (row.exe.toLowerCase() !== `${runtime}.exe`) continue;
    const out = new Deno.Command(bed.wine, {
      args: ["winedbg", "--command", "bt all", String(row.pid)],
      env: env(bed),
      stdout: "piped",
      stderr: "null",
      signal: AbortSignal.timeout(30_000),
    }).outputSync();
    // `bt all` covers every process of the prefix: keep this one's threads.
    let ours = false;
    const frames = new TextDecoder().decode(out.stdout).split("\n")
      .filter((line) => {
        if (line.startsWith("Backtracing for thread")) {
          ours = line.includes(`process ${hex(row.pid)} `);
          return ours;
        }
        return ours && /^(=>0| {2}[1-4]) /.test(line);
      });
    console.log(
      `\n--- ${runtime} stalled: threads of ${row.exe} (${row.pid}) ---`,
    );
    console.log(frames.join("\n"));
  }
}

/**
 * Why a failed run is worth one more try, or `null`: Wine's own failures,
 * never a test's — its server crashed; the runner stalled before any test
 * ran; or a Node or Bun runner stalled although each of its tests has a
 * timeout, so its main thread was stuck in native code (Bun was seen to
 * hang so inside Wine's NtQueryVolumeInformationFile, with nothing of ours
 * on its stack). A stalled Deno (no per-test timeout) is not retried: it
 * may be waiting on us.
 */
function wineFailure(
  end: RunEnd,
  runtime: RuntimeName,
  log: string,
): string | null {
  if (end.kind === "crash") return "the wineserver crashed";
  const started = STARTED.test(readFileSync(log, "utf8"));
  if (end.kind !== "exited" && !started) {
    return "the runner stalled before any test ran";
  }
  if (end.kind === "stall" && runtime !== "deno") {
    return `${runtime} stalled in native code (no test timed out; threads above)`;
  }
  return null;
}

/** Ends every process of the prefix and waits for the wineserver. */
function endPrefix(bed: WineBed): void {
  for (const flag of ["-k", "-w"]) {
    new Deno.Command(bed.wineserver, {
      args: [flag],
      env: env(bed),
      stdout: "null",
      stderr: "null",
    }).outputSync();
  }
}

/** How long a process ended at the very end of a suite may take to leave
 * the table. */
const LEAVING_MS = 3000;

/** The processes of the prefix that a test could have started and left
 * behind, as `name (pid, parent ppid)`. */
async function leftovers(
  bed: WineBed,
  runtime: RuntimeName,
): Promise<string[]> {
  const names = new Set(["cmd.exe", "ping.exe", `${runtime}.exe`]);
  const deadline = performance.now() + LEAVING_MS;
  for (;;) {
    const rows = await processesOfPrefix(bed);
    if (rows === null) return ["(wmic failed)"];
    const left = rows.filter((row) => names.has(row.exe.toLowerCase()));
    if (left.length === 0 || performance.now() > deadline) {
      return left.map((row) => `${row.exe} (${row.pid}, parent ${row.ppid})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Every process of the prefix, from Wine's `wmic`; `null` if it failed. */
async function processesOfPrefix(
  bed: WineBed,
): Promise<ReturnType<typeof parseWmicRows> | null> {
  const dir = mkdtempSync(join(tmpdir(), "subproc-wine-"));
  try {
    const out = join(dir, "wmic.txt");
    const code = await runQuiet(bed, [
      "wmic",
      "process",
      "get",
      "Name,ParentProcessId,ProcessId",
    ], out);
    return code === 0 ? parseWmicRows(decodeWmic(readFileSync(out))) : null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runQuiet(
  bed: WineBed,
  args: string[],
  out: string,
): Promise<number | null> {
  const fd = openSync(out, "w");
  const child = spawn(bed.wine, args, {
    env: env(bed),
    stdio: ["ignore", fd, "ignore"],
  });
  closeSync(fd);
  return new Promise((resolve) => child.on("exit", resolve));
}

interface Outcome {
  readonly runtime: RuntimeName;
  readonly ok: boolean;
  readonly seconds: number;
  readonly note: string;
}

async function testRuntime(bed: WineBed, name: RuntimeName): Promise<Outcome> {
  const started = performance.now();
  console.log(
    `\n=== ${name} ${bed.versions[name]} for Windows, under Wine ===`,
  );
  const { args, cwd } = suite(bed, name);
  const dir = mkdtempSync(join(tmpdir(), "subproc-wine-"));
  const log = join(dir, `${name}.log`);
  try {
    let end = await runLogged(bed, name, args, cwd, log);
    const failure = wineFailure(end, name, log);
    if (failure !== null) {
      console.log(`\n${name}: ${failure} (Wine, not a test); retrying once`);
      endPrefix(bed);
      end = await runLogged(bed, name, args, cwd, log);
    }
    const left = await leftovers(bed, name);
    endPrefix(bed);
    const seconds = (performance.now() - started) / 1000;
    const notes = [
      end.kind === "timeout"
        ? `did not finish within ${WATCHDOG_MS / 1000} s`
        : end.kind === "stall"
        ? `printed nothing for ${STALL_MS / 1000} s`
        : end.kind === "crash"
        ? "the wineserver crashed again"
        : end.code !== 0
        ? `exit code ${end.code}`
        : "",
      failure === null ? "" : `retried once: ${failure}`,
      left.length > 0 ? `left running: ${left.join(", ")}` : "",
    ].filter(Boolean);
    const ok = end.kind === "exited" && end.code === 0 && left.length === 0;
    return { runtime: name, ok, seconds, note: notes.join("; ") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Builds the npm package and compiles the tests against it. */
function buildNpm(): void {
  const out = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(root, "scripts/build_npm.ts")],
    cwd: root,
  }).outputSync();
  if (!out.success) {
    console.log(new TextDecoder().decode(out.stdout));
    console.log(new TextDecoder().decode(out.stderr));
    throw new Error("the npm build failed");
  }
  compiledTests = prepareNodeTests()
    .map((file) => relative(nodeTestsDir, file))
    .filter((file) => file.startsWith("tests/windows/"));
}

const { values } = parseArgs({
  args: Deno.args,
  options: { runtime: { type: "string", default: RUNTIMES.join(",") } },
});
const chosen = values.runtime.split(",") as RuntimeName[];
for (const name of chosen) {
  if (!RUNTIMES.includes(name)) {
    console.error(
      `Unknown runtime ${JSON.stringify(name)}: expected ${
        RUNTIMES.join(", ")
      }`,
    );
    Deno.exit(2);
  }
}

const began = performance.now();
let bed: WineBed;
try {
  bed = await wineBed((line) => console.log(`wine setup: ${line}`));
} catch (error) {
  if (!(error instanceof MissingTool)) throw error;
  console.log(
    `test:windows ${toolsRequired ? "FAILED" : "skipped"}: ${error.message}`,
  );
  Deno.exit(toolsRequired ? 1 : 0);
}
const setupSeconds = (performance.now() - began) / 1000;
console.log(`wine setup: ready in ${setupSeconds.toFixed(1)} s (${bed.dir})`);
if (chosen.some((name) => name !== "deno")) {
  const built = performance.now();
  buildNpm();
  const seconds = (performance.now() - built) / 1000;
  console.log(`npm build for Node and Bun: ${seconds.toFixed(1)} s`);
}
const outcomes: Outcome[] = [];
for (const name of chosen) outcomes.push(await testRuntime(bed, name));

console.log("\n=== Windows under Wine: summary ===");
console.log(`ok   setup ${setupSeconds.toFixed(1)} s`);
for (const o of outcomes) {
  console.log(
    `${o.ok ? "ok  " : "FAIL"} ${o.runtime.padEnd(5)} ${
      o.seconds.toFixed(1)
    } s${o.note ? `  (${o.note})` : ""}`,
  );
}
console.log(`total ${((performance.now() - began) / 1000).toFixed(1)} s`);
Deno.exit(outcomes.every((o) => o.ok) ? 0 : 1);
