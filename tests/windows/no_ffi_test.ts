/**
 * Without FFI (Deno without `--allow-ffi`, Node): children come from the
 * runtime's own spawn, every signal that does anything ends the process
 * (the status says SIGKILL), `breakawayFromJob: "try"` starts normally and
 * says so, and `true` fails with an error that names what is missing.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { noFfiOnly, runFixture, runtime } from "./_helpers.ts";

test(
  "without FFI: signals end the child, breakaway says what is missing",
  noFfiOnly,
  async () => {
    const report = await runFixture("no_ffi", [], { ffi: false }).report;
    assert.equal(report.alive, true);
    assert.equal(report.killed, true);
    assert.deepEqual(report.status, {
      code: null,
      signal: "SIGKILL",
      success: false,
    });
    assert.equal(report.aliveAfter, false);
    assert.equal(report.tryBrokeAway, false);
    assert.match(
      String(report.breakaway),
      runtime === "deno"
        ? /^PermissionDeniedError: .*breakawayFromJob: true.*CreateProcessW.*--allow-ffi/
        : /^PermissionDeniedError: .*breakawayFromJob: true.*CreateProcessW.*Node has no FFI/,
    );
  },
);
