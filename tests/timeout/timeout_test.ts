/**
 * coreutils `tests/timeout/timeout.sh` ("Validate timeout basic
 * operation"), ported: each case runs the original shell line with
 * `timeout` being `subproc timeout` (see `../_shell.ts`).
 */

import assert from "node:assert/strict";
import { procTest, runtime } from "../_helpers.ts";
import { cliShell, needsEnvIgnore } from "../_shell.ts";

/** `returns_ N CMD`: CMD exits with N. */
async function returns(code: number, script: string): Promise<void> {
  const result = await cliShell(script);
  assert.equal(result.code, code, `${script}\n${result.stderr}`);
}

procTest("timeout.sh: no timeout", () => returns(0, "timeout 10 true"));

procTest(
  "timeout.sh: no timeout (suffix check)",
  () => returns(0, "timeout 1d true"),
);

procTest("timeout.sh: disabled timeout", () => returns(0, "timeout 0 true"));

procTest(
  "timeout.sh: exit status propagation",
  () => returns(2, "timeout 10 sh -c 'exit 2'"),
);

procTest("timeout.sh: timeout", () => returns(124, "timeout .1 sleep 10"));

procTest(
  "timeout.sh: exit status propagation even on timeout (128+TERM)",
  async () => {
    const result = await cliShell("timeout --preserve-status .1 sleep 10");
    assert.notEqual(result.code, 124);
    assert.equal(result.code, 128 + 15);
  },
);

procTest(
  "timeout.sh: kill delay: 128+KILL even though the timeout triggered",
  async () => {
    const result = await cliShell("timeout -s0 -k1 .1 sleep 10");
    assert.notEqual(result.code, 124);
    assert.equal(result.code, 128 + 9);
  },
);

procTest(
  "timeout.sh: a consistent exit status with --foreground",
  async () => {
    const result = await cliShell("timeout --foreground -s0 -k1 .1 sleep 10");
    assert.notEqual(result.code, 124);
    assert.equal(result.code, 128 + 9);
  },
);

procTest(
  "timeout.sh: 'timeout' is immune to parent's SIGCHLD handler",
  () => returns(0, "(\n  trap '' CHLD\n\n  exec timeout 10 true\n)"),
);

procTest(
  "timeout.sh (port): immune to a SIGCHLD really ignored (dash's trap '' CHLD ignores nothing, env does)",
  async () => {
    await returns(0, "env --ignore-signal=CHLD timeout 10 true");
    await returns(3, "env --ignore-signal=CHLD timeout 10 sh -c 'exit 3'");
  },
  { skip: needsEnvIgnore },
);

procTest(
  "timeout.sh: don't be confused when starting off with a child (Bug#9098)",
  async () => {
    const result = await cliShell(
      `out=$(sleep .1 & exec timeout .5 sh -c 'sleep 2; echo foo')
status=$?
test "$out" = "" && test $status = 124`,
    );
    assert.equal(result.code, 0, result.stderr);
  },
);

procTest("timeout.sh: verify --verbose output", async () => {
  for (const opt of ["-v", "--verbose"]) {
    const result = await cliShell(`timeout ${opt} -s0 -k .1 .1 sleep 10`);
    // GNU's lines start with its program name, "timeout:"; ours with ours.
    assert.equal(
      result.stderr.split("\n").filter((l) => !/^Killed/.test(l)).join("\n"),
      "subproc timeout: sending signal EXIT to command 'sleep'\n" +
        "subproc timeout: sending signal KILL to command 'sleep'\n",
      opt,
    );
    assert.equal(result.code, 128 + 9);
  }
});

procTest(
  "timeout.sh: an ignored SIGPIPE is inherited by the command",
  async () => {
    const result = await cliShell(
      "(trap '' PIPE && timeout 10 grep SigIgn /proc/self/status)",
    );
    const mask = BigInt(`0x${result.stdout.split(/\s+/)[1]}`);
    assert.equal((mask >> 12n) & 1n, 1n, `SIGPIPE ignored: ${result.stdout}`);
  },
  {
    // Can't pass on any JavaScript runtime: Deno, Node and Bun set SIGPIPE to
    // ignored themselves before any code of ours runs, so a caller's ignore
    // can't be told from theirs, and they reset it for the children they
    // start (Deno: Rust's std; Node: libuv; Bun: its spawn).
    skip: `SIGPIPE is ignored by ${runtime} itself before subproc starts`,
  },
);
