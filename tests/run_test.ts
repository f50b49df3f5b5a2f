import assert from "node:assert/strict";
import process from "node:process";
import {
  CalledProcessError,
  CommandNotFoundError,
  MaxBufferError,
  PermissionDeniedError,
  run,
  SubprocessError,
  TimeoutExpiredError,
} from "../mod.ts";
import { alive, allGone, groupMembers, procTest } from "./_helpers.ts";

procTest("run() captures text by default and bytes on request", async () => {
  const text = await run(["sh", "-c", "printf out; printf err >&2"], {
    capture: true,
  });
  assert.equal(text.stdout, "out");
  assert.equal(text.stderr, "err");
  assert.equal(text.code, 0);
  assert.equal(text.success, true);
  assert.deepEqual(text.cmd, ["sh", "-c", "printf out; printf err >&2"]);
  assert.ok(text.pid > 0);
  assert.ok(text.durationMs > 0);
  const bytes = await run(["printf", "\\001\\377"], { capture: "bytes" });
  assert.deepEqual(bytes.stdout, new Uint8Array([1, 255]));
});

procTest("run() without capture leaves stdout undefined", async () => {
  const result = await run(["true"], { stdout: "null" });
  assert.equal(result.stdout, undefined);
  assert.equal(result.stderr, undefined);
});

procTest("run() feeds input and reports exit codes and signals", async () => {
  const echoed = await run(["cat"], { input: "hello\n", capture: true });
  assert.equal(echoed.stdout, "hello\n");
  const failed = await run(["sh", "-c", "exit 3"]);
  assert.deepEqual([failed.code, failed.signal, failed.success], [
    3,
    null,
    false,
  ]);
  const killed = await run(["sh", "-c", "kill -USR1 $$"]);
  assert.deepEqual([killed.code, killed.signal], [null, "SIGUSR1"]);
});

procTest(
  "run() with check throws CalledProcessError with the output",
  async () => {
    const error = await run(["sh", "-c", "echo oops >&2; exit 4"], {
      check: true,
      capture: true,
    }).catch((e) => e);
    assert.ok(error instanceof CalledProcessError);
    assert.ok(error instanceof SubprocessError);
    assert.equal(error.status?.code, 4);
    assert.equal(error.stderr, "oops\n");
    assert.deepEqual(error.cmd, ["sh", "-c", "echo oops >&2; exit 4"]);
    assert.match(error.message, /exited with code 4/);
  },
);

procTest("run() returns promptly when a grandchild holds stdout", async () => {
  const started = Date.now();
  const result = await run([
    "sh",
    "-c",
    "sleep 60 & echo hi; echo $! >&2",
  ], {
    capture: true,
    newSession: true,
    drainTimeout: 200,
  });
  const elapsed = Date.now() - started;
  assert.equal(result.stdout, "hi\n");
  assert.ok(elapsed < 5000, `took ${elapsed} ms`);
  // The background sleep is still there, in the child's group: clean it up.
  const sleeper = Number(String(result.stderr).trim());
  assert.ok(alive(sleeper));
  process.kill(-result.pid, "SIGKILL");
  await allGone([sleeper]);
});

procTest("run() timeout stops the shell and its grandchildren", async () => {
  const started = Date.now();
  const error = await run(
    ["sh", "-c", "echo started; sleep 60 & sleep 60 & wait"],
    { capture: true, timeout: 300 },
  ).catch((e) => e);
  assert.ok(error instanceof TimeoutExpiredError, String(error));
  assert.equal(error.timeout, 300);
  assert.equal(error.stdout, "started\n");
  assert.equal(error.status?.signal, "SIGTERM");
  assert.ok(Date.now() - started < 5000);
  // The child led its own group; nothing of that group is left.
  assert.deepEqual(groupMembers(error.pid!), []);
  assert.equal(alive(error.pid!), false);
});

procTest("run() timeout escalates to SIGKILL after grace", async () => {
  const started = Date.now();
  const error = await run(["sh", "-c", "trap '' TERM; echo ready; sleep 60"], {
    capture: true,
    timeout: 200,
    grace: 200,
  }).catch((e) => e);
  assert.ok(error instanceof TimeoutExpiredError);
  assert.equal(error.status?.signal, "SIGKILL");
  assert.ok(Date.now() - started >= 390);
  assert.deepEqual(groupMembers(error.pid!), []);
});

procTest(
  "run() AbortSignal stops the whole group and rejects with the reason",
  async () => {
    const controller = new AbortController();
    const pending = run(["sh", "-c", "sleep 60 & sleep 60 & wait"], {
      signal: controller.signal,
    });
    await new Promise((r) => setTimeout(r, 100));
    controller.abort(new Error("user cancelled"));
    const error = await pending.catch((e) => e);
    assert.equal(error.message, "user cancelled");
  },
);

procTest(
  "run() with an already aborted signal starts and stops at once",
  async () => {
    const error = await run(["sleep", "60"], { signal: AbortSignal.abort() })
      .catch((e) => e);
    assert.equal(error.name, "AbortError");
  },
);

procTest("run() passes 64 MiB through a pipe intact", async () => {
  const size = 64 * 1024 * 1024;
  const result = await run(["head", "-c", String(size), "/dev/urandom"], {
    capture: "bytes",
  });
  assert.equal(result.stdout.byteLength, size);
  const again = await run(["sh", "-c", `yes abcdefgh | head -c ${size}`], {
    capture: "bytes",
  });
  assert.equal(again.stdout.byteLength, size);
  for (let i = 0; i < size; i += 1_048_573) {
    assert.equal(again.stdout[i], "abcdefgh\n".charCodeAt(i % 9));
  }
});

procTest("run() stops a child past maxBuffer", async () => {
  const error = await run(["cat", "/dev/zero"], {
    capture: "bytes",
    maxBuffer: 1024 * 1024,
  }).catch((e) => e);
  assert.ok(error instanceof MaxBufferError, String(error));
  assert.equal((error.stdout as Uint8Array).byteLength, 1024 * 1024);
  assert.equal(alive(error.pid!), false);
});

procTest(
  "run() reports a missing command and a non-executable file",
  async () => {
    const missing = await run(["no-such-command-subproc"]).catch((e) => e);
    assert.ok(missing instanceof CommandNotFoundError, String(missing));
    assert.match(missing.message, /no-such-command-subproc/);
    const dir = await run(["/"]).catch((e) => e);
    assert.ok(dir instanceof PermissionDeniedError, String(dir));
  },
);

procTest("run() puts a child with a timeout in its own session", async () => {
  const result = await run(["sh", "-c", "cat /proc/self/stat"], {
    capture: true,
    timeout: 5000,
  });
  const fields = result.stdout.slice(result.stdout.lastIndexOf(")") + 2)
    .split(" ");
  assert.equal(Number(fields[2]), result.pid); // pgid
  assert.equal(Number(fields[3]), result.pid); // sid
});
