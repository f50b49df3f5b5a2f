/**
 * Containment: nothing a child started escapes a stop — double forks,
 * daemon(3)-style triple forks, a daemon that cleared its environment, one
 * that keeps forking while it is stopped — through each way a child is
 * stopped, on a cgroup and on the token.
 */

import assert from "node:assert/strict";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import {
  ContainmentUnavailableError,
  killTree,
  run,
  spawn,
  type Subprocess,
  TimeoutExpiredError,
} from "../mod.ts";
import { TOKEN_VARIABLE } from "../src/stop/token.ts";
import {
  alive,
  cgroupsLeft,
  cliCommand,
  eventually,
  procTest,
  runCli,
  runtimeCommand,
  stat,
  tempDir,
  testCgroup,
} from "./_helpers.ts";

const FIXTURE = new URL("./fixtures/daemons.sh", import.meta.url).pathname;
const KINDS = ["double", "env-i", "triple", "forking"] as const;
type Kind = typeof KINDS[number];

const NO_CGROUP = testCgroup === null
  ? "needs a writable cgroup v2 (root, Linux ≥ 5.14)"
  : false;
/** How long the forking fixture ignores SIGTERM before SIGKILL: short. */
const GRACE = 300;

/** A number of seconds no other test sleeps: `sleep MARK` finds the
 * fixture's daemons in /proc. */
function newMark(): string {
  return `${7000 + Math.floor(Math.random() * 1000)}.${
    Math.floor(Math.random() * 1e6)
  }`;
}

/** Live processes running `sleep MARK`. */
function daemons(mark: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name) || !alive(Number(name))) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0");
      if (argv[0] === "sleep" && argv[1] === mark) found.push(Number(name));
    } catch {
      // gone
    }
  }
  return found;
}

/** Waits until the daemons of `kind` run on their own: re-parented to
 * PID 1 (the forking one: its forking loop is). */
async function daemonized(kind: Kind, mark: string): Promise<number[]> {
  const enough = kind === "forking" ? 3 : 1;
  const orphan = (pid: number) => {
    const parent = stat(pid)?.ppid ?? 0;
    return parent === 1 || (kind === "forking" && stat(parent)?.ppid === 1);
  };
  await eventually(
    `the ${kind} daemon to run on its own`,
    () => daemons(mark).filter(orphan).length >= enough,
  );
  return daemons(mark);
}

/** Nothing of `mark` runs, and no cgroup is left. */
function assertNothingLeft(kind: Kind, mark: string, how: string): void {
  const left = daemons(mark);
  assert.deepEqual(left, [], `${how}: the ${kind} daemons ${left} survived`);
}

function fixture(kind: Kind, mark: string, exit = false): string[] {
  return ["sh", FIXTURE, kind, mark, ...(exit ? ["exit"] : [])];
}

/** Spawns the fixture and waits until its daemons run. */
async function launched(
  kind: Kind,
  mark: string,
  options: Parameters<typeof spawn>[1],
): Promise<Subprocess> {
  const child = spawn(fixture(kind, mark), { grace: GRACE, ...options });
  await daemonized(kind, mark);
  return child;
}

