/**
 * Arguments that break naive quoting, for cmd.exe or for MSVCRT. Those that
 * would run something if cmd.exe parsed them create the file
 * {@linkcode INJECTED} in the working directory.
 */

/** The file an injected command would create. */
export const INJECTED = "subproc-injected.txt";
const INJECT = `type nul> ${INJECTED}`;

/** Strings that break naive quoting, for cmd.exe or for MSVCRT. */
export const HOSTILE: readonly string[] = [
  "",
  " ",
  "plain",
  "two words",
  "tab\there",
  'quote"inside',
  '"',
  '""',
  '\\"',
  "trailing\\",
  "trailing\\\\",
  "C:\\Program Files\\x\\",
  'a\\\\"b',
  "a&" + INJECT,
  "a & " + INJECT,
  'a"&' + INJECT,
  'a\\"&' + INJECT + '&"',
  '" & ' + INJECT + ' & "',
  "a|" + INJECT,
  "(" + INJECT + ")",
  "a|b",
  "a<b>c",
  "(a)",
  "^",
  "a^&b",
  "%PATH%",
  "%",
  "%%",
  "100%",
  "%cd:~,%",
  "!PATH!",
  "a!b",
  "=;,",
  "ümlaut €",
  "emoji 🎉",
  '\\\\server\\share\\"x',
];
