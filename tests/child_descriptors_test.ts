/**
 * A child gets fds 0, 1 and 2 and nothing else we opened: no file of a
 * `{ file }` stream twice, no pipe end, no duplicate a runtime made on the
 * way (Deno's `node:child_process` used to leave one). Checked in
 * `/proc/PID/fd` of a real child, for spawn, run, detach and
 * `subproc start --log`.
 *
 * What the test process itself inherited without close-on-exec (a
 * terminal, a CI runner's pipe) passes to every child as it passes to ours:
 * not something we opened, so it is allowed — by number and target.
 */

import assert from "node:assert/strict";
import {
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { detach, killTree, run, spawn, type SpawnOptions } from "../mod.ts";
import {
  alive,
  eventually,
  procTest,
  runCli,
  stat,
  tempDir,
} from "./_helpers.ts";

const O_CLOEXEC = 0o2000000;

/** Our descriptors that a child inherits (no close-on-exec), by number. */
function inheritedByChildren(): Map<string, string> {
  const found = new Map<string, string>();
  for (const fd of readdirSync("/proc/self/fd")) {
    try {
      const flags = /^flags:\s*([0-7]+)$/m.exec(
        readFileSync(`/proc/self/fdinfo/${fd}`, "utf8"),
      );
      if (flags && (parseInt(flags[1]!, 8) & O_CLOEXEC) === 0) {
        found.set(fd, readlinkSync(`/proc/self/fd/${fd}`));
      }
    } catch {
      // closed meanwhile (the directory listing's own descriptor)
    }
  }
  return found;
}

/** The descriptors of `pid` beyond 0-2 that it did not inherit from us
 * as `before` lists them: each a leak, with its target. */
function extraDescriptors(pid: number, before: Map<string, string>): string[] {
  const extra: string[] = [];
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    if (["0", "1", "2"].includes(fd)) continue;
    let target: string;
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue; // closed since the listing: not held
    }
    if (before.get(fd) !== target) extra.push(`${fd} -> ${target}`);
  }
  return extra;
}

/**
 * Waits until `pid` runs `sleep` and holds no descriptor beyond those
 * (see {@linkcode extraDescriptors}); throws with what it holds otherwise.
 * Polled: `sleep` opens locale files for a moment as it starts.
 */
async function assertOnlyStandard(
  pid: number,
  before: Map<string, string>,
  what: string,
): Promise<void> {
  let extra: string[] = [];
  try {
    await eventually(`${what}: only fds 0, 1 and 2`, () => {
      if (stat(pid)?.comm !== "sleep") return false;
      extra = extraDescriptors(pid, before);
      return extra.length === 0;
    });
  } catch {
    assert.deepEqual(extra, [], what);
    throw new Error(`${what}: process ${pid} never ran sleep`);
  }
}

procTest(
  "spawn(): files, pipes and stderr 'stdout' give the child 0, 1, 2 and nothing else",
  async () => {
    const dir = tempDir("fds");
    try {
      const input = join(dir, "in.txt");
      writeFileSync(input, "hello\n");
      const log = join(dir, "out.log");
      const cases: [string, SpawnOptions][] = [
        ["stdin file (the issue's case)", { stdin: { file: input } }],
        ["stdout and stderr files", {
          stdout: { file: log },
          stderr: { file: join(dir, "err.log"), append: true },
        }],
        ["one file for both", { stdout: { file: log }, stderr: { file: log } }],
        ["stderr 'stdout' to a file", {
          stdin: { file: input },
          stdout: { file: log, append: true },
          stderr: "stdout",
        }],
        ["pipes", { stdin: "pipe", stdout: "pipe", stderr: "pipe" }],
        ["stderr 'stdout' on a pipe", { stdout: "pipe", stderr: "stdout" }],
        ["null", { stdin: "null", stdout: "null", stderr: "null" }],
        ["new session, files", { newSession: true, stdout: { file: log } }],
      ];
      for (const [what, options] of cases) {
        const before = inheritedByChildren();
        await using child = spawn(["sleep", "30"], options);
        await assertOnlyStandard(child.pid, before, what);
      }
    } finally {
      rmSync(dir, { recursive: true });
    }
  },
);

procTest(
  "run({ stdin: { file } }): the child lists 0, 1, 2 and its own",
  async () => {
    const before = inheritedByChildren();
    // `ls` opens /proc/self/fd itself (one more descriptor, the listing's).
    const r = await run(["ls", "-l", "/proc/self/fd"], {
      stdin: { file: "/etc/hostname" },
      capture: true,
    });
    const fds = [...r.stdout.matchAll(/ (\d+) -> (.*)$/gm)]
      .filter(([, fd, target]) =>
        !["0", "1", "2"].includes(fd!) && before.get(fd!) !== target
      )
      .map(([, fd, target]) => `${fd} -> ${target}`);
    assert.equal(fds.length, 1, `only the listing's own: ${fds.join(", ")}`);
    assert.match(fds[0]!, /-> \/proc\/\d+\/fd$/);
  },
);

procTest(
  "detach() with a log and subproc start --log: the daemon holds 0, 1, 2 only",
  async () => {
    const dir = tempDir("fds");
    try {
      const log = join(dir, "daemon.log");
      const before = inheritedByChildren();
      const daemon = await detach(["sleep", "30"], {
        stdout: { file: log, append: true },
        stderr: "stdout",
      });
      try {
        await assertOnlyStandard(daemon.pid, before, "detach()");
        // stdin is the null device, stdout and stderr the log.
        assert.equal(readlinkSync(`/proc/${daemon.pid}/fd/0`), "/dev/null");
        assert.equal(readlinkSync(`/proc/${daemon.pid}/fd/2`), log);
      } finally {
        await killTree(daemon.pid, { grace: 500 });
      }

      const pidfile = join(dir, "app.pid");
      const start = await runCli([
        "start",
        "--pidfile",
        pidfile,
        "--log",
        log,
        "--",
        "sleep",
        "30",
      ]);
      assert.equal(start.code, 0, start.stderr);
      const pid = Number(start.stdout.trim());
      try {
        // The CLI is its own process: what it inherited from us it passes on.
        await assertOnlyStandard(pid, before, "subproc start");
        assert.equal(readlinkSync(`/proc/${pid}/fd/1`), log);
        assert.equal(readlinkSync(`/proc/${pid}/fd/2`), log);
      } finally {
        const stop = await runCli(["stop", "--pidfile", pidfile]);
        assert.equal(stop.code, 0, stop.stderr);
        assert.ok(!alive(pid));
      }
    } finally {
      rmSync(dir, { recursive: true });
    }
  },
);
