/**
 * Stopping trees on Windows: with FFI our children through their job
 * (`TerminateJobObject`) and other PIDs through Toolhelp32; without (Node)
 * every tree through the PowerShell/`wmic` table, member by member. Graceful
 * stops through CTRL_BREAK — or, where it can't be delivered (Wine has no
 * console to send it on; Node has no way to send it), at once with the
 * status saying SIGKILL.
 */

import assert from "node:assert/strict";
import { spawn as nodeSpawn } from "node:child_process";
import { test } from "node:test";
import { killTree, run, spawn, TimeoutExpiredError } from "../../mod.ts";
import {
  alive,
  DEATH_MS,
  descendantsOf,
  endProcess,
  hasFfi,
  isWine,
  table,
  waitFor,
  windowsOnly,
} from "./_helpers.ts";
import type { WinProcess } from "../../src/os/windows/process_table.ts";

/** A process as far as the table tells one from another: Wine hands a
 * freed PID to the next process at once, so the PID alone is not enough. */
function identity(row: WinProcess): string {
  return `${row.pid} ${row.exe.toLowerCase()} ${row.startMs ?? "?"}`;
}

/** The processes running now. */
function running(): Set<string> {
  return new Set(table().filter((r) => !r.exited).map(identity));
}

/** Pings that run now and did not when `before` was taken. */
function newPings(before: ReadonlySet<string>): number[] {
  return table().filter((r) =>
    r.exe.toLowerCase() === "ping.exe" && !r.exited && !before.has(identity(r))
  ).map((r) => r.pid);
}

test(
  'stop({ scope: "tree" }) ends a cmd.exe, the shell it started and its ping',
  windowsOnly,
  async () => {
    const child = spawn(
      ["cmd.exe", "/d", "/c", "cmd /d /c ping -n 60 127.0.0.1 >NUL"],
      { stdout: "null" },
    );
    let members: number[] = [];
    try {
      await waitFor(
        () => descendantsOf(child.pid).length >= 2,
        DEATH_MS,
        "the shell and its ping",
      );
      members = descendantsOf(child.pid).map((r) => r.pid);
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
      for (const pid of members) assert.ok(!alive(pid), `${pid} left`);
    } finally {
      for (const pid of [child.pid, ...members]) endProcess(pid);
    }
  },
);

test(
  'stop({ scope: "tree" }) ends a grandchild that `start /b` left without a live parent',
  {
    skip: windowsOnly.skip ||
      (!hasFfi && isWine() &&
        "Wine's `start` is a program of its own that exits, so the ping has no live parent to be found through: only a job (FFI) holds it there; on Windows `start /b` is cmd's own and the link holds"),
  },
  async () => {
    const before = running();
    // Two pings: one through `start /b` (it outlives the shell's wait), one
    // the shell waits for.
    const child = spawn([
      "cmd.exe",
      "/d",
      "/c",
      "start /b ping -n 60 127.0.0.1 >NUL & ping -n 60 127.0.0.1 >NUL",
    ], { stdout: "null" });
    try {
      await waitFor(() => newPings(before).length >= 2, DEATH_MS, "two pings");
      const grandchildren = newPings(before);
      const status = await child.stop({ scope: "tree", grace: 3000 });
      assert.equal(status.signal, "SIGKILL");
      for (const pid of grandchildren) assert.ok(!alive(pid), `${pid} left`);
    } finally {
      for (const pid of [child.pid, ...newPings(before)]) endProcess(pid);
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
      const status = await child.stop({ killSignal: "SIGTERM", grace: 5000 });
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
      const processes = running();
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
      assert.ok(!alive(error.pid as number));
      // Its ping was found through the table and ended too.
      assert.deepEqual(newPings(processes), []);
    }
  },
);

test(
  "killTree() ends a tree started by someone else",
  windowsOnly,
  async () => {
    // Started by the runtime directly, not by the library: not one of ours.
    const shell = nodeSpawn("cmd.exe", ["/d", "/c", "ping -n 60 127.0.0.1"], {
      stdio: "ignore",
    });
    const exit = new Promise((done) => shell.once("exit", done));
    const shellPid = shell.pid!;
    let grandchildren: number[] = [];
    try {
      await waitFor(
        () => descendantsOf(shellPid).length >= 1,
        DEATH_MS,
        "the ping",
      );
      grandchildren = descendantsOf(shellPid).map((r) => r.pid);
      await killTree(shellPid, { grace: 100 });
      assert.ok(!alive(shellPid));
      for (const pid of grandchildren) assert.ok(!alive(pid), `${pid} left`);
      assert.equal(await exit, 1);
      await killTree(shellPid); // gone: resolves at once
    } finally {
      for (const pid of [shellPid, ...grandchildren]) endProcess(pid);
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
