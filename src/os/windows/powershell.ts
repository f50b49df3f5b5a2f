/**
 * One PowerShell command, for the paths without FFI (slow: ~0.5 s a call).
 *
 * @module
 */

import {
  execFileSync,
  nodeProcess as process,
} from "../../runtime/node_builtins.ts";
import { systemProgram } from "./find_program.ts";

/** Runs `command` in `%SystemRoot%`'s PowerShell (absolute path, argument
 * array, no profile) and returns its output; throws when it fails. */
export function powershell(command: string): string {
  return execFileSync(
    systemProgram("WindowsPowerShell\\v1.0\\powershell.exe", process.env),
    ["-NoProfile", "-NonInteractive", "-Command", command],
    {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      windowsHide: true,
    },
  );
}
