/**
 * The `subproc` CLI, run as a real process (see `cliCommand()`), with the
 * kernel's view checked in /proc.
 */

import assert from "node:assert/strict";
import {
  chmodSync,
  existsSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { Pidfile, spawn } from "../mod.ts";
import { VERSION } from "../src/version.ts";
import {
  alive,
  allGone,
  cgroupsLeft,
  eventually,
  groupMembers,
  marked,
  markedRunning,
  missingTool,
  newMark,
  procTest,
  runCli,
  stat,
  tempDir,
  testCgroup,
} from "./_helpers.ts";

/** PIDs written one per line to `file` by a shell, once there are `n`. */
async function pidsIn(file: string, n: number): Promise<number[]> {
  let pids: number[] = [];
  await eventually(`${n} PIDs in ${file}`, () => {
    try {
      pids = readFileSync(file, "utf8").trim().split("\n").map(Number)
        .filter((pid) => pid > 0);
    } catch {
      pids = [];
    }
    return pids.length >= n;
  }, 10_000);
  return pids;
}

/** Waits until both sleeps of `sh -c 'sleep 100 & sleep 100'` run `sleep`
 * (see {@linkcode markedRunning}: signalled earlier, they may lose it). */
async function bothSleepsRunning(mark: string): Promise<void> {
  await eventually(
    "the sleeps to start",
    () => markedRunning(mark, "sleep").length === 2,
  );
}

/** The project's version: deno.json here, package.json of the npm build. */
function projectVersion(): string {
  for (const name of ["../deno.json", "../package.json"]) {
    const url = new URL(name, import.meta.url);
    if (existsSync(url)) return JSON.parse(readFileSync(url, "utf8")).version;
  }
  throw new Error("no deno.json or package.json above tests/");
}

procTest("subproc --version prints the version of deno.json", async () => {
  assert.equal(VERSION, projectVersion(), "src/version.ts is up to date");
  const result = await runCli(["--version"]);
  assert.equal(result.code, 0);
  assert.equal(result.stdout, `subproc ${projectVersion()}\n`);
});

procTest("subproc --help, and --help on every command, exit 0", async () => {
  const top = await runCli(["--help"]);
  assert.equal(top.code, 0);
  assert.match(top.stdout, /^Usage: subproc COMMAND/);
  for (const command of ["run", "start", "stop", "status", "tree"]) {
    const result = await runCli([command, "--help"]);
    assert.equal(result.code, 0, command);
    assert.match(result.stdout, new RegExp(`^Usage: subproc ${command} `));
    assert.match(result.stdout, /Exit status/);
    const short = await runCli(["help", command]);
    assert.equal(short.stdout, result.stdout);
  }
});

procTest("subproc without or with an unknown command exits 2", async () => {
  const none = await runCli([]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /^Usage: subproc COMMAND/);
  const unknown = await runCli(["frobnicate"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /^subproc: unknown command "frobnicate"\n/);
});

procTest("subproc run exits with CMD's code, or 128 + N", async () => {
  assert.equal((await runCli(["run", "--", "true"])).code, 0);
  assert.equal((await runCli(["run", "--", "sh", "-c", "exit 7"])).code, 7);
  const killed = await runCli(["run", "--", "sh", "-c", "kill -USR1 $$"]);
  assert.equal(killed.code, 128 + 10); // SIGUSR1 is 10 on Linux
  const output = await runCli([
    "run",
    "--",
    "sh",
    "-c",
    "echo out; echo e >&2",
  ]);
  assert.equal(output.stdout, "out\n");
  assert.equal(output.stderr, "e\n");
});

procTest("subproc run exits 127 when CMD is not found", async () => {
  const result = await runCli(["run", "--", "no-such-command-subproc"]);
  assert.equal(result.code, 127);
  assert.match(
    result.stderr,
    /^subproc run: .*"no-such-command-subproc".*not found\n$/,
  );
});

procTest("subproc run exits 126 when CMD can't be executed", async () => {
  const dir = tempDir("cli");
  try {
    const script = join(dir, "script.sh");
    writeFileSync(script, "#!/bin/sh\necho hi\n");
    chmodSync(script, 0o644);
    const file = await runCli(["run", "--", script]);
    assert.equal(file.code, 126);
    assert.match(file.stderr, /permission denied/);
    assert.equal((await runCli(["run", "--", dir])).code, 126);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

procTest("subproc run exits 125 on bad arguments, naming them", async () => {
  const cases: [string[], RegExp][] = [
    [["run", "--bogus", "--", "true"], /unknown option --bogus/],
    [["run", "sleep", "1"], /missing "--" before the command "sleep"/],
    [["run", "--timeout", "5"], /missing "--" and the command/],
    [["run", "--"], /missing the command after "--"/],
    [["run", "x", "--", "true"], /unexpected argument "x" before "--"/],
    [["run", "--timeout", "abc", "--", "true"], /--timeout "abc"/],
    [["run", "--timeout", "-1", "--", "true"], /--timeout needs a value/],
    [["run", "--grace", "5x", "--", "true"], /--grace "5x"/],
    [["run", "--signal", "NOPE", "--", "true"], /--signal "NOPE"/],
    [["run", "--timeout", "--", "true"], /--timeout needs a value/],
    [["run", "--new-session=yes", "--", "true"], /takes no value/],
  ];
  for (const [args, message] of cases) {
    const result = await runCli(args);
    assert.equal(result.code, 125, args.join(" "));
    const [line, usage] = result.stderr.split("\n");
    assert.match(line!, /^subproc run: /);
    assert.match(line!, message);
    assert.match(usage!, /^Usage: subproc run .*--help/);
  }
});

procTest(
  "subproc run --timeout ends a shell and its grandchildren",
  async () => {
    for (const extra of [[], ["--new-session"]]) {
      const dir = tempDir("cli");
      try {
        const file = join(dir, "pids");
        const result = await runCli([
          "run",
          "--timeout",
          "500ms",
          ...extra,
          "--",
          "sh",
          "-c",
          `echo $$ > ${file}; sleep 100 & echo $! >> ${file}; sleep 100`,
        ]);
        assert.equal(result.code, 124, result.stderr);
        assert.match(result.stderr, /"sh" timed out after 500 ms/);
        assert.ok(result.ms < 5000, `took ${result.ms} ms`);
        const pids = await pidsIn(file, 2);
        // Gone when subproc returned, not merely soon after.
        assert.deepEqual(pids.filter(alive), [], extra.join(" "));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  },
);

procTest("subproc run --timeout 0 means no timeout", async () => {
  const result = await runCli(["run", "--timeout", "0", "--", "sleep", "0.2"]);
  assert.equal(result.code, 0);
});

procTest(
  "subproc run --grace escalates to SIGKILL; --signal picks the first signal",
  async () => {
    const ignoring = await runCli([
      "run",
      "--timeout",
      "200ms",
      "--grace",
      "400ms",
      "--",
      "sh",
      "-c",
      "trap '' TERM; sleep 100",
    ]);
    assert.equal(ignoring.code, 124);
    assert.ok(ignoring.ms >= 600, `took ${ignoring.ms} ms`);
    // SIGINT is not ignored there: no wait for the grace period.
    const interrupted = await runCli([
      "run",
      "--timeout",
      "200ms",
      "--grace",
      "20s",
      "--signal",
      "INT",
      "--",
      "sh",
      "-c",
      "trap '' TERM; sleep 100",
    ]);
    assert.equal(interrupted.code, 124);
    assert.ok(interrupted.ms < 10_000, `took ${interrupted.ms} ms`);
  },
);

procTest(
  "subproc run --new-session forwards SIGTERM to CMD's group and dies of it",
  async () => {
    const mark = newMark();
    let cli = 0;
    const pending = runCli(
      ["run", "--new-session", "--", "sh", "-c", "sleep 100 & sleep 100"],
      { env: { SUBPROC_TEST_MARK: mark }, onSpawn: (pid) => cli = pid },
    );
    await bothSleepsRunning(mark);
    const [cmd] = marked(mark).filter((pid) => stat(pid)!.ppid === cli);
    assert.equal(stat(cmd!)!.sid, cmd, "CMD leads its own session");
    process.kill(cli, "SIGTERM");
    const result = await pending;
    assert.equal(result.signal, "SIGTERM", JSON.stringify(result));
    assert.deepEqual(marked(mark), []);
  },
);

procTest(
  "subproc run: SIGTERM to subproc alone reaches CMD in subproc's group",
  async () => {
    const mark = newMark();
    let cli = 0;
    const pending = runCli(["run", "--", "sh", "-c", "sleep 100 & sleep 100"], {
      env: { SUBPROC_TEST_MARK: mark },
      onSpawn: (pid) => cli = pid,
    });
    await bothSleepsRunning(mark);
    process.kill(cli, "SIGTERM");
    const result = await pending;
    assert.equal(result.signal, "SIGTERM", JSON.stringify(result));
    // The background sleep, orphaned when sh died, was found and stopped.
    assert.deepEqual(marked(mark), []);
  },
);

procTest(
  "subproc run: SIGINT to the whole group (as Ctrl-C) leaves nothing behind",
  async () => {
    for (const extra of [[], ["--new-session"]]) {
      const mark = newMark();
      let cli = 0;
      const pending = runCli(
        ["run", ...extra, "--", "sh", "-c", "sleep 100 & sleep 100"],
        {
          env: { SUBPROC_TEST_MARK: mark },
          onSpawn: (pid) => cli = pid,
          detached: true,
        },
      );
      await bothSleepsRunning(mark);
      // The terminal sends SIGINT to the foreground group, CMD included
      // (or not, with --new-session); the background sleep ignores it.
      process.kill(-cli, "SIGINT");
      const result = await pending;
      assert.equal(result.signal, "SIGINT", JSON.stringify({ extra, result }));
      assert.deepEqual(
        marked(mark),
        [],
        JSON.stringify({ extra, cli, left: marked(mark).map(stat) }),
      );
    }
  },
);

procTest(
  "subproc run: CMD killed by SIGINT — subproc dies of it, CMD's jobs are stopped",
  async () => {
    const dir = tempDir("cli");
    try {
      const file = join(dir, "pids");
      // Only CMD gets the signal: subproc never does, as when the terminal's
      // Ctrl-C reaches CMD's exit before subproc's signal listener runs.
      const result = await runCli([
        "run",
        "--",
        "sh",
        "-c",
        `sleep 100 & echo $! > ${file}; kill -INT $$; sleep 100`,
      ]);
      assert.equal(result.signal, "SIGINT", JSON.stringify(result));
      const [sleeper] = await pidsIn(file, 1);
      assert.equal(alive(sleeper!), false, "the background job was stopped");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

procTest(
  "subproc run --kill-on-parent-exit: CMD dies when subproc is SIGKILLed",
  async () => {
    const mark = newMark();
    let cli = 0;
    const pending = runCli([
      "run",
      "--kill-on-parent-exit",
      "--contain",
      "cgroup",
      "--",
      "sleep",
      "100",
    ], {
      env: { SUBPROC_TEST_MARK: mark },
      onSpawn: (pid) => cli = pid,
    });
    await eventually(
      "sleep to start",
      () => marked(mark).some((pid) => stat(pid)?.comm === "sleep"),
    );
    const [sleeper] = marked(mark).filter((pid) => stat(pid)?.comm === "sleep");
    process.kill(cli, "SIGKILL");
    const result = await pending;
    assert.equal(result.signal, "SIGKILL");
    await allGone([sleeper!]);
    // Killed, subproc could not remove CMD's cgroup: it is left, empty,
    // until the next subproc that makes a cgroup beside it removes it.
    const left = cgroupsLeft();
    if (testCgroup !== null) {
      assert.equal(left.length, 1, `one cgroup left: ${left.join(", ")}`);
      assert.equal(readFileSync(join(left[0]!, "cgroup.procs"), "utf8"), "");
      const next = await runCli(["run", "--timeout", "10s", "--", "true"]);
      assert.equal(next.code, 0, next.stderr);
      assert.deepEqual(cgroupsLeft(), [], "the next subproc removed it");
    }
  },
  { skip: missingTool("setpriv") },
);

procTest("subproc start → status 0 → stop 0 → status 3", async () => {
  const dir = tempDir("cli");
  try {
    const pidfile = join(dir, "app.pid");
    const started = await runCli([
      "start",
      "--pidfile",
      pidfile,
      "--",
      "sh",
      "-c",
      "sleep 100 & sleep 100",
    ]);
    assert.equal(started.code, 0, started.stderr);
    const pid = Number(started.stdout.trim());
    assert.equal(started.stdout, `${pid}\n`);
    assert.equal(readFileSync(pidfile, "utf8"), `${pid}\n`);
    const row = stat(pid)!;
    assert.equal(row.sid, pid, "a new session");
    assert.equal(row.pgid, pid, "a new group");
    assert.equal(row.ttyNr, 0, "no controlling terminal");
    await eventually("the sleeps", () => groupMembers(pid).length >= 3);
    const members = groupMembers(pid);

    const running = await runCli(["status", "--pidfile", pidfile]);
    assert.equal(running.code, 0);
    assert.equal(running.stdout.split("\n").length, 2, "one line");
    assert.match(running.stdout, new RegExp(`^running: process ${pid} `));

    const stopped = await runCli(["stop", "--pidfile", pidfile]);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.match(stopped.stdout, new RegExp(`^stopped ${pid} and its unit`));
    assert.deepEqual(members.filter(alive), [], "the whole group is gone");
    assert.equal(existsSync(pidfile), false, "the pidfile was removed");
    assert.equal(existsSync(`${pidfile}.unit`), false, "and its unit record");
    assert.deepEqual(cgroupsLeft(), [], "and its cgroup");

    const after = await runCli(["status", "--pidfile", pidfile]);
    assert.equal(after.code, 3);
    assert.match(after.stdout, /^not running: no pidfile /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

procTest("subproc start twice with one pidfile exits 1", async () => {
  const dir = tempDir("cli");
  try {
    const pidfile = join(dir, "app.pid");
    const log = join(dir, "app.log");
    const first = await runCli([
      "start",
      "--pidfile",
      pidfile,
      "--log",
      log,
      "--",
      "sh",
      "-c",
      "echo started; exec sleep 100",
    ]);
    assert.equal(first.code, 0, first.stderr);
    const pid = Number(first.stdout);
    await eventually(
      "the first line of the log",
      () => existsSync(log) && readFileSync(log, "utf8") === "started\n",
    );
    const second = await runCli([
      "start",
      "--pidfile",
      pidfile,
      "--log",
      log,
      "--",
      "sleep",
      "100",
    ]);
    assert.equal(second.code, 1);
    assert.equal(second.stdout, "");
    assert.match(
      second.stderr,
      new RegExp(`^subproc start: .*names process ${pid}, which is running\n$`),
    );
    assert.equal(new Pidfile(pidfile).read(), pid, "the pidfile is unchanged");
    assert.equal(readFileSync(log, "utf8"), "started\n", "the log too");
    assert.ok(alive(pid));
    assert.equal((await runCli(["stop", "--pidfile", pidfile])).code, 0);
    assert.equal(alive(pid), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

procTest(
  "subproc stop of a child that ignores SIGTERM finishes after --grace",
  async () => {
    const dir = tempDir("cli");
    try {
      const pidfile = join(dir, "app.pid");
      const ready = join(dir, "ready");
      const started = await runCli([
        "start",
        "--pidfile",
        pidfile,
        "--",
        "sh",
        "-c",
        `trap '' TERM; touch ${ready}; sleep 100`,
      ]);
      assert.equal(started.code, 0, started.stderr);
      const pid = Number(started.stdout);
      await eventually("the trap to be set", () => existsSync(ready));
      const members = groupMembers(pid);
      const stopped = await runCli([
        "stop",
        "--pidfile",
        pidfile,
        "--grace",
        "700ms",
      ]);
      assert.equal(stopped.code, 0, stopped.stderr);
      assert.ok(stopped.ms >= 700, `took ${stopped.ms} ms`);
      assert.ok(stopped.ms < 10_000, `took ${stopped.ms} ms`);
      assert.deepEqual(members.filter(alive), []);
      assert.equal(existsSync(pidfile), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

procTest(
  "subproc start --log: truncated, or appended with --append",
  async () => {
    const dir = tempDir("cli");
    try {
      const pidfile = join(dir, "app.pid");
      const log = join(dir, "app.log");
      const once = async (word: string, ...extra: string[]) => {
        const result = await runCli([
          "start",
          "--pidfile",
          pidfile,
          "--log",
          log,
          ...extra,
          "--",
          "sh",
          "-c",
          `echo ${word}-out; echo ${word}-err >&2; echo ${word}-end`,
        ]);
        assert.equal(result.code, 0, result.stderr);
        const pid = Number(result.stdout);
        await allGone([pid]);
        // It ended on its own: stop removes the pidfile and the unit.
        const stopped = await runCli(["stop", "--pidfile", pidfile]);
        assert.equal(stopped.code, 0, stopped.stderr);
      };
      writeFileSync(log, "old line\n");
      await once("a");
      assert.equal(readFileSync(log, "utf8"), "a-out\na-err\na-end\n");
      await once("b", "--append");
      assert.equal(
        readFileSync(log, "utf8"),
        "a-out\na-err\na-end\nb-out\nb-err\nb-end\n",
      );
      await once("c");
      assert.equal(readFileSync(log, "utf8"), "c-out\nc-err\nc-end\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

procTest("subproc start --cwd and --env reach CMD", async () => {
  const dir = tempDir("cli");
  try {
    const log = join(dir, "app.log");
    const result = await runCli([
      "start",
      "--pidfile",
      join(dir, "app.pid"),
      "--log",
      log,
      "--cwd",
      tmpdir(),
      "--env",
      "GREETING=hello world",
      "--env",
      "EMPTY=",
      "--",
      "sh",
      "-c",
      'pwd; echo "$GREETING|${EMPTY-unset}"',
    ]);
    assert.equal(result.code, 0, result.stderr);
    await allGone([Number(result.stdout)]);
    assert.equal(readFileSync(log, "utf8"), `${tmpdir()}\nhello world|\n`);
    const stopped = await runCli(["stop", "--pidfile", join(dir, "app.pid")]);
    assert.equal(stopped.code, 0, stopped.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

procTest("subproc start: bad arguments exit 2, a missing CMD 127", async () => {
  const dir = tempDir("cli");
  try {
    const pidfile = join(dir, "app.pid");
    const cases: [string[], RegExp][] = [
      [["start", "--", "true"], /missing --pidfile F/],
      [["start", "--pidfile", pidfile, "true"], /missing "--" before/],
      [["start", "--pidfile", pidfile, "--"], /missing the command/],
      [
        ["start", "--pidfile", join(dir, "no/x.pid"), "--", "true"],
        /does not exist/,
      ],
      [
        ["start", "--pidfile", pidfile, "--append", "--", "true"],
        /--append needs --log/,
      ],
      [
        ["start", "--pidfile", pidfile, "--env", "NOEQUALS", "--", "true"],
        /--env "NOEQUALS": expected KEY=VALUE/,
      ],
      [[
        "start",
        "--pidfile",
        pidfile,
        "--cwd",
        join(dir, "nope"),
        "--",
        "true",
      ], /no such directory/],
      [
        ["start", "--pidfile", pidfile, "--timeout", "1", "--", "true"],
        /unknown option --timeout/,
      ],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(args);
      assert.equal(result.code, 2, args.join(" "));
      assert.match(result.stderr, /^subproc start: /);
      assert.match(result.stderr, message);
    }
    const missing = await runCli([
      "start",
      "--pidfile",
      pidfile,
      "--",
      "no-such-command-subproc",
    ]);
    assert.equal(missing.code, 127);
    assert.equal(existsSync(pidfile), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

procTest(
  "subproc status: 1 when the pidfile names no live process",
  async () => {
    const dir = tempDir("cli");
    try {
      const pidfile = join(dir, "app.pid");
      writeFileSync(pidfile, "999999999\n"); // above any pid_max
      const dead = await runCli(["status", "--pidfile", pidfile]);
      assert.equal(dead.code, 1);
      assert.match(dead.stdout, /^dead: process 999999999 is not running/);
      writeFileSync(pidfile, "garbage");
      const garbage = await runCli(["status", "--pidfile", pidfile]);
      assert.equal(garbage.code, 1);
      assert.match(garbage.stdout, /holds no valid PID/);
      // A live PID that started after the pidfile was written: reused.
      writeFileSync(pidfile, `${process.pid}\n`);
      assert.equal((await runCli(["status", "--pidfile", pidfile])).code, 0);
      utimesSync(pidfile, new Date(2000, 0, 1), new Date(2000, 0, 1));
      const reused = await runCli(["status", "--pidfile", pidfile]);
      assert.equal(reused.code, 1);
      assert.match(reused.stdout, /now belongs to a newer process/);
      const usage = await runCli(["status"]);
      assert.equal(usage.code, 2);
      assert.match(usage.stderr, /missing --pidfile F/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

procTest("subproc stop PID --tree stops escapees from the group", async () => {
  const dir = tempDir("cli");
  try {
    const file = join(dir, "pids");
    const child = spawn([
      "sh",
      "-c",
      `setsid sleep 100 & echo $! > ${file}; sleep 100 & echo $! >> ${file}; wait`,
    ], { newSession: true });
    const pids = await pidsIn(file, 2);
    await eventually(
      "the setsid sleep",
      () => stat(pids[0]!)?.comm === "sleep",
    );
    assert.notEqual(stat(pids[0]!)!.pgid, child.pid, "one left the group");
    const result = await runCli([
      "stop",
      String(child.pid),
      "--tree",
      "--grace",
      "1s",
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^stopped ${child.pid} \\(tree\\)`));
    assert.deepEqual([child.pid, ...pids].filter(alive), []);
    assert.equal((await child.status).signal, "SIGTERM");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

procTest(
  "subproc stop: not running is 0; refusals are 1; misuse is 2",
  async () => {
    const dir = tempDir("cli");
    try {
      const pidfile = join(dir, "stale.pid");
      writeFileSync(pidfile, "999999999\n");
      const stale = await runCli(["stop", "--pidfile", pidfile]);
      assert.equal(stale.code, 0);
      assert.match(stale.stdout, /^not running: /);
      assert.equal(existsSync(pidfile), false, "a stale pidfile is removed");
      const missing = await runCli(["stop", "--pidfile", pidfile]);
      assert.equal(missing.code, 0);
      const ancestor = await runCli(["stop", String(process.pid)]);
      assert.equal(ancestor.code, 1);
      assert.match(ancestor.stderr, /Refusing to signal .*ancestor/);
      assert.ok(alive(process.pid));
      const cases: [string[], RegExp][] = [
        [["stop"], /missing --pidfile F or PID/],
        [["stop", "0"], /invalid PID "0"/],
        [["stop", "-5"], /unknown option -5|invalid PID/],
        [["stop", "12abc"], /invalid PID "12abc"/],
        [["stop", "1", "2"], /unexpected argument "2"/],
        [["stop", "--pidfile", pidfile, "1"], /not both/],
        [["stop", "1", "--grace", "soon"], /--grace "soon"/],
        [["stop", "1", "--signal", "SIGNOPE"], /--signal "SIGNOPE"/],
        [["stop", "1", "--", "x"], /unexpected "--"/],
      ];
      for (const [args, message] of cases) {
        const result = await runCli(args);
        assert.equal(result.code, 2, args.join(" "));
        assert.match(result.stderr, message, args.join(" "));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

procTest(
  "subproc tree prints descendants with their command lines",
  async () => {
    const dir = tempDir("cli");
    try {
      const file = join(dir, "pids");
      const child = spawn([
        "sh",
        "-c",
        `sleep 100 & echo $! > ${file}; sh -c 'sleep 101 & echo $! >> ${file}; wait' & wait`,
      ], { newSession: true });
      const [first, nested] = await pidsIn(file, 2);
      await eventually(
        "the sleeps",
        () => stat(first!)?.comm === "sleep" && stat(nested!)?.comm === "sleep",
      );
      const result = await runCli(["tree", String(child.pid)]);
      assert.equal(result.code, 0, result.stderr);
      const lines = result.stdout.trimEnd().split("\n");
      assert.match(
        lines[0]!,
        new RegExp(`^${child.pid} \\S*sh -c sleep 100 & `),
      );
      assert.ok(lines.includes(`  ${first} sleep 100`), result.stdout);
      const inner = stat(nested!)!.ppid;
      assert.ok(
        lines.some((l) =>
          new RegExp(`^  ${inner} \\S*sh -c sleep 101`).test(l)
        ),
        result.stdout,
      );
      assert.ok(lines.includes(`    ${nested} sleep 101`), result.stdout);
      assert.equal(lines.length, 4, result.stdout);
      await child.stop({ grace: 1000 });
      const gone = await runCli(["tree", String(child.pid)]);
      assert.equal(gone.code, 1);
      assert.match(gone.stderr, /is not running/);
      assert.equal((await runCli(["tree"])).code, 2);
      assert.equal((await runCli(["tree", "x"])).code, 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

procTest("subproc stop --signal KILL ends a process at once", async () => {
  const dir = tempDir("cli");
  try {
    const pidfile = join(dir, "app.pid");
    const child = spawn(["sh", "-c", "trap '' TERM; sleep 100"], {
      newSession: true,
    });
    new Pidfile(pidfile).write(child.pid);
    const result = await runCli([
      "stop",
      "--pidfile",
      pidfile,
      "--signal",
      "9",
      "--grace",
      "20s",
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(result.ms < 10_000, `took ${result.ms} ms`);
    assert.equal((await child.status).signal, "SIGKILL");
    assert.deepEqual(groupMembers(child.pid), []);
    assert.equal(existsSync(pidfile), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
