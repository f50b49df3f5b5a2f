/**
 * Passing arguments through `cmd.exe` without letting it run any of them
 * (the BatBadBut class of bugs, CVE-2024-24576).
 *
 * `cmd.exe` parses its `/c` line with rules of its own, before the program
 * it starts splits the rest by the MSVCRT rules (`msvcrt_quote.ts`):
 *
 * 1. `%NAME%` is replaced by the variable's value, inside quotes too;
 *    `!NAME!` as well when delayed expansion is on.
 * 2. Outside quotes, `& | < > ( )` separate or redirect commands and `^`
 *    escapes the next character; every `"` toggles "inside quotes", and a
 *    backslash does not escape it (so MSVCRT's `\"` ends a quoted part for
 *    `cmd.exe` while the program sees it as a literal quote).
 * 3. A line break ends the command.
 *
 * Two ways through, both pure functions tested on every system:
 *
 * - {@linkcode startShimCommandLine} — for a program started through
 *   `cmd.exe`: every argument is first quoted for the program (MSVCRT), then
 *   every metacharacter of that text, `"` included, is escaped with `^`, so
 *   `cmd.exe` never enters a quoted part and passes the text on unchanged.
 * - {@linkcode batchCommandLine} — for a `.bat`/`.cmd` script, which
 *   receives its arguments as `%1`, `%2`… with their quotes: every argument
 *   that holds anything but letters, digits and `#$*+-./:?@\_` is put in
 *   quotes, with `"` doubled (the way `cmd.exe` reads a literal quote inside
 *   quotes), so that `%1` in the script stays one quoted word.
 *
 * In both, `%` becomes `%%cd:~,%`: `%cd:~,%` is an empty substring of the
 * current directory, so the `%` stays and no variable name can follow it
 * (needs command extensions, `/e:ON`). Delayed expansion is switched off
 * (`/v:OFF`), so `!` is literal. Line breaks are refused: nothing can carry
 * one through `cmd.exe`.
 *
 * What this can't protect: a script that itself re-parses its arguments
 * (`%~1` strips the quotes; `setlocal enabledelayedexpansion` expands `!`).
 *
 * @module
 */

import { quoteArg, quoteProgram } from "./msvcrt_quote.ts";

