/**
 * The reliability suite's test wrapper: {@linkcode reliabilityCase} is a
 * `procTest` (fails when a process of the test survives it) that also
 * accounts for the file descriptors the case left open, and records one row
 * — case, expected, observed, processes left, fds left — for
 * `RELIABILITY.md` (see `scripts/reliability.ts`).
 *
 * Rows are appended as JSON lines to the file named by
 * `SUBPROC_RELIABILITY_OUT`, when set. Settings, all read from the
 * environment so that the same files run unchanged under Deno, Node and Bun:
 *
 * - `SUBPROC_FULL=1`: the heavy cases (1,000 children, 1 GiB at the default
 *   `maxBuffer`, 20,000 generated strings). Skipped otherwise, with a reason.
 * - `SUBPROC_SOAK_MINUTES=N`: the soak test, off unless set.
 */

import {
  appendFileSync,
  readdirSync,
  readFileSync,
  readlinkSync,
} from "node:fs";
import process from "node:process";
import { run } from "../../mod.ts";
import {
  hasProc,
  procTest,
  runtime,
  sleep,
  stat,
  tagged,
} from "../_helpers.ts";

/** `true` when the heavy cases run (`SUBPROC_FULL=1`). */
export const FULL: boolean = process.env.SUBPROC_FULL === "1";

/** The skip reason of a heavy case, or `false` when it runs. */
export const fullOnly: string | false = FULL
  ? false
  : "heavy case: set SUBPROC_FULL=1 (or run `npm run reliability -- --full`)";

/**
 * `true` when other test files run in this very process at the same time
 * (`deno test --parallel` runs modules in threads of one process; Node and
 * Bun don't). Open descriptors and RSS are per process, so a case can't
 * tell its own from theirs: they are then recorded, not enforced.
 */
export const SHARED_PROCESS: boolean = (() => {
  if (runtime !== "deno" || !hasProc) return false;
  try {
    const args = readFileSync("/proc/self/cmdline", "utf8").split("\0");
    return args.some((a) => a === "--parallel" || a.startsWith("--jobs"));
  } catch {
    return false;
  }
})();

/** Fails unless `ok`, except in a shared process (see
 * {@linkcode SHARED_PROCESS}), where process-wide figures mean nothing. */
export function assertProcessWide(ok: boolean, message: string): void {
  if (!ok && !SHARED_PROCESS) throw new Error(message);
}

/** One row of RELIABILITY.md. */
export interface CaseRecord {
  readonly kind: "case";
  readonly area: string;
  readonly name: string;
  readonly expected: string;
  readonly observed: string;
  readonly processesLeft: number | null;
  readonly fdsLeft: number | null;
  readonly ok: boolean;
  /** The case failed for its `knownIssue`. */
  readonly known: boolean;
  readonly ms: number;
  readonly runtime: string;
}

/** Writes one JSON line to `SUBPROC_RELIABILITY_OUT`, when set. */
export function emit(record: Record<string, unknown>): void {
  const out = process.env.SUBPROC_RELIABILITY_OUT;
  if (out) appendFileSync(out, JSON.stringify(record) + "\n");
}

/** Open file descriptors of this process (`/proc/self/fd`), or `null`. */
export function fdCount(): number | null {
  if (!hasProc) return null;
  // The directory handle used to list it is counted too; it is there on every
  // call, so differences are exact.
  return readdirSync("/proc/self/fd").length;
}

/** Resident set size of this process, in MiB. */
export function rssMiB(): number {
  return Math.round(process.memoryUsage().rss / 1048576);
}

let warmedUp = false;

/** Runs one child with pipes and a timeout first, so that what a runtime
 * opens once for good (Deno's signal-listener socket pair, Node's SIGCHLD
 * handle…) is part of every case's baseline, not of the first case's
 * leftovers. */
async function warmUp(): Promise<void> {
  if (warmedUp) return;
  warmedUp = true;
  await run(["cat"], { input: "x", capture: true, timeout: 10_000 });
}

/** Waits up to `ms` for the fd count to fall back to `baseline`; returns
 * how many are still above it. */
async function fdsAbove(baseline: number, ms: number): Promise<number> {
  const deadline = Date.now() + ms;
  let now = fdCount()!;
  while (now > baseline && Date.now() < deadline) {
    // Closing a pipe can take a turn of the event loop (or a GC, for a
    // stream that was dropped): give it time before counting it as a leak.
    await sleep(25);
    (globalThis as { gc?: () => void }).gc?.();
    now = fdCount()!;
  }
  return Math.max(0, now - baseline);
}

