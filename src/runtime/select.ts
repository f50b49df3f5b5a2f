/**
 * Picks, once, what the runtime offers for processes: its own spawn backend
 * (`Deno.Command` under Deno, `node:child_process` under Node and Bun) and
 * its FFI adapter (`Deno.dlopen`, `bun:ffi`; Node has none). Which runtime
 * this is, `host.ts` answers; the operating system is not asked here:
 * `../os/select.ts` builds on this (on Windows it wraps the backend).
 *
 * @module
 */

import { denoBackend } from "./deno.ts";
import type { Ffi } from "./ffi.ts";
import { bunFfi } from "./ffi_bun.ts";
import { denoFfi } from "./ffi_deno.ts";
import { host } from "./host.ts";
import { nodeBackend } from "./node.ts";
import type { Backend } from "./types.ts";

/** The runtime's own spawn backend. */
export const runtimeBackend: Backend = host.name === "deno"
  ? denoBackend
  : nodeBackend;

let ffi: Ffi | string | undefined;

/** The runtime's FFI adapter, or why there is none: looked at on first use
 * (most programs never need it), then kept. */
export function runtimeFfi(): Ffi | string {
  ffi ??= host.name === "deno"
    ? denoFfi()
    : host.name === "bun"
    ? bunFfi()
    : "Node has no FFI (Deno with --allow-ffi and Bun have one)";
  return ffi;
}
