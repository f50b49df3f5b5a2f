/**
 * Shared test helpers: the kernel's view of processes (`/proc`), and
 * `procTest`, a `node:test` `test()` that fails when the test leaked a
 * process.
 *
 * Leak detection: before each test, a fresh tag is put in our environment
 * (`SUBPROC_TEST_TAG`); every process the test starts inherits it, orphans
 * included. Afterwards any live process whose `/proc/PID/environ` holds the
 * tag is a leak: it is killed and the test fails.
 *
 * Runs unchanged under `deno test`, Node (`node --test` on the npm build) and
 * `bun test`: only `node:` APIs here.
 */

import { type ChildProcess, spawn as spawnChild } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import {
  cgroupDirectory,
  parseCgroup2Mount,
  parseOwnCgroup,
} from "../src/os/linux/cgroup/mount.ts";

/** `true` where `/proc` is there to check the kernel's view. */
export const hasProc: boolean = (() => {
  try {
    readFileSync("/proc/self/stat");
    return true;
  } catch {
    return false;
  }
})();

/** The runtime the tests run on. */
export const runtime: "deno" | "bun" | "node" =
  (globalThis as { Deno?: unknown }).Deno
    ? "deno"
    : (process.versions as Record<string, string | undefined>).bun
    ? "bun"
    : "node";

/** How long a killed process may take to disappear (zombies count as gone). */
export const DEATH_MS = 3000;

/** Where each optional system tool is looked for, and its Debian package. */
const TOOLS = {
  tmux: { paths: () => onPath("tmux"), pkg: "tmux" },
  // Where the library's Linux shim looks for it.
  setpriv: {
    paths: () => ["/usr/bin/setpriv", "/bin/setpriv"],
    pkg: "util-linux",
  },
} as const;

function onPath(name: string): string[] {
  return (process.env.PATH ?? "").split(":").filter((dir) => dir !== "")
    .map((dir) => join(dir, name));
}

/**
 * The reason to skip a test that needs optional tool `tool`, which is not
 * installed here, or `false`. `npm test` installs nothing: the note names
 * the tool and its package. With `SUBPROC_REQUIRE_TOOLS=1` (as `.ci/run`
 * sets) nothing is skipped, so a missing tool fails the test instead.
 */
export function missingTool(tool: keyof typeof TOOLS): string | false {
  if (process.env.SUBPROC_REQUIRE_TOOLS === "1") return false;
  const { paths, pkg } = TOOLS[tool];
  return paths().some((path) => existsSync(path))
    ? false
    : `${tool} is not installed (Debian/Ubuntu: apt-get install ${pkg})`;
}

/** One `/proc/PID/stat` row. */
export interface Stat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  pgid: number;
  sid: number;
  ttyNr: number;
}

