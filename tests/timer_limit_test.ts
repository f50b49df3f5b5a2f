import assert from "node:assert/strict";
import { run, spawn } from "../mod.ts";
import { procTest } from "./_helpers.ts";

const MAX = 2 ** 31 - 1;

procTest("spawn() refuses a timeout a timer can't wait for", async () => {
  // setTimeout fires anything longer than 2^31 - 1 ms at once: such a
  // timeout would stop the child immediately.
  for (const option of ["timeout", "drainTimeout"]) {
    assert.throws(
      () => spawn(["true"], { [option]: 2 ** 31 }),
      (error: Error) =>
        error instanceof RangeError &&
        error.message.includes(`\`${option}\``) &&
        error.message.includes(String(2 ** 31)),
      option,
    );
  }
  const result = await run(["true"], { timeout: MAX, drainTimeout: MAX });
  assert.equal(result.code, 0);
  const child = spawn(["true"]);
  await assert.rejects(child.wait({ timeout: 3e9 }), RangeError);
  await assert.rejects(
    child.communicate(undefined, { timeout: 3e9 }),
    RangeError,
  );
  assert.equal((await child.wait({ timeout: MAX })).code, 0);
});
