/**
 * `detach(cmd, { ready })`: resolves only once ready; not ready, the daemon
 * and everything it started are stopped (checked in /proc), no pidfile (nor
 * lock) is left, and the error carries the last lines of its log.
 */

import assert from "node:assert/strict";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { detach, isAlive, killTree, NotReadyError, Pidfile } from "../mod.ts";
import {
  alive,
  eventually,
  marked,
  markedRunning,
  newMark,
  procTest,
  sleep,
  stat,
  withTempDir,
} from "./_helpers.ts";
import { freePort, serverCommand } from "./_ready.ts";

procTest(
  "detach() with ready: resolves once the line is in its log, pidfile written",
  async () => {
    await withTempDir("ready-detach", async (dir) => {
      const pidfile = join(dir, "server.pid");
      const log = join(dir, "server.log");
      const port = await freePort();
      const daemon = await detach(serverCommand("http", port, 300), {
        pidfile,
        stdout: { file: log },
        stderr: { file: log },
        ready: {
          line: /^listening on (\d+)$/,
          url: `http://127.0.0.1:${port}/`,
        },
      });
      assert.equal(daemon.ready?.line, `listening on ${port}`);
      assert.equal(daemon.ready?.match?.[1], String(port));
      assert.ok(daemon.ready!.elapsedMs >= 300);
      assert.equal(new Pidfile(pidfile).read(), daemon.pid);
      assert.ok(alive(daemon.pid));
      assert.equal(stat(daemon.pid)!.sid, daemon.pid);
      await killTree(daemon.pid);
    });
  },
);

procTest(
  "detach() not ready in time: its tree stopped, no pidfile, the last 10 log lines in the error",
  async () => {
    await withTempDir("ready-detach", async (dir) => {
      const pidfile = join(dir, "server.pid");
      const log = join(dir, "server.log");
      writeFileSync(log, "an old line\n");
      const mark = newMark();
      const script =
        "for i in $(seq 1 12); do echo line $i; done; (setsid sleep 306 &); sleep 307 & exec sleep 308";
      const error = await detach(["sh", "-c", script], {
        pidfile,
        env: { SUBPROC_TEST_MARK: mark },
        stdout: { file: log, append: true },
        // Long enough for the 12 lines and the sleeps on a loaded machine.
        ready: { port: 1, timeout: 2000 },
      }).catch((e) => e);
      assert.ok(error instanceof NotReadyError, String(error));
      assert.equal(error.reason, "timeout");
      assert.equal(error.status?.signal, "SIGTERM");
      assert.deepEqual(
        error.lastLines,
        Array.from({ length: 10 }, (_, i) => `line ${i + 3}`),
      );
      assert.deepEqual(marked(mark), [], "the daemon and its tree are gone");
      assert.ok(!isAlive(error.pid!));
      assert.ok(!existsSync(pidfile), "no pidfile left");
      assert.deepEqual(readdirSync(dir), ["server.log"], "nor a lock");
    });
  },
);

procTest(
  "detach() whose program exits first: rejected at once, no pidfile",
  async () => {
    await withTempDir("ready-detach", async (dir) => {
      const pidfile = join(dir, "app.pid");
      const log = join(dir, "app.log");
      const started = performance.now();
      const error = await detach(
        ["sh", "-c", "echo 'error: port in use' >&2; exit 98"],
        {
          pidfile,
          stderr: { file: log },
          ready: { line: "listening", timeout: 20_000 },
        },
      ).catch((e) => e);
      assert.ok(error instanceof NotReadyError, String(error));
      assert.equal(error.reason, "exited");
      assert.equal(error.status?.code, 98);
      assert.ok(performance.now() - started < 10_000);
      assert.deepEqual(error.lastLines, ["error: port in use"]);
      assert.ok(!existsSync(pidfile));
    });
  },
);

procTest(
  "detach() with ready: a daemon that forks and lets its first process exit is waited for",
  async () => {
    await withTempDir("ready-detach", async (dir) => {
      const mark = newMark();
      const flag = join(dir, "up");
      const daemon = await detach([
        "sh",
        "-c",
        `(setsid sh -c 'sleep 0.3; touch "$0"; exec sleep 309' "$0" &)`,
        flag,
      ], {
        env: { SUBPROC_TEST_MARK: mark },
        ready: { file: flag, interval: 20 },
      });
      assert.ok(daemon.ready!.elapsedMs >= 300);
      // The file is touched just before `exec sleep`.
      await eventually(
        "the daemon's sleep",
        () => markedRunning(mark, "sleep").length === 1,
      );
      await killTree(markedRunning(mark, "sleep")[0]!);
    });
  },
);

procTest(
  "detach() with bad ready options: TypeError/RangeError, nothing started, no pidfile",
  async () => {
    await withTempDir("ready-detach", async (dir) => {
      const pidfile = join(dir, "x.pid");
      const witness = join(dir, "started");
      await assert.rejects(
        detach(["touch", witness], { pidfile, ready: { line: "x" } }),
        (error: Error) =>
          error instanceof TypeError &&
          /stdout is "null" and stderr is "null"/.test(error.message),
      );
      await assert.rejects(
        detach(["touch", witness], { pidfile, ready: { port: 70000 } }),
        RangeError,
      );
      await sleep(100);
      assert.deepEqual(readdirSync(dir), []);
    });
  },
);
