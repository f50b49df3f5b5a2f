/**
 * Building a Windows command line that the Microsoft C runtime (and
 * `CommandLineToArgvW`) splits back into exactly the arguments given.
 *
 * Windows hands a program one string, not an argument array; each program
 * splits it itself. Nearly all use the MSVCRT rules:
 *
 * - arguments are separated by spaces or tabs, unless inside `"…"`;
 * - `2n` backslashes before a `"` are `n` backslashes, and the quote opens or
 *   closes a quoted part; `2n + 1` backslashes before a `"` are `n`
 *   backslashes and a literal `"`;
 * - backslashes not followed by a `"` are literal;
 * - the program name (the first word) is special: it ends at the next space
 *   or tab, or, when it starts with `"`, at the next `"`, with no escapes at
 *   all — so it can't hold a `"`.
 *
 * These functions are pure (no I/O) and are tested on every system.
 * `cmd.exe` does not follow these rules: see `cmd_escape.ts`.
 *
 * @module
 */

/** Characters that make an argument need quotes. */
const NEEDS_QUOTES = /[ \t\n\v"]/;

/**
 * Quotes one argument (not the program name) so that the MSVCRT parser gives
 * it back unchanged.
 *
 * @param arg Any string without NUL bytes.
 * @returns `arg` itself when it needs no quotes, else `arg` in quotes with
 * the backslashes and quotes escaped.
 */
export function quoteArg(arg: string): string {
  if (arg !== "" && !NEEDS_QUOTES.test(arg)) return arg;
  let out = '"';
  let backslashes = 0;
  for (const ch of arg) {
    if (ch === "\\") {
      backslashes++;
      continue;
    }
    // Backslashes before a quote are doubled, and the quote escaped; other
    // backslashes stay as they are.
    out += ch === '"'
      ? "\\".repeat(2 * backslashes + 1) + '"'
      : "\\".repeat(backslashes) + ch;
    backslashes = 0;
  }
  // Trailing backslashes precede our closing quote: double them.
  return out + "\\".repeat(2 * backslashes) + '"';
}

/**
 * Quotes the program name, the first word of a command line, which has its
 * own rules: no escapes, so it may not hold a `"`.
 *
 * @param program The program as the child should see it in `argv[0]`.
 * @returns The name, in quotes when it holds a space or tab or is empty.
 * @throws {RangeError} `program` holds a `"`.
 */
export function quoteProgram(program: string): string {
  if (program.includes('"')) {
    throw new RangeError(
      `Cannot pass the program name ${
        JSON.stringify(program)
      } on a Windows command line: it holds a double quote, which the program name cannot carry`,
    );
  }
  return program === "" || /[ \t]/.test(program) ? `"${program}"` : program;
}

/**
 * The command line for `CreateProcessW`: the program name, then every
 * argument quoted by {@linkcode quoteArg}, separated by single spaces.
 *
 * @param program `argv[0]` as the child should see it.
 * @param args The arguments after it.
 * @returns The command line.
 * @throws {RangeError} `program` holds a `"`.
 */
export function commandLine(program: string, args: readonly string[]): string {
  return [quoteProgram(program), ...args.map(quoteArg)].join(" ");
}

/**
 * Splits a command line by the MSVCRT rules (the 2008+ runtime: `""` inside
 * quotes is a literal `"`). The inverse of {@linkcode commandLine}, used to
 * test it.
 *
 * @param line A command line.
 * @returns `argv`, the program name first.
 */
export function parseCommandLine(line: string): string[] {
  const argv: string[] = [];
  let i = 0;
  // The program name: no escapes.
  let program = "";
  if (line[0] === '"') {
    const end = line.indexOf('"', 1);
    program = end < 0 ? line.slice(1) : line.slice(1, end);
    i = end < 0 ? line.length : end + 1;
  } else {
    while (i < line.length && line[i] !== " " && line[i] !== "\t") {
      program += line[i++];
    }
  }
  argv.push(program);
  while (true) {
    while (line[i] === " " || line[i] === "\t") i++;
    if (i >= line.length) return argv;
    let arg = "";
    let quoted = false;
    while (i < line.length) {
      const ch = line[i]!;
      if (!quoted && (ch === " " || ch === "\t")) break;
      if (ch === "\\") {
        let n = 0;
        while (line[i] === "\\") {
          n++;
          i++;
        }
        if (line[i] === '"') {
          arg += "\\".repeat(n >> 1);
          if (n % 2 === 1) {
            arg += '"';
            i++;
          }
        } else {
          arg += "\\".repeat(n);
        }
        continue;
      }
      if (ch === '"') {
        if (quoted && line[i + 1] === '"') {
          arg += '"';
          i += 2;
          continue;
        }
        quoted = !quoted;
        i++;
        continue;
      }
      arg += ch;
      i++;
    }
    argv.push(arg);
  }
}
