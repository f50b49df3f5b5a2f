/**
 * `detach()` on Windows: the program outlives its parent and the closing of
 * the parent's kill-on-close job (with FFI it breaks away from a job of the
 * parent's; without, it is outside the runtime's own job), keeps its real
 * PID, and its pidfile reads back; `killTree()` then ends it and the
 * grandchild it started — a tree this test process did not create.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { killTree, Pidfile } from "../../mod.ts";
import {
  alive,
  DEATH_MS,
  descendantsOf,
  endProcess,
  ffiOnly,
  hasFfi,
  isWine,
  runFixture,
  table,
  tempDir,
  waitFor,
  windowsOnly,
} from "./_helpers.ts";

interface Report {
  control: number;
  daemon: number;
  brokeAway: boolean | undefined;
}

test(
  "detach() survives the parent's exit and its kill-on-close job; killTree() ends a tree we did not create",
  windowsOnly,
  async () => {
    const pidfile = join(tempDir(), "daemon.pid");
    const mode = hasFfi ? "allow" : "none";
    const parent = runFixture("detach_parent", [mode, pidfile]);
    const report = await parent.report as unknown as Report;
    try {
      assert.equal(await parent.exit, 0);
      // Without FFI, "try" can't break away: it says so.
      assert.equal(report.brokeAway, hasFfi);
      // The job was closed: its control child died with it …
      await waitFor(
        () => !alive(report.control),
        DEATH_MS,
        "the control child",
      );
      // … while the detached program (the real PID: cmd.exe, no shell in
      // between) and its grandchild run on.
      const row = table().find((r) => r.pid === report.daemon);
      assert.equal(row?.exe.toLowerCase(), "cmd.exe");
      await waitFor(
        () => descendantsOf(report.daemon).length > 0,
        DEATH_MS,
        "the daemon's grandchild",
      );
      const grandchildren = descendantsOf(report.daemon).map((r) => r.pid);
      assert.ok(alive(report.daemon));
      // Without FFI the pidfile check needs a creation time, which Wine's
      // wmic doesn't give: only real Windows (PowerShell) can show it.
      if (hasFfi || !isWine()) {
        assert.equal(new Pidfile(pidfile).read(), report.daemon);
      }

      await killTree(report.daemon, { grace: 100 });
      assert.ok(!alive(report.daemon));
      for (const pid of grandchildren) assert.ok(!alive(pid), `${pid} left`);
      assert.equal(new Pidfile(pidfile).read(), null);
    } finally {
      endProcess(report.control);
      endProcess(report.daemon);
    }
  },
);

test(
  "detach() in a job that forbids breakaway reports brokeAway: false (and dies with the job)",
  ffiOnly,
  async () => {
    const pidfile = join(tempDir(), "daemon.pid");
    const parent = runFixture("detach_parent", ["deny", pidfile]);
    const report = await parent.report as unknown as Report;
    try {
      assert.equal(await parent.exit, 0);
      assert.equal(report.brokeAway, false);
      await waitFor(() => !alive(report.daemon), DEATH_MS, "the daemon's end");
    } finally {
      endProcess(report.control);
      endProcess(report.daemon);
    }
  },
);
