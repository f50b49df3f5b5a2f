/**
 * Issue 14's edges on Windows: `stderr: "stdout"` gives the child stdout's
 * handle as its stderr (in order, through `CreateProcessW` and through the
 * `start /b` shim), `kill()` after the end returns `false`, and a command
 * line Windows refuses (over 32,767 characters) is an "argument list too
 * long" error with the sizes.
 */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { detach, killTree, run, spawn, SubprocessError } from "../../mod.ts";
import {
  alive,
  DEATH_MS,
  evalCommand,
  isWine,
  tempDir,
  waitFor,
  windowsOnly,
  withoutBunNoiseText,
} from "./_helpers.ts";

/** Writes o1, e1, o2, e2… alternately to stdout and stderr (synchronous
 * writes, on every runtime). */
const ALTERNATE = evalCommand(
  `const fs = process.getBuiltinModule("node:fs");
  for (let i = 1; i <= 50; i++) {
    fs.writeSync(1, "o" + i + "\\n");
    fs.writeSync(2, "e" + i + "\\n");
  }`,
);
const EXPECTED = Array.from({ length: 50 }, (_, i) => `o${i + 1}\ne${i + 1}\n`)
  .join("");

test(
  "stderr: 'stdout' with a file: one handle, the lines in the order written",
  windowsOnly,
  async () => {
    const dir = tempDir();
    const log = join(dir, "both.log");
    const r = await run(ALTERNATE, { stdout: { file: log }, stderr: "stdout" });
    assert.equal(r.code, 0);
    assert.equal(withoutBunNoiseText(readFileSync(log, "utf8")), EXPECTED);
    const quiet = await run(ALTERNATE, { stdout: "null", stderr: "stdout" });
    assert.equal(quiet.code, 0);
  },
);

test(
  "detach() with stderr 'stdout': one log, in order",
  windowsOnly,
  async () => {
    const dir = tempDir();
    const log = join(dir, "daemon.log");
    const daemon = await detach(ALTERNATE, {
      stdout: { file: log },
      stderr: "stdout",
    });
    try {
      await waitFor(() => !alive(daemon.pid), DEATH_MS * 2, "the daemon");
      assert.equal(withoutBunNoiseText(readFileSync(log, "utf8")), EXPECTED);
    } finally {
      await killTree(daemon.pid, { grace: 0 }).catch(() => {});
    }
  },
);

test(
  "kill() after the end returns false and never throws",
  windowsOnly,
  async () => {
    const child = spawn(evalCommand("0"), { stdout: "null" });
    const status = await child.status;
    assert.equal(status.code, 0);
    assert.equal(child.kill(), false);
    assert.equal(child.kill("SIGKILL"), false);
    for (let i = 0; i < 10; i++) {
      const quick = spawn(evalCommand("0"), { stdout: "null" });
      await quick.wait();
      assert.equal(quick.kill(), false, `run ${i}`);
    }
  },
);

test(
  "a command line over 32,767 characters: argument list too long, with the sizes",
  {
    skip: windowsOnly.skip ||
      (isWine() && "Wine accepts command lines over 32,767 characters"),
  },
  () => {
    assert.throws(
      () => spawn([...evalCommand("0"), "x".repeat(40_000)]),
      (e: Error) =>
        e instanceof SubprocessError &&
        /argument list too long \(E2BIG\): the arguments take .* KiB/.test(
          e.message,
        ) &&
        /Windows refuses a command line over 32,767 characters/.test(
          e.message,
        ),
    );
  },
);
