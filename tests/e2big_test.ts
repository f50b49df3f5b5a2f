/**
 * An argument list the kernel refuses (E2BIG): a SubprocessError that says
 * "argument list too long" and gives the sizes, not "spawn failed"; nothing
 * started.
 */

import assert from "node:assert/strict";
import process from "node:process";
import { run, spawn, SubprocessError } from "../mod.ts";
import { procTest } from "./_helpers.ts";

const linux = process.platform === "linux" ? false : "Linux limits";

function isE2big(pattern: RegExp) {
  return (error: Error) => {
    assert.ok(error instanceof SubprocessError, String(error));
    assert.match(
      error.message,
      /^Cannot run "true": argument list too long \(E2BIG\)/,
    );
    assert.match(error.message, /nothing was started$/);
    assert.match(error.message, pattern);
    return true;
  };
}

procTest("one argument over 128 KiB: E2BIG naming it and its size", () => {
  const big = "x".repeat(200 * 1024);
  assert.throws(
    () => spawn(["true", "short", big]),
    isE2big(/the longest string, cmd\[2\], takes 200\.0 KiB.*128 KiB/),
  );
}, { skip: linux });

procTest("arguments over the total limit: E2BIG with their size", async () => {
  const many = Array.from({ length: 80_000 }, () => "y".repeat(99));
  await assert.rejects(
    run(["true", ...many], { capture: true, timeout: 5000 }),
    isE2big(/the arguments take 7\.6 MiB and the environment .*(KiB|bytes)/),
  );
}, { skip: linux });

procTest("a huge environment value: E2BIG naming the variable", () => {
  assert.throws(
    () => spawn(["true"], { env: { HUGE: "z".repeat(300 * 1024) } }),
    isE2big(/the longest string, env\.HUGE, takes 300\.0 KiB/),
  );
}, { skip: linux });
