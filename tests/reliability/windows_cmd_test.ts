/**
 * The cmd.exe escaping (`src/os/windows/cmd_escape.ts`, used by the
 * `start /b` shim and for batch files) against the suite's hostile strings:
 * the known classes and 3,000 seeded random strings (20,000 with
 * SUBPROC_FULL=1). Pure functions, so this runs on every system.
 *
 * The check uses a model of cmd.exe's parsing of a `/c` line written here
 * independently of the one in `tests/windows/cmd_line_test.ts` (two models
 * that agree are worth more than one), after the documented rules
 * ("How does the Windows Command Interpreter (CMD.EXE) parse scripts?",
 * command-line mode):
 *
 * 1. Percent phase: `%name%` is replaced by the variable's value when it is
 *    defined; an undefined (or empty) name leaves its `%` as is and the scan
 *    goes on from the closing `%` (so `%%VAR%%` is `%` + value + `%`).
 *    `%cd:~,%` is an empty substring. Run twice: every variable defined,
 *    and none (but `cd`).
 * 2. Special phase: outside quotes `^` escapes the next character and every
 *    `"` toggles quoting; `& | < > ( )` outside quotes and any line break
 *    would act. None may.
 * 3. The text `start "" /b` hands on is split by the MSVCRT rules (a parser
 *    written here too): it must give back exactly the arguments. A batch
 *    script's `%1`, `%2`… (split at unquoted space, tab, `,`, `;`, `=`) must
 *    each be one word that, handed on to an MSVCRT program (`prog %1`),
 *    gives back exactly the argument.
 *
 * Strings with a line break must be refused with a `RangeError`.
 */

import assert from "node:assert/strict";
import {
  batchCommandLine,
  startShimCommandLine,
} from "../../src/os/windows/cmd_escape.ts";
import { batchParams } from "../windows/_batch_params.ts";
import { FULL, prng, reliabilityCase } from "./_case.ts";
import { KNOWN_TEMPLATES, randomString } from "./_hostile.ts";

const CMD = "C:\\Windows\\System32\\cmd.exe";
const PROGRAM = "C:\\Program Files (x86)\\Tool\\tool.exe";
const SCRIPT = "C:\\Users\\me\\build & test\\run.cmd";
const VALUE = "<EXPANDED>";

/** Phase 1, command-line mode. */
function percentPhase(line: string, allDefined: boolean): string {
  let out = "";
  let i = 0;
  while (i < line.length) {
    if (line[i] !== "%") {
      out += line[i++];
      continue;
    }
    const close = line.indexOf("%", i + 1);
    if (close < 0) return out + line.slice(i);
    const name = line.slice(i + 1, close);
    if (/^cd:~,$/i.test(name)) {
      i = close + 1; // an empty substring of %cd%
    } else if (name !== "" && (allDefined || /^cd$/i.test(name))) {
      out += VALUE;
      i = close + 1;
    } else {
      out += "%";
      i = close; // undefined: the closing % may open the next one
    }
  }
  return out;
}

/** Phase 2: what survives, and what would have acted. */
function specialPhase(line: string): { text: string; acted: string[] } {
  let text = "";
  const acted: string[] = [];
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === "\r" || ch === "\n") acted.push("line break");
    if (quoted) {
      if (ch === '"') quoted = false;
      text += ch;
    } else if (ch === "^") {
      if (i + 1 === line.length) acted.push("trailing ^");
      else text += line[++i];
    } else {
      if (ch === '"') quoted = true;
      else if ("&|<>()".includes(ch)) acted.push(ch);
      text += ch;
    }
  }
  return { text, acted };
}

/** `cmd.exe … /s /c "BODY"` → BODY through both phases. */
function cmdExe(line: string, allDefined: boolean) {
  const marker = ' /s /c "';
  const at = line.indexOf(marker);
  assert.ok(at > 0 && line.endsWith('"'), `not a /s /c line: ${line}`);
  // /s: the quote after /c and the last quote of the line go.
  const body = line.slice(at + marker.length, -1);
  return specialPhase(percentPhase(body, allDefined));
}

