/**
 * Faults: children that misbehave, and a parent short of resources. Each
 * case ends with a clear error or a documented outcome, and nothing left
 * running (the case fails otherwise) and no descriptor left open.
 */

import assert from "node:assert/strict";
import { readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  killTree,
  MaxBufferError,
  run,
  spawn,
  TimeoutExpiredError,
} from "../../mod.ts";
import {
  alive,
  allGone,
  eventually,
  groupMembers,
  hasProc,
  sleep,
  stat,
  tempDir,
} from "../_helpers.ts";
import {
  assertProcessWide,
  fullOnly,
  reliabilityCase,
  rssMiB,
} from "./_case.ts";

const posix = hasProc ? false : "needs /proc (Linux)";
const MiB = 1024 * 1024;

/** Reads lines from `stream` until one matches `pattern`. */
async function readUntil(
  stream: ReadableStream<Uint8Array>,
  pattern: RegExp,
): Promise<string> {
  const reader = stream.getReader();
  let text = "";
  try {
    while (!pattern.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
  } finally {
    reader.releaseLock();
  }
  return text;
}

/** Bytes a process has written so far (`/proc/PID/io`), or `null`. */
function bytesWritten(pid: number): number | null {
  try {
    const io = readFileSync(`/proc/${pid}/io`, "utf8");
    return Number(/wchar: (\d+)/.exec(io)?.[1]);
  } catch {
    return null;
  }
}

/** `yes 0123456789abcdef | head -c N`: checkable output of any size. */
function pattern(size: number): string {
  return `yes 0123456789abcdef | head -c ${size}`;
}

function assertPattern(bytes: Uint8Array | undefined, size: number): void {
  assert.ok(bytes, "no output");
  assert.equal(bytes.byteLength, size, "output length");
  const line = new TextEncoder().encode("0123456789abcdef\n");
  for (let i = 0; i < size; i += 4099) {
    if (bytes[i] !== line[i % 17]) assert.fail(`output differs at byte ${i}`);
  }
}

reliabilityCase(
  "faults: a child (and grandchild) that ignores SIGTERM",
  {
    area: "faults",
    expected:
      "SIGKILL after `grace` for stop() (group and tree), run({timeout}) and killTree(); nothing left",
    skip: posix,
  },
  async () => {
    const script = "trap '' TERM; sleep 60 & echo ready; wait";
    const results: string[] = [];
    for (const newSession of [true, false]) {
      const child = spawn(["sh", "-c", script], { stdout: "pipe", newSession });
      await readUntil(child.stdout!, /ready/);
      const started = Date.now();
      const status = await child.stop({ grace: 300 });
      const took = Date.now() - started;
      assert.equal(status.signal, "SIGKILL");
      assert.ok(took >= 290 && took < 3000, `took ${took} ms`);
      await child.stdout!.cancel();
      results.push(`stop() ${newSession ? "group" : "tree"} ${took} ms`);
    }
    const started = Date.now();
    const error = await run(["sh", "-c", script], {
      capture: true,
      timeout: 100,
      grace: 300,
    }).catch((e) => e);
    assert.ok(error instanceof TimeoutExpiredError, String(error));
    assert.equal(error.status?.signal, "SIGKILL");
    assert.deepEqual(groupMembers(error.pid!), []);
    results.push(`run({timeout}) ${Date.now() - started} ms`);
    const tree = spawn(["sh", "-c", script], { stdout: "pipe" });
    await readUntil(tree.stdout!, /ready/);
    await killTree(tree.pid, { grace: 300 });
    assert.equal((await tree.status).signal, "SIGKILL");
    await tree.stdout!.cancel();
    results.push("killTree() SIGKILL");
    return `SIGKILL after grace 300 ms: ${results.join("; ")}`;
  },
);

reliabilityCase(
  "faults: a child that forks a grandchild and exits",
  {
    area: "faults",
    expected:
      "output() returns within drainTimeout though the grandchild holds stdout; stop() after the exit still ends the grandchild of a child with its own group; without a group it is orphaned — killTree(its pid) ends it",
    skip: posix,
  },
  async () => {
    const script = "sleep 60 & echo $!";
    // Its own group: the group outlives the leader, and stop() reaches it.
    const child = spawn(["sh", "-c", script], {
      stdout: "pipe",
      newSession: true,
      drainTimeout: 200,
    });
    let started = Date.now();
    const out = await child.output();
    const drained = Date.now() - started;
    const grandchild = Number(new TextDecoder().decode(out.stdout).trim());
    assert.equal(out.code, 0);
    assert.ok(drained < 1500, `output() took ${drained} ms`);
    assert.ok(alive(grandchild), "grandchild should still run");
    started = Date.now();
    await child.stop({ grace: 1000 });
    await allGone([grandchild]);
    const swept = Date.now() - started;
    // No group of its own: once the child is gone, nothing links the
    // grandchild to us any more.
    const plain = await run(["sh", "-c", script], {
      capture: true,
      drainTimeout: 200,
    });
    const orphan = Number(plain.stdout.trim());
    assert.ok(alive(orphan), "orphan should still run");
    const parent = stat(orphan)?.ppid;
    await killTree(orphan, { grace: 1000 });
    await allGone([orphan]);
    return `output() after ${drained} ms (drainTimeout 200); stop() after the exit ended the grandchild in ${swept} ms; without a group the orphan (re-parented to ${parent}) lived on until killTree(pid)`;
  },
);

const ESCAPE = "setsid sleep 60 & echo $!; wait";

/** The PID of the escapee a child running {@linkcode ESCAPE} printed, once
 * it has left the group. */
async function escapee(child: { stdout: ReadableStream | null }) {
  const pid = Number((await readUntil(child.stdout!, /\n/)).trim());
  await eventually("the grandchild to leave", () => stat(pid)?.sid === pid);
  return pid;
}

reliabilityCase(
  "faults: a grandchild that escapes with setsid — tree scope",
  {
    area: "faults",
    expected:
      'stop({ scope: "tree" }) and killTree() end it (found by its parent link); nothing left',
    skip: posix,
  },
  async () => {
    const tree = spawn(["sh", "-c", ESCAPE], {
      stdout: "pipe",
      newSession: true,
    });
    const a = await escapee(tree);
    await tree.stop({ scope: "tree", grace: 1000 });
    await tree.stdout!.cancel();
    await allGone([a]);
    const plain = spawn(["sh", "-c", ESCAPE], { stdout: "pipe" });
    const b = await escapee(plain);
    await killTree(plain.pid, { grace: 1000 });
    await plain.stdout!.cancel();
    await allGone([b]);
    return 'escapee ended by stop({ scope: "tree" }) and by killTree()';
  },
);

reliabilityCase(
  "faults: a grandchild that escapes with setsid — group scope",
  {
    area: "faults",
    expected:
      "run({timeout}), run({signal}) and stop()/asyncDispose of a child with its own group end the escapee too; nothing left",
    skip: posix,
  },
  async () => {
    const survivors: string[] = [];
    const check = async (how: string, pid: number) => {
      if (alive(pid)) {
        survivors.push(how);
        await killTree(pid, { grace: 1000 });
      }
      await allGone([pid]);
    };
    const timedOut = await run(["sh", "-c", ESCAPE], {
      capture: true,
      timeout: 300,
    }).catch((e) => e);
    assert.ok(timedOut instanceof TimeoutExpiredError, String(timedOut));
    await check("run({timeout})", Number(String(timedOut.stdout).trim()));
    const controller = new AbortController();
    const aborted = spawn(["sh", "-c", ESCAPE], {
      stdout: "pipe",
      signal: controller.signal,
      newSession: true,
    });
    const c = await escapee(aborted);
    controller.abort();
    await aborted.wait();
    await aborted.stdout!.cancel();
    await check("AbortSignal", c);
    const stopped = spawn(["sh", "-c", ESCAPE], {
      stdout: "pipe",
      newSession: true,
    });
    const d = await escapee(stopped);
    await stopped.stop({ grace: 1000 });
    await stopped.stdout!.cancel();
    await check("stop()", d);
    assert.deepEqual(
      survivors,
      [],
      `the escapee survived ${survivors.join(", ")} (killed here by killTree)`,
    );
    return "the escapee ended every time";
  },
);

reliabilityCase(
  "faults: the child closes stdin/stdout early while we write (EPIPE)",
  {
    area: "faults",
    expected:
      "no crash, no unhandled error: run({input}) returns the child's status and output; a writer on spawn().stdin sees a rejected write",
    skip: posix,
  },
  async () => {
    const input = new Uint8Array(32 * MiB).fill(120);
    const head = await run(["head", "-c", "10"], { input, capture: "bytes" });
    assert.equal(head.code, 0);
    assert.equal(head.stdout.byteLength, 10);
    const closed = await run(
      ["sh", "-c", "exec <&- >&-; sleep 0.1; echo done >&2"],
      { input, capture: true },
    );
    assert.deepEqual([closed.code, closed.stdout, closed.stderr], [
      0,
      "",
      "done\n",
    ]);
    // A `{ file }` stream sends the spawn through node:child_process.
    const dir = tempDir("epipe");
    try {
      const viaNode = await run(["head", "-c", "10"], {
        input,
        stdout: { file: join(dir, "out") },
      });
      assert.equal(viaNode.code, 0);
      assert.equal(statSync(join(dir, "out")).size, 10);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // By hand: the write fails, the caller sees it.
    const child = spawn(["head", "-c", "1"], {
      stdin: "pipe",
      stdout: "null",
    });
    const writer = child.stdin!.getWriter();
    const write = await writer.write(input).then(
      () => "resolved",
      (e) => `rejected (${(e as Error).name ?? e})`,
    );
    await writer.abort().catch(() => {});
    const status = await child.status;
    assert.equal(status.code, 0);
    return `run({input: 32 MiB}) to head -c 10 and to a child that closed both: exit 0, output exact; via node:child_process too; spawn().stdin write ${write}`;
  },
);

reliabilityCase(
  "faults: 1 GiB of output with maxBuffer 8 MiB",
  {
    area: "faults",
    expected:
      "MaxBufferError with exactly maxBuffer bytes kept; RSS grows by about maxBuffer, not 1 GiB; child stopped",
    skip: posix,
  },
  async () => {
    const rss = rssMiB();
    const started = Date.now();
    const error = await run(["head", "-c", `${1024 * MiB}`, "/dev/zero"], {
      capture: "bytes",
      maxBuffer: 8 * MiB,
    }).catch((e) => e);
    assert.ok(error instanceof MaxBufferError, String(error));
    assert.equal((error.stdout as Uint8Array).byteLength, 8 * MiB);
    // We send SIGTERM, then close our end of the pipe: a child blocked in
    // write() may see either first.
    assert.ok(
      ["SIGTERM", "SIGPIPE"].includes(String(error.status?.signal)),
      String(error.status?.signal),
    );
    assert.equal(alive(error.pid!), false);
    const grew = rssMiB() - rss;
    assertProcessWide(grew < 128, `RSS grew by ${grew} MiB`);
    return `MaxBufferError after ${
      Date.now() - started
    } ms, 8 MiB kept, child ended by SIGTERM; RSS +${grew} MiB`;
  },
);

reliabilityCase(
  "faults: 1 GiB of output at the default maxBuffer (128 MiB)",
  {
    area: "faults",
    expected:
      "MaxBufferError with 128 MiB kept; RSS bounded by about twice that; child stopped",
    skip: fullOnly || posix,
  },
  async () => {
    const rss = rssMiB();
    const started = Date.now();
    const error = await run(["head", "-c", `${1024 * MiB}`, "/dev/zero"], {
      capture: "bytes",
    }).catch((e) => e);
    assert.ok(error instanceof MaxBufferError, String(error));
    assert.equal((error.stdout as Uint8Array).byteLength, 128 * MiB);
    const grew = rssMiB() - rss;
    assertProcessWide(grew < 400, `RSS grew by ${grew} MiB`);
    return `MaxBufferError after ${
      Date.now() - started
    } ms, 128 MiB kept; RSS +${grew} MiB`;
  },
);

reliabilityCase(
  "faults: spawn() with stdout piped that nobody reads (1 GiB)",
  {
    area: "faults",
    expected:
      "documented: the child blocks once the pipe is full, memory stays flat, it never ends by itself (wait() times out); stop()/asyncDispose end it and free the pipe",
    skip: posix,
  },
  async () => {
    const rss = rssMiB();
    let written: number | null = null;
    let state: string | undefined;
    let waited = "";
    let status: unknown;
    {
      await using child = spawn(
        ["head", "-c", `${1024 * MiB}`, "/dev/zero"],
        { stdout: "pipe" },
      );
      await sleep(300);
      await eventually("the child to block", () => {
        const before = bytesWritten(child.pid);
        return before !== null && before === bytesWritten(child.pid);
      });
      written = bytesWritten(child.pid);
      state = stat(child.pid)?.state;
      waited = await child.wait({ timeout: 300 }).then(
        () => "ended",
        (e) => e instanceof TimeoutExpiredError ? "TimeoutExpiredError" : e,
      );
      status = child.status;
    }
    const end = await status;
    const grew = rssMiB() - rss;
    assert.equal(waited, "TimeoutExpiredError");
    assert.ok(written !== null && written < 16 * MiB, `wrote ${written}`);
    assertProcessWide(grew < 64, `RSS grew by ${grew} MiB`);
    return `child blocked (state ${state}) after writing ${
      Math.round((written ?? 0) / 1024)
    } KiB; wait({timeout: 300}) → TimeoutExpiredError; RSS +${grew} MiB; asyncDispose ended it (${
      (end as { signal: string }).signal
    })`;
  },
);

reliabilityCase(
  "faults: the child exits while its output is still in the pipe",
  {
    area: "faults",
    expected:
      "no byte lost: output read after the exit, with drainTimeout 0, through both backends, and while a grandchild holds the pipe",
    skip: posix,
  },
  async () => {
    // Fits in the pipe: the child is gone before we read a byte.
    const small = spawn(["sh", "-c", pattern(60_000)], {
      stdout: "pipe",
      drainTimeout: 0,
    });
    await small.status;
    await sleep(50);
    assertPattern((await small.output()).stdout, 60_000);
    // More than the pipe holds, on both streams.
    const size = 8 * MiB;
    const both = await run(
      ["sh", "-c", `${pattern(size)}; ${pattern(size)} >&2`],
      { capture: "bytes", drainTimeout: 0 },
    );
    assertPattern(both.stdout, size);
    assertPattern(both.stderr, size);
    // node:child_process (a `{ file }` stream sends the spawn there).
    const dir = tempDir("buffered");
    try {
      const viaNode = await run(["sh", "-c", pattern(size)], {
        capture: "bytes",
        stderr: { file: join(dir, "err") },
        drainTimeout: 0,
      });
      assertPattern(viaNode.stdout, size);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // A grandchild keeps the pipe open: the child's own output is complete.
    const held = spawn(
      ["sh", "-c", `sleep 60 & ${pattern(5_000_000)}`],
      { stdout: "pipe", stderr: "null", newSession: true, drainTimeout: 100 },
    );
    const out = await held.output();
    assertPattern(out.stdout, 5_000_000);
    await held.stop({ grace: 1000 });
    return "60 kB read after the exit, 2 × 8 MiB (stdout+stderr), 8 MiB via node:child_process, 5 MB with a grandchild holding the pipe: all exact";
  },
);

reliabilityCase(
  "faults: a child stopped by SIGSTOP, and one that forks when asked to stop",
  {
    area: "faults",
    expected:
      "stop() sends SIGCONT so a stopped child can act on SIGTERM; children forked in the TERM handler are caught by the tree freeze; nothing left",
    skip: posix,
  },
  async () => {
    const stopped = spawn(["sh", "-c", "kill -STOP $$; sleep 60"], {
      newSession: true,
      stderr: "null",
    });
    await eventually(
      "the child to stop",
      () => stat(stopped.pid)?.state === "T",
    );
    const s1 = await stopped.stop({ grace: 2000 });
    assert.equal(s1.signal, "SIGTERM");
    const hydra = spawn([
      "sh",
      "-c",
      "trap 'sleep 60 & sleep 60 & echo forked' TERM; echo ready; while :; do sleep 0.05; done",
    ], { stdout: "pipe", stderr: "null" });
    await readUntil(hydra.stdout!, /ready/);
    const s2 = await hydra.stop({ scope: "tree", grace: 300 });
    await hydra.stdout!.cancel();
    return `stopped child ended by ${s1.signal}; forking child ended by ${s2.signal}, its TERM-time children caught`;
  },
);
