/**
 * The parts of the Windows shim that need no Windows: tree building with
 * the PID-reuse guard, program lookup, the environment block, the signal
 * table, exit statuses and reading the process table that PowerShell and
 * `wmic` print. Run on every system.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  childEnvironment,
  envValue,
  findProgram,
  runnableExtensions,
  systemProgram,
} from "../../src/os/windows/find_program.ts";
import { exitStatusOf } from "../../src/os/windows/own_children.ts";
import {
  cimDateMs,
  decodeWmic,
  parseCimRows,
  parseWmicRows,
} from "../../src/os/windows/process_query.ts";
import {
  descendants,
  isParentOf,
  type WinProcess,
} from "../../src/os/windows/process_table.ts";
import {
  STATUS_CONTROL_C_EXIT,
  windowsAction,
} from "../../src/os/windows/signals.ts";

function row(
  pid: number,
  ppid: number,
  startMs: number | null,
  exited = false,
): WinProcess {
  return { pid, ppid, startMs, exited, exe: "x.exe" };
}

test("isParentOf() refuses a parent younger than its child (a reused PID)", () => {
  assert.ok(isParentOf(row(10, 1, 100), row(20, 10, 200)));
  assert.ok(isParentOf(row(10, 1, 100), row(20, 10, 100)));
  assert.ok(!isParentOf(row(10, 1, 300), row(20, 10, 200)));
  assert.ok(!isParentOf(row(11, 1, 100), row(20, 10, 200)));
  assert.ok(!isParentOf(row(10, 10, 100), row(10, 10, 100)));
  // Unknown times (protected processes): the link counts.
  assert.ok(isParentOf(row(10, 1, null), row(20, 10, 200)));
});

test("descendants() follows genuine links only, through exited members", () => {
  const table = [
    row(1, 0, 0),
    row(10, 1, 100), // root
    row(20, 10, 200), // child
    row(30, 20, 300, true), // exited grandchild (held open)…
    row(40, 30, 400), // …whose child still counts
    row(50, 10, 50), // claims root as parent but is older: reused PID
    row(60, 50, 600), // child of the impostor
    row(70, 99, 700), // unrelated
  ];
  const found = descendants(table, table[1]!).map((r) => r.pid).sort();
  assert.deepEqual(found, [10, 20, 40]);
  assert.deepEqual(
    descendants(table, table[1]!, new Set([20])).map((r) => r.pid),
    [10],
  );
});

test("findProgram() searches PATH with the runnable PATHEXT extensions, never the cwd first", () => {
  const files = new Set([
    "C:\\bin\\tool.cmd",
    "C:\\other\\tool.exe",
    "C:\\work\\local.exe",
    "C:\\work\\sub\\x.bat",
    "C:\\bin\\plain.exe",
    "C:\\bin\\noext",
  ]);
  const context = {
    cwd: "C:\\work",
    path: 'C:\\bin;"C:\\other";',
    pathext: ".COM;.EXE;.BAT;.CMD;.VBS;.JS",
    exists: (p: string) => files.has(p),
  };
  assert.deepEqual(findProgram("tool", context), {
    ok: true,
    path: "C:\\bin\\tool.cmd",
  });
  assert.deepEqual(findProgram("plain.exe", context), {
    ok: true,
    path: "C:\\bin\\plain.exe",
  });
  // Not on PATH: the current directory is not searched.
  assert.deepEqual(findProgram("local", context), {
    ok: false,
    code: "ENOENT",
  });
  // A name with a directory part is relative to the cwd.
  assert.deepEqual(findProgram(".\\local", context), {
    ok: true,
    path: "C:\\work\\local.exe",
  });
  assert.deepEqual(findProgram("sub/x", context), {
    ok: true,
    path: "C:\\work\\sub\\x.bat",
  });
  assert.deepEqual(findProgram("C:\\bin\\tool.cmd", context), {
    ok: true,
    path: "C:\\bin\\tool.cmd",
  });
  assert.deepEqual(runnableExtensions(".JS;.EXE"), [".exe"]);
  assert.deepEqual(runnableExtensions(undefined), [
    ".com",
    ".exe",
    ".bat",
    ".cmd",
  ]);
});

test("childEnvironment() merges without case and sorts as Windows wants", () => {
  const parent = {
    Path: "C:\\bin",
    windir: "C:\\Windows",
    B: "1",
    Gone: undefined,
  };
  assert.deepEqual(
    childEnvironment(parent, { PATH: "C:\\new", a: "2" }, false),
    [["a", "2"], ["B", "1"], ["PATH", "C:\\new"], ["windir", "C:\\Windows"]],
  );
  assert.deepEqual(childEnvironment(parent, { X: "1" }, true), [["X", "1"]]);
  assert.equal(envValue({ Path: "p" }, "PATH"), "p");
  assert.equal(envValue(undefined, "PATH"), undefined);
  assert.equal(
    systemProgram("taskkill.exe", { SYSTEMROOT: "D:\\Win" }),
    "D:\\Win\\System32\\taskkill.exe",
  );
});

test("windowsAction() maps every signal name to what Windows can do", () => {
  for (
    const s of ["SIGTERM", "SIGINT", "SIGBREAK", "SIGHUP", "SIGQUIT"] as const
  ) {
    assert.equal(windowsAction(s), "ask");
  }
  for (
    const s of ["SIGKILL", "SIGABRT", "SIGFPE", "SIGILL", "SIGSEGV"] as const
  ) {
    assert.equal(windowsAction(s), "end");
  }
  assert.equal(windowsAction("SIGCONT"), "nothing");
  assert.throws(
    () => windowsAction("SIGWINCH"),
    /Cannot send SIGWINCH on Windows/,
  );
  assert.throws(() => windowsAction("SIGUSR1"), RangeError);
});

test("exitStatusOf() reports how we ended a child", () => {
  const plain = { asked: undefined, ended: false };
  assert.deepEqual(exitStatusOf(plain, 0), {
    code: 0,
    signal: null,
    success: true,
  });
  assert.deepEqual(exitStatusOf(plain, 1), {
    code: 1,
    signal: null,
    success: false,
  });
  assert.deepEqual(exitStatusOf({ asked: undefined, ended: true }, 1), {
    code: null,
    signal: "SIGKILL",
    success: false,
  });
  // Ended by us, but it had exited with another code first.
  assert.equal(exitStatusOf({ asked: undefined, ended: true }, 3).code, 3);
  assert.deepEqual(
    exitStatusOf({ asked: "SIGTERM", ended: false }, STATUS_CONTROL_C_EXIT),
    { code: null, signal: "SIGTERM", success: false },
  );
});

/** `text` as `wmic` writes it to a file or pipe: UTF-16LE with a BOM. */
function utf16(text: string): Uint8Array {
  const bytes = new Uint8Array(2 + text.length * 2);
  bytes.set([0xff, 0xfe]);
  for (let i = 0; i < text.length; i++) {
    bytes[2 + 2 * i] = text.charCodeAt(i) & 0xff;
    bytes[3 + 2 * i] = text.charCodeAt(i) >> 8;
  }
  return bytes;
}

