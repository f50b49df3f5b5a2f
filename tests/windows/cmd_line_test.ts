/**
 * The Windows command-line builders are pure functions: tested here on every
 * system (and under Wine with the rest of this folder). `spawn_test.ts` here
 * runs the same hostile table through the real cmd.exe and a real program
 * under Windows; `tests/reliability/windows_cmd_test.ts` checks the escaping
 * against a second, independent model of cmd.exe with thousands of random
 * strings (a reliability run: its count grows with SUBPROC_FULL=1).
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  batchCommandLine,
  escapeCmdText,
  isBatchFile,
  quoteBatchArg,
  startShimCommandLine,
} from "../../src/os/windows/cmd_escape.ts";
import {
  commandLine,
  parseCommandLine,
  quoteArg,
  quoteProgram,
} from "../../src/os/windows/msvcrt_quote.ts";
import { batchParams } from "./_batch_params.ts";
import { HOSTILE } from "./_hostile.ts";

test("quoteArg() round-trips every hostile string through the MSVCRT rules", () => {
  for (const arg of HOSTILE) {
    const line = commandLine("prog", [arg, "next"]);
    assert.deepEqual(parseCommandLine(line), ["prog", arg, "next"], line);
  }
  assert.deepEqual(
    parseCommandLine(commandLine("C:\\a b\\p.exe", [...HOSTILE])),
    ["C:\\a b\\p.exe", ...HOSTILE],
  );
});

test("quoteArg() leaves simple arguments alone and quotes the rest", () => {
  assert.equal(quoteArg("abc"), "abc");
  assert.equal(quoteArg("a\\b"), "a\\b");
  assert.equal(quoteArg(""), '""');
  assert.equal(quoteArg("a b"), '"a b"');
  assert.equal(quoteArg('a"b'), '"a\\"b"');
  assert.equal(quoteArg('a\\"b'), '"a\\\\\\"b"');
  assert.equal(quoteArg("a b\\"), '"a b\\\\"');
  assert.equal(quoteArg("a\\b c"), '"a\\b c"');
});

test("quoteProgram() refuses a double quote and quotes spaces", () => {
  assert.equal(quoteProgram("C:\\x\\p.exe"), "C:\\x\\p.exe");
  assert.equal(quoteProgram("C:\\a b\\p.exe"), '"C:\\a b\\p.exe"');
  assert.throws(() => quoteProgram('p"q'), RangeError);
});

// ---------------------------------------------------------------------------
// A model of cmd.exe's parsing of a `/c` line, enough to check the escaping:
// phase 1 expands %NAME% (every variable is taken to exist, the worst case;
// %cd:~,% is the empty substring), phase 2 tracks quotes and carets and
// records any & | < > ( ) outside quotes.

const VALUE = "EXPANDED";

function percentPhase(line: string): string {
  let out = "";
  let i = 0;
  while (i < line.length) {
    if (line[i] !== "%") {
      out += line[i++];
      continue;
    }
    const end = line.indexOf("%", i + 1);
    if (end < 0) {
      out += line.slice(i);
      break;
    }
    const name = line.slice(i + 1, end);
    if (name === "") {
      // "%%" on a command line: a literal % and a new start at the second.
      out += "%";
      i = end;
      continue;
    }
    out += /^cd:~,$/i.test(name) ? "" : VALUE;
    i = end + 1;
  }
  return out;
}

interface Parsed {
  text: string;
  fired: string[];
}

function specialPhase(line: string): Parsed {
  let text = "";
  const fired: string[] = [];
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === "\n" || ch === "\r") fired.push("line break");
    if (quoted) {
      if (ch === '"') quoted = false;
      text += ch;
      continue;
    }
    if (ch === "^") {
      if (i + 1 < line.length) text += line[++i];
      continue;
    }
    if (ch === '"') quoted = true;
    else if ("&|<>()".includes(ch)) fired.push(ch);
    text += ch;
  }
  return { text, fired };
}

/** What cmd.exe makes of the command line `cmd.exe … /s /c "…"`. */
function cmdParse(full: string): Parsed {
  const start = full.indexOf('/s /c "');
  assert.ok(start > 0 && full.endsWith('"'), full);
  // /s: the first and the last quote go.
  const body = full.slice(start + 7, -1);
  return specialPhase(percentPhase(body));
}

