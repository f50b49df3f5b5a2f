import assert from "node:assert/strict";
import { killTree, run } from "../mod.ts";
import { leftoverRoots, RUN_TOKEN } from "../src/cli/leftovers.ts";
import { linux } from "../src/os/linux.ts";
import { eventually, procTest, stat } from "./_helpers.ts";

/** Starts `sleep 30` as an orphan in our own process group (its shell
 * exits), with `env`; returns its PID once PID 1 adopted it. */
async function orphanInOurGroup(env: Record<string, string>): Promise<number> {
  const result = await run(["sh", "-c", "sleep 30 >/dev/null & echo $!"], {
    capture: true,
    env,
  });
  const pid = Number(result.stdout.trim());
  await eventually("the orphan to be adopted", () => stat(pid)?.ppid === 1);
  return pid;
}

procTest(
  "subproc run's leftovers: an orphan in our group is taken only with CMD's token",
  async () => {
    const token = "test-token";
    const unrelated = await orphanInOurGroup({});
    const ours = await orphanInOurGroup({ [RUN_TOKEN]: token });
    try {
      const roots = leftoverRoots(linux.list(), [], 0, token);
      assert.ok(roots.includes(ours), "CMD's orphan is taken");
      assert.ok(!roots.includes(unrelated), "another program's orphan is not");
    } finally {
      await killTree(unrelated);
      await killTree(ours);
    }
  },
);
