/**
 * `spawn(cmd, { ready })`: every condition against real servers and real
 * output, what happens when a child is never ready or ends first (checked
 * in /proc), and bad options.
 */

import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import {
  NotReadyError,
  type ReadyOptions,
  run,
  type RunOptions,
  spawn,
} from "../mod.ts";
import {
  allGone,
  eventually,
  marked,
  markedRunning,
  newMark,
  procTest,
  readAll,
  sleep,
  withTempDir,
} from "./_helpers.ts";
import {
  freePort,
  hasOpenssl,
  selfSignedCert,
  serverCommand,
} from "./_ready.ts";

/** A shell script run with `sh -c`. */
const sh = (script: string) => ["sh", "-c", script];

procTest(
  "ready: a line on a pipe, with lines before and after it kept for the reader",
  async () => {
    const child = spawn(
      sh(
        "echo one; echo two; sleep 0.2; echo 'listening on 4711'; echo after; exec sleep 30",
      ),
      { stdout: "pipe", ready: { line: /listening on (\d+)/ } },
    );
    const result = await child.ready;
    assert.equal(result.line, "listening on 4711");
    assert.equal(result.match?.[1], "4711");
    assert.ok(result.elapsedMs >= 150, `elapsed ${result.elapsedMs} ms`);
    await child.stop();
    assert.equal(
      await readAll(child.stdout!),
      "one\ntwo\nlistening on 4711\nafter\n",
      "nothing is lost to the watcher",
    );
  },
);

procTest(
  "ready: a string line; a line split over several writes; \\r\\n endings",
  async () => {
    const child = spawn(
      sh(
        "printf 'boot\\r\\nrea'; sleep 0.2; printf 'dy now\\r\\n'; exec sleep 30",
      ),
      { stdout: "pipe", ready: { line: "ready now" } },
    );
    const result = await child.ready;
    assert.equal(result.line, "ready now");
    assert.equal(result.match, undefined);
    await child.stop();
    assert.equal(await readAll(child.stdout!), "boot\r\nready now\r\n");
  },
);

procTest(
  "ready: a RegExp with the y flag matches at each line's start; the caller's RegExp is left alone",
  async () => {
    const sticky = /ready/y;
    sticky.lastIndex = 3;
    const child = spawn(
      sh("echo 'not ready yet'; sleep 0.1; echo 'ready now'; exec sleep 30"),
      { stdout: "pipe", ready: { line: sticky } },
    );
    assert.equal((await child.ready).line, "ready now");
    assert.equal(sticky.lastIndex, 3);
    await child.stop();
  },
);

procTest(
  "ready: stream picks stdout or stderr; both by default",
  async () => {
    const script = "echo 'ready out'; echo 'ready err' >&2; exec sleep 30";
    const streams = { stdout: "pipe", stderr: "pipe" } as const;
    const onErr = spawn(sh(script), {
      ...streams,
      ready: { line: /^ready/, stream: "stderr" },
    });
    assert.equal((await onErr.ready).line, "ready err");
    await onErr.stop();
    assert.equal(await readAll(onErr.stdout!), "ready out\n");
    assert.equal(await readAll(onErr.stderr!), "ready err\n");
    // stderr inherited: `both` reads the one stream it can.
    const onOut = spawn(sh("echo 'ready out'; exec sleep 30"), {
      stdout: "pipe",
      ready: { line: "ready" },
    });
    assert.equal((await onOut.ready).line, "ready out");
    await onOut.stop();
  },
);

procTest(
  "ready: a line in a { file } is followed; an append file's old lines don't count",
  async () => {
    await withTempDir("ready", async (dir) => {
      const log = join(dir, "app.log");
      writeFileSync(log, "ready (an earlier run)\n");
      const child = spawn(
        sh("echo booting; sleep 0.3; echo 'ready (this run)'; exec sleep 30"),
        {
          stdout: { file: log, append: true },
          ready: { line: /^ready/, interval: 20 },
        },
      );
      const result = await child.ready;
      assert.equal(result.line, "ready (this run)");
      await child.stop();
      assert.equal(
        readFileSync(log, "utf8"),
        "ready (an earlier run)\nbooting\nready (this run)\n",
      );
    });
  },
);

