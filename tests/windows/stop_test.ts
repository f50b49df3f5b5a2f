/**
 * Stopping trees on Windows: our children through their job
 * (`TerminateJobObject`), other PIDs through Toolhelp32, graceful stops
 * through CTRL_BREAK — or, where it can't be delivered (Wine has no console
 * to send it on), at once with the status saying SIGKILL.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { killTree, run, spawn, TimeoutExpiredError } from "../../mod.ts";
import { snapshot } from "../../src/os/windows/process_table.ts";
import {
  alive,
  DEATH_MS,
  descendantsOf,
  endProcess,
  k32,
  startOf,
  waitFor,
  windowsOnly,
} from "./_helpers.ts";

/** cmd.exe starting two pings: one through `start /b` (it outlives the
 * shell's wait), one it waits for. */
const SHELL_WITH_GRANDCHILDREN = [
  "cmd.exe",
  "/d",
  "/c",
  "start /b ping -n 60 127.0.0.1 >NUL & ping -n 60 127.0.0.1 >NUL",
];

test(
  'stop({ scope: "tree" }) ends a cmd.exe and the grandchildren it started',
  windowsOnly,
  async () => {
    const child = spawn(SHELL_WITH_GRANDCHILDREN, { stdout: "null" });
    const since = startOf(child.pid)!;
    // Found by name and age, not by parent links: under Wine `start` is a
    // program of its own that exits, so one ping's parent is gone (the job
    // holds it all the same).
    const pings = () =>
      snapshot(k32()).filter((r) =>
        r.exe.toLowerCase() === "ping.exe" && !r.exited &&
        (r.startMs ?? 0) >= since
      ).map((r) => r.pid);
    let grandchildren: number[] = [];
    try {
      await waitFor(() => pings().length >= 2, DEATH_MS, "two pings");
      grandchildren = pings();
      const started = performance.now();
      const status = await child.stop({ scope: "tree", grace: 3000 });
      // Not in a console group of its own: nothing can ask it, so it is
      // ended at once, and the status says so.
      assert.deepEqual(status, {
        code: null,
        signal: "SIGKILL",
        success: false,
      });
      assert.ok(performance.now() - started < 2000);
      for (const pid of grandchildren) assert.ok(!alive(pid), `${pid} left`);
    } finally {
      for (const pid of [child.pid, ...grandchildren]) endProcess(pid);
    }
  },
);

test(
  "stop() asks a child in its own group with CTRL_BREAK, or ends it at once and says so",
  windowsOnly,
  async () => {
    const child = spawn(["ping.exe", "-n", "60", "127.0.0.1"], {
      stdout: "null",
      newSession: true,
    });
    assert.equal(child.pgid, child.pid);
    try {
      const started = performance.now();
      const status = await child.stop({ signal: "SIGTERM", grace: 5000 });
      const elapsed = performance.now() - started;
      if (status.signal === "SIGTERM") {
        // Windows: the default CTRL_BREAK handler ended it.
        assert.equal(status.code, null);
      } else {
        // Wine (no console to send the event on): ended at once.
        assert.deepEqual(status, {
          code: null,
          signal: "SIGKILL",
          success: false,
        });
        assert.ok(elapsed < 2000, `took ${elapsed} ms`);
      }
      assert.ok(!alive(child.pid));
    } finally {
      endProcess(child.pid);
    }
  },
);

test(
  "run() with a timeout stops the grandchildren too, with and without piped output",
  windowsOnly,
  async () => {
    for (const capture of [false, true]) {
      const before = performance.now();
      const error = await run(
        [
          "cmd.exe",
          "/d",
          "/c",
          "echo started& ping -n 60 127.0.0.1 >NUL",
        ],
        {
          timeout: 1500,
          grace: 100,
          capture,
          stdout: capture ? "pipe" : "null",
        },
      ).catch((e) => e);
      assert.ok(error instanceof TimeoutExpiredError, String(error));
      assert.ok(performance.now() - before < 8000);
      if (capture) assert.match(String(error.stdout), /started/);
      assert.equal(error.status?.signal, "SIGKILL");
      const pid = error.pid as number;
      assert.ok(!alive(pid));
      assert.deepEqual(descendantsOf(pid), []);
    }
  },
);

test(
  "killTree() ends a tree started by someone else (Toolhelp32)",
  windowsOnly,
  async () => {
    // Started by the runtime directly, not by the library: not one of ours.
    const shell = new Deno.Command("cmd.exe", {
      args: ["/d", "/c", "ping -n 60 127.0.0.1 >NUL"],
      stdout: "null",
    }).spawn();
    let grandchildren: number[] = [];
    try {
      await waitFor(
        () => descendantsOf(shell.pid).length >= 1,
        DEATH_MS,
        "the ping",
      );
      grandchildren = descendantsOf(shell.pid).map((r) => r.pid);
      await killTree(shell.pid, { grace: 100 });
      assert.ok(!alive(shell.pid));
      for (const pid of grandchildren) assert.ok(!alive(pid), `${pid} left`);
      assert.equal((await shell.status).code, 1);
      await killTree(shell.pid); // gone: resolves at once
    } finally {
      for (const pid of [shell.pid, ...grandchildren]) endProcess(pid);
    }
  },
);

test("kill() maps signals to what Windows can do", windowsOnly, async () => {
  const child = spawn(["ping.exe", "-n", "60", "127.0.0.1"], {
    stdout: "null",
  });
  try {
    assert.throws(
      () => child.kill("SIGWINCH"),
      /Cannot send SIGWINCH on Windows/,
    );
    assert.throws(() => child.kill("SIGUSR1"), RangeError);
    assert.equal(child.kill("SIGTERM"), true);
    assert.deepEqual(await child.status, {
      code: null,
      signal: "SIGKILL",
      success: false,
    });
  } finally {
    endProcess(child.pid);
  }
});