/** The MSVCRT (2008+) split of a command line. */
function msvcrtSplit(line: string): string[] {
  const argv: string[] = [];
  let i = 0;
  let program = "";
  if (line.startsWith('"')) {
    const end = line.indexOf('"', 1);
    program = line.slice(1, end < 0 ? undefined : end);
    i = end < 0 ? line.length : end + 1;
  } else {
    while (i < line.length && !" \t".includes(line[i]!)) program += line[i++];
  }
  argv.push(program);
  for (;;) {
    while (i < line.length && " \t".includes(line[i]!)) i++;
    if (i >= line.length) return argv;
    let arg = "";
    let quoted = false;
    while (i < line.length && (quoted || !" \t".includes(line[i]!))) {
      let slashes = 0;
      while (line[i] === "\\") {
        slashes++;
        i++;
      }
      if (line[i] === '"') {
        arg += "\\".repeat(Math.floor(slashes / 2));
        if (slashes % 2 === 1) {
          arg += '"';
        } else if (quoted && line[i + 1] === '"') {
          arg += '"';
          i++;
        } else {
          quoted = !quoted;
        }
        i++;
      } else {
        arg += "\\".repeat(slashes);
        if (i < line.length && (quoted || !" \t".includes(line[i]!))) {
          arg += line[i++];
        }
      }
    }
    argv.push(arg);
  }
}

/** What an MSVCRT program gets when a script hands it `%N` (`prog %1`). */
function passedOn(param: string): string[] {
  return msvcrtSplit(`prog ${param}`).slice(1);
}

function corpus(count: number): string[] {
  const random = prng(1_0_2_4_5_7_6);
  const all = KNOWN_TEMPLATES.map((t) => t.replaceAll("C", "C:\\canary"));
  for (let i = 0; i < count; i++) all.push(randomString(random));
  return all;
}

const GENERATED = FULL ? 20_000 : 3_000;

reliabilityCase(
  `hostile input: cmd.exe escaping (start /b shim, batch files), ${KNOWN_TEMPLATES.length} known + ${GENERATED} seeded strings`,
  {
    area: "hostile input",
    expected:
      "under an independent model of cmd.exe (percent phase with every/no variable defined, carets, quotes): nothing acts, the program gets exactly its arguments; line breaks → RangeError",
  },
  () => {
    const strings = corpus(GENERATED);
    let checked = 0;
    let refused = 0;
    // Several arguments per command line, as a real call has.
    for (let i = 0; i < strings.length; i += 7) {
      const args = strings.slice(i, i + 7);
      const breaks = args.some((a) => /[\r\n]/.test(a));
      for (const build of ["start", "batch"] as const) {
        const make = () =>
          build === "start"
            ? startShimCommandLine(CMD, PROGRAM, ["tool", ...args])
            : batchCommandLine(CMD, SCRIPT, ["run", ...args]);
        if (breaks) {
          assert.throws(make, RangeError, JSON.stringify(args));
          refused++;
          continue;
        }
        const line = make();
        for (const allDefined of [true, false]) {
          const { text, acted } = cmdExe(line, allDefined);
          const what = `${build} ${JSON.stringify(args)} → ${line}`;
          assert.deepEqual(acted, [], what);
          if (build === "start") {
            const prefix = 'start "" /b ';
            assert.ok(text.startsWith(prefix), what);
            assert.deepEqual(
              msvcrtSplit(text.slice(prefix.length)),
              [PROGRAM, ...args],
              what,
            );
          } else {
            const [script, ...params] = batchParams(text);
            assert.equal(script, `"${SCRIPT}"`, what);
            assert.equal(params.length, args.length, what);
            params.forEach((param, j) =>
              assert.deepEqual(passedOn(param), [args[j]], what)
            );
          }
        }
        checked++;
      }
    }
    return `${checked} command lines (${strings.length} strings, 7 per line, start /b and batch) inert and exact under the model, with and without variables; ${refused} with a line break refused`;
  },
);