/** What a case says about itself. */
export interface CaseSpec {
  /** Section of the table: "load", "faults", "pidfile", "hostile input",
   * "user input". */
  readonly area: string;
  /** What must happen, in a few words (a row of the table). */
  readonly expected: string;
  /** Skip with this reason (printed by the runner). */
  readonly skip?: string | false;
  /** Milliseconds left processes get to end before they count (default
   * 1000). */
  readonly settleMs?: number;
  /**
   * A known, reported problem that makes the case's assertions fail (say
   * which and why). The failure is then recorded as "known issue" and does
   * not fail the test run; processes and fds left still do. When the
   * assertions pass after all, the row says the issue did not show.
   */
  readonly knownIssue?: string | false;
}

/**
 * A `procTest` that records a row for RELIABILITY.md. `fn` returns what was
 * observed (one line); it throws (after cleaning up) when the case failed.
 * After `fn`, the case fails if any process it started is still alive
 * (zombies aside) or if this process holds more file descriptors than
 * before.
 */
export function reliabilityCase(
  name: string,
  spec: CaseSpec,
  fn: () => string | Promise<string>,
): void {
  if (spec.skip) {
    // Deno's runner prints "ignored" without the reason: print it ourselves.
    console.log(`skipping "${name}": ${spec.skip}`);
    emit({ kind: "skip", area: spec.area, name, reason: spec.skip, runtime });
  }
  procTest(name, async () => {
    await warmUp();
    const tag = process.env.SUBPROC_TEST_TAG!;
    const baseline = fdCount();
    const started = performance.now();
    let observed: string;
    let failure: unknown;
    try {
      observed = await fn();
    } catch (error) {
      failure = error;
      const message = (error as Error)?.message ?? String(error);
      observed = `FAILED: ${message.split("\n")[0]}`;
    }
    const ms = Math.round(performance.now() - started);
    // Processes: give what was stopped a moment to go, then count.
    const deadline = Date.now() + (spec.settleMs ?? 1000);
    let left = hasProc ? tagged(tag) : [];
    while (left.length > 0 && Date.now() < deadline) {
      await sleep(20);
      left = tagged(tag);
    }
    const leftNames = left.map((pid) => `${pid} (${stat(pid)?.comm})`);
    const fdsLeft = baseline === null || SHARED_PROCESS
      ? null
      : await fdsAbove(baseline, 1500);
    const known = failure !== undefined && Boolean(spec.knownIssue);
    if (known) {
      observed = `KNOWN ISSUE: ${spec.knownIssue} — observed: ${
        observed.replace(/^FAILED: /, "")
      }`;
    } else if (spec.knownIssue) {
      observed = `${observed} (its known issue did not show this time)`;
    }
    const ok = failure === undefined && left.length === 0 && !fdsLeft;
    const record: CaseRecord = {
      kind: "case",
      area: spec.area,
      name,
      expected: spec.expected,
      observed,
      known,
      processesLeft: hasProc ? left.length : null,
      fdsLeft,
      ok,
      ms,
      runtime,
    };
    emit(record as unknown as Record<string, unknown>);
    if (failure !== undefined && !known) throw failure;
    if (left.length > 0) {
      throw new Error(`${name}: left ${leftNames.join(", ")} running`);
    }
    if (fdsLeft) {
      throw new Error(
        `${name}: ${fdsLeft} more file descriptor(s) open than before (${openFds()})`,
      );
    }
  }, spec.skip ? { skip: spec.skip } : {});
}

/** What the open fds point at, for a failure message. */
function openFds(): string {
  try {
    return readdirSync("/proc/self/fd").map((fd) => {
      try {
        return `${fd}→${readlinkSync(`/proc/self/fd/${fd}`)}`;
      } catch {
        return fd;
      }
    }).join(" ");
  } catch {
    return "unknown";
  }
}

/** The command that runs the fixture `name` (in `tests/reliability/fixtures/`,
 * written as `.ts`) on the runtime running the tests. Under Node the tests
 * are transpiled to `.js` next to the npm build: the `.js` twin is used. */
export function fixtureCommand(name: string): string[] {
  const ts = new URL(`./fixtures/${name}.ts`, import.meta.url);
  let file = ts.pathname;
  try {
    readFileSync(ts);
  } catch {
    file = new URL(`./fixtures/${name}.js`, import.meta.url).pathname;
  }
  if (runtime === "deno") {
    return [process.execPath, "run", "-A", "--quiet", file];
  }
  return [process.execPath, file];
}

/** A small seeded PRNG (mulberry32): the same seed, the same cases. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
