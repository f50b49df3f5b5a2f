/**
 * `stderr: "stdout"`: the child's stderr is the very descriptor of its
 * stdout (Python's `stderr=STDOUT`, the shell's `2>&1`), so both arrive in
 * the order it wrote them — checked byte for byte, and in the kernel's view
 * (`/proc/PID/fd/1` and `/2` are one pipe, file or terminal).
 */

import assert from "node:assert/strict";
import { readFileSync, readlinkSync, rmSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { detach, killTree, run, spawn } from "../mod.ts";
import {
  alive,
  eventually,
  procTest,
  runCli,
  runtime,
  stat,
  tempDir,
} from "./_helpers.ts";

/** Writes o1, e1, o2, e2… alternately to stdout and stderr. */
const ALTERNATE = [
  "sh",
  "-c",
  'i=1; while [ $i -le 300 ]; do echo "o$i"; echo "e$i" >&2; i=$((i+1)); done',
];
const EXPECTED = Array.from({ length: 300 }, (_, i) => `o${i + 1}\ne${i + 1}\n`)
  .join("");

const link = (pid: number | "self", fd: number) =>
  readlinkSync(`/proc/${pid}/fd/${fd}`);

procTest(
  "run({ capture, stderr: 'stdout' }): one stdout, in the exact order; stderr empty",
  async () => {
    const text = await run(ALTERNATE, { capture: true, stderr: "stdout" });
    assert.equal(text.code, 0);
    assert.equal(text.stdout, EXPECTED);
    assert.equal(text.stderr, "");
    const bytes = await run(ALTERNATE, { capture: "bytes", stderr: "stdout" });
    assert.equal(new TextDecoder().decode(bytes.stdout), EXPECTED);
    assert.deepEqual(bytes.stderr, new Uint8Array(0));
    // Twenty runs, in case the order only held by luck once.
    for (let i = 0; i < 20; i++) {
      const again = await run(ALTERNATE, { capture: true, stderr: "stdout" });
      assert.equal(again.stdout, EXPECTED, `run ${i}`);
    }
  },
);

procTest(
  "spawn({ stdout: 'pipe', stderr: 'stdout' }): fd 1 and 2 are one pipe; stderr is null",
  async () => {
    await using child = spawn([
      "sh",
      "-c",
      "echo out; echo err >&2; exec sleep 30",
    ], {
      stdout: "pipe",
      stderr: "stdout",
    });
    assert.equal(child.stderr, null);
    const reader = child.stdout!.getReader();
    let text = "";
    while (text !== "out\nerr\n") {
      const { value, done } = await reader.read();
      assert.ok(!done, `ended early with ${JSON.stringify(text)}`);
      text += new TextDecoder().decode(value);
    }
    reader.releaseLock();
    assert.match(link(child.pid, 1), /^(pipe|socket):\[\d+\]$/);
    assert.equal(link(child.pid, 2), link(child.pid, 1));
  },
);

procTest(
  "stderr: 'stdout' with a file, a terminal (inherit) or the null device",
  async () => {
    const dir = tempDir("merge");
    try {
      const log = join(dir, "both.log");
      const r = await run(ALTERNATE, {
        stdout: { file: log },
        stderr: "stdout",
      });
      assert.equal(r.code, 0);
      assert.equal(readFileSync(log, "utf8"), EXPECTED);
      await run(["sh", "-c", "echo more; echo again >&2"], {
        stdout: { file: log, append: true },
        stderr: "stdout",
      });
      assert.equal(readFileSync(log, "utf8"), `${EXPECTED}more\nagain\n`);

      const sleeper = ["sleep", "30"];
      for (
        const [stdout, expected] of [
          [{ file: log }, log],
          ["inherit", link("self", 1)],
          ["null", "/dev/null"],
        ] as const
      ) {
        await using child = spawn(sleeper, { stdout, stderr: "stdout" });
        await eventually(
          "the child to exec",
          () => stat(child.pid)?.comm === "sleep",
        );
        assert.equal(
          link(child.pid, 1),
          expected,
          `stdout ${JSON.stringify(stdout)}`,
        );
        assert.equal(
          link(child.pid, 2),
          expected,
          `stderr for ${JSON.stringify(stdout)}`,
        );
      }
    } finally {
      rmSync(dir, { recursive: true });
    }
  },
);

procTest("detach() and subproc start --log: one log, in order", async () => {
  const dir = tempDir("merge");
  try {
    const log = join(dir, "daemon.log");
    const daemon = await detach(ALTERNATE, {
      stdout: { file: log },
      stderr: "stdout",
    });
    await eventually("the daemon to finish", () => !alive(daemon.pid));
    assert.equal(readFileSync(log, "utf8"), EXPECTED);
    await killTree(daemon.pid).catch(() => {});

    const cliLog = join(dir, "cli.log");
    const pidfile = join(dir, "cli.pid");
    const start = await runCli([
      "start",
      "--pidfile",
      pidfile,
      "--log",
      cliLog,
      "--",
      ...ALTERNATE,
    ]);
    assert.equal(start.code, 0, start.stderr);
    const pid = Number(start.stdout.trim());
    await eventually("the unit to finish", () => !alive(pid));
    assert.equal(readFileSync(cliLog, "utf8"), EXPECTED);
    const stop = await runCli(["stop", "--pidfile", pidfile]);
    assert.equal(stop.code, 0, stop.stderr);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

procTest(
  "'stdout' is for stderr only; a bad stderr names it among the choices",
  async () => {
    for (const option of ["stdin", "stdout"] as const) {
      assert.throws(
        () => spawn(["true"], { [option]: "stdout" } as never),
        (e: Error) =>
          e instanceof TypeError && e.message.includes(`\`${option}\``),
      );
    }
    assert.throws(
      () => spawn(["true"], { stderr: "stdin" } as never),
      /`stderr` option to be "inherit", "pipe", "null", "stdout" or \{ file \}, got "stdin"/,
    );
    await assert.rejects(
      detach(["true"], { stdout: "stdout" } as never),
      TypeError,
    );
  },
);

procTest(
  "Deno without --allow-ffi: a piped stdout shared with stderr is a clear error",
  async () => {
    const fixture =
      new URL("./fixtures/merged_stdout.ts", import.meta.url).pathname;
    const r = await run(
      [process.execPath, "run", "--allow-all", "--deny-ffi", fixture],
      { capture: true, timeout: 30_000 },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^PermissionDeniedError: Cannot run "sh": `stderr: "stdout"` with a piped stdout needs one pipe .* Deno was not granted FFI \(run with --allow-ffi\)\nfile: o1\ne1\n/,
    );
  },
  { skip: runtime === "deno" ? false : "Deno only" },
);

procTest(
  "ready: a line written to stderr is found on stdout, where stderr goes",
  async () => {
    await using child = spawn(
      ["sh", "-c", "echo booting; echo 'ready on stderr' >&2; exec sleep 30"],
      {
        stdout: "pipe",
        stderr: "stdout",
        ready: { line: /^ready/, stream: "stderr", timeout: 10_000 },
      },
    );
    assert.equal((await child.ready).line, "ready on stderr");
    const reader = child.stdout!.getReader();
    let text = "";
    while (!text.endsWith("ready on stderr\n")) {
      const { value, done } = await reader.read();
      assert.ok(!done, `ended early with ${JSON.stringify(text)}`);
      text += new TextDecoder().decode(value);
    }
    assert.equal(text, "booting\nready on stderr\n");
    reader.releaseLock();
    // Not on a terminal: there is nothing to read a line from.
    assert.throws(
      () =>
        spawn(["true"], {
          stderr: "stdout",
          ready: { line: "x", stream: "stderr" },
        }),
      /Cannot watch for `ready.line`: stdout is "inherit"/,
    );
  },
);
