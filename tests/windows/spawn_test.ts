/**
 * Starting programs (through `CreateProcessW` with FFI, else the runtime's
 * spawn): every hostile argument reaches the program unchanged — directly
 * (MSVCRT quoting), through a batch file and through the `start /b` shim
 * (cmd.exe escaping) — and nothing in them runs. The program is this
 * runtime running `fixtures/print_args`.
 */

import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import process from "node:process";
import { test } from "node:test";
import { CommandNotFoundError, killTree, run, spawn } from "../../mod.ts";
import { spawnThroughStartShim } from "../../src/os/windows/start_shim.ts";
import { runtimeBackend } from "../../src/runtime/select.ts";
import { HOSTILE, INJECTED } from "./_hostile.ts";
import {
  alive,
  DEATH_MS,
  fixtureCommand,
  isWine,
  k32,
  table,
  tempDir,
  waitFor,
  windowsOnly,
} from "./_helpers.ts";

/** This runtime running `fixtures/print_args`. */
const printArgs = () => fixtureCommand("print_args");

function readArgs(file: string): string[] {
  return JSON.parse(readFileSync(file, "utf8"));
}

test(
  "spawn() hands a program exactly its arguments (MSVCRT quoting)",
  windowsOnly,
  async () => {
    const dir = tempDir();
    const out = join(dir, "args.json");
    const child = spawn([...printArgs(), ...HOSTILE], {
      cwd: dir,
      stdout: { file: out },
    });
    assert.equal((await child.status).code, 0);
    assert.deepEqual(readArgs(out), HOSTILE);
  },
);

test(
  "a batch file gets every argument as one inert parameter",
  windowsOnly,
  async () => {
    const dir = tempDir();
    const bat = join(dir, "print args.cmd");
    const [exe, ...args] = printArgs();
    writeFileSync(
      bat,
      `@"${exe}" ${args.map((a) => `"${a}"`).join(" ")} %*\r\n`,
    );
    // Wine's cmd.exe expands %NAME% again inside the text %* puts in a batch
    // line; Windows does not (Rust's windows-bat-args test checks "%PATH%").
    // Under Wine those strings are only checked to run nothing.
    const exact = isWine() ? HOSTILE.filter((a) => !a.includes("%")) : HOSTILE;
    const result = await run([bat, ...exact], { cwd: dir, capture: true });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), exact);
    const percent = await run(
      [bat, ...HOSTILE.filter((a) => a.includes("%"))],
      {
        cwd: dir,
        capture: true,
      },
    );
    assert.equal(percent.code, 0, percent.stderr);
    assert.ok(!existsSync(join(dir, INJECTED)), "a metacharacter ran");
    // Found on PATH without its extension, as Deno.Command does.
    const viaPath = await run(["print args", "x y"], {
      cwd: dir,
      env: { PATH: `${dir};${process.env.PATH}` },
      capture: true,
    }).catch((e) => e);
    // "print args" (no extension) is found as "print args.cmd".
    assert.deepEqual(JSON.parse(viaPath.stdout ?? "[]"), ["x y"]);
    assert.throws(
      () => spawn([bat, "ok", "line\nbreak"]),
      (e: Error) =>
        e instanceof RangeError && /cmd\[2\]/.test(e.message) &&
        /CVE-2024-24576/.test(e.message),
    );
  },
);

test(
  "the start /b shim starts the real program with exactly its arguments",
  windowsOnly,
  async () => {
    const dir = tempDir();
    const out = join(dir, "args.json");
    const [file, ...args] = printArgs();
    const handle = spawnThroughStartShim(
      {
        file: file!,
        args: [...args, ...HOSTILE],
        cwd: dir,
        env: { SUBPROC_TEST_LINGER: "30000" },
        clearEnv: false,
        stdin: "null",
        stdout: { file: out, append: false },
        stderr: "null",
        newSession: true,
      },
      k32(),
      runtimeBackend,
    );
    try {
      // The PID is the program's (this runtime's), not cmd.exe's.
      const row = table().find((r) => r.pid === handle.pid);
      assert.equal(
        String(row?.exe).toLowerCase(),
        basename(file!).toLowerCase(),
      );
      await waitFor(
        () => existsSync(out) && readFileSync(out, "utf8").includes("]"),
        DEATH_MS * 2,
        "the program's output",
      );
      assert.deepEqual(readArgs(out), HOSTILE);
      assert.ok(!existsSync(join(dir, INJECTED)), "a metacharacter ran");
      assert.ok(alive(handle.pid), "the program outlives cmd.exe");
    } finally {
      await killTree(handle.pid, { grace: 0 });
      handle.unref();
    }
    assert.ok(!alive(handle.pid));
  },
);

test(
  "spawn() wires null, inherit and file streams, cwd and env",
  windowsOnly,
  async () => {
    const dir = tempDir();
    const log = join(dir, "log.txt");
    for (const line of ["first", "second"]) {
      const status = await spawn(
        ["cmd.exe", "/d", "/c", `echo ${line}-%SUBPROC_X%& cd& echo err 1>&2`],
        {
          cwd: dir,
          env: { SUBPROC_X: "x" },
          stdin: "null",
          stdout: { file: log, append: true },
          stderr: { file: log, append: true },
        },
      ).status;
      assert.equal(status.code, 0);
    }
    const lines = readFileSync(log, "utf8").split(/\r?\n/).filter(Boolean);
    assert.deepEqual(
      lines.filter((l) => l.startsWith("first") || l.startsWith("second")),
      ["first-x", "second-x"],
    );
    assert.equal(lines.filter((l) => l.trim() === "err").length, 2);
    assert.equal(
      lines.filter((l) => l.toLowerCase() === dir.toLowerCase()).length,
      2,
    );
    // clearEnv: the variable is gone.
    const cleared = await run(["cmd.exe", "/d", "/c", "echo [%SUBPROC_Y%]"], {
      env: { SUBPROC_Y: "y", SystemRoot: process.env.SystemRoot ?? "" },
      clearEnv: true,
      capture: true,
    });
    assert.match(cleared.stdout, /\[y\]/);
  },
);

test(
  "spawn() of a missing program throws CommandNotFoundError",
  windowsOnly,
  () => {
    assert.throws(
      () => spawn(["no-such-program-xyz"], { stdout: "null" }),
      CommandNotFoundError,
    );
    assert.throws(
      () => spawn(["C:\\no\\such\\dir\\x.exe"], { stdout: "null" }),
      CommandNotFoundError,
    );
  },
);
