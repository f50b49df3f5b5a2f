import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { spawn, TimeoutExpiredError } from "../mod.ts";
import {
  alive,
  eventually,
  groupMembers,
  procTest,
  readAll,
  sleep,
  stat,
  tempDir,
} from "./_helpers.ts";

const decoder = new TextDecoder();

procTest("spawn() with newSession leads a new session and group", async () => {
  await using child = spawn(["sleep", "30"], { newSession: true });
  const s = stat(child.pid)!;
  assert.equal(child.pgid, child.pid);
  assert.equal(s.sid, child.pid);
  assert.equal(s.pgid, child.pid);
  assert.equal(s.ppid, process.pid);
  assert.equal(s.ttyNr, 0, "no controlling terminal");
});

procTest("spawn() without newSession shares our group", async () => {
  await using child = spawn(["sleep", "30"]);
  assert.equal(child.pgid, undefined);
  assert.equal(stat(child.pid)!.pgid, stat(process.pid)!.pgid);
});

procTest(
  "wait({ timeout }) throws, the child keeps running, wait() again succeeds",
  async () => {
    const child = spawn(["sleep", "0.5"]);
    const error = await child.wait({ timeout: 50 }).catch((e) => e);
    assert.ok(error instanceof TimeoutExpiredError);
    assert.equal(error.pid, child.pid);
    assert.ok(alive(child.pid));
    assert.equal(child.poll(), null);
    const status = await child.wait({ timeout: 5000 });
    assert.deepEqual(status, { code: 0, signal: null, success: true });
    assert.deepEqual(child.poll(), status);
  },
);

procTest("spawn() streams: write stdin, read stdout", async () => {
  const child = spawn(["cat"], { stdin: "pipe", stdout: "pipe" });
  const writer = child.stdin!.getWriter();
  await writer.write(new TextEncoder().encode("ping\n"));
  await writer.close();
  assert.equal(await readAll(child.stdout!), "ping\n");
  assert.equal((await child.status).code, 0);
});

procTest("output() collects both streams and closes stdin", async () => {
  const child = spawn(["sh", "-c", "cat; echo done >&2"], {
    stdin: "pipe",
    stdout: "pipe",
    stderr: "pipe",
  });
  const out = await child.output();
  assert.equal(decoder.decode(out.stdout), "");
  assert.equal(decoder.decode(out.stderr), "done\n");
  assert.equal(out.code, 0);
});

procTest(
  "communicate() with a timeout keeps the partial output and can be retried",
  async () => {
    const child = spawn(["sh", "-c", "echo first; sleep 0.4; echo second"], {
      stdin: "pipe",
      stdout: "pipe",
    });
    const error = await child.communicate("", { timeout: 100 }).catch((e) => e);
    assert.ok(error instanceof TimeoutExpiredError);
    assert.equal(decoder.decode(error.stdout as Uint8Array), "first\n");
    assert.ok(alive(child.pid));
    const out = await child.communicate();
    assert.equal(decoder.decode(out.stdout), "first\nsecond\n");
  },
);

procTest(
  "spawn() timeout stops the group; status shows the signal",
  async () => {
    const child = spawn(["sh", "-c", "sleep 30 & sleep 30 & wait"], {
      newSession: true,
      timeout: 100,
    });
    const status = await child.wait();
    assert.equal(status.signal, "SIGTERM");
    assert.equal(child.timedOut, true);
    assert.deepEqual(groupMembers(child.pid), []);
  },
);

procTest("AbortSignal stops the child's group", async () => {
  const controller = new AbortController();
  const child = spawn(["sh", "-c", "sleep 30 & sleep 30 & wait"], {
    newSession: true,
    signal: controller.signal,
  });
  await eventually(
    "the sleeps to start",
    () => groupMembers(child.pid).length === 3,
  );
  controller.abort();
  await child.wait();
  assert.deepEqual(groupMembers(child.pid), []);
});

procTest("stop() escalates to SIGKILL after grace", async () => {
  const child = spawn(["sh", "-c", "trap '' TERM; echo ready; sleep 30"], {
    newSession: true,
    stdout: "pipe",
  });
  const reader = child.stdout!.getReader();
  await reader.read();
  const started = Date.now();
  const status = await child.stop({ grace: 200 });
  assert.equal(status.signal, "SIGKILL");
  assert.ok(Date.now() - started >= 190);
  assert.deepEqual(groupMembers(child.pid), []);
  reader.releaseLock();
  await child.stdout!.cancel();
});

procTest(
  "stop({ scope: 'process' }) leaves the rest of the group",
  async () => {
    const child = spawn(["sh", "-c", "sleep 30 & echo $!; wait"], {
      newSession: true,
      stdout: "pipe",
    });
    const reader = child.stdout!.getReader();
    const sleeper = Number(decoder.decode((await reader.read()).value));
    reader.releaseLock();
    await child.stop({ scope: "process" });
    assert.ok(alive(sleeper));
    await child.stop({ scope: "group" }); // after the leader was reaped: members only
    await eventually("the sleeper to end", () => !alive(sleeper));
    await child.stdout!.cancel();
  },
);

