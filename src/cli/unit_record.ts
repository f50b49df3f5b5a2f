/**
 * `subproc start`'s record of a unit, beside the pidfile (`F.unit`): what
 * `status` and `stop` need to find everything the started process began
 * after that process itself exited — its cgroup, or its token and start
 * stamp. The pidfile keeps holding only the PID.
 *
 * The record is written and read back as pidfiles are (`../trust/`): owned
 * by us or root, writable by nobody else. Its cgroup must be one subproc
 * makes (`subproc.*` under the cgroup2 mount) in directories nobody else may
 * write: a record could otherwise point `stop` at any cgroup of the system.
 *
 * @module
 */

import { unlinkSync } from "node:fs";
import { SubprocessError } from "../errors.ts";
import { os } from "../os/select.ts";
import type { ChildProcess } from "../spawn/child_process.ts";
import { TOKEN_PATTERN } from "../stop/token.ts";
import type { Unit } from "../stop/unit.ts";
import { readTrustedFile, writeTrustedFile } from "../trust/file.ts";
import { assertTrustedDirectory } from "../trust/walk.ts";

/** The record's path for pidfile `pidfile`. */
function unitRecordPath(pidfile: string): string {
  return `${pidfile}.unit`;
}

const subject = (pidfile: string) => ({
  what: "unit record",
  path: unitRecordPath(pidfile),
});

/** The most a record can hold: one line of JSON. */
const MAX_BYTES = 4096;

/**
 * Records `child`'s unit beside `pidfile` (nothing to record: the stale
 * record of an earlier start, if any, is removed).
 *
 * @throws {UntrustedFileError} The directory is not safe to write in.
 */
export function writeUnitRecord(pidfile: string, child: ChildProcess): void {
  if (child.cgroup === null && child.token === undefined) {
    removeUnitRecord(pidfile);
    return;
  }
  const record = {
    pid: child.pid,
    cgroup: child.cgroup,
    token: child.token ?? null,
    since: os.info(child.pid)?.startKey ?? 0,
  };
  writeTrustedFile(subject(pidfile), `${JSON.stringify(record)}\n`);
}

/**
 * The unit recorded beside `pidfile`, or `null` when there is no record.
 *
 * @throws {UntrustedFileError} Someone else could have written the record
 * or the cgroup it names.
 * @throws {SubprocessError} The record is not one subproc wrote.
 */
export function readUnitRecord(pidfile: string): Unit | null {
  const file = readTrustedFile(subject(pidfile), MAX_BYTES);
  if (file === null) return null;
  const bad = (why: string) =>
    new SubprocessError(
      `Refusing the unit record ${
        JSON.stringify(unitRecordPath(pidfile))
      }: ${why}`,
      { cmd: [] },
    );
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(file.text);
  } catch {
    throw bad("it is not the JSON subproc writes");
  }
  const { pid, cgroup, token, since } = value;
  if (!Number.isSafeInteger(pid) || (pid as number) <= 0) {
    throw bad("it names no valid PID");
  }
  if (!Number.isSafeInteger(since) || (since as number) < 0) {
    throw bad("it holds no valid start stamp");
  }
  if (
    token !== null && !(typeof token === "string" && TOKEN_PATTERN.test(token))
  ) {
    throw bad("it holds no valid token");
  }
  if (cgroup !== null) {
    if (typeof cgroup !== "string" || !os.cgroups?.isOurs(cgroup)) {
      throw bad(`${JSON.stringify(cgroup)} is not a cgroup subproc makes`);
    }
    assertCgroupTrusted(cgroup, pidfile);
  }
  return {
    pid: pid as number,
    cgroup: cgroup as string | null,
    token: token === null
      ? undefined
      : { token: token as string, since: since as number },
  };
}

/** The cgroup and the directories above it must be ours or root's, and
 * writable by nobody else (a removed cgroup is nothing to stop). */
function assertCgroupTrusted(cgroup: string, pidfile: string): void {
  try {
    assertTrustedDirectory(cgroup, subject(pidfile));
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== "ENOENT" && code !== "ENOTDIR") throw error;
  }
}

/** Removes the record beside `pidfile`, if any. */
export function removeUnitRecord(pidfile: string): void {
  try {
    unlinkSync(unitRecordPath(pidfile));
  } catch (error) {
    if ((error as { code?: string }).code !== "ENOENT") throw error;
  }
}
