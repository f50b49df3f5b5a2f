/**
 * `ready` on Windows: a line on a pipe (what was read while waiting stays
 * readable), a port that accepts after a delay, a child never ready (it is
 * ended) and one that exits first. Nothing here needs POSIX.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { NotReadyError, spawn } from "../../mod.ts";
import { readAll } from "../_helpers.ts";
import { freePort, serverCommand } from "../_ready.ts";
import {
  alive,
  DEATH_MS,
  endProcess,
  evalCommand,
  isWine,
  runtime,
  waitFor,
  windowsOnly,
  withoutBunNoise,
} from "./_helpers.ts";

/** `test()` options for the port checks. */
const portsShown: { skip: string | false } = {
  skip: windowsOnly.skip ||
    (runtime === "bun" && isWine() &&
      "Bun under Wine reports a connection to a closed port as made (Node gets ECONNREFUSED there): only real Windows can show Bun's port readiness"),
};

test(
  "ready: a line on a pipe; the lines around it stay readable",
  windowsOnly,
  async () => {
    const child = spawn(
      evalCommand(
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
  portsShown,
  async () => {
    const port = await freePort();
    const child = spawn(
      serverCommand("tcp", port, 300),
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
  portsShown,
  async () => {
    const port = await freePort();
    const child = spawn(evalCommand("setTimeout(() => {}, 60000)"), {
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
    const child = spawn(
      evalCommand("console.error('no config'); process.exit(3)"),
      {
        stderr: "pipe",
        ready: { line: "listening", timeout: 30_000 },
      },
    );
    const started = performance.now();
    const error = await child.ready.catch((e) => e);
    assert.ok(error instanceof NotReadyError, String(error));
    assert.equal(error.reason, "exited");
    assert.equal(error.status?.code, 3);
    assert.deepEqual(withoutBunNoise(error.lastLines), ["no config"]);
    assert.ok(performance.now() - started < 20_000);
  },
);
