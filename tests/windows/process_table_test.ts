/**
 * `isAlive`, start times, the process table and `Pidfile` on Windows: with
 * FFI through OpenProcess + WaitForSingleObject, GetProcessTimes and
 * Toolhelp32; without (Node) through the runtime's `kill(pid, 0)` and
 * PowerShell or `wmic`.
 */

import assert from "node:assert/strict";
import { utimesSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { test } from "node:test";
import { isAlive, killTree, Pidfile, spawn } from "../../mod.ts";
import { os } from "../../src/os/select.ts";
import {
  endProcess,
  ffiOnly,
  runFixture,
  startTimesKnown,
  tempDir,
  windowsOnly,
} from "./_helpers.ts";

test(
  "isAlive() is false after a child exits with code 259 (STILL_ACTIVE)",
  windowsOnly,
  async () => {
    const child = spawn(["cmd.exe", "/d", "/c", "exit 259"]);
    assert.equal((await child.status).code, 259);
    assert.equal(isAlive(child.pid), false);
    assert.equal(os.startTimeMs(child.pid), null);
    assert.equal(isAlive(process.pid), true);
  },
);

/** A child that runs for a minute. */
function pingChild() {
  return spawn(["ping.exe", "-n", "60", "127.0.0.1"], { stdout: "null" });
}

test("list() and info() show a running child", windowsOnly, async () => {
  const child = pingChild();
  try {
    assert.ok(
      os.list().some((r) => r.pid === child.pid && r.ppid === process.pid),
    );
    assert.equal(os.info(child.pid)?.zombie, false);
    assert.equal(os.info(2 ** 31 - 2), null);
  } finally {
    await child.stop({ grace: 0 });
    endProcess(child.pid);
  }
});

test(
  "startTimeMs() is the child's creation time",
  startTimesKnown,
  async () => {
    const before = Date.now();
    const child = pingChild();
    try {
      const started = os.startTimeMs(child.pid)!;
      assert.ok(
        started >= before - 50 && started <= Date.now() + 50,
        `${started}`,
      );
    } finally {
      await child.stop({ grace: 0 });
      endProcess(child.pid);
    }
  },
);

test(
  "info() knows the parent and commandLine() the arguments (through FFI)",
  ffiOnly,
  async () => {
    const child = pingChild();
    try {
      assert.equal(os.info(child.pid)?.ppid, process.pid);
      assert.match(
        String(os.commandLine(child.pid)),
        /ping.*-n 60 127\.0\.0\.1/,
      );
    } finally {
      await child.stop({ grace: 0 });
      endProcess(child.pid);
    }
  },
);

test(
  "Pidfile reads back a live PID, and not one started after the file",
  startTimesKnown,
  async () => {
    const file = new Pidfile(join(tempDir(), "app.pid"));
    const child = pingChild();
    try {
      file.write(child.pid);
      assert.equal(file.read(), child.pid);
      // A file older than the process: the PID was reused.
      const old = new Date(Date.now() - 3600_000);
      utimesSync(file.path, old, old);
      assert.equal(file.read(), null);
      file.write(child.pid);
      await child.stop({ grace: 0 });
      assert.equal(file.read(), null);
    } finally {
      endProcess(child.pid);
      file.remove();
    }
  },
);

test("killTree() refuses this process", windowsOnly, async () => {
  await assert.rejects(() => killTree(process.pid), RangeError);
});

test(
  "killTree() refuses an ancestor of this process",
  windowsOnly,
  async () => {
    // The fixture, a child of this test process, aims at us.
    const report = await runFixture("kill_parent").report;
    assert.equal(report.error, "RangeError", JSON.stringify(report));
    assert.match(String(report.message), /ancestor/);
  },
);
