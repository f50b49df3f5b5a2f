/**
 * Pidfiles someone else could have written are refused: by `Pidfile`, by
 * `detach({ pidfile })` and by `subproc start`, `stop` and `status` — and the
 * process such a pidfile names is left alive (checked in /proc). As root
 * (files are handed to `nobody` with chown), and as `nobody` through
 * `setpriv`.
 */

import assert from "node:assert/strict";
import {
  chmodSync,
  chownSync,
  existsSync,
  lchownSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import process from "node:process";
import {
  detach,
  Pidfile,
  spawn,
  type Subprocess,
  UntrustedFileError,
} from "../mod.ts";
import {
  alive,
  allGone,
  type CliResult,
  eventually,
  marked,
  newMark,
  procTest,
  runCli,
  stat,
  tempDir,
} from "./_helpers.ts";

const NOBODY = 65534;
const NOGROUP = 65534;
/** `daemon` on Debian: a second non-root user. */
const DAEMON = 1;

const isRoot = process.getuid?.() === 0;
const asRoot = isRoot ? false : "needs root (to hand files to other users)";

function setprivPath(): string | undefined {
  return ["/usr/bin/setpriv", "/bin/setpriv"].find((p) => existsSync(p));
}

function hasUser(uid: number): boolean {
  try {
    return readFileSync("/etc/passwd", "utf8").split("\n").some((line) =>
      line.split(":")[2] === String(uid)
    );
  } catch {
    return false;
  }
}

const asNobody = asRoot ||
  (setprivPath() === undefined ? "needs setpriv (util-linux)" : false) ||
  (hasUser(NOBODY) && hasUser(DAEMON) ? false : "needs users nobody, daemon");

/** `setpriv` prefix that runs the CLI as nobody:nogroup, no other groups. */
function nobody(): readonly string[] {
  return [
    setprivPath()!,
    `--reuid=${NOBODY}`,
    `--regid=${NOGROUP}`,
    "--clear-groups",
    "--",
  ];
}

/** A process of root's that a planted pidfile names. */
function victim(): Subprocess {
  return spawn(["sleep", "600"]);
}

/** Writes `pid` to `path` as someone else might: content, then owner and
 * mode. */
function plant(
  path: string,
  pid: number,
  owner: { uid?: number; gid?: number; mode?: number } = {},
): void {
  writeFileSync(path, `${pid}\n`);
  chownSync(path, owner.uid ?? 0, owner.gid ?? 0);
  chmodSync(path, owner.mode ?? 0o644);
}

/** The one line of `text`. */
function oneLine(text: string): string {
  const lines = text.split("\n");
  assert.equal(lines.length, 2, `one line expected: ${JSON.stringify(text)}`);
  assert.equal(lines[1], "");
  return lines[0]!;
}

/** What `fn` threw (failing when it returned). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  assert.fail("nothing thrown");
}

function isUntrusted(path: string, reason: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof UntrustedFileError, String(error));
    assert.equal(error.path, path);
    assert.match(error.reason, reason);
    assert.match(error.message, /\(owner .*, group .*, mode [0-7]{4}\)$/);
    assert.deepEqual(error.cmd, []);
    return true;
  };
}

/** What a refused pidfile must look like from every side. */
async function assertRefused(
  path: string,
  named: number,
  reason: RegExp,
): Promise<void> {
  const before = lstatSync(path, { throwIfNoEntry: false });
  const content = before?.isSymbolicLink()
    ? `-> ${readlinkSync(path)}`
    : before?.isFile()
    ? readFileSync(path, "utf8")
    : undefined;

  const file = new Pidfile(path);
  assert.throws(() => file.read(), isUntrusted(path, reason));
  assert.throws(() => file.readRaw(), isUntrusted(path, reason));

  const mark = newMark();
  const detached = await detach(["sleep", "600"], {
    pidfile: path,
    env: { SUBPROC_TEST_MARK: mark },
  }).catch((error) => error);
  isUntrusted(path, reason)(detached);

  const stop = await runCli(["stop", "--pidfile", path, "--grace", "1s"]);
  assert.equal(stop.code, 1, stop.stderr);
  assert.equal(stop.stdout, "");
  assert.match(
    oneLine(stop.stderr),
    new RegExp(`^subproc stop: Refusing the pidfile "${path}": `),
  );
  assert.match(stop.stderr, reason);

  const status = await runCli(["status", "--pidfile", path]);
  assert.equal(status.code, 4, status.stdout + status.stderr);
  assert.equal(status.stderr, "");
  assert.match(
    oneLine(status.stdout),
    new RegExp(`^unknown: Refusing the pidfile "${path}": `),
  );
  assert.match(status.stdout, reason);

  const start = await runCli([
    "start",
    "--pidfile",
    path,
    "--env",
    `SUBPROC_TEST_MARK=${mark}`,
    "--",
    "sleep",
    "600",
  ]);
  assert.equal(start.code, 1, start.stderr);
  assert.equal(start.stdout, "");
  assert.match(
    oneLine(start.stderr),
    new RegExp(`^subproc start: Refusing the pidfile "${path}": `),
  );

  assert.deepEqual(marked(mark), [], "nothing was started");
  assert.ok(alive(named), `process ${named} was signalled`);
  assert.equal(stat(named)?.state === "Z", false);
  const after = lstatSync(path, { throwIfNoEntry: false });
  assert.equal(
    after?.isSymbolicLink()
      ? `-> ${readlinkSync(path)}`
      : after?.isFile()
      ? readFileSync(path, "utf8")
      : undefined,
    content,
    "the pidfile was neither removed nor rewritten",
  );
  assert.equal(existsSync(`${path}.lock`), false, "no lock left");
}

/** Runs `fn` with a temp directory (mode 0755) and a victim, then cleans
 * up both; the victim must have survived. */
async function withVictim(
  fn: (dir: string, victim: Subprocess) => Promise<void>,
): Promise<void> {
  const dir = tempDir("trust");
  chmodSync(dir, 0o755);
  await using sleeper = victim();
  try {
    await fn(dir, sleeper);
    assert.equal(sleeper.poll(), null, "the victim is still running");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A test as root with a temp directory and a victim (see
 * {@linkcode withVictim}). */
function victimTest(
  name: string,
  fn: (dir: string, victim: Subprocess) => Promise<void>,
  skip: string | false = asRoot,
): void {
  procTest(name, () => withVictim(fn), { skip });
}

victimTest(
  "a world-writable pidfile is refused; the process it names lives",
  async (dir, sleeper) => {
    const path = join(dir, "app.pid");
    plant(path, sleeper.pid, { mode: 0o666 });
    await assertRefused(path, sleeper.pid, /writable by every user/);
  },
);

victimTest(
  "a pidfile owned by nobody (0644) is refused; the process it names lives",
  async (dir, sleeper) => {
    const path = join(dir, "app.pid");
    plant(path, sleeper.pid, { uid: NOBODY, gid: NOGROUP });
    await assertRefused(path, sleeper.pid, /owned by nobody \(uid 65534\)/);
  },
);

victimTest(
  "a group-writable pidfile of a foreign group is refused; root's group is fine",
  async (dir, sleeper) => {
    const path = join(dir, "app.pid");
    plant(path, sleeper.pid, { gid: NOGROUP, mode: 0o664 });
    await assertRefused(
      path,
      sleeper.pid,
      /writable by the group nogroup \(gid 65534\)/,
    );
    // Control: the same mode with root's group (ours) is trusted.
    chownSync(path, 0, 0);
    assert.equal(new Pidfile(path).read(), sleeper.pid);
    // A foreign group that may only read it is fine too.
    chownSync(path, 0, NOGROUP);
    chmodSync(path, 0o644);
    assert.equal(new Pidfile(path).read(), sleeper.pid);
  },
);

victimTest(
  "a symlink planted at the pidfile path before start is refused, not followed, not replaced",
  async (dir, sleeper) => {
    // The link leads to a file that would be trusted on its own.
    const real = join(dir, "real.pid");
    plant(real, sleeper.pid);
    const path = join(dir, "app.pid");
    symlinkSync(real, path);
    lchownSync(path, NOBODY, NOGROUP);
    await assertRefused(path, sleeper.pid, /a symbolic link/);
    assert.equal(readFileSync(real, "utf8"), `${sleeper.pid}\n`);
    // Even root's own link: a pidfile is never read through a link.
    rmSync(path);
    symlinkSync(real, path);
    await assertRefused(path, sleeper.pid, /never followed/);
  },
);

victimTest(
  "a pidfile in a world-writable directory without the sticky bit is refused, read or written",
  async (dir, sleeper) => {
    const open = join(dir, "open");
    mkdirSync(open);
    chmodSync(open, 0o777);
    const path = join(open, "app.pid");
    plant(path, sleeper.pid);
    await assertRefused(path, sleeper.pid, /without the sticky bit/);
    const error = thrown(() =>
      new Pidfile(join(open, "new.pid")).write(sleeper.pid)
    );
    isUntrusted(join(open, "new.pid"), /without the sticky bit/)(error);
    assert.equal((error as UntrustedFileError).culprit, open);
    assert.equal((error as UntrustedFileError).mode, 0o777);
    assert.deepEqual(readdirSync(open), ["app.pid"], "nothing written");
    // Control: with the sticky bit (as /tmp) the same pidfile is trusted.
    chmodSync(open, 0o1777);
    assert.equal(new Pidfile(path).read(), sleeper.pid);
  },
);

victimTest(
  "a directory owned by nobody, or above the pidfile, is refused",
  async (dir, sleeper) => {
    const theirs = join(dir, "theirs");
    const below = join(theirs, "ours");
    mkdirSync(below, { recursive: true });
    chownSync(theirs, NOBODY, NOGROUP);
    const path = join(below, "app.pid");
    plant(path, sleeper.pid);
    // nobody may rename "ours" away and put another tree in its place.
    await assertRefused(path, sleeper.pid, /a directory owned by nobody/);
    const error = thrown(() => new Pidfile(path).read());
    isUntrusted(path, /owned by nobody/)(error);
    assert.equal((error as UntrustedFileError).culprit, theirs);
    assert.equal((error as UntrustedFileError).owner, NOBODY);
  },
);

victimTest(
  "a symlink owned by nobody on the way to the pidfile is refused (fs.protected_symlinks may be off)",
  async (dir, sleeper) => {
    // As in /tmp: a sticky world-writable directory where nobody put a
    // link to a directory of root's.
    const shared = join(dir, "shared");
    const roots = join(dir, "roots");
    mkdirSync(shared, { mode: 0o1777 });
    chmodSync(shared, 0o1777);
    mkdirSync(roots);
    plant(join(roots, "app.pid"), sleeper.pid);
    const link = join(shared, "app");
    symlinkSync(roots, link);
    lchownSync(link, NOBODY, NOGROUP);
    const path = join(link, "app.pid");
    await assertRefused(path, sleeper.pid, /a symbolic link owned by nobody/);
    // Control: root's own link there is followed.
    lchownSync(link, 0, 0);
    assert.equal(new Pidfile(path).read(), sleeper.pid);
  },
);

victimTest(
  "a pidfile with a second hard link is refused (fs.protected_hardlinks may be off)",
  async (dir, sleeper) => {
    const other = join(dir, "other.pid");
    plant(other, sleeper.pid);
    const path = join(dir, "app.pid");
    linkSync(other, path);
    await assertRefused(path, sleeper.pid, /2 hard links/);
    rmSync(other);
    assert.equal(new Pidfile(path).read(), sleeper.pid, "one link: fine");
  },
);

victimTest(
  "a FIFO at the pidfile path is refused at once, never read",
  async (dir, sleeper) => {
    const path = join(dir, "app.pid");
    const made = spawn(["mkfifo", path]);
    assert.equal((await made.status).code, 0);
    const file = new Pidfile(path);
    assert.throws(() => file.read(), isUntrusted(path, /a FIFO/));
    const status = await runCli(["status", "--pidfile", path]);
    assert.equal(status.code, 4);
    assert.match(status.stdout, /^unknown: .*a FIFO, not a regular file/);
    assert.ok(alive(sleeper.pid));
  },
);

procTest(
  "a root-owned 0644 pidfile keeps working: status 0, stop stops it and removes it",
  async () => {
    const dir = tempDir("trust");
    try {
      // In a sticky world-writable directory, as /tmp is.
      const shared = join(dir, "tmp");
      mkdirSync(shared);
      chmodSync(shared, 0o1777);
      await using sleeper = victim();
      const path = join(shared, "app.pid");
      new Pidfile(path).write(sleeper.pid);
      const st = statSync(path);
      assert.equal(st.mode & 0o7777, 0o644);
      assert.equal(st.uid, process.getuid!());
      const status = await runCli(["status", "--pidfile", path]);
      assert.equal(status.code, 0, status.stdout + status.stderr);
      assert.match(
        status.stdout,
        new RegExp(`^running: process ${sleeper.pid} `),
      );
      const stop = await runCli(["stop", "--pidfile", path, "--grace", "1s"]);
      assert.equal(stop.code, 0, stop.stderr);
      await allGone([sleeper.pid]);
      assert.equal(existsSync(path), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  { skip: asRoot },
);

procTest(
  "Pidfile.write() and start make a 0644 file of ours whatever the umask",
  async () => {
    const dir = tempDir("trust");
    const previous = process.umask(0o000);
    try {
      const lib = join(dir, "lib.pid");
      new Pidfile(lib).write(process.pid);
      assert.equal(statSync(lib).mode & 0o7777, 0o644, "umask 000");
      process.umask(0o077); // inherited by the CLI below
      new Pidfile(lib).write(process.pid);
      assert.equal(statSync(lib).mode & 0o7777, 0o644, "umask 077");
      const path = join(dir, "cli.pid");
      const started = await runCli([
        "start",
        "--pidfile",
        path,
        "--",
        "sleep",
        "600",
      ]);
      assert.equal(started.code, 0, started.stderr);
      const st = statSync(path);
      assert.equal(st.mode & 0o7777, 0o644, "start under umask 077");
      assert.equal(st.uid, process.getuid!());
      assert.equal(st.nlink, 1);
      const stop = await runCli(["stop", "--pidfile", path, "--grace", "1s"]);
      assert.equal(stop.code, 0, stop.stderr);
    } finally {
      process.umask(previous);
      rmSync(dir, { recursive: true, force: true });
    }
  },
  { skip: asRoot || (process.umask === undefined ? "no umask" : false) },
);

victimTest(
  "a planted lock beside the pidfile is refused: not followed, not removed, not waited for",
  async (dir, sleeper) => {
    const path = join(dir, "app.pid");
    const lock = `${path}.lock`;
    const precious = join(dir, "precious");
    writeFileSync(precious, `${sleeper.pid}\n`);
    const cases: [string, () => void, RegExp][] = [
      ["a symlink", () => symlinkSync(precious, lock), /a symbolic link/],
      [
        "nobody's file",
        () => plant(lock, 999_999_999, { uid: NOBODY, gid: NOGROUP }),
        /owned by nobody/,
      ],
      [
        "a world-writable file",
        () => plant(lock, 999_999_999, { mode: 0o666 }),
        /writable by every user/,
      ],
    ];
    for (const [what, make, reason] of cases) {
      make();
      const mark = newMark();
      const started = Date.now();
      const error = await detach(["sleep", "600"], {
        pidfile: path,
        env: { SUBPROC_TEST_MARK: mark },
      }).catch((e) => e);
      assert.ok(error instanceof UntrustedFileError, `${what}: ${error}`);
      assert.equal(error.path, lock, what);
      assert.match(error.message, /^Refusing the pidfile lock /, what);
      assert.match(error.reason, reason, what);
      assert.ok(Date.now() - started < 5000, `${what}: waited for it`);
      const cli = await runCli([
        "start",
        "--pidfile",
        path,
        "--",
        "sleep",
        "600",
      ]);
      assert.equal(cli.code, 1, what);
      assert.match(
        oneLine(cli.stderr),
        /^subproc start: Refusing the pidfile lock /,
      );
      assert.deepEqual(marked(mark), [], `${what}: nothing started`);
      assert.ok(
        lstatSync(lock, { throwIfNoEntry: false }),
        `${what}: the lock was removed`,
      );
      assert.equal(existsSync(path), false, `${what}: a pidfile was written`);
      rmSync(lock);
    }
    assert.equal(readFileSync(precious, "utf8"), `${sleeper.pid}\n`);
    // Control: a stale lock of ours (its owner is gone) is taken over.
    plant(lock, 999_999_999);
    const daemon = await detach(["sleep", "600"], { pidfile: path });
    assert.equal(new Pidfile(path).read(), daemon.pid);
    assert.equal(existsSync(lock), false);
    process.kill(daemon.pid, "SIGKILL");
    await allGone([daemon.pid]);
  },
);

/** The CLI as nobody. */
function cliAsNobody(args: readonly string[]): Promise<CliResult> {
  return runCli(args, { prefix: nobody() });
}

victimTest(
  "as nobody: a pidfile of root's is trusted, one of another non-root user (daemon) is not",
  async (dir, sleeper) => {
    const rootPid = join(dir, "root.pid");
    plant(rootPid, sleeper.pid);
    const running = await cliAsNobody(["status", "--pidfile", rootPid]);
    assert.equal(running.code, 0, running.stdout + running.stderr);
    assert.match(
      running.stdout,
      new RegExp(`^running: process ${sleeper.pid} `),
    );
    // nobody may not signal root's process: refused by the kernel, not by
    // the pidfile check.
    const denied = await cliAsNobody(["stop", "--pidfile", rootPid]);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /permission denied/);

    const daemonPid = join(dir, "daemon.pid");
    plant(daemonPid, sleeper.pid, { uid: DAEMON, gid: DAEMON });
    const status = await cliAsNobody(["status", "--pidfile", daemonPid]);
    assert.equal(status.code, 4, status.stdout + status.stderr);
    assert.match(
      oneLine(status.stdout),
      /^unknown: Refusing the pidfile .*: it is owned by daemon \(uid 1\)/,
    );
    const stop = await cliAsNobody(["stop", "--pidfile", daemonPid]);
    assert.equal(stop.code, 1);
    assert.match(
      oneLine(stop.stderr),
      /Refusing the pidfile .*owned by daemon/,
    );
    assert.ok(alive(sleeper.pid));
  },
  asNobody,
);

victimTest(
  "as nobody: start makes a pidfile of nobody's that nobody trusts and root refuses",
  async (dir) => {
    const home = join(dir, "nobody");
    mkdirSync(home);
    chownSync(home, NOBODY, NOGROUP);
    const path = join(home, "app.pid");
    const started = await cliAsNobody([
      "start",
      "--pidfile",
      path,
      "--",
      "sleep",
      "600",
    ]);
    assert.equal(started.code, 0, started.stderr);
    const pid = Number(started.stdout);
    await eventually("the daemon", () => stat(pid)?.comm === "sleep");
    const st = statSync(path);
    assert.deepEqual([st.uid, st.gid, st.mode & 0o7777], [
      NOBODY,
      NOGROUP,
      0o644,
    ]);
    assert.equal((await cliAsNobody(["status", "--pidfile", path])).code, 0);
    // Root (us) doesn't trust it: nobody could have put any PID there.
    const status = await runCli(["status", "--pidfile", path]);
    assert.equal(status.code, 4);
    assert.match(
      status.stdout,
      /"[^"]*nobody" is a directory owned by nobody/,
    );
    const refused = await runCli(["stop", "--pidfile", path]);
    assert.equal(refused.code, 1);
    assert.ok(alive(pid), "root's stop signalled it");
    const stop = await cliAsNobody([
      "stop",
      "--pidfile",
      path,
      "--grace",
      "1s",
    ]);
    assert.equal(stop.code, 0, stop.stderr);
    await allGone([pid]);
    assert.equal(existsSync(path), false);
  },
  asNobody,
);
