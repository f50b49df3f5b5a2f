/**
 * cgroups: a thousand contained children, ending every way, leave no cgroup
 * directory behind — not even the ones whose child left a grandchild
 * running for a moment after it exited (they linger, then go).
 */

import assert from "node:assert/strict";
import { run, spawn, TimeoutExpiredError } from "../../mod.ts";
import { cgroupsLeft, eventually, testCgroup } from "../_helpers.ts";
import { reliabilityCase } from "./_case.ts";

const RUNS = 1000;
const AT_ONCE = 50;

/** One contained child, ending the `i`-th way; resolves with its cgroup. */
async function oneRun(i: number): Promise<string | null> {
  const contain = { contain: "cgroup" as const };
  switch (i % 5) {
    case 0:
      return (await run(["true"], { ...contain, capture: true })).code === 0
        ? "ok"
        : null;
    case 1: {
      const child = spawn(["sh", "-c", "exit 3"], contain);
      assert.equal((await child.status).code, 3);
      return child.cgroup;
    }
    case 2: {
      // The child exits; its grandchild holds the cgroup a moment longer.
      const child = spawn(["sh", "-c", "sleep 0.05 & exit 0"], contain);
      await child.status;
      return child.cgroup;
    }
    case 3: {
      const error = await run(["sleep", "10"], { ...contain, timeout: 20 })
        .catch((e) => e);
      assert.ok(error instanceof TimeoutExpiredError, String(error));
      return "ok";
    }
    default: {
      const child = spawn(["sh", "-c", "sleep 10 & sleep 10"], contain);
      await child.stop({ grace: 500 });
      return child.cgroup;
    }
  }
}

reliabilityCase(
  `cgroups: ${RUNS} contained children, every ending, leave no cgroup directory`,
  {
    area: "load",
    expected: "every child in a cgroup; 0 cgroup directories left",
    skip: testCgroup === null
      ? "needs a writable cgroup v2 (root, Linux ≥ 5.14)"
      : false,
  },
  async () => {
    const started = performance.now();
    let contained = 0;
    for (let first = 0; first < RUNS; first += AT_ONCE) {
      const batch = Array.from(
        { length: AT_ONCE },
        (_, k) => oneRun(first + k),
      );
      contained += (await Promise.all(batch)).filter((c) => c !== null).length;
    }
    const ms = performance.now() - started;
    assert.equal(contained, RUNS, "every child had a cgroup");
    await eventually(
      "the lingering cgroups to go",
      () => cgroupsLeft().length === 0,
    );
    return `${RUNS}/${RUNS} in a cgroup, 0 directories left; ${
      (ms / 1000).toFixed(1)
    } s (${Math.round(RUNS / (ms / 1000))} children/s)`;
  },
);
