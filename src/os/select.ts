/**
 * Picks, once at load, what the library uses on this system: the
 * operating-system shim and the spawn backend (the runtime's own, wrapped on
 * Windows by the `CreateProcessW` backend, which uses FFI where the runtime
 * has it). The questions themselves are answered below, in `runtime/`:
 * which system (`platform.ts`) and which runtime (`host.ts`).
 *
 * @module
 */

import { host } from "../runtime/host.ts";
import { isWindows, platform } from "../runtime/platform.ts";
import { runtimeBackend } from "../runtime/select.ts";
import type { Backend } from "../runtime/types.ts";
import { linux } from "./linux.ts";
import { macos } from "./macos.ts";
import type { OsShim } from "./types.ts";
import { windows } from "./windows.ts";
import { windowsBackend } from "./windows/backend.ts";

export { isWindows };

/** The shim of the system we run on (`ps`-based on macOS and the BSDs). */
export const os: OsShim = platform === "windows"
  ? windows
  : platform === "linux"
  ? linux
  : macos;

/** The spawn backend for this system and runtime. */
export const backend: Backend = isWindows
  ? windowsBackend(runtimeBackend, {
    // Bun's `detached` children die with it (oven-sh/bun#31603).
    detachThroughStartShim: host.name === "bun",
  })
  : runtimeBackend;
