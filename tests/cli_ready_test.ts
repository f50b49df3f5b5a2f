/**
 * `subproc start --ready-*` in both outcomes, and `subproc wait` (0 ready,
 * 1 timeout, 2 bad arguments).
 */

import assert from "node:assert/strict";
import {
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { spawn } from "../mod.ts";
import {
  alive,
  eventually,
  marked,
  markedRunning,
  newMark,
  procTest,
  runCli,
  tempDir,
  withTempDir,
} from "./_helpers.ts";
import { freePort, serverCommand } from "./_ready.ts";

procTest(
  "subproc start --ready-line/--ready-url: exits 0 once ready, the PID printed",
  async () => {
    await withTempDir("cli-ready", async (dir) => {
      const pidfile = join(dir, "api.pid");
      const log = join(dir, "api.log");
      const port = await freePort();
      const result = await runCli([
        "start",
        "--pidfile",
        pidfile,
        "--log",
        log,
        "--ready-line",
        "^listening on \\d+$",
        "--ready-url",
        `http://127.0.0.1:${port}/`,
        "--ready-interval",
        "20ms",
        "--",
        ...serverCommand("http", port, 400),
      ]);
      assert.equal(result.code, 0, result.stderr);
      const pid = Number(result.stdout);
      assert.equal(result.stdout, `${pid}\n`);
      assert.equal(readFileSync(pidfile, "utf8"), `${pid}\n`);
      assert.match(
        readFileSync(log, "utf8"),
        new RegExp(`listening on ${port}\n`),
        "it returned once the line was there",
      );
      assert.ok(result.ms >= 400, `returned after ${result.ms} ms`);
      const stopped = await runCli(["stop", "--pidfile", pidfile]);
      assert.equal(stopped.code, 0, stopped.stderr);
      assert.ok(!alive(pid));
    });
  },
);

procTest(
  "subproc start not ready: exit 1, one line why + the last 10 log lines, daemon stopped, pidfile and record removed",
  async () => {
    await withTempDir("cli-ready", async (dir) => {
      const pidfile = join(dir, "api.pid");
      const log = join(dir, "api.log");
      const mark = newMark();
      const port = await freePort();
      const result = await runCli([
        "start",
        "--pidfile",
        pidfile,
        "--log",
        log,
        "--ready-port",
        String(port),
        // Long enough for the 15 lines and the sleeps on a loaded machine.
        "--ready-timeout",
        "2s",
        "--",
        "sh",
        "-c",
        "for i in $(seq 1 15); do echo log $i; done; (setsid sleep 310 &); exec sleep 311",
      ], { env: { SUBPROC_TEST_MARK: mark } });
      assert.equal(result.code, 1);
      assert.equal(result.stdout, "");
      const lines = result.stderr.trimEnd().split("\n");
      assert.match(
        lines[0]!,
        new RegExp(
          `^subproc start: not ready after 2 s \\(waiting for a TCP connection to 127\\.0\\.0\\.1:${port}\\); process \\d+ and everything it started were stopped; the pidfile was removed; the last 10 line\\(s\\) of ${log}:$`,
        ),
      );
      assert.deepEqual(
        lines.slice(1),
        Array.from({ length: 10 }, (_, i) => `log ${i + 6}`),
      );
      assert.deepEqual(marked(mark), [], "the daemon and its unit are gone");
      assert.deepEqual(readdirSync(dir), ["api.log"], "no pidfile, no record");
    });
  },
);

procTest(
  "subproc start: CMD exits before it is ready → exit 1 at once, saying so",
  async () => {
    await withTempDir("cli-ready", async (dir) => {
      const pidfile = join(dir, "api.pid");
      const log = join(dir, "api.log");
      const result = await runCli([
        "start",
        "--pidfile",
        pidfile,
        "--log",
        log,
        "--ready-line",
        "listening",
        "--",
        "sh",
        "-c",
        "echo 'cannot bind' >&2; exit 3",
      ]);
      assert.equal(result.code, 1);
      assert.equal(
        result.stderr,
        `subproc start: exited with code 3 before it was ready (waiting for a line matching /listening/ on stdout and stderr (${
          JSON.stringify(log)
        })); the pidfile was removed; the last 1 line(s) of ${log}:\ncannot bind\n`,
      );
      assert.ok(result.ms < 20_000);
      assert.deepEqual(readdirSync(dir), ["api.log"]);
    });
  },
);

procTest(
  "subproc start interrupted while it waits: CMD and its unit stopped, pidfile removed, then it dies of the signal",
  async () => {
    await withTempDir("cli-ready", async (dir) => {
      const pidfile = join(dir, "api.pid");
      const mark = newMark();
      let cli = 0;
      const running = runCli([
        "start",
        "--pidfile",
        pidfile,
        "--ready-port",
        String(await freePort()),
        "--",
        "sh",
        "-c",
        "(setsid sleep 312 &); exec sleep 313",
      ], { env: { SUBPROC_TEST_MARK: mark }, onSpawn: (pid) => cli = pid });
      await eventually(
        "the daemon and its pidfile",
        () => existsSync(pidfile) && markedRunning(mark, "sleep").length === 2,
      );
      process.kill(cli, "SIGINT");
      const result = await running;
      assert.equal(result.signal, "SIGINT", result.stderr);
      assert.match(
        result.stderr,
        /^subproc start: interrupted by SIGINT before CMD was ready; process \d+ and everything it started were stopped, the pidfile removed\n$/,
      );
      assert.deepEqual(marked(mark), []);
      assert.deepEqual(readdirSync(dir), []);
    });
  },
);

procTest("subproc start: bad --ready-* arguments exit 2", async () => {
  await withTempDir("cli-ready", async (dir) => {
    const pidfile = join(dir, "x.pid");
    const start = ["start", "--pidfile", pidfile];
    const cases: Array<[string[], RegExp]> = [
      [["--ready-line", "x"], /option --ready-line needs --log F/],
      [["--ready-port", "0"], /invalid --ready-port "0": expected a TCP port/],
      [["--ready-port", "http"], /invalid --ready-port "http"/],
      [["--ready-host", "h"], /option --ready-host needs a condition/],
      [
        ["--ready-url", "/health", "--ready-host", "h"],
        /--ready-host needs --ready-port N/,
      ],
      [["--ready-url", "ftp://x/"], /--ready-url to be an http: or https: URL/],
      [
        ["--log", join(dir, "l"), "--ready-line", "("],
        /invalid --ready-line "\("/,
      ],
      [
        ["--ready-file", "f", "--ready-timeout", "soon"],
        /Invalid --ready-timeout "soon"/,
      ],
      [
        ["--ready-file", "f", "--ready-interval", "0"],
        /--ready-interval to be more than 0/,
      ],
      [["--ready-timeout", "5s"], /--ready-timeout needs a condition/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli([
        ...start,
        ...args,
        "--",
        "touch",
        join(dir, "ran"),
      ]);
      assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
      assert.match(result.stderr, message);
    }
    assert.deepEqual(readdirSync(dir), [], "nothing started");
  });
});

procTest("subproc wait --port: 0 once it listens, 1 on timeout", async () => {
  const port = await freePort();
  const server = spawn(serverCommand("tcp", port, 400), {
    stdout: "null",
    stderr: "null",
  });
  try {
    const ready = await runCli([
      "wait",
      "--port",
      String(port),
      "--interval",
      "20ms",
    ]);
    assert.equal(ready.code, 0, ready.stderr);
    assert.equal(ready.stdout, "");
    assert.equal(ready.stderr, "");
  } finally {
    await server.stop();
  }
  const closed = await runCli([
    "wait",
    "--port",
    String(port),
    "--timeout",
    "300ms",
  ]);
  assert.equal(closed.code, 1);
  assert.equal(
    closed.stderr,
    `subproc wait: not ready after 300 ms (waiting for a TCP connection to 127.0.0.1:${port})\n`,
  );
  assert.ok(closed.ms >= 300);
});

procTest(
  "subproc wait --url, --file, --line --log (and all at once)",
  async () => {
    const dir = tempDir("cli-wait");
    const port = await freePort();
    const log = join(dir, "server.log");
    // The log does not exist yet: it is waited for.
    const server = spawn(serverCommand("http", port, 300), {
      stdout: { file: log },
      stderr: "null",
    });
    try {
      const flag = join(dir, "flag");
      setTimeout(() => writeFileSync(flag, ""), 200);
      const result = await runCli([
        "wait",
        "--url",
        `http://127.0.0.1:${port}/moved`,
        "--file",
        flag,
        "--line",
        "listening on (\\d+)",
        "--log",
        log,
      ]);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(
        result.stdout,
        `listening on ${port}\n`,
        "the line, printed",
      );
      // Lines already in the log count.
      const again = await runCli(["wait", "--line", "^after 3$", "--log", log]);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(again.stdout, "after 3\n");
      const missing = await runCli([
        "wait",
        "--file",
        join(dir, "never"),
        "--timeout",
        "200ms",
      ]);
      assert.equal(missing.code, 1);
      assert.match(
        missing.stderr,
        /not ready after 200 ms \(waiting for the file/,
      );
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true });
    }
  },
);

procTest("subproc wait: bad arguments exit 2", async () => {
  const cases: Array<[string[], RegExp]> = [
    [
      [],
      /missing a condition: --port N, --url URL, --file P or --line RE --log F/,
    ],
    [["--timeout", "1s"], /option --timeout needs a condition/],
    [["--line", "x"], /option --line needs --log F/],
    [["--port", "80", "--log", "f"], /option --log needs --line RE/],
    [["--port", "65536"], /invalid --port "65536"/],
    [["--url", "http://h/", "--host", "h"], /option --host needs --port N/],
    [["--port", "80", "--interval", "x"], /Invalid --interval "x"/],
    [["--port", "80", "--retries", "3"], /unknown option --retries/],
    [["--port", "80", "extra"], /unexpected argument "extra"/],
    [["--port", "80", "--", "cmd"], /unexpected "--"/],
  ];
  for (const [args, message] of cases) {
    const result = await runCli(["wait", ...args]);
    assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
    assert.match(result.stderr, message);
  }
  const help = await runCli(["wait", "--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: subproc wait /);
});