procTest("stop() of a child without its own group uses the tree", async () => {
  const child = spawn(["sh", "-c", "sleep 30 & echo $!; wait"], {
    stdout: "pipe",
  });
  const reader = child.stdout!.getReader();
  const sleeper = Number(decoder.decode((await reader.read()).value));
  reader.releaseLock();
  const status = await child.stop({ grace: 1000 });
  assert.equal(status.signal, "SIGTERM");
  assert.equal(alive(sleeper), false);
  await child.stdout!.cancel();
});

procTest("await using stops the group and releases unread pipes", async () => {
  let pid = 0;
  {
    await using child = spawn([
      "sh",
      "-c",
      "sleep 30 & yes | head -c 1000000; wait",
    ], {
      newSession: true,
      stdout: "pipe",
      stderr: "pipe",
    });
    pid = child.pid;
  }
  assert.equal(alive(pid), false);
  assert.deepEqual(groupMembers(pid), []);
});

procTest(
  "kill() sends a signal; once the child has ended it returns false",
  async () => {
    const child = spawn(["sleep", "30"]);
    assert.equal(child.kill("SIGUSR1"), true);
    const status = await child.status;
    assert.equal(status.signal, "SIGUSR1");
    assert.equal(child.kill(), false);
    assert.equal(child.kill("SIGKILL"), false);
    // stop() of a finished child is a no-op that returns its status.
    assert.deepEqual(await child.stop(), status);
  },
);

procTest(
  "kill() after the end returns false whoever saw the exit first, and never throws",
  async () => {
    // The runtime learns of the exit a moment before the handle's status
    // settles: kill() in between used to throw or not, depending on the race.
    for (let i = 0; i < 40; i++) {
      const child = spawn(["true"]);
      if (i % 2 === 0) {
        await child.wait();
        assert.equal(child.kill(), false, `run ${i}, after wait()`);
        continue;
      }
      // Spin through the event loop until the status is known, calling
      // kill() at every turn: true while it runs, false once it has ended.
      let ended = false;
      while (child.poll() === null) {
        const sent = child.kill("SIGCONT");
        if (!sent) ended = true;
        assert.ok(!(ended && sent), `run ${i}: kill() sent after it refused`);
        await sleep(0);
      }
      assert.equal(child.kill("SIGCONT"), false, `run ${i}, once polled`);
    }
  },
);

procTest("cwd, env and clearEnv reach the child", async () => {
  const dir = tempDir("test");
  try {
    const child = spawn(["sh", "-c", 'pwd; echo "$GREETING:$HOME"'], {
      cwd: dir,
      env: { GREETING: "hi" },
      stdout: "pipe",
    });
    const out = decoder.decode((await child.output()).stdout);
    assert.equal(out, `${dir}\nhi:${process.env.HOME}\n`);
    const clean = spawn(["/usr/bin/env"], {
      clearEnv: true,
      env: { ONLY: "1" },
      stdout: "pipe",
    });
    assert.equal(decoder.decode((await clean.output()).stdout), "ONLY=1\n");
  } finally {
    rmSync(dir, { recursive: true });
  }
});

procTest("{ file } stdio writes, appends, and reads files", async () => {
  const dir = tempDir("test");
  try {
    const log = join(dir, "out.log");
    const input = join(dir, "in.txt");
    writeFileSync(input, "from file\n");
    await spawn(["echo", "one"], { stdout: { file: log } }).status;
    await spawn(["echo", "two"], { stdout: { file: log, append: true } })
      .status;
    assert.equal(readFileSync(log, "utf8"), "one\ntwo\n");
    await spawn(["cat"], { stdin: { file: input }, stdout: { file: log } })
      .status;
    assert.equal(readFileSync(log, "utf8"), "from file\n");
  } finally {
    rmSync(dir, { recursive: true });
  }
});

procTest("unref() lets the parent exit while the child runs", async () => {
  // A parent that unrefs a sleeping child must exit promptly.
  const child = spawn(["sleep", "30"]);
  child.unref();
  child.ref();
  await child.stop();
});

procTest(
  "an unread stdout holds the child back (backpressure); reading lets it finish",
  async () => {
    const size = 64 * 1024 * 1024;
    const child = spawn(["head", "-c", String(size), "/dev/zero"], {
      stdout: "pipe",
    });
    // Only the pipe and a bounded queue may fill: 64 MiB can't all be taken
    // in while nobody reads.
    assert.equal(await child.wait({ timeout: 500 }).catch(() => null), null);
    assert.equal(child.poll(), null, "still writing");
    let received = 0;
    for await (const chunk of child.stdout!) received += chunk.byteLength;
    assert.equal(received, size);
    assert.equal((await child.status).code, 0);
  },
);
