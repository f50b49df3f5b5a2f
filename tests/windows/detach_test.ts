/**
 * `detach()` on Windows: the program outlives its parent and the closing of
 * the parent's kill-on-close job (it breaks away), keeps its real PID, and
 * its pidfile reads back; `killTree()` then ends it and the grandchild it
 * started — a tree this test process did not create.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { killTree, Pidfile } from "../../mod.ts";
import { snapshot } from "../../src/os/windows/process_table.ts";
import {
  alive,
  DEATH_MS,
  descendantsOf,
  endProcess,
  k32,
  runFixture,
  tempDir,
  waitFor,
  windowsOnly,
} from "./_helpers.ts";

test(
  "detach() survives the parent's exit and its kill-on-close job; killTree() ends a tree we did not create",
  windowsOnly,
  async () => {
    const pidfile = join(tempDir(), "daemon.pid");
    const parent = runFixture("detach_parent.ts", ["allow", pidfile]);
    const report = await parent.report as {
      control: number;
      daemon: number;
      brokeAway: boolean;
    };
    try {
      assert.equal(await parent.exit, 0);
      assert.equal(report.brokeAway, true);
      // The job was closed: its control child died with it …
      await waitFor(
        () => !alive(report.control),
        DEATH_MS,
        "the control child",
      );
      // … while the detached program (the real PID: cmd.exe, no shell in
      // between) and its grandchild run on.
      const row = snapshot(k32()).find((r) => r.pid === report.daemon);
      assert.equal(row?.exe.toLowerCase(), "cmd.exe");
      await waitFor(
        () => descendantsOf(report.daemon).length > 0,
        DEATH_MS,
        "the daemon's grandchild",
      );
      const grandchildren = descendantsOf(report.daemon).map((r) => r.pid);
      assert.ok(alive(report.daemon));
      assert.equal(new Pidfile(pidfile).read(), report.daemon);

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
  windowsOnly,
  async () => {
    const pidfile = join(tempDir(), "daemon.pid");
    const parent = runFixture("detach_parent.ts", ["deny", pidfile]);
    const report = await parent.report as {
      control: number;
      daemon: number;
      brokeAway: boolean;
    };
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
