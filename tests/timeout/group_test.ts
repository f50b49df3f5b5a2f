/**
 * coreutils `tests/timeout/timeout-group.sh` ("test program group
 * handling"), ported: a Ctrl-C to a separate group reaches a
 * `--foreground` command; cascaded timeouts reach a command that leads its
 * own group. The original skips where the port asserts (SIGALRM handling,
 * the time taken).
 */

import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { procTest, withTempDir } from "../_helpers.ts";
import { cliShell, unless } from "../_shell.ts";

/** The command both halves run: counts down $1 seconds; a SIGINT ends it
 * early and leaves int.received. */
const TIMEOUT_CMD = `#!/bin/sh
trap 'touch int.received; exit' INT
: > timeout.running
left=$1
while [ "$left" -gt 0 ] && [ ! -e int.received ]; do
  sleep 1
  left=$((left - 1))
done
`;

/** The original's retry_delay_ wait for timeout.running (6.3 s). */
const WAIT_RUNNING = `n=0
until test -e timeout.running || test $n = 63; do sleep .1; n=$(expr $n + 1); done
test -e timeout.running || { echo 'timeout.cmd did not start' >&2; exit 1; }`;

/** Runs `fn` in a new directory holding `timeout.cmd`, removed after. */
function withTimeoutCmd(fn: (dir: string) => Promise<void>): Promise<void> {
  return withTempDir("gnu-group", (dir) => {
    writeFileSync(join(dir, "timeout.cmd"), TIMEOUT_CMD, { mode: 0o755 });
    return fn(dir);
  });
}

procTest(
  "timeout-group: a Ctrl-C to the group reaches a --foreground command in time",
  async () => {
    await withTimeoutCmd(async (dir) => {
      writeFileSync(
        join(dir, "group.sh"),
        `#!/bin/sh
trap '' INT
timeout --foreground 25 ./timeout.cmd 20&
wait
`,
        { mode: 0o755 },
      );
      const result = await cliShell(
        `setsid ./group.sh & pid=$!
${WAIT_RUNNING}
env kill -INT -- -$pid  # dash's builtin kill takes no "--"
wait
test -e int.received`,
        { cwd: dir },
      );
      assert.equal(result.code, 0, result.stderr);
    });
  },
  { skip: unless("setsid true", "setsid is required to control groups") },
);

procTest(
  "timeout-group: cascaded timeouts reach a command that leads its own group",
  async () => {
    await withTimeoutCmd(async (dir) => {
      const result = await cliShell(
        `start=$(date +%s)
timeout -sALRM 30 timeout -sINT 25 ./timeout.cmd 20 & pid=$!
${WAIT_RUNNING}
kill -ALRM $pid
wait $pid
ret=$?
test $ret -eq 124 || { echo "timeout returned $ret. SIGALRM not handled?" >&2; exit 1; }
test -e int.received || { echo "no int.received" >&2; exit 1; }
end=$(date +%s)
test $(expr $end - $start) -lt 20 || { echo "timeout.cmd didn't receive a signal until after sleep?" >&2; exit 1; }`,
        { cwd: dir },
      );
      assert.equal(result.code, 0, result.stderr);
    });
  },
);
