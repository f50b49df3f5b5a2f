/**
 * Picks the runtime backend once, at load: `Deno.Command` under Deno,
 * `node:child_process` under Node and Bun; on Windows wrapped by the
 * `CreateProcessW` backend (`windows_ffi.ts`), which uses FFI where the
 * runtime has it.
 *
 * @module
 */

import { isWindows } from "../os/platform.ts";
import { denoBackend } from "./deno.ts";
import { host } from "./host.ts";
import { nodeBackend } from "./node.ts";
import type { Backend } from "./types.ts";
import { windowsBackend } from "./windows_ffi.ts";

const runtimeBackend: Backend = host.name === "deno"
  ? denoBackend
  : nodeBackend;

/** The backend of the runtime we run on. */
export const backend: Backend = isWindows
  ? windowsBackend(runtimeBackend, {
    // Bun's `detached` children die with it (oven-sh/bun#31603).
    detachThroughStartShim: host.name === "bun",
  })
  : runtimeBackend;
