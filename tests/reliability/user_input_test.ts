/**
 * PIDs and signals from users: every bad value is refused with a
 * `TypeError` or `RangeError` before anything is signalled. A sentinel child
 * that reports every catchable signal it receives (and can't be stopped or
 * killed unnoticed: it is checked to be alive and running) proves that
 * nothing was sent to it, and this test process surviving proves nothing was
 * sent to us or our group.
 */

import assert from "node:assert/strict";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import {
  isAlive,
  killTree,
  Pidfile,
  spawn,
  type Subprocess,
} from "../../mod.ts";
import { hasProc, sleep, stat, tempDir } from "../_helpers.ts";
import { reliabilityCase } from "./_case.ts";

const ownGroup = hasProc ? stat(process.pid)!.pgid : 0;
const parent = hasProc ? stat(process.pid)!.ppid : 0;

/** Bad PIDs and the error each must raise. */
const BAD_PIDS: ReadonlyArray<readonly [string, unknown, "Type" | "Range"]> = [
  ["0", 0, "Range"],
  ["-1", -1, "Range"],
  ["-2", -2, "Range"],
  ["-(own pid)", -process.pid, "Range"],
  ["-(own group)", -ownGroup, "Range"],
  ["1.5", 1.5, "Range"],
  ["-0.5", -0.5, "Range"],
  ["NaN", NaN, "Range"],
  ["Infinity", Infinity, "Range"],
  ["-Infinity", -Infinity, "Range"],
  ["2^31", 2 ** 31, "Range"],
  ["2^53", 2 ** 53, "Range"],
  ["2^53 + 2", 2 ** 53 + 2, "Range"],
  ["1e300", 1e300, "Range"],
  ['"9"', "9", "Type"],
  ['"1234"', "1234", "Type"],
  ['""', "", "Type"],
  ['"1; kill -9 -1"', "1; kill -9 -1", "Type"],
  ["null", null, "Type"],
  ["undefined", undefined, "Type"],
  ["true", true, "Type"],
  ["9n", 9n, "Type"],
  ["{}", {}, "Type"],
  ["[9]", [9], "Type"],
  ["new Number(9)", new Number(9), "Type"],
  ["{ valueOf: 9 }", { valueOf: () => 9 }, "Type"],
];

/** PIDs that are valid numbers but must never be stopped by killTree. */
const FORBIDDEN_PIDS: ReadonlyArray<readonly [string, number]> = [
  ["own pid", process.pid],
  ["own group", ownGroup],
  ["parent (an ancestor)", parent],
  ["1 (init, an ancestor)", 1],
];

/** Bad signals (for kill(), stop(), killTree() and spawn's killSignal). */
const BAD_SIGNALS: ReadonlyArray<readonly [string, unknown, "Type" | "Range"]> =
  [
    ["9", 9, "Type"],
    ['"9"', "9", "Range"],
    ['"-9"', "-9", "Range"],
    ['"KILL"', "KILL", "Range"],
    ['"sigterm"', "sigterm", "Range"],
    ['"SIGFOO"', "SIGFOO", "Range"],
    ['""', "", "Range"],
    ['" SIGTERM"', " SIGTERM", "Range"],
    ['"SIGTERM\\n"', "SIGTERM\n", "Range"],
    ['"SIGKILL; kill -9 -1"', "SIGKILL; kill -9 -1", "Range"],
    ['"SIGBREAK" (Windows only)', "SIGBREAK", "Range"],
    ["null", null, "Type"],
    ["NaN", NaN, "Type"],
    ["0", 0, "Type"],
    ["{}", {}, "Type"],
    ["Symbol", Symbol("SIGTERM"), "Type"],
  ];

/** Bad `grace` and `scope` values for stop(). */
const BAD_STOP_OPTIONS: ReadonlyArray<readonly [string, unknown]> = [
  ["grace: -1", { grace: -1 }],
  ["grace: NaN", { grace: NaN }],
  ["grace: Infinity", { grace: Infinity }],
  ['grace: "100"', { grace: "100" }],
  ["grace: null", { grace: null }],
  ['scope: "all"', { scope: "all" }],
  ['scope: ""', { scope: "" }],
  ["scope: 1", { scope: 1 }],
  ["unknown option", { signl: "SIGKILL" }],
  ["not an object", "SIGKILL"],
  ["null", null],
];

function errorClass(kind: "Type" | "Range") {
  return kind === "Type" ? TypeError : RangeError;
}

/** A child that prints the name of every catchable signal it gets. */
function sentinel(): Subprocess {
  const traps = [
    "HUP",
    "INT",
    "QUIT",
    "ABRT",
    "USR1",
    "USR2",
    "ALRM",
    "TERM",
    "CONT",
    "TSTP",
    "WINCH",
  ].map((s) => `trap 'echo ${s}' ${s}`).join("; ");
  return spawn(
    ["sh", "-c", `${traps}; echo ready; while :; do sleep 0.05; done`],
    { stdout: "pipe", newSession: true },
  );
}

/** Reads the sentinel's first line; returns a function that reads the rest
 * of what it printed so far. */
