/**
 * coreutils `tests/timeout/timeout-parameters.sh` ("Validate timeout
 * parameter combinations") and `timeout-large-parameters.sh` ("Validate
 * large timeout parameters"), ported: internal errors are 125, distinct from
 * execution failures (126, 127); durations too large for a timer mean
 * "practically forever", and underflow rounds up to 1 ns (times out at once).
 * Both files' cases of every stored version are here (the large-parameter
 * underflow case moved between them).
 */

import assert from "node:assert/strict";
import { procTest } from "../_helpers.ts";
import { cliShell } from "../_shell.ts";

/** From coreutils' `getlimits`. */
const UINT_OFLOW = "4294967296";
const TIME_T_OFLOW = "9223372036854775808";
const LDBL_MAX = "1.18973149535723176502e+4932";

const CASES: readonly [string, number, string][] = [
  // timeout-parameters.sh
  ["invalid timeout", 125, "timeout invalid sleep 0"],
  ["invalid timeout (negative)", 125, "timeout ' -0.1' sleep 0"],
  ["invalid timeout (negative underflow)", 125, "timeout ' -1e-10000' sleep 0"],
  ["invalid kill delay", 125, "timeout --kill-after=invalid 1 sleep 0"],
  ["invalid timeout suffix", 125, "timeout 42D sleep 0"],
  ["floating point notation", 0, "timeout 10.34 sleep 0"],
  ["nanoseconds potentially supported", 0, "timeout 9.999999999 sleep 0"],
  ["round underflow up to 1 ns", 124, "timeout 1e-10000 sleep 10"],
  ["invalid signal spec", 125, "timeout --signal=invalid 1 sleep 0"],
  ["no such command", 127, "timeout 10 no_such"],
  // timeout-large-parameters.sh
  ["timeout overflow (UINT)", 0, `timeout ${UINT_OFLOW} sleep 0`],
  ["timeout overflow (time_t days)", 0, `timeout ${TIME_T_OFLOW}d sleep 0`],
  ["floating point notation (days)", 0, "timeout 2.34e+5d sleep 0"],
  ["floating point overflow", 0, `timeout ${LDBL_MAX} sleep 0`],
  ["negative overflow", 125, `timeout -- -${LDBL_MAX} sleep 0`],
  ["underflow times out immediately", 124, "timeout 1e-5000 sleep 10"],
];

for (const [name, code, script] of CASES) {
  procTest(`timeout-parameters: ${name}`, async () => {
    const result = await cliShell(script);
    assert.equal(result.code, code, `${script}\n${result.stderr}`);
  });
}

procTest("timeout-parameters: invalid command", async () => {
  // returns_ 126 env . && { returns_ 126 timeout 10 . || fail=1; }
  const env = await cliShell("env .");
  assert.equal(env.code, 126, "env . returns 126 here, so timeout must too");
  const result = await cliShell("timeout 10 .");
  assert.equal(result.code, 126, result.stderr);
  assert.equal(
    result.stderr,
    "subproc timeout: failed to run command '.': Permission denied\n",
  );
});

procTest(
  "timeout-large-parameters: a time_t overflow does not time out at once",
  async () => {
    // GNU skips the file when this times out (a kernel overflow bug).
    const result = await cliShell(`timeout ${TIME_T_OFLOW} sleep 3`);
    assert.equal(result.code, 0, result.stderr);
  },
);
