/**
 * Which operating system we run on, as the runtime reports it: the only
 * place that asks. It sits with the runtime, below the OS shims, because
 * both layers need the answer (`../os/select.ts` picks a shim by it).
 *
 * @module
 */

import { process } from "./host.ts";

/** The system: `macos` stands for every system `ps` describes (macOS and
 * the BSDs). */
export const platform: "linux" | "macos" | "windows" =
  process.platform === "win32"
    ? "windows"
    : process.platform === "linux"
    ? "linux"
    : "macos";

/** `true` on Windows. */
export const isWindows: boolean = platform === "windows";