/** `%` without a variable name after it (see the module doc). */
const PERCENT = "%%cd:~,%";
/** What `^` must escape for `cmd.exe` outside quotes. */
const CMD_META = new Set(["^", "&", "|", "<", ">", "(", ")", '"', "!"]);
/** Batch arguments made only of these (and non-ASCII) need no quotes. */
const BATCH_SAFE = /^[A-Za-z0-9#$*+\-./:?@\\_]$/;

function refuseLineBreaks(what: string, value: string): void {
  if (/[\r\n]/.test(value)) {
    throw new RangeError(
      `Cannot pass ${what} ${
        JSON.stringify(value)
      } through cmd.exe: it holds a line break, which ends a cmd.exe command (BatBadBut, CVE-2024-24576)`,
    );
  }
}

/**
 * Makes `text` pass through `cmd.exe`'s command-line parsing unchanged and
 * inert: each of `^ & | < > ( ) " !` gets a `^` before it (so no quoted
 * part ever starts) and `%` becomes `%%cd:~,%`.
 *
 * @param text Command-line text meant for the program `cmd.exe` starts.
 * @param what Names `text` in the error, e.g. "cmd[1]".
 * @returns The escaped text.
 * @throws {RangeError} `text` holds a line break.
 */
export function escapeCmdText(text: string, what: string): string {
  refuseLineBreaks(what, text);
  let out = "";
  for (const ch of text) {
    if (ch === "%") out += PERCENT;
    else if (CMD_META.has(ch)) out += "^" + ch;
    else out += ch;
  }
  return out;
}

/**
 * Quotes one argument of a batch script so that `%N` in the script is one
 * word and none of its characters runs (see the module doc).
 *
 * @param arg The argument.
 * @param what Names `arg` in the error, e.g. "cmd[1]".
 * @returns The argument, quoted when it holds anything but safe characters.
 * @throws {RangeError} `arg` holds a line break.
 */
export function quoteBatchArg(arg: string, what: string): string {
  refuseLineBreaks(what, arg);
  let quote = arg === "" || arg.endsWith("\\");
  for (const ch of arg) {
    const code = ch.codePointAt(0)!;
    if (code < 0x20 || code === 0x7f || (code < 0x80 && !BATCH_SAFE.test(ch))) {
      quote = true;
      break;
    }
  }
  if (!quote) return arg;
  let out = '"';
  let backslashes = 0;
  for (const ch of arg) {
    if (ch === "\\") {
      backslashes++;
      out += ch;
      continue;
    }
    if (ch === '"') {
      // Doubled backslashes keep an MSVCRT program behind the script from
      // reading `\"`; the doubled quote is cmd.exe's literal quote.
      out += "\\".repeat(backslashes) + '""';
    } else if (ch === "%") {
      out += PERCENT;
    } else {
      out += ch;
    }
    backslashes = 0;
  }
  return out + "\\".repeat(backslashes) + '"';
}

/**
 * The `CreateProcessW` command line that runs batch script `script` with
 * `cmd.exe`: `cmd.exe /d /e:ON /v:OFF /s /c ""script" args…"`.
 *
 * @param cmdExe The absolute path of `cmd.exe`.
 * @param script The absolute path of the `.bat` or `.cmd` file.
 * @param cmd The command as given: `cmd[0]` names the script, the rest are
 * its arguments.
 * @returns The command line.
 * @throws {RangeError} `script` holds a `"` or ends with `\`, or an argument
 * holds a line break.
 */
export function batchCommandLine(
  cmdExe: string,
  script: string,
  cmd: readonly string[],
): string {
  return `${quoteProgram(cmdExe)} ${batchArguments(script, cmd)}`;
}

/**
 * What follows `cmd.exe` on the command line of
 * {@linkcode batchCommandLine}: `/d /e:ON /v:OFF /s /c ""script" args…"`.
 *
 * @param script The absolute path of the batch file.
 * @param cmd The command as given (`cmd[0]` is not used).
 * @returns The arguments of `cmd.exe`, as one verbatim string.
 * @throws {RangeError} As {@linkcode batchCommandLine}.
 */
export function batchArguments(
  script: string,
  cmd: readonly string[],
): string {
  if (script.includes('"') || script.endsWith("\\")) {
    throw new RangeError(
      `Cannot run the batch file ${
        JSON.stringify(script)
      }: a Windows file name may not hold a double quote or end with a backslash`,
    );
  }
  refuseLineBreaks("the batch file name", script);
  const args = cmd.slice(1).map((arg, i) =>
    quoteBatchArg(arg, `cmd[${i + 1}]`)
  );
  return `/d /e:ON /v:OFF /s /c ""${script}"${
    args.map((a) => " " + a).join("")
  }"`;
}

/**
 * The command line of the `start /b` shim:
 * `cmd.exe /d /e:ON /v:OFF /s /c "start "" /b program args…"`, where the
 * program's own command line (MSVCRT-quoted) is escaped by
 * {@linkcode escapeCmdText}. `start` then starts the program on our console
 * without a new window, and `cmd.exe` exits.
 *
 * @param cmdExe The absolute path of `cmd.exe`.
 * @param program The absolute path of the program (not a batch file: `start`
 * would run it through a second `cmd.exe`, which this escaping does not
 * cover).
 * @param cmd The command as given: `cmd[0]` names the program, the rest are
 * its arguments.
 * @returns The command line.
 * @throws {RangeError} `program` is a batch file or holds a `"`, or an
 * argument holds a line break.
 */
export function startShimCommandLine(
  cmdExe: string,
  program: string,
  cmd: readonly string[],
): string {
  return `${quoteProgram(cmdExe)} ${startShimArguments(program, cmd)}`;
}

/**
 * What follows `cmd.exe` on the command line of
 * {@linkcode startShimCommandLine}: `/d /e:ON /v:OFF /s /c "start "" /b …"`.
 *
 * @param program The absolute path of the program.
 * @param cmd The command as given.
 * @returns The arguments of `cmd.exe`, as one verbatim string.
 * @throws {RangeError} As {@linkcode startShimCommandLine}.
 */
export function startShimArguments(
  program: string,
  cmd: readonly string[],
): string {
  if (isBatchFile(program)) {
    throw new RangeError(
      `Cannot start the batch file ${
        JSON.stringify(program)
      } through the start /b shim: start runs it through a second cmd.exe, which would parse its arguments again`,
    );
  }
  const parts = [
    escapeCmdText(quoteProgram(program), "the program path"),
    ...cmd.slice(1).map((arg, i) =>
      escapeCmdText(quoteArg(arg), `cmd[${i + 1}]`)
    ),
  ];
  return `/d /e:ON /v:OFF /s /c "start "" /b ${parts.join(" ")}"`;
}

/** `true` when `path` names a batch script (`.bat` or `.cmd`). */
export function isBatchFile(path: string): boolean {
  return /\.(bat|cmd)$/i.test(path);
}
