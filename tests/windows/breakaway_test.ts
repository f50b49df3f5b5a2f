/**
 * `windows.breakawayFromJob`: outside a job, inside a job that allows
 * breakaway, inside one that forbids it (`BreakawayDeniedError`), and the
 * `"try"` fallback. The fixture joins the jobs, so this test runner never
 * does (see `fixtures/breakaway.ts`). Needs FFI (Deno, Bun); what Node
 * does instead is in `no_ffi_test.ts`.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { ffiOnly, runFixture } from "./_helpers.ts";

let fixture: Promise<Record<string, Record<string, unknown>>> | undefined;

/** The fixture's report, run once for all tests of this file. */
function report(): Promise<Record<string, Record<string, unknown>>> {
  fixture ??= runFixture("breakaway", [], { detached: true })
    .report as Promise<Record<string, Record<string, unknown>>>;
  return fixture;
}

test(
  "spawn() with breakawayFromJob: true succeeds outside a job",
  ffiOnly,
  async () => {
    const r = await report();
    assert.equal(r.startedInJob as unknown, false);
    assert.deepEqual(r.outside, { brokeAway: true, code: 0 });
  },
);

test(
  "spawn() with breakawayFromJob: true leaves a job that allows breakaway",
  ffiOnly,
  async () => {
    const r = await report();
    assert.equal(r.assigned as unknown, true);
    assert.equal(r.allowedTrue!.brokeAway, true);
    assert.equal(r.allowedTrue!.inJob, false);
    // Control: without breakaway the child is in the job.
    assert.equal(r.allowedPlain!.brokeAway, undefined);
    assert.equal(r.allowedPlain!.inJob, true);
  },
);

test(
  "spawn() with breakawayFromJob: true throws BreakawayDeniedError in a job that forbids it",
  ffiOnly,
  async () => {
    const { deniedTrue } = await report();
    assert.equal(deniedTrue!.error, "BreakawayDeniedError");
    assert.equal(deniedTrue!.isBreakawayDenied, true);
    assert.match(
      String(deniedTrue!.message),
      /JOB_OBJECT_LIMIT_BREAKAWAY_OK.*ERROR_ACCESS_DENIED \(5\).*"try"/,
    );
  },
);

test(
  'breakawayFromJob: "try" falls back and says so; detach() tries by default',
  ffiOnly,
  async () => {
    const { deniedTry, deniedDetach } = await report();
    assert.equal(deniedTry!.brokeAway, false);
    assert.equal(deniedTry!.inJob, true);
    assert.deepEqual(deniedDetach, { brokeAway: false, inJob: true });
  },
);
