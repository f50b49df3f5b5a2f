/**
 * `subproc timeout` beyond coreutils' own tests: the command line as GNU's
 * getopt reads it, signals passed on, the exit status of a command killed by
 * a signal, the parent-death signal, `--tree`.
 */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import {
  alive,
  eventually,
  lineIn,
  marked,
  missingTool,
  newMark,
  procTest,
  runCli,
  stat,
  withTempDir,
} from "../_helpers.ts";
import { cliShell } from "../_shell.ts";
import { startTrapping } from "../_trap.ts";

procTest("subproc timeout --help and --version exit 0", async () => {
  const help = await runCli(["timeout", "--help"]);
  assert.equal(help.code, 0);
  assert.match(
    help.stdout,
    /^Usage: subproc timeout \[OPTION\]\.\.\. DURATION/,
  );
  assert.match(help.stdout, /124 +CMD timed out/);
  const version = await runCli(["timeout", "--version"]);
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^subproc timeout \d+\.\d+\.\d+\n$/);
});

procTest(
  "subproc timeout reads options as GNU getopt does: grouped, attached, abbreviated, up to the duration",
  async () => {
    const ok: string[][] = [
      ["-vk1", "5", "true"],
      ["-s", "9", "5", "true"],
      ["-s9", "5", "true"],
      ["--sig=KILL", "5", "true"],
      ["--kill=0.2", "--fore", "5", "true"],
      ["-fp", "5", "true"],
      ["--", "5", "true"],
      ["--signal", "sigusr1", "5", "true"],
      ["--signal", "137", "5", "true"], // an exit status: 128 + KILL
    ];
    for (const args of ok) {
      const result = await runCli(["timeout", ...args]);
      assert.equal(result.code, 0, `${args.join(" ")}: ${result.stderr}`);
    }
    // Options after the duration belong to the command.
    const echo = await runCli(["timeout", "5", "echo", "-v", "--signal=x"]);
    assert.equal(echo.stdout, "-v --signal=x\n");
    const bad: [string[], RegExp][] = [
      [["--ver", "5", "true"], /option '--ver' is ambiguous/],
      [["--bogus", "5", "true"], /unrecognized option '--bogus'/],
      [["-x", "5", "true"], /invalid option -- 'x'/],
      [["--verbose=1", "5", "true"], /'--verbose' doesn't allow an argument/],
      [["-k"], /option requires an argument -- 'k'/],
      [["--signal"], /option '--signal' requires an argument/],
      [[], /missing the duration/],
      [["5"], /missing the command after the duration/],
      [["-s", "RTMIN", "5", "true"], /'RTMIN': real-time signals/],
      [["-s", "99", "5", "true"], /'99': invalid signal/],
    ];
    for (const [args, message] of bad) {
      const result = await runCli(["timeout", ...args]);
      assert.equal(result.code, 125, args.join(" "));
      const [line, usage] = result.stderr.split("\n");
      assert.match(line!, /^subproc timeout: /);
      assert.match(line!, message);
      assert.match(usage!, /^Usage: subproc timeout .*--help/);
    }
  },
);

procTest("subproc timeout -s KILL exits 128 + 9", async () => {
  const result = await runCli(["timeout", "-s", "KILL", "0.1", "sleep", "10"]);
  assert.equal(result.code, 128 + 9);
});

procTest(
  "subproc timeout passes SIGINT, SIGQUIT, SIGHUP, SIGTERM, SIGUSR1, SIGUSR2 on to CMD and exits with its status",
  async () => {
    for (const signal of ["INT", "QUIT", "HUP", "TERM", "USR1", "USR2"]) {
      using trap = await startTrapping(
        ["timeout", "30"],
        signal,
      );
      const { pid, file, result: running } = trap;
      process.kill(pid, `SIG${signal}` as NodeJS.Signals);
      const result = await running;
      assert.equal(readFileSync(file, "utf8"), `${signal}\n`);
      assert.equal(result.code, 7, `${signal}: ${result.stderr}`);
    }
  },
);

procTest(
  "SIGALRM sent to subproc timeout expires the duration at once: the signal, then 124",
  async () => {
    let pid = 0;
    await withTempDir("timeout-alrm", async (dir) => {
      const ready = join(dir, "ready");
      const running = runCli(
        ["timeout", "-v", "1h", "sh", "-c", `touch ${ready}; sleep 100`],
        { onSpawn: (p) => pid = p },
      );
      await eventually("CMD to start", () => {
        try {
          readFileSync(ready);
          return true;
        } catch {
          return false;
        }
      }, 10_000);
      process.kill(pid, "SIGALRM");
      const result = await running;
      assert.equal(result.code, 124);
      assert.equal(
        result.stderr,
        "subproc timeout: sending signal TERM to command 'sh'\n",
      );
    });
  },
);

procTest(
  "subproc timeout dies of the signal that killed CMD (one it did not send)",
  async () => {
    const result = await runCli(["timeout", "5", "sh", "-c", "kill -USR2 $$"]);
    assert.equal(result.signal, "SIGUSR2");
    const core = await runCli(["timeout", "5", "sh", "-c", "kill -QUIT $$"]);
    assert.equal(core.code, 128 + 3, "no core dump of its own: 128 + N");
  },
);

procTest(
  "a signal sent to subproc timeout starts --kill-after: SIGKILL follows, 128 + 9",
  async () => {
    await withTempDir("timeout-k", async (dir) => {
      const ready = join(dir, "ready");
      let pid = 0;
      const running = runCli([
        "timeout",
        "-k",
        "0.3",
        "1h",
        "sh",
        "-c",
        `trap '' INT; echo > ${ready}; while :; do sleep 0.05; done`,
      ], { onSpawn: (p) => pid = p });
      await lineIn(ready);
      process.kill(pid, "SIGINT");
      const result = await running;
      assert.equal(result.code, 128 + 9, result.stderr);
    });
  },
);

procTest(
  "CMD leads its own process group (not --foreground), and gets the signal with its group",
  async () => {
    await withTempDir("timeout-group", async (dir) => {
      const file = join(dir, "pids");
      const result = await cliShell(
        `timeout 0.5 sh -c 'sleep 100 & echo $$ $! > ${file}; wait'; echo "code $?"`,
      );
      assert.equal(result.stdout, "code 124\n");
      const [sh, sleep] = readFileSync(file, "utf8").trim().split(" ").map(
        Number,
      );
      assert.ok(!alive(sleep!), "the group's background sleep got TERM too");
      assert.ok(sh! > 0);
    });
  },
);

procTest(
  "--foreground: CMD stays in our group; only CMD is signalled, what it started is not",
  async () => {
    const mark = newMark();
    const result = await runCli(
      ["timeout", "--foreground", "0.5", "sh", "-c", "sleep 100 & wait"],
      { env: { SUBPROC_TEST_MARK: mark } },
    );
    assert.equal(result.code, 124);
    const left = marked(mark).filter((pid) => stat(pid)?.comm === "sleep");
    assert.equal(left.length, 1, "the sleep outlives it, as with GNU");
    for (const pid of left) process.kill(pid, "SIGKILL");
  },
);

procTest(
  "--tree stops what left CMD's group too; without it, such an escapee lives on (as with GNU)",
  async () => {
    for (const tree of [true, false]) {
      const mark = newMark();
      const result = await runCli(
        [
          "timeout",
          ...(tree ? ["--tree", "-k", "1"] : []),
          "0.5",
          "sh",
          "-c",
          "setsid sleep 100 & sleep 100",
        ],
        { env: { SUBPROC_TEST_MARK: mark } },
      );
      assert.equal(result.code, 124, result.stderr);
      const left = marked(mark);
      if (tree) assert.deepEqual(left, [], "the setsid sleep was stopped");
      else {
        assert.equal(left.length, 1, "the setsid sleep escaped the group");
        for (const pid of left) process.kill(pid, "SIGKILL");
      }
    }
  },
);

procTest(
  "Linux: CMD gets the chosen signal when subproc timeout itself is SIGKILLed",
  async () => {
    using trap = await startTrapping(
      ["timeout", "-s", "USR1", "1h"],
      "USR1",
    );
    const { pid, file, result } = trap;
    process.kill(pid, "SIGKILL");
    await result;
    assert.equal(await lineIn(file), "USR1\n");
  },
  { skip: missingTool("setpriv") },
);

procTest(
  "durations beyond a timer's reach (24.8 days) are waited for, not fired at once",
  async () => {
    for (const duration of ["30d", "1e9", "4294967296"]) {
      const result = await runCli(["timeout", duration, "sleep", "0.3"]);
      assert.equal(result.code, 0, duration);
    }
  },
);
