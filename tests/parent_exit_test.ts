import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { killTree } from "../mod.ts";
import { startParent } from "./_parent.ts";
import {
  alive,
  allGone,
  groupMembers,
  missingTool,
  procTest,
  sleep,
  tempDir,
} from "./_helpers.ts";

procTest(
  "killOnParentExit: the child dies when the parent is SIGKILLed",
  async () => {
    const { parent, pid } = await startParent(
      "spawn",
      '{"killOnParentExit":true}',
    );
    assert.ok(alive(pid));
    const killed = performance.now();
    parent.kill("SIGKILL");
    await allGone([pid], 1000);
    const latency = performance.now() - killed;
    console.log(
      `killOnParentExit: child gone ${
        latency.toFixed(1)
      } ms after the parent's SIGKILL`,
    );
    await parent.status;
  },
  { skip: missingTool("setpriv") },
);

procTest(
  "killOnParentExit from a timer callback: the child lives while the parent lives",
  async () => {
    const { parent, pid } = await startParent(
      "spawn-late",
      '{"killOnParentExit":true}',
    );
    await sleep(1200);
    assert.ok(alive(pid), "not killed while its parent still runs");
    parent.kill("SIGKILL");
    await allGone([pid], 1000);
    await parent.status;
  },
  { skip: missingTool("setpriv") },
);

procTest(
  "without killOnParentExit a SIGKILLed parent leaves its child behind (what the option is for)",
  async () => {
    const { parent, pid } = await startParent("spawn", "{}");
    parent.kill("SIGKILL");
    await parent.status;
    await sleep(200);
    assert.ok(alive(pid));
    await killTree(pid);
  },
);

procTest(
  "cleanup: children are stopped when the parent exits normally",
  async () => {
    const { parent, pid } = await startParent(
      "spawn-exit",
      '{"newSession":true}',
    );
    assert.equal((await parent.status).code, 0);
    await allGone([pid]);
  },
);

for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
  procTest(
    `cleanup: children are stopped on ${signal}, and the parent still dies of it`,
    async () => {
      const { parent, pid } = await startParent("spawn", '{"newSession":true}');
      parent.kill(signal);
      const status = await parent.status;
      assert.equal(status.signal, signal);
      await allGone([pid]);
      assert.deepEqual(groupMembers(pid), []);
    },
  );
}

procTest(
  "cleanup: false leaves the child running; detached children are never touched",
  async () => {
    const { parent, pid } = await startParent("spawn", '{"cleanup":false}');
    parent.kill("SIGTERM");
    await parent.status;
    await sleep(200);
    assert.ok(alive(pid));
    await killTree(pid);
    const dir = tempDir("test");
    try {
      const detached = await startParent("detach-wait", join(dir, "d.pid"));
      detached.parent.kill("SIGTERM");
      await detached.parent.status;
      await sleep(200);
      assert.ok(alive(detached.pid));
      await killTree(detached.pid);
    } finally {
      rmSync(dir, { recursive: true });
    }
  },
);

procTest(
  "unref(): the parent exits at once while its child sleeps",
  async () => {
    const started = performance.now();
    const { parent, pid } = await startParent("unref", "");
    const status = await parent.wait({ timeout: 10_000 });
    assert.equal(status.code, 0);
    assert.ok(performance.now() - started < 10_000);
    assert.ok(alive(pid));
    await killTree(pid);
  },
);
