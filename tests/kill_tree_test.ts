import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import process from "node:process";
import { isAlive, killTree, spawn } from "../mod.ts";
import { collectTree } from "../src/process_tree.ts";
import { linux } from "../src/os/linux.ts";
import { alive, allStats, eventually, procTest, stat } from "./_helpers.ts";

/**
 * A tree of `1 + 3 + 9 + 27 + …` shells over `levels` levels; at level 2 one
 * branch leaves the group with setsid. Every leaf sleeps.
 */
function treeScript(levels: number, fanout: number): string {
  let script = "sleep 60";
  for (let level = levels; level > 1; level--) {
    const inner = script.replaceAll("'", "'\\''");
    const escape = level === 2 ? `setsid sh -c '${inner}' & ` : "";
    script = `${escape}${`sh -c '${inner}' & `.repeat(fanout)}wait`;
  }
  return script;
}

function descendants(root: number): number[] {
  return collectTree(linux.list(), [root]).map((row) => row.pid);
}

procTest(
  "killTree() stops a 4-level tree of 80+ processes, setsid escapees included",
  async () => {
    const child = spawn(["sh", "-c", treeScript(4, 3)]);
    await eventually(
      "the tree to grow",
      () => descendants(child.pid).length >= 50,
      10_000,
    );
    const members = descendants(child.pid);
    const escaped = members.filter((pid) =>
      stat(pid)!.sid !== stat(process.pid)!.sid
    );
    assert.ok(escaped.length > 0, "some members left the session");
    const started = performance.now();
    await killTree(child.pid, { grace: 1000 });
    const took = performance.now() - started;
    console.log(
      `killTree: ${members.length} processes in ${took.toFixed(1)} ms`,
    );
    assert.deepEqual(members.filter(alive), []);
    await child.status;
  },
);

procTest(
  "killTree() escalates to SIGKILL for a member that ignores SIGTERM",
  async () => {
    const child = spawn([
      "sh",
      "-c",
      "sh -c \"trap '' TERM; sleep 60\" & wait",
    ]);
    await eventually(
      "the tree to grow",
      () => descendants(child.pid).length >= 3,
    );
    const members = descendants(child.pid);
    const started = performance.now();
    await killTree(child.pid, { grace: 300 });
    assert.ok(performance.now() - started >= 290);
    assert.deepEqual(members.filter(alive), []);
    await child.status;
  },
);

procTest("killTree() ends a tree that keeps forking", async () => {
  // Each shell forks a new sleeper every few milliseconds.
  const child = spawn(["sh", "-c", "while :; do sleep 60 & sleep 0.005; done"]);
  await eventually(
    "the forks to pile up",
    () => descendants(child.pid).length > 5,
  );
  await killTree(child.pid, { grace: 500 });
  await child.status;
  const orphans = allStats().filter((s) =>
    s.comm === "sleep" && s.ppid === 1 &&
    readFileSync(`/proc/${s.pid}/environ`, "latin1").includes(
      process.env.SUBPROC_TEST_TAG!,
    )
  );
  assert.deepEqual(orphans.map((s) => s.pid), []);
});

procTest(
  "killTree() of a PID that doesn't exist resolves at once",
  async () => {
    const child = spawn(["true"]);
    await child.status;
    await killTree(child.pid);
    assert.equal(isAlive(child.pid), false);
  },
);

procTest(
  "killTree() and isAlive() refuse unsafe PIDs before signalling anything",
  async () => {
    for (
      const pid of [0, -1, -process.pid, 1.5, Number.NaN, Infinity, 2 ** 40]
    ) {
      await assert.rejects(killTree(pid), RangeError, `pid ${pid}`);
      assert.throws(() => isAlive(pid), RangeError);
    }
    for (const pid of ["9", null, undefined, {}]) {
      await assert.rejects(killTree(pid as unknown as number), TypeError);
    }
    await assert.rejects(killTree(process.pid), /this process/);
    const ownGroup = stat(process.pid)!.pgid;
    if (ownGroup !== process.pid) {
      await assert.rejects(killTree(ownGroup), RangeError);
    }
    await assert.rejects(killTree(process.ppid), /ancestor|own process group/);
    await assert.rejects(killTree(1), RangeError);
    await assert.rejects(
      killTree(123456, { killSignal: "SIGNOPE" as "SIGTERM" }),
      (e: Error) => e instanceof RangeError && /SIGNOPE/.test(e.message),
    );
    await assert.rejects(killTree(123456, { grace: -1 }), /grace/);
    assert.ok(alive(process.pid));
  },
);