async function ready(child: Subprocess): Promise<() => Promise<string>> {
  const reader = child.stdout!.getReader();
  let text = "";
  while (!text.includes("ready\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("sentinel ended");
    text += new TextDecoder().decode(value);
  }
  return async () => {
    // Whatever a signal made it print arrives within a few ms.
    await sleep(150);
    const more = await Promise.race([
      reader.read().then(({ value }) => new TextDecoder().decode(value)),
      sleep(50).then(() => ""),
    ]);
    reader.releaseLock();
    return text.slice(text.indexOf("ready\n") + 6) + more;
  };
}

function assertUntouched(child: Subprocess): void {
  assert.equal(child.poll(), null, "the sentinel ended");
  // Running or sleeping (S, R, D…), not stopped (T, t) or dead (Z, X).
  const state = stat(child.pid)?.state;
  assert.ok(state && !"TtZX".includes(state), `sentinel state ${state}`);
}

reliabilityCase(
  "user input: bad PIDs to killTree(), isAlive(), Pidfile.write()",
  {
    area: "user input",
    expected:
      `${BAD_PIDS.length} bad values → TypeError/RangeError from all three; killTree() refuses own pid, own group, ancestors; nothing signalled, no file written`,
    skip: hasProc ? false : "needs /proc",
  },
  async () => {
    const child = sentinel();
    const report = await ready(child);
    const dir = tempDir("pid");
    let refusals = 0;
    try {
      const file = new Pidfile(join(dir, "x.pid"));
      for (const [label, value, kind] of BAD_PIDS) {
        const E = errorClass(kind);
        await assert.rejects(
          killTree(value as number, { grace: 0 }),
          E,
          `killTree(${label})`,
        );
        assert.throws(() => isAlive(value as number), E, `isAlive(${label})`);
        assert.throws(() => file.write(value as number), E, `write(${label})`);
        assert.equal(existsSync(file.path), false, `write(${label}) wrote`);
        refusals += 3;
      }
      for (const [label, pid] of FORBIDDEN_PIDS) {
        const error = await killTree(pid, { killSignal: "SIGKILL", grace: 0 })
          .then(() => null, (e) => e);
        assert.ok(error instanceof RangeError, `killTree(${label}): ${error}`);
        assert.match(error.message, new RegExp(`${pid}`));
        refusals++;
      }
      // A path that is no path, or a directory that does not exist.
      assert.throws(() => new Pidfile(""), TypeError, "an empty path");
      assert.throws(() => new Pidfile("a\0b"), TypeError, "a NUL byte");
      assert.throws(
        () => new Pidfile(join(dir, "missing", "x.pid")).write(process.pid),
        /ENOENT/,
        "a missing directory is named",
      );
      refusals += 3;
      // Valid but absent PIDs: nothing to do, nothing sent.
      assert.equal(isAlive(2 ** 31 - 1), false);
      await killTree(2 ** 31 - 1, { grace: 0 });
      assert.deepEqual(await report(), "", "the sentinel got a signal");
      assertUntouched(child);
      return `${refusals} calls refused (TypeError/RangeError as expected); sentinel got no signal; this process and its group untouched`;
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await child.stop({ killSignal: "SIGKILL" });
    }
  },
);

reliabilityCase(
  "user input: bad signals and stop options to kill(), stop(), killTree(), spawn()",
  {
    area: "user input",
    expected:
      `${BAD_SIGNALS.length} bad signals and ${BAD_STOP_OPTIONS.length} bad stop options → TypeError/RangeError; nothing signalled, nothing spawned`,
    skip: hasProc ? false : "needs /proc",
  },
  async () => {
    const child = sentinel();
    const report = await ready(child);
    let refusals = 0;
    try {
      for (const [label, value, kind] of BAD_SIGNALS) {
        const E = errorClass(kind);
        assert.throws(
          () => child.kill(value as "SIGTERM"),
          E,
          `kill(${label})`,
        );
        await assert.rejects(
          child.stop({ killSignal: value as "SIGTERM", grace: 0 }),
          E,
          `stop({ killSignal: ${label} })`,
        );
        await assert.rejects(
          killTree(child.pid, { killSignal: value as "SIGTERM", grace: 0 }),
          E,
          `killTree(pid, { killSignal: ${label} })`,
        );
        assert.throws(
          () => spawn(["true"], { killSignal: value as "SIGTERM" }),
          E,
          `spawn({ killSignal: ${label} })`,
        );
        refusals += 4;
      }
      for (const [label, options] of BAD_STOP_OPTIONS) {
        const error = await child.stop(options as { grace: number }).then(
          () => null,
          (e) => e,
        );
        assert.ok(
          error instanceof TypeError || error instanceof RangeError,
          `stop(${label}): ${error}`,
        );
        refusals++;
      }
      assert.deepEqual(await report(), "", "the sentinel got a signal");
      assertUntouched(child);
      // After the child is reaped its PID may be someone else's: kill()
      // sends nothing and says so.
      await child.stop({ killSignal: "SIGKILL" });
      assert.equal(child.kill("SIGTERM"), false);
      refusals++;
      return `${refusals} calls refused (TypeError/RangeError as expected; kill() after reaping: false); sentinel got no signal`;
    } finally {
      await child.stop({ killSignal: "SIGKILL" });
    }
  },
);