/** `/proc/PID/stat` of `pid`, or `null` when it doesn't exist. */
export function stat(pid: number): Stat | null {
  let line: string;
  try {
    line = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  const close = line.lastIndexOf(")");
  const f = line.slice(close + 2).split(" ");
  return {
    pid,
    comm: line.slice(line.indexOf("(") + 1, close),
    state: f[0]!,
    ppid: Number(f[1]),
    pgid: Number(f[2]),
    sid: Number(f[3]),
    ttyNr: Number(f[4]),
  };
}

/** Alive = exists and is not a zombie (PID 1 here never reaps orphans). */
export function alive(pid: number): boolean {
  const s = stat(pid);
  return s !== null && s.state !== "Z" && s.state !== "X";
}

/** Every live process (not zombie) in the table. */
export function allStats(): Stat[] {
  const rows: Stat[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const s = stat(Number(name));
    if (s && s.state !== "Z" && s.state !== "X") rows.push(s);
  }
  return rows;
}

/** Live processes of group `pgid`. */
export function groupMembers(pgid: number): number[] {
  return allStats().filter((s) => s.pgid === pgid).map((s) => s.pid);
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it is true; throws after `ms` with `what`. */
export async function eventually(
  what: string,
  check: () => boolean,
  ms = DEATH_MS,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting: ${what}`);
    await sleep(10);
  }
}

/** Waits until every pid in `pids` is gone; throws listing survivors. */
export async function allGone(pids: readonly number[], ms = DEATH_MS) {
  await eventually(
    `processes ${pids.filter(alive).join(", ")} to end`,
    () => pids.every((pid) => !alive(pid)),
    ms,
  );
}

/** Live processes whose environment holds `SUBPROC_TEST_TAG=tag`. */
export function tagged(tag: string): number[] {
  const needle = `SUBPROC_TEST_TAG=${tag}`;
  const found: number[] = [];
  for (const s of allStats()) {
    if (s.pid === process.pid) continue;
    try {
      const env = readFileSync(`/proc/${s.pid}/environ`, "latin1");
      if (env.split("\0").includes(needle)) found.push(s.pid);
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

/**
 * The cgroup this test process moved itself into (Linux with a writable
 * cgroup v2), so that every cgroup the library makes for the children of a
 * test — and of the programs a test runs, such as the CLI — appears right
 * below it: a test that leaves one behind is caught, even while other test
 * processes run beside it. `null` where there is none. On exit the process
 * moves back and removes it; one left by a killed run is removed by the
 * next.
 */
export const testCgroup: string | null = enterTestCgroup();

function enterTestCgroup(): string | null {
  const read = (path: string) => {
    try {
      return readFileSync(path, "utf8");
    } catch {
      return "";
    }
  };
  const mount = parseCgroup2Mount(read("/proc/self/mountinfo"));
  const path = parseOwnCgroup(read("/proc/self/cgroup"));
  if (mount === null || path === null) return null;
  const own = cgroupDirectory(mount, path);
  if (own === null) return null;
  const stamp = (pid: string) =>
    read(`/proc/${pid}/stat`).split(") ")[1]?.split(" ")[19];
  const name = `subproc-tests.${process.pid}.${stamp("self")}`;
  // Each test file loads this module again (Deno): stay where the first put us.
  if (own.endsWith(`/${name}`)) return own;
  for (const name of readdirSync(own)) {
    const owner = /^subproc-tests\.(\d+)\.(\d+)$/.exec(name);
    if (owner && stamp(owner[1]!) !== owner[2]) {
      try {
        rmdirSync(join(own, name));
      } catch {
        // still in use
      }
    }
  }
  const dir = join(own, name);
  try {
    mkdirSync(dir);
    writeFileSync(join(dir, "cgroup.procs"), "0");
  } catch {
    return null; // not root, or no cgroup2 write access: tests skip what needs one
  }
  process.on("exit", () => {
    try {
      writeFileSync(join(own, "cgroup.procs"), "0");
      rmdirSync(dir);
    } catch {
      // a cgroup left below it: the next run reports nothing, the leak was
      // reported by the test that made it
    }
  });
  return dir;
}

/** The cgroups below {@linkcode testCgroup}. */
export function cgroupsLeft(): string[] {
  if (testCgroup === null) return [];
  return readdirSync(testCgroup).filter((name) => {
    try {
      return statSync(join(testCgroup!, name)).isDirectory();
    } catch {
      return false;
    }
  }).map((name) => join(testCgroup!, name));
}

/** Ends everything in cgroup `dir` and removes it (a leaked one). */
function removeLeakedCgroup(dir: string): void {
  try {
    writeFileSync(join(dir, "cgroup.kill"), "1");
  } catch {
    // gone already
  }
  const deadline = Date.now() + DEATH_MS;
  while (Date.now() < deadline) {
    try {
      rmdirSync(dir);
      return;
    } catch (error) {
      if ((error as { code?: string }).code === "ENOENT") return;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}

/** Options of {@linkcode procTest}. */
export interface ProcTestOptions {
  /** Skip with this reason (printed by the runner). */
  skip?: string | false;
  /** Processes the test leaves running on purpose (e.g. detached, then
   * checked and killed by the test itself) are still leaks: kill them. */
  leakWaitMs?: number;
}

/**
 * A `node:test` test that fails if it leaked a process or a cgroup.
 * Leftovers are given `leakWaitMs` (default 1 s) to end, then SIGKILLed
 * (cgroups: killed and removed) and reported.
 */
export function procTest(
  name: string,
  fn: () => Promise<void> | void,
  options: ProcTestOptions = {},
): void {
  const skip = options.skip || (hasProc ? false : "needs /proc (Linux)");
  test(name, { skip }, async () => {
    const tag = `${process.pid}-${Math.random().toString(36).slice(2)}`;
    const previous = process.env.SUBPROC_TEST_TAG;
    process.env.SUBPROC_TEST_TAG = tag;
    let failed = false;
    try {
      await fn();
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      if (previous === undefined) delete process.env.SUBPROC_TEST_TAG;
      else process.env.SUBPROC_TEST_TAG = previous;
      const deadline = Date.now() + (options.leakWaitMs ?? 1000);
      let left = tagged(tag);
      let cgroups = cgroupsLeft();
      while (
        (left.length > 0 || cgroups.length > 0) && Date.now() < deadline
      ) {
        await sleep(20);
        left = tagged(tag);
        cgroups = cgroupsLeft();
      }
      cgroups.forEach(removeLeakedCgroup);
      for (const pid of left) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
      if (left.length > 0 && !failed) {
        const what = left.map((pid) => `${pid} (${stat(pid)?.comm})`);
        // deno-lint-ignore no-unsafe-finally
        throw new Error(
          `Test leaked ${left.length} process(es): ${what.join(", ")}`,
        );
      }
      if (cgroups.length > 0 && !failed) {
        // deno-lint-ignore no-unsafe-finally
        throw new Error(
          `Test leaked ${cgroups.length} cgroup(s): ${cgroups.join(", ")}`,
        );
      }
    }
  });
}

/**
 * The command that runs `script` (a path relative to `tests/`, written as
 * `.ts`) on the runtime running the tests. Under Node the tests and the
 * fixtures are transpiled to `.js` next to the npm build, so the `.js` twin
 * is used.
 */
export function runtimeCommand(script: string): string[] {
  const base = new URL("./", import.meta.url);
  const ts = new URL(script, base);
  return scriptCommand(
    existsSync(ts)
      ? fileURLToPath(ts)
      : fileURLToPath(new URL(script.replace(/\.ts$/, ".js"), base)),
  );
}

/**
 * The command that runs the `subproc` CLI on the runtime running the tests:
 * the script `SUBPROC_TEST_CLI` names (`npm test` names JSR's bundled
 * `bin/subproc.js` for a second run of the CLI tests on Deno), else `cli.ts`
 * beside `tests/` (Deno, Bun), or under Node, where the tests run from a
 * transpiled copy next to the npm build, the built `cli.js`.
 */
export function cliCommand(): string[] {
  const ts = new URL("../cli.ts", import.meta.url);
  const file = process.env.SUBPROC_TEST_CLI ??
    (existsSync(ts)
      ? fileURLToPath(ts)
      : fileURLToPath(new URL("../cli.js", import.meta.url)));
  return scriptCommand(file);
}

/** The command that runs script `file` (a path) on the runtime running the
 * tests, with every permission on Deno. */
function scriptCommand(file: string): string[] {
  if (runtime === "deno") return [process.execPath, "run", "-A", file];
  return [process.execPath, file];
}

/** How a CLI run ended, with its output. */
export interface CliResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from start to exit. */
  ms: number;
}

/** Options of {@linkcode runCli}. */
export interface RunCliOptions {
  /** Variables added to the environment. */
  env?: Record<string, string>;
  /** Called with the CLI's PID once it started (e.g. to signal it). */
  onSpawn?: (pid: number) => void;
  /** Start the CLI in a new session and process group.
   * @default false */
  detached?: boolean;
  /** SIGKILL the CLI after this many ms (a hung test must not hang).
   * @default 30000 */
  killAfter?: number;
  /** A command the CLI runs under, e.g. `setpriv … --` to run it as
   * another user. */
  prefix?: readonly string[];
}

/** Runs `subproc ARGS...` and resolves once it exited. */
export function runCli(
  args: readonly string[],
  options: RunCliOptions = {},
): Promise<CliResult> {
  const [file, ...pre] = [...(options.prefix ?? []), ...cliCommand()];
  const child = spawnChild(file!, [...pre, ...args], {
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: options.detached ?? false,
  });
  if (child.pid !== undefined) options.onSpawn?.(child.pid);
  return outcome(child, options.killAfter ?? 30_000);
}

/** How `child` (started with stdout and stderr piped, now) ends, with its
 * output; it is SIGKILLed after `killAfter` ms (a hung test must not
 * hang). */
export function outcome(
  child: ChildProcess,
  killAfter: number,
): Promise<CliResult> {
  const started = Date.now();
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => stdout += d);
  child.stderr!.setEncoding("utf8").on("data", (d: string) => stderr += d);
  const timer = setTimeout(() => child.kill("SIGKILL"), killAfter);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      const ms = Date.now() - started;
      // Output may still be in the pipes; a leftover grandchild may hold
      // them open, so don't wait for their end for long.
      const done = () => {
        clearTimeout(cut);
        child.stdout!.destroy();
        child.stderr!.destroy();
        resolve({ code, signal, stdout, stderr, ms });
      };
      const cut = setTimeout(done, 1000);
      child.on("close", done);
    });
  });
}

/** Resolves once `file` holds a whole line (a child's "I'm ready"); returns
 * its text. */
export async function lineIn(file: string): Promise<string> {
  let text = "";
  await eventually(`a line in ${file}`, () => {
    try {
      text = readFileSync(file, "utf8");
    } catch {
      return false;
    }
    return text.endsWith("\n");
  }, 10_000);
  return text;
}

/** Reads `stream` to its end, as text. */
export async function readAll(
  stream: ReadableStream<Uint8Array>,
): Promise<string> {
  let text = "";
  const decoder = new TextDecoder();
  for await (const chunk of stream) text += decoder.decode(chunk);
  return text;
}

/** Live processes whose environment holds `SUBPROC_TEST_MARK=mark`. */
export function marked(mark: string): number[] {
  const needle = `SUBPROC_TEST_MARK=${mark}`;
  return allStats().filter((s) => {
    try {
      return readFileSync(`/proc/${s.pid}/environ`, "latin1").split("\0")
        .includes(needle);
    } catch {
      return false;
    }
  }).map((s) => s.pid);
}

/**
 * The {@linkcode marked} processes that run `program` (their `comm`). A
 * forked child keeps its parent's signal handlers until its `exec` is done:
 * a test that signals a shell's children must wait for this, not for the
 * fork alone, or the signal may be caught by the shell's handler and lost.
 */
export function markedRunning(mark: string, program: string): number[] {
  return marked(mark).filter((pid) => stat(pid)?.comm === program);
}

/** A fresh mark for {@linkcode marked}. */
export function newMark(): string {
  return `${process.pid}-${Math.random().toString(36).slice(2)}`;
}

/** A new empty directory under the system's temp directory, named
 * `subproc-NAME-…`; the test removes it. */
export function tempDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `subproc-${name}-`));
}

/** Runs `fn` with a new {@linkcode tempDir} named for `name`, and removes the
 * directory with what is in it once `fn` settled. */
export async function withTempDir<T>(
  name: string,
  fn: (dir: string) => Promise<T> | T,
): Promise<T> {
  const dir = tempDir(name);
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
