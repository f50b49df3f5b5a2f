/**
 * `ready` on Windows: a line on a pipe (what was read while waiting stays
 * readable), a port that accepts after a delay, a child never ready (it is
 * ended) and one that exits first. Nothing here needs POSIX.
 */

import assert from "node:assert/strict";
import process from "node:process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { NotReadyError, spawn } from "../../mod.ts";
import { freePort, readAll } from "../_ready.ts";
import {
  alive,
  DEATH_MS,
  endProcess,
  waitFor,
  windowsOnly,
} from "./_helpers.ts";

/** `deno eval CODE` with this Deno. */
const denoEval = (code: string) => [process.execPath, "eval", code];

test(
  "ready: a line on a pipe; the lines around it stay readable",
  windowsOnly,
  async () => {
    const child = spawn(
      denoEval(
        "console.log('one'); setTimeout(() => { console.log('ready on 7'); console.log('after'); setTimeout(() => {}, 60000); }, 300);",
      ),
      { stdout: "pipe", ready: { line: /ready on (\d)/ } },
    );
    try {
      const result = await child.ready;
      assert.equal(result.line, "ready on 7");
      assert.equal(result.match?.[1], "7");
      await child.stop();
      assert.equal(
        (await readAll(child.stdout!)).replaceAll("\r\n", "\n"),
        "one\nready on 7\nafter\n",
      );
    } finally {
      endProcess(child.pid);
    }
  },
);

test(
  "ready: a port that accepts after a delay",
  windowsOnly,
  async () => {
    const port = await freePort();
    const server = fileURLToPath(
      new URL("../fixtures/ready_server.ts", import.meta.url),
    );
    const child = spawn(
      [process.execPath, "run", "-A", server, "tcp", String(port), "300"],
      { stdout: "null", stderr: "null", ready: { port, interval: 50 } },
    );
    try {
      const result = await child.ready;
      assert.ok(result.elapsedMs >= 300, `after ${result.elapsedMs} ms`);
      await child.stop();
    } finally {
      endProcess(child.pid);
    }
  },
);

test(
  "ready: never ready → the child is ended, NotReadyError 'timeout'",
  windowsOnly,
  async () => {
    const port = await freePort();
    const child = spawn(denoEval("setTimeout(() => {}, 60000)"), {
      ready: { port, timeout: 1000 },
    });
    try {
      const error = await child.ready.catch((e) => e);
      assert.ok(error instanceof NotReadyError, String(error));
      assert.equal(error.reason, "timeout");
      assert.ok(error.status !== undefined);
      await waitFor(() => !alive(child.pid), DEATH_MS, "the child to end");
    } finally {
      endProcess(child.pid);
    }
  },
);

test(
  "ready: a child that exits first → NotReadyError 'exited' with its code",
  windowsOnly,
  async () => {
    const child = spawn(denoEval("console.error('no config'); Deno.exit(3)"), {
      stderr: "pipe",
      ready: { line: "listening", timeout: 30_000 },
    });
    const started = performance.now();
    const error = await child.ready.catch((e) => e);
    assert.ok(error instanceof NotReadyError, String(error));
    assert.equal(error.reason, "exited");
    assert.equal(error.status?.code, 3);
    assert.deepEqual(error.lastLines, ["no config"]);
    assert.ok(performance.now() - started < 20_000);
  },
);
