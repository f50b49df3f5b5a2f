import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { run } from "../mod.ts";
import { procTest, tempDir } from "./_helpers.ts";

const SCRIPT = "echo out1; echo err1 >&2; echo out2; echo err2 >&2";

procTest(
  "run() with stdout and stderr to one file keeps every line",
  async () => {
    const dir = tempDir("stdio");
    try {
      const file = join(dir, "both.log");
      await run(["sh", "-c", SCRIPT], {
        stdout: { file },
        stderr: { file },
      });
      assert.equal(
        readFileSync(file, "utf8"),
        "out1\nerr1\nout2\nerr2\n",
      );
      await run(["sh", "-c", SCRIPT], {
        stdout: { file, append: true },
        stderr: { file, append: true },
      });
      assert.equal(
        readFileSync(file, "utf8"),
        "out1\nerr1\nout2\nerr2\n".repeat(2),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
