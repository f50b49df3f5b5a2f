/**
 * Picks the operating-system shim once, at load.
 *
 * @module
 */

import { process } from "../runtime/host.ts";
import { linux } from "./linux.ts";
import { macos } from "./macos.ts";
import { isWindows } from "./platform.ts";
import type { OsShim } from "./types.ts";
import { windows } from "./windows.ts";

export { isWindows };

/** The shim of the system we run on (`ps`-based on macOS and the BSDs). */
export const os: OsShim = isWindows
  ? windows
  : process.platform === "linux"
  ? linux
  : macos;
