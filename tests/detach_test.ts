import assert from "node:assert/strict";
import { readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { AlreadyRunningError, detach, killTree, Pidfile, run } from "../mod.ts";
import {
  alive,
  allGone,
  missingTool,
  procTest,
  runtimeCommand,
  stat,
  tempDir,
} from "./_helpers.ts";
import { startParent } from "./_parent.ts";

procTest(
  "detach() from a program that exits: the child lives on, in its own session, without a terminal",
  async () => {
    const dir = tempDir("detach");
    try {
      const pidfile = join(dir, "sleep.pid");
      const started = Date.now();
      const { parent, pid } = await startParent("detach", pidfile);
      const child = { pid };
      const status = await parent.wait({ timeout: 10_000 });
      const elapsed = Date.now() - started;
      assert.equal(status.code, 0);
      assert.ok(alive(child.pid), "the detached child survived its parent");
      const s = stat(child.pid)!;
      assert.equal(s.sid, child.pid);
      assert.equal(s.pgid, child.pid);
      assert.equal(s.ttyNr, 0);
      assert.equal(s.comm, "sleep", "the PID is the program's, not a shell's");
      assert.equal(readFileSync(pidfile, "utf8"), `${child.pid}\n`);
      assert.equal(new Pidfile(pidfile).read(), child.pid);
      console.log(`parent with a detached child exited after ${elapsed} ms`);
      await killTree(child.pid);
    } finally {
      rmSync(dir, { recursive: true });
    }
  },
);

procTest("detach(): the child survives its parent's SIGKILL", async () => {
  const dir = tempDir("detach");
  try {
    const { parent, pid } = await startParent(
      "detach-wait",
      join(dir, "p.pid"),
    );
    const child = { pid };
    parent.kill("SIGKILL");
    await parent.status;
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(alive(child.pid));
    await killTree(child.pid);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

procTest(
  "detach() with a live pidfile refuses to start a second copy",
  async () => {
    const dir = tempDir("detach");
    try {
      const pidfile = join(dir, "d.pid");
      const first = await detach(["sleep", "30"], { pidfile });
      const error = await detach(["sleep", "30"], { pidfile }).catch((e) => e);
      assert.ok(error instanceof AlreadyRunningError, String(error));
      assert.equal(error.pid, first.pid);
      assert.match(error.message, /d\.pid/);
      await killTree(first.pid);
      // Stale now: a new start is allowed.
      const second = await detach(["sleep", "30"], { pidfile });
      assert.notEqual(second.pid, first.pid);
      await killTree(second.pid);
    } finally {
      rmSync(dir, { recursive: true });
    }
  },
);

procTest(
  "detach() writes stdout/stderr to files, truncating or appending",
  async () => {
    const dir = tempDir("detach");
    try {
      const log = join(dir, "out.log");
      for (const word of ["one", "two"]) {
        const d = await detach(["sh", "-c", `echo ${word}; echo err >&2`], {
          stdout: { file: log, append: true },
          stderr: { file: log, append: true },
        });
        await allGone([d.pid]);
      }
      assert.equal(readFileSync(log, "utf8"), "one\nerr\ntwo\nerr\n");
      const d = await detach(["echo", "three"], { stdout: { file: log } });
      await allGone([d.pid]);
      assert.equal(readFileSync(log, "utf8"), "three\n");
      assert.equal(statSync(log).mode & 0o022, 0, "not group/world-writable");
    } finally {
      rmSync(dir, { recursive: true });
    }
  },
);

procTest("detach() refuses pipes and the terminal", async () => {
  await assert.rejects(
    detach(["true"], { stdout: "pipe" as "null" }),
    (e: Error) => e instanceof TypeError && /stdout/.test(e.message),
  );
});

procTest(
  "terminal hangup: a plain child dies with its terminal, a detached one survives",
  async () => {
    const dir = tempDir("detach");
    const socket = `subproc-test-${process.pid}`;
    const tmux = (...args: string[]) =>
      run(["tmux", "-L", socket, ...args], { capture: true });
    const quoted = (args: string[]) => args.map((a) => `'${a}'`).join(" ");
    const parent = runtimeCommand("fixtures/parent.ts");
    try {
      const plainOut = join(dir, "plain.json");
      const pidfile = join(dir, "detached.pid");
      const doneFile = join(dir, "detach.done");
      await tmux("new-session", "-d", "-s", "t", "sh");
      // Window 0: detach and return. Window 1: a program whose plain child
      // lives in the terminal's session, running in the foreground.
      await tmux(
        "send-keys",
        "-t",
        "t:0",
        `${quoted([...parent, "detach", pidfile])}; echo $? > ${doneFile}`,
        "Enter",
      );
      await tmux("new-window", "-t", "t:1", "sh");
      await tmux(
        "send-keys",
        "-t",
        "t:1",
        `${quoted([...parent, "spawn", "{}"])} > ${plainOut}`,
        "Enter",
      );
      let plain = 0;
      const deadline = Date.now() + 15_000;
      let detachExit = "";
      while ((!plain || !detachExit) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        plain = Number(JSON.parse(readIfExists(plainOut) || "{}").pid ?? 0);
        detachExit = readIfExists(doneFile);
      }
      const detached = new Pidfile(pidfile).read() ?? 0;
      assert.equal(detachExit, "0", "the detaching program exited");
      assert.ok(plain && detached, "both children started");
      assert.notEqual(stat(plain)!.sid, stat(detached)!.sid);
      const plainParent = stat(plain)!.ppid;
      await tmux("kill-server");
      await allGone([plain, plainParent], 5000);
      await new Promise((r) => setTimeout(r, 300));
      assert.ok(alive(detached), "the detached child survived the hangup");
      await killTree(detached);
    } finally {
      await tmux("kill-server").catch(() => {});
      rmSync(dir, { recursive: true });
    }
  },
  { skip: missingTool("tmux") },
);

function readIfExists(path: string): string {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return "";
  }
}
