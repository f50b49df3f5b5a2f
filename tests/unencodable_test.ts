/**
 * A string that has no UTF-8 encoding (a lone surrogate) would reach the
 * child as other bytes (U+FFFD) than the caller wrote: it is refused with a
 * TypeError naming where it is, before anything starts. Well-formed text,
 * astral characters included, arrives byte for byte.
 */

import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { detach, Pidfile, run, spawn } from "../mod.ts";
import { procTest, tempDir } from "./_helpers.ts";

const LONE = "a\ud800b";

procTest(
  "a lone surrogate anywhere is a TypeError before anything starts",
  async () => {
    const dir = tempDir("unencodable");
    try {
      const marker = join(dir, "started");
      // Would create `marker` if it ran.
      const cmd = ["sh", "-c", 'touch "$0"', marker];
      const cases: [string, () => unknown, RegExp][] = [
        ["cmd[0]", () => spawn([LONE]), /`cmd\[0\]`.*U\+D800 at index 1/],
        ["cmd[4]", () => spawn([...cmd, LONE]), /`cmd\[4\]`/],
        ["env key", () => spawn(cmd, { env: { [LONE]: "1" } }), /`env` key/],
        ["env value", () => spawn(cmd, { env: { A: LONE } }), /`env.A`/],
        ["cwd", () => spawn(cmd, { cwd: `${dir}/${LONE}` }), /`cwd`/],
        [
          "stdin.file",
          () => spawn(cmd, { stdin: { file: `${dir}/${LONE}` } }),
          /`stdin.file`/,
        ],
        [
          "stdout.file",
          () => spawn(cmd, { stdout: { file: `${dir}/${LONE}` } }),
          /`stdout.file`/,
        ],
        [
          "stderr.file",
          () => spawn(cmd, { stderr: { file: `${dir}/${LONE}` } }),
          /`stderr.file`/,
        ],
        ["run() cmd", () => run([...cmd, LONE]), /`cmd\[4\]`/],
        ["run() input", () => run(["cat"], { input: LONE }), /`input`/],
        ["detach() cmd", () => detach([...cmd, LONE]), /`cmd\[4\]`/],
        [
          "detach() pidfile",
          () => detach(cmd, { pidfile: `${dir}/${LONE}.pid` }),
          /pidfile `path`/,
        ],
        ["Pidfile", () => new Pidfile(`${dir}/${LONE}`), /pidfile `path`/],
      ];
      for (const [what, call, pattern] of cases) {
        let error: unknown;
        try {
          await call();
        } catch (e) {
          error = e;
        }
        assert.ok(error instanceof TypeError, `${what}: ${error}`);
        assert.match(error.message, pattern, what);
        assert.match(
          error.message,
          /well-formed Unicode.*lone surrogate/,
          what,
        );
      }
      assert.ok(!existsSync(marker), "a child started");
      assert.deepEqual(readdirSync(dir), [], "a file was created");
      // communicate() checks its input the same way.
      const child = spawn(["cat"], { stdin: "pipe", stdout: "pipe" });
      await assert.rejects(child.communicate(LONE), TypeError);
      await child.communicate("");
    } finally {
      rmSync(dir, { recursive: true });
    }
  },
);

procTest(
  "well-formed text, astral characters included, arrives byte for byte",
  async () => {
    const dir = tempDir("unencodable");
    try {
      const text = "é€😀\u{10FFFF}\uFFFD";
      const file = join(dir, text);
      const r = await run(
        ["sh", "-c", 'printf %s "$0|$V" > "$1"; pwd', text, file],
        { env: { V: text }, cwd: dir, capture: "bytes" },
      );
      assert.equal(r.code, 0);
      assert.deepEqual(
        new Uint8Array(readFileSync(file)),
        new TextEncoder().encode(`${text}|${text}`),
      );
      const echoed = await run(["cat"], { input: text, capture: "bytes" });
      assert.deepEqual(echoed.stdout, new TextEncoder().encode(text));
    } finally {
      rmSync(dir, { recursive: true });
    }
  },
);