procTest("ready: a port that accepts after a delay", async () => {
  const port = await freePort();
  const child = spawn(serverCommand("tcp", port, 300), {
    stdout: "null",
    stderr: "null",
    ready: { port, interval: 20 },
  });
  const result = await child.ready;
  assert.ok(result.elapsedMs >= 300, `elapsed ${result.elapsedMs} ms`);
  assert.equal(result.line, undefined);
  // It really listens now.
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port }, () => {
      socket.destroy();
      resolve();
    });
    socket.once("error", reject);
  });
  await child.stop();
});

procTest("ready: an HTTP URL that answers 2xx, or 3xx", async () => {
  for (const path of ["/", "/moved"]) {
    const port = await freePort();
    const child = spawn(serverCommand("http", port, 200), {
      stdout: "pipe",
      stderr: "null",
      ready: { url: `http://127.0.0.1:${port}${path}`, line: "listening" },
    });
    const result = await child.ready;
    assert.equal(result.line, `listening on ${port}`);
    await child.stop();
  }
});

procTest(
  "ready: an HTTPS URL with a self-signed certificate",
  async () => {
    await withTempDir("ready-tls", async (dir) => {
      const tls = selfSignedCert(dir)!;
      const port = await freePort();
      const child = spawn(serverCommand("https", port, 200, tls), {
        stdout: "null",
        stderr: "null",
        ready: { url: `https://127.0.0.1:${port}/`, interval: 20 },
      });
      const result = await child.ready;
      assert.ok(result.elapsedMs >= 200);
      await child.stop();
    });
  },
  { skip: !hasOpenssl && "needs openssl" },
);

procTest(
  "ready: a URL that answers 503 is not ready: timeout, child stopped",
  async () => {
    const port = await freePort();
    const child = spawn(serverCommand("http", port, 0), {
      stdout: "null",
      stderr: "null",
      ready: { url: `http://127.0.0.1:${port}/unhealthy`, timeout: 800 },
    });
    const error = await child.ready.catch((e) => e);
    assert.ok(error instanceof NotReadyError, String(error));
    assert.equal(error.reason, "timeout");
    assert.deepEqual(error.unmet, [
      `a 2xx or 3xx answer from http://127.0.0.1:${port}/unhealthy`,
    ]);
    assert.equal(error.status?.signal, "SIGTERM");
    assert.ok(child.poll() !== null);
  },
);

procTest("ready: a file, a check, and all of them together", async () => {
  await withTempDir("ready", async (dir) => {
    const flag = join(dir, "up");
    let calls = 0;
    const check = async () => {
      calls++;
      await sleep(1);
      return existsSync(flag) && calls >= 3;
    };
    // `sh -c SCRIPT NAME`: $0 is the flag's path.
    const child = spawn(
      [...sh(`sleep 0.3; echo started; touch "$0"; exec sleep 30`), flag],
      {
        stdout: "pipe",
        ready: { file: flag, check, line: "started", interval: 20 },
      },
    );
    const result = await child.ready;
    assert.ok(existsSync(flag));
    assert.ok(calls >= 3);
    assert.equal(result.line, "started");
    await child.stop();
  });
});

procTest(
  "ready: a check that throws counts as false; the last error is the cause",
  async () => {
    const child = spawn(["sleep", "30"], {
      ready: {
        check: () => {
          throw new Error("not yet");
        },
        timeout: 300,
        interval: 20,
      },
    });
    const error = await child.ready.catch((e) => e);
    assert.ok(error instanceof NotReadyError);
    assert.equal((error.cause as Error).message, "not yet");
  },
);

