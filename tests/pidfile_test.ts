import assert from "node:assert/strict";
import {
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
import { Pidfile, spawn, UntrustedFileError } from "../mod.ts";
import { alive, procTest, tempDir } from "./_helpers.ts";

procTest("Pidfile writes the PID and a newline, atomically, mode 0644", () => {
  const dir = tempDir("pidfile");
  try {
    const file = new Pidfile(join(dir, "a.pid"));
    file.write(process.pid);
    assert.equal(readFileSync(file.path, "utf8"), `${process.pid}\n`);
    assert.equal(
      statSync(file.path).mode & 0o022,
      0,
      "not group/world-writable",
    );
    assert.deepEqual(readdirSync(dir), ["a.pid"], "no temp file left");
    assert.equal(file.read(), process.pid);
    file.remove();
    file.remove(); // a missing file is fine
    assert.equal(file.read(), null);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

procTest(
  "Pidfile.read() rejects a PID reused by a process that started after the file was written",
  async () => {
    const dir = tempDir("pidfile");
    try {
      await using sleeper = spawn(["sleep", "30"]);
      const file = new Pidfile(join(dir, "reused.pid"));
      file.write(sleeper.pid);
      assert.equal(file.read(), sleeper.pid);
      // Pretend the file was written an hour ago, before this process started.
      const past = new Date(Date.now() - 3600_000);
      utimesSync(file.path, past, past);
      assert.equal(file.read(), null);
      assert.ok(alive(sleeper.pid), "and nothing was signalled");
    } finally {
      rmSync(dir, { recursive: true });
    }
  },
);

procTest(
  "Pidfile.read() returns null for stale, empty, garbage and unsafe content",
  async () => {
    const dir = tempDir("pidfile");
    try {
      const path = join(dir, "x.pid");
      const file = new Pidfile(path);
      const dead = spawn(["true"]);
      await dead.status;
      file.write(dead.pid);
      assert.equal(file.read(), null, "stale after the process ended");
      for (
        const content of [
          "",
          "\n",
          "abc\n",
          "-1\n",
          "0\n",
          "12 34\n",
          "1;rm -rf /\n",
          "$(id)\n",
          "99999999999\n",
        ]
      ) {
        writeFileSync(path, content);
        assert.equal(file.read(), null, JSON.stringify(content));
      }
    } finally {
      rmSync(dir, { recursive: true });
    }
  },
);

procTest("Pidfile never follows a symlink planted at its path", () => {
  const dir = tempDir("pidfile");
  try {
    const target = join(dir, "victim.txt");
    writeFileSync(target, `${process.pid}\n`);
    const path = join(dir, "link.pid");
    symlinkSync(target, path);
    const file = new Pidfile(path);
    assert.throws(() => file.read(), UntrustedFileError, "a symlink is read");
    file.write(process.pid + 1);
    assert.equal(readFileSync(target, "utf8"), `${process.pid}\n`);
    assert.ok(lstatSync(path).isFile(), "the link was replaced by a file");
    assert.equal(file.readRaw(), process.pid + 1);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

procTest(
  "Pidfile.write() fails clearly in a missing or read-only directory",
  () => {
    const dir = tempDir("pidfile");
    try {
      assert.throws(
        () => new Pidfile(join(dir, "missing", "a.pid")).write(process.pid),
        /ENOENT/,
      );
      const readOnly = join(dir, "ro");
      mkdirSync(readOnly, { mode: 0o555 });
      if (process.getuid?.() !== 0) {
        assert.throws(
          () => new Pidfile(join(readOnly, "a.pid")).write(process.pid),
          /EACCES/,
        );
      }
      assert.throws(() => new Pidfile(join(dir, "a.pid")).write(0), RangeError);
      assert.throws(() => new Pidfile(""), TypeError);
      assert.throws(() => new Pidfile("a\0b"), TypeError);
    } finally {
      rmSync(dir, { recursive: true });
    }
  },
);
