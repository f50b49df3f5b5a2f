/**
 * `killOnParentExit` on Windows: the child is in a kill-on-close job, so it
 * dies when its parent is terminated (`TerminateProcess`, no exit hooks),
 * while a child without the option lives on. Without FFI (Deno without
 * `--allow-ffi`, Node) the runtime's own kill-on-close job does it for
 * children without a group of their own; with `newSession` the error says
 * what is missing.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  alive,
  DEATH_MS,
  endProcess,
  ffiOnly,
  noFfiOnly,
  runFixture,
  runtime,
  waitFor,
} from "./_helpers.ts";

interface Report {
  target: number;
  control: number;
  grouped?: number;
  groupedError?: string;
}

async function terminated(ffi: boolean): Promise<Report> {
  const parent = runFixture("kill_on_parent_exit", [], { ffi });
  const report = await parent.report as unknown as Report;
  assert.ok(alive(report.target));
  endProcess(parent.pid); // TerminateProcess: no hook of the parent runs
  await parent.exit;
  return report;
}

test(
  "killOnParentExit ends the child when the parent is terminated",
  ffiOnly,
  async () => {
    const report = await terminated(true);
    try {
      await waitFor(() => !alive(report.target), DEATH_MS, "the child's end");
      assert.ok(report.grouped !== undefined, report.groupedError);
      await waitFor(
        () => !alive(report.grouped!),
        DEATH_MS,
        "the grouped child",
      );
      assert.ok(alive(report.control), "the control child died too");
    } finally {
      for (const pid of [report.target, report.control, report.grouped]) {
        endProcess(pid);
      }
    }
  },
);

test(
  "killOnParentExit without FFI: the runtime's job, and a clear error with newSession",
  noFfiOnly,
  async () => {
    const report = await terminated(false);
    try {
      await waitFor(() => !alive(report.target), DEATH_MS, "the child's end");
      assert.equal(report.grouped, undefined);
      assert.match(
        String(report.groupedError),
        runtime === "deno"
          ? /^PermissionDeniedError: .*killOnParentExit.*newSession.*--allow-ffi/
          : /^PermissionDeniedError: .*killOnParentExit.*newSession.*Node has no FFI/,
      );
    } finally {
      for (const pid of [report.target, report.control]) endProcess(pid);
    }
  },
);
