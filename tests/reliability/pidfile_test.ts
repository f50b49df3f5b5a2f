/**
 * Pidfile faults: a read-only directory, garbage, empty, a reused PID, a
 * stale file after a crash, a planted symlink, a directory at the path, a
 * zombie; the file's mode; atomic replacement under a concurrent reader.
 * Each ends with a clear error or `null`, never a signal to the wrong
 * process, and nothing left behind.
 */

import assert from "node:assert/strict";
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import process from "node:process";
import {
  AlreadyRunningError,
  detach,
  isAlive,
  killTree,
  Pidfile,
  run,
  spawn,
  UntrustedFileError,
} from "../../mod.ts";
import { allGone, eventually, hasProc, stat, tempDir } from "../_helpers.ts";
import { fixtureCommand, reliabilityCase } from "./_case.ts";

const posix = hasProc ? false : "needs /proc (Linux)";

async function inTempDir<T>(
  fn: (dir: string) => T | Promise<T>,
): Promise<T> {
  const dir = tempDir("pidfile");
  try {
    return await fn(dir);
  } finally {
    chmodSync(dir, 0o755);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `setpriv` prefix that takes away root's right to write anywhere. */
function withoutOverride(): string[] | string {
  if (process.getuid?.() !== 0) return [];
  for (const path of ["/usr/bin/setpriv", "/bin/setpriv"]) {
    if (existsSync(path)) {
      return [
        path,
        "--bounding-set",
        "-dac_override,-dac_read_search,-fowner",
        "--",
      ];
    }
  }
  return "root, and no setpriv to drop CAP_DAC_OVERRIDE";
}

reliabilityCase(
  "pidfile: the directory is read-only",
  {
    area: "pidfile",
    expected:
      "write() and detach({pidfile}) throw EACCES naming the path; detach stops the program it started; no temp file left",
    skip: posix ||
      (typeof withoutOverride() === "string" && withoutOverride() as string),
  },
  () =>
    inTempDir(async (dir) => {
      const ro = join(dir, "ro");
      mkdirSync(ro, { mode: 0o555 });
      chmodSync(ro, 0o555);
      const r = await run(
        [
          ...withoutOverride() as string[],
          ...fixtureCommand(
            "pidfile_readonly",
          ),
          ro,
        ],
        { capture: true, timeout: 30_000 },
      );
      assert.equal(r.code, 0, r.stderr);
      const got = JSON.parse(r.stdout);
      assert.match(got.plain, /EACCES/, "the directory must refuse writes");
      for (const which of ["write", "detach"]) {
        assert.match(got[which], /EACCES/, which);
        assert.ok(got[which].includes(ro), `${which} names the directory`);
      }
      assert.deepEqual(got.files, []);
      return `write(): ${got.write.split(":")[0]}; detach(): ${
        got.detach.split(":")[0]
      }, its program stopped; directory left empty`;
    }),
);

reliabilityCase(
  "pidfile: garbage, empty, stale after a crash, a zombie",
  {
    area: "pidfile",
    expected:
      "read() → null for each; detach() with such a pidfile starts and rewrites it; nothing signalled",
    skip: posix,
  },
  () =>
    inTempDir(async (dir) => {
      const path = join(dir, "app.pid");
      const file = new Pidfile(path);
      const garbage = [
        "",
        "\n",
        " ",
        "abc\n",
        "12abc\n",
        `${process.pid}abc`,
        "-1\n",
        "0\n",
        "00\n",
        `0${process.pid}\n`,
        ` ${process.pid}\n`,
        `${process.pid} \n`,
        `${process.pid}\n\n`,
        `${process.pid}\r\n`,
        `${process.pid}\n${process.pid}\n`,
        "1 2\n",
        "1e3\n",
        "0x10\n",
        "+5\n",
        "99999999999\n",
        "2147483648\n",
        "4294967297\n",
        "١٢\n",
        "$(id)\n",
        "1;kill -9 -1\n",
        "\u0000\u0001\u00ff".repeat(100),
      ];
      for (const content of garbage) {
        writeFileSync(path, content);
        assert.equal(file.read(), null, JSON.stringify(content));
        assert.equal(file.readRaw(), null, JSON.stringify(content));
      }
      // Detaching over garbage is allowed and replaces it.
      writeFileSync(path, "garbage\n");
      const first = await detach(["sleep", "30"], { pidfile: path });
      assert.equal(readFileSync(path, "utf8"), `${first.pid}\n`);
      assert.equal(file.read(), first.pid);
      // A second start is refused while it runs…
      const again = await detach(["sleep", "30"], { pidfile: path }).catch((
        e,
      ) => e);
      assert.ok(again instanceof AlreadyRunningError, String(again));
      // …and allowed once it crashed (SIGKILL: no chance to clean up).
      process.kill(first.pid, "SIGKILL");
      await allGone([first.pid]);
      assert.equal(file.read(), null, "stale after the crash");
      const second = await detach(["sleep", "30"], { pidfile: path });
      assert.equal(file.read(), second.pid);
      await killTree(second.pid, { grace: 1000 });
      await allGone([second.pid]);
      // A zombie (exited, never reaped) counts as dead. The child outlives
      // the exec, so its parent is then `sleep 30`, which never reaps it (a
      // `sleep 0` could end first and be reaped by the shell).
      const parent = spawn(["sh", "-c", "sleep 0.3 & echo $!; exec sleep 30"], {
        stdout: "pipe",
      });
      const reader = parent.stdout!.getReader();
      const zombie = Number(
        new TextDecoder().decode((await reader.read()).value),
      );
      reader.releaseLock();
      await eventually("a zombie", () => stat(zombie)?.state === "Z");
      file.write(zombie);
      assert.equal(file.read(), null, "a zombie is not running");
      assert.equal(isAlive(zombie), false);
      await parent.stop({ grace: 1000 });
      await parent.stdout!.cancel();
      return `${garbage.length} malformed contents → null; detach over garbage started and rewrote it; AlreadyRunningError while running; after SIGKILL read() → null and detach started again; zombie → null`;
    }),
);

reliabilityCase(
  "pidfile: a PID reused by a process started after the file was written",
  {
    area: "pidfile",
    expected:
      "read() → null (start time later than the file); detach() proceeds; the unrelated process is not signalled",
    skip: posix,
  },
  () =>
    inTempDir(async (dir) => {
      await using unrelated = spawn(["sleep", "30"]);
      const path = join(dir, "app.pid");
      const file = new Pidfile(path);
      file.write(unrelated.pid);
      assert.equal(file.read(), unrelated.pid, "control: fresh file");
      const past = new Date(Date.now() - 3600_000);
      utimesSync(path, past, past);
      assert.equal(file.read(), null);
      const daemon = await detach(["sleep", "30"], { pidfile: path });
      assert.equal(file.read(), daemon.pid);
      assert.ok(isAlive(unrelated.pid), "the unrelated process was touched");
      assert.equal(unrelated.poll(), null);
      await killTree(daemon.pid, { grace: 1000 });
      await allGone([daemon.pid]);
      return "read() → null; detach() started a new program; the process holding the old PID untouched";
    }),
);

reliabilityCase(
  "pidfile: a symlink planted at the path, a directory at the path",
  {
    area: "pidfile",
    expected:
      "a symlink is never followed: read() refuses it (UntrustedFileError), write() replaces the link, the target is untouched (also dangling); a directory → clear error on write, refused on read, no temp file",
    skip: posix,
  },
  () =>
    inTempDir((dir) => {
      const victim = join(dir, "victim");
      writeFileSync(victim, `${process.pid}\n`);
      const link = join(dir, "app.pid");
      symlinkSync(victim, link);
      const file = new Pidfile(link);
      assert.throws(
        () => file.read(),
        UntrustedFileError,
        "followed the link on read",
      );
      file.write(process.pid);
      assert.ok(lstatSync(link).isFile(), "the link is now a file");
      assert.equal(readFileSync(victim, "utf8"), `${process.pid}\n`);
      // Dangling: the target must not be created.
      const nowhere = join(dir, "nowhere");
      const dangling = join(dir, "dangling.pid");
      symlinkSync(nowhere, dangling);
      new Pidfile(dangling).write(process.pid);
      assert.equal(existsSync(nowhere), false, "created the link's target");
      // remove() removes the link, not its target.
      const third = join(dir, "third.pid");
      symlinkSync(victim, third);
      new Pidfile(third).remove();
      assert.equal(existsSync(victim), true);
      // A directory where the file should be.
      const dirPath = join(dir, "isdir.pid");
      mkdirSync(dirPath);
      const error = (() => {
        try {
          new Pidfile(dirPath).write(process.pid);
          return null;
        } catch (e) {
          return e as Error & { code?: string };
        }
      })();
      assert.ok(error, "writing over a directory succeeded");
      assert.ok(statSync(dirPath).isDirectory());
      assert.throws(() => new Pidfile(dirPath).read(), /a directory, not a/);
      const left = readdirSync(dir).filter((n) => n.endsWith(".tmp"));
      assert.deepEqual(left, [], "temp files left");
      return `read() refuses the symlink; write() replaced it, target untouched (dangling too); remove() unlinks only the link; directory → ${error.code} on write, refused on read, no temp file`;
    }),
);

reliabilityCase(
  "pidfile: mode and atomic replacement under a concurrent reader",
  {
    area: "pidfile",
    expected:
      "never group/world-writable (even over a 0666 file); a reader in another process sees only whole PIDs, never a missing or partial file",
    skip: posix,
  },
  () =>
    inTempDir(async (dir) => {
      const path = join(dir, "app.pid");
      writeFileSync(path, "1\n", { mode: 0o666 });
      chmodSync(path, 0o666);
      const file = new Pidfile(path);
      file.write(process.pid);
      assert.equal(readFileSync(path, "utf8"), `${process.pid}\n`, "the PID");
      assert.equal(file.read(), process.pid);
      const mode = statSync(path).mode & 0o777;
      assert.equal(mode & 0o022, 0, `mode ${mode.toString(8)}`);
      // A reader hammering the path while we replace it 300 times.
      const reader = spawn(
        [
          "sh",
          "-c",
          'while [ ! -e "$1.stop" ]; do cat "$1" 2>/dev/null || echo MISSING; done',
          "sh",
          path,
        ],
        { stdout: "pipe" },
      );
      const collected = reader.output();
      const pids = [process.pid, 2 ** 22 - 1, 12345];
      for (let i = 0; i < 300; i++) {
        file.write(pids[i % pids.length]!);
        if (i % 30 === 0) await new Promise((r) => setTimeout(r, 1));
      }
      writeFileSync(`${path}.stop`, "");
      const out = new TextDecoder().decode((await collected).stdout);
      const lines = out.split("\n").filter((l) => l !== "");
      const bad = lines.filter((l) => !pids.map(String).includes(l));
      assert.deepEqual(bad.slice(0, 5), [], `${bad.length} bad reads`);
      assert.ok(lines.length > 50, `only ${lines.length} reads`);
      const temps = readdirSync(dir).filter((n) => n.endsWith(".tmp"));
      assert.deepEqual(temps, []);
      file.remove();
      file.remove(); // a missing file is fine
      assert.equal(file.read(), null, "gone once removed");
      return `mode ${
        mode.toString(8)
      } over a 0666 file; ${lines.length} concurrent reads during 300 replacements, all whole PIDs`;
    }),
);

reliabilityCase(
  "pidfile: four processes detach() with one pidfile at the same moment",
  {
    area: "pidfile",
    expected:
      "exactly one starts; the others get AlreadyRunningError; the pidfile names the one that runs",
    skip: posix,
  },
  () =>
    inTempDir(async (dir) => {
      const path = join(dir, "app.pid");
      const startAt = Date.now() + 1500;
      const racers = Array.from({ length: 4 }, () =>
        run([...fixtureCommand("detach_race"), path, `${startAt}`], {
          capture: true,
          timeout: 30_000,
        }));
      const results = (await Promise.all(racers)).map((r) =>
        JSON.parse(r.stdout) as { started?: number; error?: string }
      );
      const started = results.flatMap((r) =>
        r.started ?? []
      );
      const named = new Pidfile(path).readRaw();
      for (const pid of started) await killTree(pid, { grace: 1000 });
      await allGone(started);
      const errors = results.flatMap((r) => r.error ?? []);
      assert.deepEqual(
        errors.filter((e) => e !== "AlreadyRunningError"),
        [],
        "unexpected errors",
      );
      assert.equal(
        started.length,
        1,
        `${started.length} of 4 started; the pidfile names ${named}, ${
          started.length - 1
        } daemon(s) untracked (stopped here)`,
      );
      assert.equal(named, started[0]);
      return `one started (${named}), ${errors.length} AlreadyRunningError`;
    }),
);
