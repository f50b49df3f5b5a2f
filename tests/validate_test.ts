import assert from "node:assert/strict";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { detach, killTree, run, spawn } from "../mod.ts";
import { missingTool, procTest, tempDir } from "./_helpers.ts";

/** Each case: options that must be refused, the error type, and a pattern
 * the message must match (the option's name and the value). */
const cases: [string, unknown, ErrorConstructor, RegExp][] = [
  ["timeout: -1", { timeout: -1 }, RangeError, /`timeout`.*-1/],
  ["timeout: NaN", { timeout: NaN }, RangeError, /`timeout`.*NaN/],
  [
    "timeout: Infinity",
    { timeout: Infinity },
    RangeError,
    /`timeout`.*Infinity/,
  ],
  ["timeout: '5'", { timeout: "5" }, TypeError, /`timeout`.*"5"/],
  ["grace: -5", { grace: -5 }, RangeError, /`grace`.*-5/],
  [
    "killSignal: SIGFOO",
    { killSignal: "SIGFOO" },
    RangeError,
    /`killSignal`.*"SIGFOO"/,
  ],
  ["killSignal: 9", { killSignal: 9 }, TypeError, /`killSignal`.*9/],
  [
    "killOnParentExit: 'yes'",
    { killOnParentExit: "yes" },
    RangeError,
    /`killOnParentExit`.*"yes"/,
  ],
  [
    "killOnParentExit: 1",
    { killOnParentExit: 1 },
    TypeError,
    /`killOnParentExit`.*a boolean or a signal name.*1/,
  ],
  ["stdout: 'piped'", { stdout: "piped" }, TypeError, /`stdout`.*"piped"/],
  ["stdin: 0", { stdin: 0 }, TypeError, /`stdin`.*0/],
  [
    "stderr: { file: 7 }",
    { stderr: { file: 7 } },
    TypeError,
    /`stderr.file`.*7/,
  ],
  [
    "stdout in a missing dir",
    { stdout: { file: "/no/such/dir/out.log" } },
    RangeError,
    /`stdout.file`.*"\/no\/such\/dir\/out.log".*does not exist/,
  ],
  [
    "cwd missing",
    { cwd: "/no/such/dir" },
    RangeError,
    /`cwd`.*"\/no\/such\/dir".*no such directory/,
  ],
  [
    "cwd is a file",
    { cwd: "/etc/passwd" },
    RangeError,
    /`cwd`.*not a directory/,
  ],
  ["cwd with NUL", { cwd: "/tmp\0x" }, RangeError, /`cwd`.*NUL/],
  ["env key with =", { env: { "A=B": "1" } }, RangeError, /`env`.*"A=B"/],
  ["env key empty", { env: { "": "1" } }, RangeError, /`env`/],
  ["env value with NUL", { env: { A: "x\0y" } }, RangeError, /`env.A`.*NUL/],
  ["env value number", { env: { A: 1 } }, TypeError, /`env.A`.*1/],
  ["env not an object", { env: "A=1" }, TypeError, /`env`.*"A=1"/],
  [
    "signal not AbortSignal",
    { signal: "SIGTERM" },
    TypeError,
    /`signal`.*AbortSignal/,
  ],
  ["unknown option", { timout: 5 }, TypeError, /Unknown option `timout`/],
  [
    "newSession: 'yes'",
    { newSession: "yes" },
    TypeError,
    /`newSession`.*"yes"/,
  ],
  [
    "windows.breakawayFromJob: 1",
    { windows: { breakawayFromJob: 1 } },
    TypeError,
    /breakawayFromJob.*1/,
  ],
  [
    "windows: an unknown key",
    { windows: { hide: true, hid: false } },
    TypeError,
    /Unknown option `windows\.hid`; known options: breakawayFromJob, hide/,
  ],
  ["windows: an array", { windows: [] }, TypeError, /`windows`.*an array/],
  ["maxBuffer: -1", { maxBuffer: -1 }, RangeError, /`maxBuffer`.*-1/],
  ["drainTimeout: NaN", { drainTimeout: NaN }, RangeError, /`drainTimeout`/],
];

const cmdCases: [string, unknown, ErrorConstructor, RegExp][] = [
  ["empty cmd", [], RangeError, /empty/],
  ["cmd not an array", "ls -l", TypeError, /array.*"ls -l"/],
  ["non-string item", ["echo", 5], TypeError, /`cmd\[1\]`.*5/],
  ["NUL in an argument", ["echo", "a\0b"], RangeError, /`cmd\[1\]`.*NUL/],
  ["empty program", [""], RangeError, /`cmd\[0\]`/],
];

procTest(
  "bad input throws before anything starts, naming the option and the value",
  async () => {
    const dir = tempDir("validate");
    try {
      const canary = join(dir, "canary");
      const cmd = ["sh", "-c", `touch ${canary}`];
      for (const [name, options, type, pattern] of cases) {
        const check = (e: Error) => {
          assert.ok(e instanceof type, `${name}: ${e}`);
          assert.match(e.message, pattern, name);
          return true;
        };
        assert.throws(() => spawn(cmd, options as never), check, name);
        await assert.rejects(run(cmd, options as never), check, name);
      }
      for (const [name, bad, type, pattern] of cmdCases) {
        const check = (e: Error) =>
          e instanceof type && pattern.test(e.message);
        assert.throws(() => spawn(bad as string[]), check, name);
        await assert.rejects(run(bad as string[]), check, name);
        await assert.rejects(detach(bad as string[]), check, name);
      }
      await assert.rejects(
        detach(cmd, { windows: { breakawayFromJob: "try", hid: 1 } } as never),
        (e: Error) =>
          e instanceof TypeError &&
          /Unknown option `windows\.hid`/.test(e.message),
      );
      await assert.rejects(
        run(cmd, { capture: "utf8" as "text" }),
        /`capture`.*"utf8"/,
      );
      await assert.rejects(
        run(cmd, { input: 5 as unknown as string }),
        /`input`/,
      );
      await assert.rejects(
        run(cmd, { input: "x", stdin: "null" }),
        /`input`.*stdin/,
      );
      const child = spawn(["sleep", "30"], { newSession: true });
      try {
        await assert.rejects(
          child.stop({ scope: "all" as "tree" }),
          /`scope`.*"all"/,
        );
        await assert.rejects(child.stop({ grace: -1 }), /`grace`/);
        await assert.rejects(child.wait({ timeout: -1 }), /`timeout`/);
        assert.throws(() => child.kill("KILL" as "SIGKILL"), /"KILL"/);
        // Renamed in 0.2.0: `signal` (a POSIX signal) is now `killSignal`.
        const renamed = (fn: string) => (e: Error) =>
          e instanceof TypeError &&
          e.message.includes(
            `Unknown option \`signal\` given to ${fn}(): \`signal\` is now \`killSignal\``,
          );
        const old = { signal: "SIGKILL" } as never;
        await assert.rejects(child.stop(old), renamed("stop"));
        await assert.rejects(killTree(child.pid, old), renamed("killTree"));
        assert.equal(child.poll(), null, "a refused stop sends nothing");
      } finally {
        await child.stop();
      }
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(existsSync(canary), false, "nothing was started");
    } finally {
      rmSync(dir, { recursive: true });
    }
  },
);

procTest(
  "killOnParentExit with a missing program is a CommandNotFoundError",
  async () => {
    await assert.rejects(
      run(["no-such-program-subproc"], { killOnParentExit: true }),
      { name: "CommandNotFoundError" },
    );
  },
  { skip: missingTool("setpriv") },
);