procTest(
  "ready: never ready → the child and everything it started are stopped (/proc), then NotReadyError",
  async () => {
    const mark = newMark();
    const port = await freePort();
    const started = performance.now();
    const child = spawn(
      sh("echo starting; sleep 301 & sleep 302 & (setsid sleep 303 &); wait"),
      {
        env: { SUBPROC_TEST_MARK: mark },
        stdout: "pipe",
        newSession: true,
        // Long enough for the sleeps to start on a loaded machine.
        ready: { port, timeout: 2000 },
      },
    );
    await eventually(
      "the sleeps to start",
      () => markedRunning(mark, "sleep").length === 3,
    );
    const members = marked(mark);
    const error = await child.ready.catch((e) => e);
    const elapsed = performance.now() - started;
    assert.ok(error instanceof NotReadyError, String(error));
    assert.equal(error.reason, "timeout");
    assert.equal(error.timeout, 2000);
    assert.ok(elapsed >= 2000, `rejected after ${elapsed} ms`);
    assert.ok(error.elapsedMs >= 2000);
    assert.deepEqual(error.unmet, [`a TCP connection to 127.0.0.1:${port}`]);
    assert.equal(error.pid, child.pid);
    assert.equal(error.status?.signal, "SIGTERM");
    assert.match(
      error.message,
      new RegExp(
        `^Process ${child.pid} \\("sh"\\) was not ready after 2 s \\(waiting for a TCP connection to 127\\.0\\.0\\.1:${port}\\); it was stopped, with everything it started$`,
      ),
    );
    // Everything is gone at the time it rejects, the escaped one too.
    assert.deepEqual(marked(mark), [], "nothing it started is left");
    await allGone(members);
    assert.equal(await readAll(child.stdout!), "starting\n");
  },
);

procTest(
  "ready: the child exits first → rejected at once with its status, what it left stopped",
  async () => {
    const mark = newMark();
    const started = performance.now();
    const child = spawn(
      sh("echo 'fatal: no config' >&2; sleep 304 & exit 3"),
      {
        env: { SUBPROC_TEST_MARK: mark },
        stderr: "pipe",
        ready: { port: 1, line: "listening", timeout: 20_000 },
      },
    );
    const error = await child.ready.catch((e) => e);
    const elapsed = performance.now() - started;
    assert.ok(error instanceof NotReadyError, String(error));
    assert.equal(error.reason, "exited");
    assert.equal(error.status?.code, 3);
    assert.ok(elapsed < 10_000, `rejected after ${elapsed} ms, not at once`);
    assert.deepEqual(error.lastLines, ["fatal: no config"]);
    assert.equal(
      error.message,
      `Process ${child.pid} ("sh") exited with code 3 before it was ready (waiting for a line containing "listening" on stderr and a TCP connection to 127.0.0.1:1)`,
    );
    assert.deepEqual(marked(mark), [], "the sleep it left was stopped");
  },
);

procTest(
  "ready: a line written just before the child exits still counts",
  async () => {
    const child = spawn(sh("echo ready"), {
      stdout: "pipe",
      ready: { line: "ready" },
    });
    assert.equal((await child.ready).line, "ready");
    assert.equal((await child.status).code, 0);
  },
);

procTest(
  "ready: a daemon that forks and lets its first process exit 0 is waited for, and stopped with the child",
  async () => {
    const mark = newMark();
    await withTempDir("ready", async (dir) => {
      const flag = join(dir, "up");
      for (const newSession of [true, false]) {
        rmSync(flag, { force: true });
        const child = spawn(
          [
            ...sh(
              `(setsid sh -c 'sleep 0.3; touch "$0"; exec sleep 305' "$0" &); exit 0`,
            ),
            flag,
          ],
          {
            env: { SUBPROC_TEST_MARK: mark },
            newSession,
            ready: { file: flag, interval: 20 },
          },
        );
        assert.equal((await child.status).code, 0);
        await child.ready;
        // The file is touched just before `exec sleep`.
        await eventually(
          "the daemon's sleep",
          () => markedRunning(mark, "sleep").length === 1,
        );
        await child.stop();
        assert.deepEqual(marked(mark), []);
      }
    });
  },
);

procTest(
  "ready: a child that exits 0 leaving nothing is not ready ('exited')",
  async () => {
    const child = spawn(["true"], { ready: { port: 1, timeout: 20_000 } });
    const error = await child.ready.catch((e) => e);
    assert.ok(error instanceof NotReadyError);
    assert.equal(error.reason, "exited");
    assert.equal(error.status?.code, 0);
  },
);