test("parseWmicRows() reads Wine's wmic, whose columns don't line up", () => {
  // As Wine 8 prints it (captured): no CreationDate, and a header whose
  // widths don't match the rows'.
  const output = decodeWmic(utf16(
    "Name            ParentProcessID ProcessID       \r\n" +
      "start.exe       0               32              \r\n" +
      "my app 2.exe    32   1044   \r\n" +
      "\r\n",
  ));
  assert.deepEqual(parseWmicRows(output), [
    { pid: 32, ppid: 0, startMs: null, exited: false, exe: "start.exe" },
    { pid: 1044, ppid: 32, startMs: null, exited: false, exe: "my app 2.exe" },
  ]);
  // A header of numbers only (Wine runs the names together) is no row.
  assert.deepEqual(parseWmicRows("ParentProcessIDProcessID\r\n"), []);
});

test("parseWmicRows() reads Windows' wmic with creation dates", () => {
  const output = "CreationDate               Name        ParentProcessId  " +
    "ProcessId\r\n" +
    "                           System Idle Process  0  0\r\n" +
    "20250301120000.500000+060  ping.exe    4321     5678\r\n";
  assert.deepEqual(parseWmicRows(output), [
    {
      pid: 0,
      ppid: 0,
      startMs: null,
      exited: false,
      exe: "System Idle Process",
    },
    {
      pid: 5678,
      ppid: 4321,
      startMs: Date.UTC(2025, 2, 1, 11, 0, 0, 500),
      exited: false,
      exe: "ping.exe",
    },
  ]);
});

test("cimDateMs() applies the offset from UTC, in minutes", () => {
  assert.equal(
    cimDateMs("20250301120000.000000-300"),
    Date.UTC(2025, 2, 1, 17, 0, 0),
  );
  assert.equal(
    cimDateMs("20250301120000.123456+000"),
    Date.UTC(2025, 2, 1, 12, 0, 0, 123),
  );
  assert.equal(cimDateMs("not a date"), null);
});

test("decodeWmic() tells UTF-16 from the console's code page", () => {
  assert.equal(decodeWmic(utf16("Name\r\n")), "Name\r\n");
  // UTF-16 without a byte-order mark.
  assert.equal(decodeWmic(utf16("Name").subarray(2)), "Name");
  assert.equal(decodeWmic(new TextEncoder().encode("Name\r\n")), "Name\r\n");
});

test("parseCimRows() reads PowerShell's rows, names with spaces included", () => {
  // FILETIME of 2025-03-01T12:00:00.250Z: ms since 1601, times 10,000.
  const ticks = (BigInt(Date.UTC(2025, 2, 1, 12, 0, 0, 250)) +
    11_644_473_600_000n) * 10_000n;
  const output = `4 0 - System\r\n5678 4321 ${ticks} my app.exe\r\n\r\n`;
  assert.deepEqual(parseCimRows(output), [
    { pid: 4, ppid: 0, startMs: null, exited: false, exe: "System" },
    {
      pid: 5678,
      ppid: 4321,
      startMs: Date.UTC(2025, 2, 1, 12, 0, 0, 250),
      exited: false,
      exe: "my app.exe",
    },
  ]);
});
