/**
 * The trust rule on its own (src/trust/): the path walk — `..`, relative
 * paths, link chains, loops, missing parts — and trusted reads and writes of
 * any file, as status/stop state other than pidfiles will use them.
 */

import assert from "node:assert/strict";
import {
  chmodSync,
  chownSync,
  lchownSync,
  mkdirSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join, relative } from "node:path";
import process from "node:process";
import { UntrustedFileError } from "../mod.ts";
import { readTrustedFile, writeTrustedFile } from "../src/trust/file.ts";
import {
  currentTrustee,
  directoryDistrust,
  fileDistrust,
} from "../src/trust/rules.ts";
import { assertTrustedDirectory } from "../src/trust/walk.ts";
import { procTest, withTempDir } from "./_helpers.ts";

const NOBODY = 65534;
const asRoot = process.getuid?.() === 0
  ? false
  : "needs root (to hand files to other users)";

function refusal(fn: () => unknown): UntrustedFileError {
  try {
    fn();
  } catch (error) {
    if (error instanceof UntrustedFileError) return error;
    throw error;
  }
  assert.fail("not refused");
}

procTest("the rule, one stat at a time", () => {
  const us = { uid: 1000, gid: 1000 };
  const stat = (
    kind: "file" | "dir",
    uid: number,
    gid: number,
    mode: number,
    nlink = 1,
  ) => ({
    uid,
    gid,
    mode,
    nlink,
    isFile: () => kind === "file",
    isDirectory: () => kind === "dir",
    isSymbolicLink: () => false,
    isFIFO: () => false,
    isSocket: () => false,
    isBlockDevice: () => false,
    isCharacterDevice: () => false,
  });
  const trusted: [string, ReturnType<typeof stat>][] = [
    ["ours 0644", stat("file", 1000, 1000, 0o644)],
    ["root's 0644", stat("file", 0, 0, 0o644)],
    ["ours 0664, our group", stat("file", 1000, 1000, 0o664)],
    ["ours 0664, root's group", stat("file", 1000, 0, 0o664)],
    [
      "ours 0644, a foreign group that may only read",
      stat("file", 1000, 7, 0o644),
    ],
  ];
  for (const [what, st] of trusted) {
    assert.equal(fileDistrust(st, us), null, what);
  }
  const refused: [string, ReturnType<typeof stat>, RegExp][] = [
    ["another user's", stat("file", 1001, 1000, 0o600), /owned by/],
    ["0666", stat("file", 0, 0, 0o666), /every user/],
    ["0602", stat("file", 1000, 1000, 0o602), /every user/],
    ["0664, foreign group", stat("file", 1000, 7, 0o664), /the group/],
    ["two links", stat("file", 0, 0, 0o644, 2), /2 hard links/],
    ["a directory", stat("dir", 0, 0, 0o755), /a directory, not a regular/],
  ];
  for (const [what, st, why] of refused) {
    assert.match(fileDistrust(st, us) ?? "", why, what);
  }
  assert.equal(directoryDistrust(stat("dir", 0, 0, 0o1777), us), null);
  assert.equal(directoryDistrust(stat("dir", 1000, 7, 0o1775), us), null);
  assert.equal(directoryDistrust(stat("dir", 1000, 1000, 0o775), us), null);
  assert.match(
    directoryDistrust(stat("dir", 0, 0, 0o777), us) ?? "",
    /without the sticky bit/,
  );
  assert.match(
    directoryDistrust(stat("dir", 0, 7, 0o775), us) ?? "",
    /without the sticky bit, writable by the group/,
  );
  assert.match(
    directoryDistrust(stat("dir", 1001, 0, 0o1755), us) ?? "",
    /owned by uid 1001/,
    "sticky doesn't help against the directory's owner",
  );
  assert.match(
    directoryDistrust(stat("file", 0, 0, 0o644), us) ?? "",
    /not a directory/,
  );
});