procTest(
  "ready: stopping the child while it waits rejects with 'exited'; never an unhandled rejection",
  async () => {
    const child = spawn(["sleep", "30"], { ready: { port: 1 } });
    await child.stop();
    const error = await child.ready.catch((e) => e);
    assert.ok(error instanceof NotReadyError);
    assert.equal(error.reason, "exited");
    assert.equal(error.status?.signal, "SIGTERM");
    // Nobody looks at this one's `ready`.
    const ignored = spawn(["sleep", "30"], { ready: { port: 1 } });
    await ignored.stop();
    await sleep(100);
  },
);

procTest("ready: without the option, ready resolves at once", async () => {
  const child = spawn(["true"]);
  assert.deepEqual(await child.ready, { elapsedMs: 0 });
  await child.status;
});

const BAD: Array<[ReadyOptions | unknown, typeof TypeError, RegExp]> = [
  [42, TypeError, /`ready` option to be an object/],
  [{}, TypeError, /to name a condition \(line, port, url, file, check\)/],
  [{ timeout: 100 }, TypeError, /to name a condition/],
  [{ port: 8080, retries: 3 }, TypeError, /Unknown option `ready\.retries`/],
  [{ port: "8080" }, TypeError, /`ready\.port` to be a TCP port number/],
  [{ port: 0 }, RangeError, /from 1 to 65535, got 0/],
  [{ port: 65536 }, RangeError, /from 1 to 65535, got 65536/],
  [{ port: 80.5 }, RangeError, /got 80\.5/],
  [{ url: "http://x/", host: "x" }, TypeError, /`ready\.host` to come with/],
  [{ port: 80, host: "" }, RangeError, /`ready\.host` to be a host name/],
  [{ line: 42 }, TypeError, /`ready\.line` to be a string or a RegExp/],
  [{ line: "" }, RangeError, /`ready\.line` to be text found in one line/],
  [{ line: "a\nb" }, RangeError, /no newline/],
  [{ line: "x", stream: "stdin" }, TypeError, /"stdout", "stderr" or "both"/],
  [{ port: 80, stream: "stdout" }, TypeError, /`ready\.stream` to come with/],
  [{ url: "localhost:8080" }, RangeError, /http: or https: URL/],
  [{ url: "not a url" }, RangeError, /an absolute URL/],
  [{ url: "ftp://127.0.0.1/" }, RangeError, /http: or https: URL/],
  [{ file: "" }, RangeError, /`ready\.file` to be a path/],
  [{ check: true }, TypeError, /`ready\.check` to be a function/],
  [{ port: 80, timeout: -1 }, RangeError, /`ready\.timeout`/],
  [{ port: 80, timeout: "1s" }, TypeError, /`ready\.timeout`/],
  [{ port: 80, interval: 0 }, RangeError, /`ready\.interval`.*more than 0/],
  // The line can't be read where the stream goes.
  [{ line: "x" }, TypeError, /stdout is "inherit" and stderr is "inherit"/],
  [
    { line: "x", stream: "stderr" },
    TypeError,
    /stderr is "inherit"; a line can be read only from "pipe" or \{ file \}/,
  ],
];

procTest(
  "ready: bad options throw TypeError/RangeError before anything starts",
  async () => {
    await withTempDir("ready", async (dir) => {
      const witness = join(dir, "started");
      for (const [ready, type, message] of BAD) {
        assert.throws(
          () =>
            spawn(["touch", witness], {
              stdout: "inherit",
              ready: ready as ReadyOptions,
            }),
          (error: Error) => {
            assert.ok(
              error instanceof type,
              `${JSON.stringify(ready)}: ${error}`,
            );
            assert.match(error.message, message);
            return true;
          },
        );
      }
      assert.throws(
        () =>
          spawn(["touch", witness], {
            stdout: "null",
            stderr: "pipe",
            ready: { line: "x", stream: "stdout" },
          }),
        /stdout is "null"/,
      );
      await assert.rejects(
        run(["touch", witness], { ready: { port: 80 } } as RunOptions),
        /Unknown option `ready` given to run\(\)/,
      );
      await sleep(100);
      assert.ok(!existsSync(witness), "nothing was started");
    });
  },
);
