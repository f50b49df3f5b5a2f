/**
 * Finding the program on `PATH` as `execvp` does: a file that is there but
 * can't be executed is remembered (EACCES) and the search goes on; only
 * when nothing executable is found is it "permission denied" (126 in the
 * CLI) rather than "not found" (127). Deno and Bun search `PATH` themselves
 * and skip such files.
 */

import assert from "node:assert/strict";
import { chmodSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import {
  CommandNotFoundError,
  PermissionDeniedError,
  run,
  spawn,
} from "../mod.ts";
import { procTest, runCli, tempDir } from "./_helpers.ts";

/** A `PATH` of two directories: `mycmd` not executable in the first; in
 * the second, executable when `later` is set. */
function twoDirs(later: boolean): { dir: string; path: string } {
  const dir = tempDir("path");
  const [first, second] = [join(dir, "first"), join(dir, "second")];
  mkdirSync(first);
  mkdirSync(second);
  writeFileSync(join(first, "mycmd"), "#!/bin/sh\necho first\n");
  chmodSync(join(first, "mycmd"), 0o644);
  if (later) {
    writeFileSync(join(second, "mycmd"), "#!/bin/sh\necho second\n");
    chmodSync(join(second, "mycmd"), 0o755);
  }
  return { dir, path: `${first}:${second}:${process.env.PATH}` };
}

procTest(
  "spawn(): a program on PATH that isn't executable is PermissionDeniedError, not CommandNotFoundError",
  () => {
    const { dir, path } = twoDirs(false);
    try {
      assert.throws(
        () => spawn(["mycmd"], { env: { PATH: path } }),
        (error: unknown) =>
          error instanceof PermissionDeniedError &&
          /"mycmd": permission denied/.test(error.message),
      );
      assert.throws(
        () => spawn(["no-such-command-subproc"], { env: { PATH: path } }),
        CommandNotFoundError,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

procTest(
  "spawn(): the search goes on past a file it can't execute, to one it can",
  async () => {
    const { dir, path } = twoDirs(true);
    try {
      const result = await run(["mycmd"], {
        env: { PATH: path },
        capture: true,
      });
      assert.equal(result.stdout, "second\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

procTest("spawn(['.']) is PermissionDeniedError (a directory)", () => {
  assert.throws(() => spawn(["."]), PermissionDeniedError);
});

procTest(
  "subproc run: 126 for a program on PATH it can't execute, and for `.`; 127 when there is none",
  async () => {
    const { dir, path } = twoDirs(false);
    try {
      const denied = await runCli(["run", "--", "mycmd"], {
        env: { PATH: path },
      });
      assert.equal(denied.code, 126, denied.stderr);
      assert.match(denied.stderr, /"mycmd": permission denied/);
      assert.equal((await runCli(["run", "--", "."])).code, 126);
      assert.equal(
        (await runCli(["run", "--", "no-such-command-subproc"])).code,
        127,
      );
      const timeout = await runCli(["timeout", "5", "mycmd"], {
        env: { PATH: path },
      });
      assert.equal(timeout.code, 126);
      assert.equal(
        timeout.stderr,
        "subproc timeout: failed to run command 'mycmd': Permission denied\n",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