procTest(
  "assertTrustedDirectory() walks relative paths, .. and link chains",
  () =>
    withTempDir("trust", (dir) => {
      const subject = { what: "record", path: "x" };
      const a = join(dir, "a");
      mkdirSync(join(a, "b"), { recursive: true });
      symlinkSync("a/b", join(dir, "rel")); // relative target
      symlinkSync(join(dir, "rel"), join(dir, "abs")); // a chain
      for (
        const path of [
          a,
          `${a}/b/..`,
          join(dir, "rel"),
          `${dir}/abs/../b`,
          relative(process.cwd(), join(a, "b")),
        ]
      ) {
        assertTrustedDirectory(path, subject);
      }
      symlinkSync("loop", join(dir, "loop"));
      assert.throws(
        () => assertTrustedDirectory(join(dir, "loop"), subject),
        { code: "ELOOP" },
      );
      assert.throws(
        () => assertTrustedDirectory(join(dir, "missing", "x"), subject),
        { code: "ENOENT" },
      );
      writeFileSync(join(dir, "file"), "");
      assert.throws(
        () => assertTrustedDirectory(join(dir, "file", "x"), subject),
        { code: "ENOTDIR" },
      );
      // `link/..` is the link target's parent, as the kernel has it, not the
      // link's directory, as path.resolve() would have it.
      chmodSync(a, 0o777);
      assertTrustedDirectory(dir, subject);
      const error = refusal(() =>
        assertTrustedDirectory(`${dir}/abs/..`, subject)
      );
      assert.equal(error.culprit, a);
      assert.equal(error.path, "x");
      assert.match(
        error.message,
        /^Refusing the record "x": ".*\/a" is a directory/,
      );
    }),
);

procTest(
  "assertTrustedDirectory() refuses a link of another user anywhere in a chain",
  () =>
    withTempDir("trust", (dir) => {
      const subject = { what: "record", path: "x" };
      mkdirSync(join(dir, "real"));
      symlinkSync("real", join(dir, "second"));
      symlinkSync("second", join(dir, "first"));
      assertTrustedDirectory(join(dir, "first"), subject);
      lchownSync(join(dir, "second"), NOBODY, NOBODY);
      const error = refusal(() =>
        assertTrustedDirectory(join(dir, "first"), subject)
      );
      assert.equal(error.culprit, join(dir, "second"));
      assert.equal(error.owner, NOBODY);
    }),
  { skip: asRoot },
);

procTest(
  "writeTrustedFile() and readTrustedFile() round-trip any record",
  () =>
    withTempDir("trust", (dir) => {
      const subject = { what: "unit record", path: join(dir, "app.unit") };
      assert.equal(readTrustedFile(subject, 100), null, "missing");
      assert.equal(
        readTrustedFile({ ...subject, path: join(dir, "no", "x") }, 100),
        null,
        "missing directory",
      );
      writeTrustedFile(subject, "a".repeat(200));
      const read = readTrustedFile(subject, 100)!;
      assert.equal(read.text, "a".repeat(100), "at most maxBytes");
      assert.equal(read.stat.mode & 0o7777, 0o644);
      assert.deepEqual(readdirSync(dir), ["app.unit"], "no temp file left");
      chmodSync(subject.path, 0o646);
      const error = refusal(() => readTrustedFile(subject, 100));
      assert.equal(error.culprit, subject.path);
      assert.match(error.message, /^Refusing the unit record /);
      writeTrustedFile(subject, "b\n"); // replaced by a file of ours
      assert.equal(readTrustedFile(subject, 100)?.text, "b\n");
      assert.equal(statSync(subject.path).mode & 0o7777, 0o644);
    }),
);

procTest(
  "writeTrustedFile() refuses a directory another user owns, leaving nothing",
  () =>
    withTempDir("trust", (dir) => {
      const theirs = join(dir, "theirs");
      mkdirSync(theirs);
      chownSync(theirs, NOBODY, NOBODY);
      const subject = { what: "unit record", path: join(theirs, "app.unit") };
      const error = refusal(() => writeTrustedFile(subject, "x"));
      assert.equal(error.culprit, theirs);
      assert.deepEqual(readdirSync(theirs), []);
    }),
  { skip: asRoot },
);

procTest("currentTrustee() is this process's effective user and group", () => {
  assert.deepEqual(currentTrustee(), {
    uid: process.geteuid!(),
    gid: process.getegid!(),
  });
});
