/**
 * `subproc run` and the signals around it: a SIGCHLD ignored by the caller,
 * every catchable signal that would end subproc passed on to CMD, signals
 * the caller ignored kept ignored, and the parent-death signal chosen by
 * `--signal`.
 */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import {
  cgroupsLeft,
  lineIn,
  missingTool,
  procTest,
  runCli,
  runtime,
  withTempDir,
} from "./_helpers.ts";
import { cliShell, needsEnvIgnore } from "./_shell.ts";
import { startTrapping } from "./_trap.ts";

procTest(
  "subproc run gives CMD's real status when the caller ignored SIGCHLD",
  async () => {
    const result = await cliShell(
      "env --ignore-signal=CHLD subproc run -- sh -c 'exit 3'",
    );
    assert.equal(result.code, 3, result.stderr);
    const killed = await cliShell(
      "env --ignore-signal=CHLD subproc run -- sh -c 'kill -USR1 $$'",
    );
    assert.equal(killed.code, 128 + 10, killed.stderr);
  },
  { skip: needsEnvIgnore },
);

// Every catchable signal that would end subproc (not INT: CMD shares our
// group, so it comes from the terminal; see the tmux tests).
const PASSED_ON = ["USR1", "USR2", "ALRM", "TERM", "HUP", "VTALRM", "XCPU"];

procTest(
  "subproc run passes every signal that would end it on to CMD, waits for CMD, then dies of it",
  async () => {
    for (const signal of PASSED_ON) {
      using trap = await startTrapping(
        ["run", "--"],
        signal,
        { delay: 0.2 },
      );
      const { pid, file, result: running } = trap;
      process.kill(pid, `SIG${signal}` as NodeJS.Signals);
      const result = await running;
      assert.equal(
        readFileSync(file, "utf8"),
        `${signal}\n`,
        `CMD handled ${signal} (and subproc waited for it)`,
      );
      // XCPU dumps core by default: 128 + N instead of dying of it.
      if (signal === "XCPU") assert.equal(result.code, 128 + 24);
      else assert.equal(result.signal, `SIG${signal}`, result.stderr);
    }
  },
);

procTest(
  "subproc run --new-session passes SIGQUIT on to CMD's group (Ctrl-\\ can't reach it), then exits 128 + 3",
  async () => {
    using trap = await startTrapping(
      ["run", "--new-session", "--"],
      "QUIT",
    );
    const { pid, file, result: running } = trap;
    process.kill(pid, "SIGQUIT");
    const result = await running;
    assert.equal(readFileSync(file, "utf8"), "QUIT\n");
    assert.equal(result.code, 128 + 3, "no core dump of its own");
  },
);

procTest(
  "nohup subproc run: CMD does not die of SIGHUP, nor does subproc",
  async () => {
    const result = await cliShell(
      "env --ignore-signal=HUP subproc run -- sh -c 'kill -HUP $$; sleep 0.2; echo alive'",
    );
    assert.equal(result.stdout, "alive\n", result.stderr);
    assert.equal(result.code, 0);
    await withTempDir("run-nohup", async (dir) => {
      const ready = join(dir, "ready");
      let shell = 0;
      const running = cliShell(
        `env --ignore-signal=HUP subproc run -- sh -c 'echo > ${ready}; sleep 0.5; echo done' & wait`,
        { onSpawn: (p) => shell = p },
      );
      await lineIn(ready);
      // The shell's child is subproc (env exec'ed it).
      const subproc = Number(
        readFileSync(`/proc/${shell}/task/${shell}/children`, "utf8").trim(),
      );
      process.kill(subproc, "SIGHUP");
      const both = await running;
      assert.equal(both.stdout, "done\n", both.stderr);
      assert.equal(both.code, 0);
    });
  },
  {
    skip: runtime === "node"
      ? "Node resets ignored signals to the default at start-up, before any code of ours: nothing to keep"
      : needsEnvIgnore,
  },
);

procTest(
  "a background job's ignored SIGINT stays ignored for CMD (as without subproc)",
  async () => {
    const result = await cliShell(
      "env --ignore-signal=INT subproc run -- sh -c 'kill -INT $$; echo alive'",
    );
    assert.equal(result.stdout, "alive\n", result.stderr);
  },
  {
    skip: runtime === "node"
      ? "Node resets ignored signals to the default at start-up"
      : needsEnvIgnore,
  },
);

procTest(
  "subproc run --kill-on-parent-exit sends the chosen --signal when subproc is SIGKILLed",
  async () => {
    using trap = await startTrapping(
      ["run", "--kill-on-parent-exit", "--signal", "USR1", "--"],
      "USR1",
    );
    const { pid, file, result } = trap;
    process.kill(pid, "SIGKILL");
    await result;
    assert.equal(await lineIn(file), "USR1\n");
    // Killed, subproc left CMD's cgroup (empty) for the next one to remove.
    assert.equal((await runCli(["run", "--", "true"])).code, 0);
    assert.deepEqual(cgroupsLeft(), []);
  },
  { skip: missingTool("setpriv") },
);
