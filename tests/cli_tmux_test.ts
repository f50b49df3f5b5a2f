/**
 * The `subproc` CLI in a real terminal: an interactive shell in tmux (on a
 * private server socket, always killed at the end), so that Ctrl-C and the
 * terminal's hangup come from the kernel, not from the test.
 */

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { killTree, Pidfile } from "../mod.ts";
import {
  alive,
  allGone,
  cliCommand,
  eventually,
  marked,
  markedRunning,
  missingTool,
  newMark,
  procTest,
  sleep,
  stat,
  tempDir,
} from "./_helpers.ts";

/** A tmux server of our own, on a private socket. */
class Tmux {
  readonly socket = `subproc-cli-${newMark()}`;

  /** Runs `tmux -L socket ARGS...` and returns its output. */
  run(...args: string[]): string {
    return execFileSync("tmux", ["-L", this.socket, ...args], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  }

  /** The server's PID, once started. */
  server = 0;

  /** Starts a session whose one pane runs an interactive `sh`. */
  start(): number {
    this.run("new-session", "-d", "-x", "200", "-y", "50", "-s", "t", "sh");
    this.server = Number(this.run("display-message", "-p", "#{pid}"));
    return Number(this.run("display-message", "-p", "-t", "t", "#{pane_pid}"));
  }

  /** Types `line` and Enter into the pane. */
  type(line: string): void {
    this.run("send-keys", "-t", "t", line, "Enter");
  }

  /** Kills the server (and so the pane's terminal); fine if it is gone.
   * Should `kill-server` fail, the server is SIGKILLed. */
  kill(): void {
    try {
      this.run("kill-server");
    } catch {
      // no server left, or it did not answer: see below
    }
    if (this.server > 0 && alive(this.server)) {
      process.kill(this.server, "SIGKILL");
    }
  }
}

function shellQuote(args: readonly string[]): string {
  return args.map((arg) => `'${arg.replaceAll("'", `'\\''`)}'`).join(" ");
}

function readIfExists(path: string): string {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return "";
  }
}

procTest(
  "subproc run: Ctrl-C in a terminal leaves no sleep of `sh -c 'sleep 100 & sleep 100'` behind",
  async () => {
    for (const extra of [[], ["--new-session"]]) {
      const tmux = new Tmux();
      const dir = tempDir("tmux");
      const mark = newMark();
      try {
        tmux.start();
        tmux.type(
          `SUBPROC_TEST_MARK=${mark} ${
            shellQuote([
              ...cliCommand(),
              "run",
              ...extra,
              "--",
              "sh",
              "-c",
              "sleep 100 & sleep 100",
            ])
          }`,
        );
        const sleeps = () => markedRunning(mark, "sleep");
        await eventually("both sleeps", () => sleeps().length === 2, 15_000);
        const started = sleeps();
        const cli = marked(mark).find((pid) =>
          readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("cli.")
        )!;
        assert.equal(stat(cli)!.pgid, cli, "subproc leads the foreground job");
        const t0 = Date.now();
        tmux.run("send-keys", "-t", "t", "C-c");
        await allGone([cli, ...started], 10_000);
        const ms = Date.now() - t0;
        assert.deepEqual(marked(mark), [], extra.join(" "));
        // The shell saw subproc die of SIGINT: $? is 128 + 2.
        const status = join(dir, "status");
        tmux.type(`echo $? > ${status}`);
        await eventually("the shell's $?", () => readIfExists(status) !== "");
        assert.equal(readIfExists(status), "130", extra.join(" "));
        assert.ok(ms < 5000, `Ctrl-C took ${ms} ms to clean up`);
      } finally {
        tmux.kill();
        for (const pid of marked(mark)) process.kill(pid, "SIGKILL");
        rmSync(dir, { recursive: true, force: true });
      }
    }
  },
  { skip: missingTool("tmux") },
);

procTest(
  "subproc start: the process survives `tmux kill-server`",
  async () => {
    const tmux = new Tmux();
    const dir = tempDir("tmux");
    const pidfile = new Pidfile(join(dir, "app.pid"));
    let daemon: number | null = null;
    try {
      const shell = tmux.start();
      tmux.type(
        shellQuote([
          ...cliCommand(),
          "start",
          "--pidfile",
          pidfile.path,
          "--",
          "sleep",
          "100",
        ]),
      );
      await eventually("the pidfile", () => pidfile.read() !== null, 15_000);
      daemon = pidfile.read()!;
      assert.equal(stat(daemon)!.sid, daemon, "a session of its own");
      assert.equal(stat(daemon)!.ttyNr, 0, "no controlling terminal");
      assert.notEqual(stat(daemon)!.sid, stat(shell)!.sid);
      tmux.kill();
      await allGone([shell], 5000);
      await sleep(300);
      assert.ok(alive(daemon), "the started process survived the hangup");
    } finally {
      tmux.kill();
      if (daemon !== null) await killTree(daemon, { grace: 500 });
      rmSync(dir, { recursive: true, force: true });
    }
    assert.equal(alive(daemon!), false);
  },
  { skip: missingTool("tmux") },
);