for (const kind of KINDS) {
  procTest(`run({ timeout }) leaves no ${kind} daemon`, async () => {
    const mark = newMark();
    const running = run(fixture(kind, mark), { timeout: 1500, grace: GRACE });
    await daemonized(kind, mark);
    const error = await running.catch((e) => e);
    assert.ok(error instanceof TimeoutExpiredError, String(error));
    assertNothingLeft(kind, mark, "run({ timeout })");
  }, { skip: NO_CGROUP });

  procTest(
    `stop() of a newSession child leaves no ${kind} daemon`,
    async () => {
      const mark = newMark();
      const child = await launched(kind, mark, { newSession: true });
      assert.ok(child.cgroup !== null, "contained in a cgroup by default");
      const cgroup = child.cgroup;
      assert.equal(child.cgroup, join(testCgroup!, cgroup.split("/").at(-1)!));
      for (const pid of daemons(mark)) {
        assert.match(
          readFileSync(`/proc/${pid}/cgroup`, "utf8"),
          new RegExp(`^0::.*/${cgroup.split("/").at(-1)}\n`, "m"),
          "each daemon is in the child's cgroup",
        );
      }
      await child.stop();
      assertNothingLeft(kind, mark, "stop()");
      assert.deepEqual(cgroupsLeft(), [], "the cgroup is removed");
    },
    { skip: NO_CGROUP },
  );

  procTest(`stop({ scope: "tree" }) leaves no ${kind} daemon`, async () => {
    const mark = newMark();
    const child = await launched(kind, mark, { contain: "cgroup" });
    await child.stop({ scope: "tree" });
    assertNothingLeft(kind, mark, 'stop({ scope: "tree" })');
  }, { skip: NO_CGROUP });

  procTest(
    `killTree() of a contained child leaves no ${kind} daemon`,
    async () => {
      const mark = newMark();
      const child = await launched(kind, mark, { newSession: true });
      await killTree(child.pid, { grace: GRACE });
      assertNothingLeft(kind, mark, "killTree()");
      await child.status;
    },
    { skip: NO_CGROUP },
  );

  procTest(`subproc run --timeout leaves no ${kind} daemon`, async () => {
    const mark = newMark();
    const running = runCli([
      "run",
      "--timeout",
      "1500ms",
      "--grace",
      `${GRACE}ms`,
      "--",
      ...fixture(kind, mark),
    ]);
    await daemonized(kind, mark);
    const result = await running;
    assert.equal(result.code, 124, result.stderr);
    assertNothingLeft(kind, mark, "subproc run --timeout");
  }, { skip: NO_CGROUP });

  procTest(
    `subproc start/status/stop: the ${kind} daemon is the unit, after its first process exited`,
    async () => {
      const dir = tempDir("contain");
      try {
        const mark = newMark();
        const pidfile = join(dir, "d.pid");
        const started = await runCli([
          "start",
          "--pidfile",
          pidfile,
          "--",
          ...fixture(kind, mark, true),
        ]);
        assert.equal(started.code, 0, started.stderr);
        const first = Number(started.stdout);
        await daemonized(kind, mark);
        await eventually("the first process to exit", () => !alive(first));
        const status = await runCli(["status", "--pidfile", pidfile]);
        assert.equal(status.code, 0, status.stdout);
        assert.match(status.stdout, /^running: \d+ process\(es\) of the unit/);
        const stopped = await runCli([
          "stop",
          "--pidfile",
          pidfile,
          "--grace",
          `${GRACE}ms`,
        ]);
        assert.equal(stopped.code, 0, stopped.stderr);
        assertNothingLeft(kind, mark, "subproc stop");
        const after = await runCli(["status", "--pidfile", pidfile]);
        assert.equal(after.code, 3, after.stdout);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    { skip: NO_CGROUP },
  );
}

// The token: no cgroup, but every descendant inherits a variable.

for (const kind of ["double", "triple", "forking"] as const) {
  procTest(
    `contain: "tree" finds the ${kind} daemon by its token`,
    async () => {
      const mark = newMark();
      const child = await launched(kind, mark, { contain: "tree" });
      assert.equal(child.cgroup, null);
      await child.stop();
      assertNothingLeft(kind, mark, 'stop() with contain: "tree"');

      const other = newMark();
      const second = await launched(kind, other, {});
      assert.equal(second.cgroup, null, "a plain spawn uses the tree");
      await killTree(second.pid, { grace: GRACE });
      assertNothingLeft(kind, other, "killTree() of a plain spawn");
    },
  );
}

procTest(
  'contain: "tree": a daemon that cleared its environment escapes (the documented limit)',
  async () => {
    const mark = newMark();
    const child = await launched("env-i", mark, { contain: "tree" });
    await child.stop();
    const escaped = daemons(mark);
    assert.equal(escaped.length, 1, "only a cgroup holds it");
    for (const pid of escaped) process.kill(pid, "SIGKILL");
  },
);

procTest(
  'contain: "tree": a stop after the child ended takes its orphans, not another program\'s',
  async () => {
    const ours = newMark();
    const theirs = newMark();
    // Not ours: an orphan in our own group without the token.
    const unrelated = await run(
      ["sh", "-c", `sleep ${theirs} >/dev/null & echo $!`],
      { capture: true, clearEnv: true, env: { PATH: process.env.PATH! } },
    );
    const child = spawn(["sh", "-c", `sleep ${ours} >/dev/null &`], {
      contain: "tree",
    });
    await child.status;
    await eventually("both orphans", () => daemons(ours).length === 1);
    assert.equal(daemons(theirs).length, 1);
    const environ = readFileSync(`/proc/${daemons(ours)[0]}/environ`, "utf8");
    assert.ok(environ.includes(`${TOKEN_VARIABLE}=`), "the orphan has it");
    await child.stop();
    assert.deepEqual(daemons(ours), [], "the child's orphan is stopped");
    assert.equal(daemons(theirs).length, 1, "the other one is left alone");
    process.kill(Number(unrelated.stdout), "SIGKILL");
  },
);

// Where no cgroup can be had.

/** Runs a contained spawn in a mount namespace where the cgroup2 mount is
 * made read-only or removed; returns what the fixture printed. (A bind
 * remount: a plain `remount,ro` would make the file system itself
 * read-only, for every namespace.) */
async function inMountNamespace(
  change: "ro" | "missing",
  contain: "cgroup" | "auto",
): Promise<Record<string, string | null>> {
  const mount = readFileSync("/proc/self/mountinfo", "utf8").split("\n")
    .find((line) => / - cgroup2 /.test(line))!.split(" ")[4]!;
  const script = change === "ro"
    ? `mount -o remount,bind,ro "$0" && exec "$@"`
    : `umount "$0" && exec "$@"`;
  const result = await run([
    "unshare",
    "--mount",
    "--propagation",
    "private",
    "sh",
    "-c",
    script,
    mount,
    ...runtimeCommand("fixtures/contain_cgroup.ts"),
    contain,
  ], { capture: true, check: true });
  return JSON.parse(result.stdout);
}

for (const change of ["ro", "missing"] as const) {
  procTest(
    `contain: "cgroup" with a ${change} cgroup2 hierarchy: a clear error, nothing started`,
    async () => {
      const out = await inMountNamespace(change, "cgroup");
      assert.equal(out.error, ContainmentUnavailableError.name);
      assert.match(
        out.message!,
        change === "ro"
          ? /^Cannot contain "sleep" in a cgroup: cannot make a cgroup in .* \(EROFS: not writable\); nothing was started/
          : /^Cannot contain "sleep" in a cgroup: no cgroup2 file system is mounted/,
      );
      assert.equal(out.started, null, "nothing was started");
      const auto = await inMountNamespace(change, "auto");
      assert.equal(auto.cgroup, null, '"auto" falls back to the tree');
      assert.ok(auto.token, "with a token");
    },
    { skip: NO_CGROUP },
  );
}

procTest(
  "subproc run --timeout in a PID namespace whose /proc is the outer one ends on time",
  async () => {
    const [file, ...pre] = cliCommand();
    const result = await run([
      "unshare",
      "--pid",
      "--fork",
      "--map-root-user",
      file!,
      ...pre,
      "run",
      "--timeout",
      "100ms",
      "--",
      "sleep",
      "10",
    ], { capture: true });
    assert.equal(result.code, 124, result.stderr);
    assert.ok(result.durationMs < 3000, `took ${result.durationMs} ms`);
  },
);
