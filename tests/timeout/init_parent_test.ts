/**
 * coreutils `tests/timeout/init-parent.sh` ("Test the behavior of 'timeout'
 * with the init process as its parent"), ported: in a new PID namespace
 * (Docker entrypoints have PID 1), `timeout` neither exits at once nor
 * fails to time out.
 */

import assert from "node:assert/strict";
import { procTest } from "../_helpers.ts";
import { cliShell, unless } from "../_shell.ts";

const NEWPIDS = "unshare --pid --fork --map-root-user";
const skip = unless(
  `${NEWPIDS} true`,
  "unshare --pid --fork --map-root-user is unavailable",
);

procTest(
  "init-parent: timeout under a new PID namespace's init does not exit at once",
  async () => {
    const result = await cliShell(`${NEWPIDS} timeout 10 sleep 2`);
    assert.equal(result.code, 0, result.stderr);
  },
  { skip },
);

procTest(
  "init-parent: timeout under a new PID namespace's init times out",
  async () => {
    const result = await cliShell(`${NEWPIDS} timeout .1 sleep 10`);
    assert.equal(result.code, 124, result.stderr);
  },
  { skip },
);
