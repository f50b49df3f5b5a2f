/**
 * The hostile strings of the reliability suite: known injection classes for
 * POSIX shells, cmd.exe and PowerShell, and a seeded generator of random
 * strings made mostly of metacharacters. Shared by the POSIX tests
 * (`hostile_test.ts`) and the cmd.exe escaping tests (`windows_cmd_test.ts`).
 */

/** Each `C` becomes the absolute path of a canary file: if any of these
 * were executed by a shell (POSIX sh, cmd.exe, PowerShell), it would be
 * created. */
export const KNOWN_TEMPLATES: readonly string[] = [
  "; touch C",
  "&& touch C",
  "|| touch C",
  "| touch C",
  "& touch C",
  "`touch C`",
  "$(touch C)",
  "$(touch C",
  "${IFS}touch${IFS}C",
  "\ntouch C\n",
  "\r\ntouch C\r\n",
  "' ; touch C ; '",
  '" ; touch C ; "',
  "\"'\"'$(touch C)'\"'\"",
  '\\"; touch C; \\"',
  "> C",
  ">> C",
  "2> C",
  "< /etc/passwd > C",
  "$(<C)",
  "<(touch C)",
  ">(touch C)",
  "%COMSPEC% /c type nul > C",
  "%PATH%",
  "%%",
  "%",
  "!PATH!",
  "!",
  "^",
  "^& type nul > C",
  '^" & type nul > C & ^"',
  '" & type nul > C & "',
  '\\" & type nul > C & \\"',
  'a\\\\" & type nul > C',
  "( type nul > C )",
  "$env:PATH; New-Item C",
  "; New-Item -Path C",
  "*",
  "?",
  "[a-z]*",
  "~",
  "~root",
  "$HOME",
  "$$",
  "$?",
  "$0",
  "$1",
  "$@",
  "${PATH:0:1}",
  "\\",
  "\\\\",
  '\\"',
  '"',
  "'",
  "''",
  '""',
  "\t",
  " ",
  "",
  "-",
  "--",
  "--help",
  "-c",
  "-e",
  "--eval=require('fs').writeFileSync('C','')",
  "#",
  "# touch C",
  "=",
  "a=b",
  "{touch,C}",
  "\u00a0touch\u00a0C",
  "\u2028touch C",
  "\ufefftouch C",
  "\u202etouch C",
  "é ß 中 🎉",
  "\x1b[31mred\x1b[0m",
  "\x01\x02\x7f",
  "() { :; }; touch C",
];

const SHELLISH = ";&|<>()$`\\\"' \t\n\r*?[]{}~#!%^=,+-:@/.";
const UNICODE = ["é", "ß", "中", "🎉", "\u202e", "\u00a0", "\ufeff", "\u2028"];

/** A random string: mostly metacharacters, some letters, some Unicode (valid
 * UTF-16 only — an unpaired surrogate has no UTF-8 form), never NUL. */
export function randomString(random: () => number): string {
  const length = Math.floor(random() * 48);
  let text = "";
  for (let i = 0; i < length; i++) {
    const pick = random();
    if (pick < 0.6) {
      text += SHELLISH[Math.floor(random() * SHELLISH.length)];
    } else if (pick < 0.8) {
      text += String.fromCharCode(97 + Math.floor(random() * 26));
    } else if (pick < 0.9) {
      text += UNICODE[Math.floor(random() * UNICODE.length)];
    } else {
      // Any code point but NUL and the surrogates.
      let cp = 1 + Math.floor(random() * 0x10fffe);
      if (cp >= 0xd800 && cp <= 0xdfff) cp -= 0x800;
      text += String.fromCodePoint(cp);
    }
  }
  return text;
}
