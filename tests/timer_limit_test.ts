import assert from "node:assert/strict";
import { run, spawn } from "../mod.ts";
import { procTest, sleep } from "./_helpers.ts";

/** Longer than one `setTimeout` can wait (2^31 - 1 ms, about 24.8 days):
 * a single timer would fire at once. */
const BEYOND_ONE_TIMER = 2 ** 31 + 1000;

procTest(
  "timeouts and grace beyond 24.8 days wait, not fire at once",
  async () => {
    const child = spawn(["sleep", "0.3"], {
      timeout: BEYOND_ONE_TIMER,
      drainTimeout: BEYOND_ONE_TIMER,
      grace: BEYOND_ONE_TIMER,
    });
    const status = await child.status;
    assert.equal(status.code, 0, "the timeout did not stop the child");
    assert.equal(child.timedOut, false);
    const result = await run(["true"], {
      timeout: BEYOND_ONE_TIMER,
      drainTimeout: BEYOND_ONE_TIMER,
    });
    assert.equal(result.code, 0);

    const waiting = spawn(["sleep", "0.3"]);
    assert.equal((await waiting.wait({ timeout: 3e9 })).code, 0);
    const talking = spawn(["sleep", "0.3"], { stdout: "pipe" });
    assert.equal(
      (await talking.communicate(undefined, { timeout: 3e9 })).code,
      0,
    );

    // SIGKILL comes after `grace`, not at once: the child ignores SIGTERM and
    // is still there after a first look.
    const stubborn = spawn(["sh", "-c", "trap '' TERM; sleep 30"], {
      newSession: true,
    });
    await sleep(200);
    const stopping = stubborn.stop({ grace: BEYOND_ONE_TIMER });
    await sleep(300);
    assert.equal(stubborn.poll(), null, "not SIGKILLed at once");
    await stubborn.stop({ killSignal: "SIGKILL" });
    assert.equal((await stopping).signal, "SIGKILL");
  },
);
