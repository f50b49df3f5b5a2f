/**
 * The record `subproc start` keeps beside a pidfile (`F.unit`) is trusted
 * only as a pidfile is, and may only name a cgroup subproc makes: a planted
 * or edited record can't point `stop` at anything else.
 */

import assert from "node:assert/strict";
import {
  chmodSync,
  chownSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { alive, procTest, runCli, tempDir, testCgroup } from "./_helpers.ts";

const NOBODY = 65534;

/** Starts a daemon with a unit record; runs `tamper` on the record, then
 * checks that status and stop refuse it and that the daemon lives on. */
async function refused(
  tamper: (record: string, unit: Record<string, unknown>) => void,
  why: RegExp,
): Promise<void> {
  const dir = tempDir("unit");
  try {
    const pidfile = join(dir, "d.pid");
    const started = await runCli([
      "start",
      "--pidfile",
      pidfile,
      "--",
      "sleep",
      "30",
    ]);
    assert.equal(started.code, 0, started.stderr);
    const pid = Number(started.stdout);
    const record = `${pidfile}.unit`;
    tamper(record, JSON.parse(readFileSync(record, "utf8")));
    const status = await runCli(["status", "--pidfile", pidfile]);
    assert.equal(status.code, 4, status.stdout);
    assert.match(status.stdout, /^unknown: /);
    assert.match(status.stdout, why);
    const stopped = await runCli(["stop", "--pidfile", pidfile]);
    assert.equal(stopped.code, 1, stopped.stdout);
    assert.match(stopped.stderr, why);
    assert.ok(alive(pid), "nothing was signalled");
    // Put the record right again, and stop it for real.
    rmSync(record, { force: true });
    assert.equal((await runCli(["stop", "--pidfile", pidfile])).code, 0);
    assert.equal(alive(pid), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const skip = testCgroup === null
  ? "needs a writable cgroup v2 (root, Linux ≥ 5.14)"
  : false;

procTest("a unit record owned by another user is refused", async () => {
  await refused((record) => chownSync(record, NOBODY, NOBODY), /unit record/);
}, { skip });

procTest("a world-writable unit record is refused", async () => {
  await refused((record) => chmodSync(record, 0o666), /writable by every user/);
}, { skip });

procTest(
  "a unit record naming a cgroup subproc did not make is refused",
  async () => {
    const mount = readFileSync("/proc/self/mountinfo", "utf8").split("\n")
      .find((line) => / - cgroup2 /.test(line))!.split(" ")[4]!;
    for (
      const cgroup of [
        mount,
        testCgroup!,
        "/tmp/subproc.1.2.3",
        `${mount}/../subproc.1.2.3`,
      ]
    ) {
      await refused((record, unit) => {
        writeFileSync(record, JSON.stringify({ ...unit, cgroup }));
      }, /is not a cgroup subproc makes/);
    }
  },
  { skip },
);

procTest("a unit record that is not subproc's JSON is refused", async () => {
  await refused(
    (record) => writeFileSync(record, "12345\n"),
    /not the JSON subproc writes|names no valid PID/,
  );
  await refused((record, unit) => {
    writeFileSync(record, JSON.stringify({ ...unit, token: "$(reboot)" }));
  }, /no valid token/);
}, { skip });
