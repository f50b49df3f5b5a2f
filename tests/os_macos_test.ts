import assert from "node:assert/strict";
import process from "node:process";
import { spawn } from "../mod.ts";
import { linux } from "../src/os/linux.ts";
import { macos, parsePs } from "../src/os/macos.ts";
import { collectTree } from "../src/process_tree.ts";
import { eventually, procTest } from "./_helpers.ts";

// The macOS/BSD shim only needs `ps`; here it runs against Linux's procps so
// that the path is exercised on every CI run.

procTest("macOS shim: parsePs reads pid, ppid, pgid, state and lstart", () => {
  const rows = parsePs(
    "  1     0     1 Ss   Mon Nov 23 18:24:11 2026\n" +
      "4242    1  4242 Z+   Tue Nov 24 09:05:01 2026\n" +
      "garbage line\n",
  );
  assert.equal(rows.length, 2);
  assert.deepEqual(
    rows.map((r) => [r.pid, r.ppid, r.pgid, r.zombie]),
    [[1, 0, 1, false], [4242, 1, 4242, true]],
  );
  assert.equal(
    rows[1]!.startKey,
    Date.parse("Tue Nov 24 09:05:01 2026") / 1000,
  );
});

procTest(
  "macOS shim: finds the same tree and start times as /proc",
  async () => {
    const child = spawn(["sh", "-c", "sleep 30 & setsid sleep 30 & wait"], {
      newSession: true,
    });
    try {
      await eventually(
        "the tree to grow",
        () => collectTree(linux.list(), [child.pid]).length === 3,
      );
      const fromProc = collectTree(linux.list(), [child.pid]).map((r) => r.pid)
        .sort();
      const fromPs = collectTree(macos.list(), [child.pid]).map((r) => r.pid)
        .sort();
      assert.deepEqual(fromPs, fromProc);
      const row = macos.info(child.pid)!;
      assert.equal(row.ppid, process.pid);
      assert.equal(row.pgid, child.pid);
      assert.equal(row.zombie, false);
      const psStart = macos.startTimeMs(child.pid)!;
      const procStart = linux.startTimeMs(child.pid)!;
      // procps truncates twice: btime in /proc/stat is whole seconds, and
      // lstart prints whole seconds. So ps's start lies up to 2 s before
      // the true one (which /proc gives to within linux's resolution), and
      // never after it.
      const late = linux.startTimeResolutionMs;
      assert.ok(
        psStart <= procStart + late && psStart > procStart - 2000 - late,
        `${psStart} vs ${procStart}`,
      );
      assert.equal(macos.info(2 ** 22 + 12345), null);
      assert.equal(macos.groupExists(child.pid), true);
    } finally {
      // The setsid sleeper left the group: only a tree stop reaches it.
      await child.stop({ scope: "tree" });
    }
  },
);
