/**
 * coreutils `tests/timeout/timeout-blocked.pl` ("Test that timeout handles
 * blocked SIGALRM from its parent"), ported: `timeout .1 sleep 10` started
 * with SIGALRM blocked still times out (124).
 */

import assert from "node:assert/strict";
import { procTest } from "../_helpers.ts";
import { cliShell, unless } from "../_shell.ts";

const BLOCK_ALRM =
  `perl -e 'use POSIX qw(:signal_h); sigprocmask(SIG_BLOCK, POSIX::SigSet->new(SIGALRM)) or die; exec { $ARGV[0] } @ARGV'`;

procTest(
  "timeout-blocked: block-alrm",
  async () => {
    const result = await cliShell(`${BLOCK_ALRM} timeout .1 sleep 10`);
    assert.equal(result.code, 124, result.stderr);
  },
  {
    skip: unless(
      "perl -e 'use POSIX qw(:signal_h)'",
      "this test requires Perl's POSIX module",
    ),
  },
);