const CMD = "C:\\Windows\\System32\\cmd.exe";
const PROG = "C:\\Program Files\\p.exe";

test("startShimCommandLine() hands the program exactly its MSVCRT line, running nothing", () => {
  for (const arg of HOSTILE) {
    const line = startShimCommandLine(CMD, PROG, ["p", arg, "x"]);
    const { text, fired } = cmdParse(line);
    assert.deepEqual(fired, [], `${JSON.stringify(arg)} → ${line}`);
    const prefix = 'start "" /b ';
    assert.ok(text.startsWith(prefix), text);
    const programLine = text.slice(prefix.length);
    assert.deepEqual(
      parseCommandLine(programLine),
      [PROG, arg, "x"],
      `${JSON.stringify(arg)} → ${line}`,
    );
  }
});

test("startShimCommandLine() refuses line breaks and batch files", () => {
  for (const bad of ["a\nb", "a\r\nb", "\r"]) {
    assert.throws(
      () => startShimCommandLine(CMD, PROG, ["p", "ok", bad]),
      (e: Error) =>
        e instanceof RangeError && /cmd\[2\]/.test(e.message) &&
        /line break/.test(e.message) && /CVE-2024-24576/.test(e.message),
    );
  }
  assert.throws(
    () => startShimCommandLine(CMD, "C:\\x\\build.CMD", ["build"]),
    /batch file/,
  );
});

test("escapeCmdText() escapes every metacharacter and defuses %", () => {
  assert.equal(escapeCmdText("a&b", "x"), "a^&b");
  assert.equal(escapeCmdText('"a b"', "x"), '^"a b^"');
  assert.equal(escapeCmdText("^|<>()!", "x"), "^^^|^<^>^(^)^!");
  assert.equal(escapeCmdText("%PATH%", "x"), "%%cd:~,%PATH%%cd:~,%");
  assert.throws(() => escapeCmdText("a\nb", "cmd[3]"), /cmd\[3\]/);
});

test("batchCommandLine() keeps every argument one inert parameter", () => {
  const script = "C:\\dir with space\\b.bat";
  for (const arg of HOSTILE) {
    const line = batchCommandLine(CMD, script, ["b", arg, "x"]);
    const { text, fired } = cmdParse(line);
    assert.deepEqual(fired, [], `${JSON.stringify(arg)} → ${line}`);
    assert.ok(!text.includes(VALUE), `${JSON.stringify(arg)} → ${text}`);
    const params = batchParams(text);
    assert.equal(params[0], `"${script}"`);
    assert.equal(params.length, 3, `${JSON.stringify(arg)} → ${text}`);
    assert.equal(params[2], "x");
    // %1 expanded into a script line stays inert as well.
    assert.deepEqual(specialPhase(`echo ${params[1]}`).fired, []);
  }
});

test("quoteBatchArg() quotes all but safe characters", () => {
  assert.equal(quoteBatchArg("abc-1.2_/x:y@z", "x"), "abc-1.2_/x:y@z");
  assert.equal(quoteBatchArg("", "x"), '""');
  assert.equal(quoteBatchArg("a b", "x"), '"a b"');
  assert.equal(quoteBatchArg("a=b", "x"), '"a=b"');
  assert.equal(quoteBatchArg('a"b', "x"), '"a""b"');
  assert.equal(quoteBatchArg("dir\\", "x"), '"dir\\\\"');
  assert.equal(quoteBatchArg("50%", "x"), '"50%%cd:~,%"');
  assert.throws(() => quoteBatchArg("a\nb", "cmd[1]"), /line break/);
});

test("batchCommandLine() refuses impossible script names", () => {
  assert.throws(() => batchCommandLine(CMD, 'C:\\a"b.bat', ["b"]), RangeError);
  assert.throws(() => batchCommandLine(CMD, "C:\\a\\", ["b"]), RangeError);
  assert.ok(isBatchFile("x.BAT") && isBatchFile("C:\\y.cmd"));
  assert.ok(!isBatchFile("x.exe") && !isBatchFile("x.bat.exe"));
});
