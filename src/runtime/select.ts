/**
 * Picks the runtime backend once, at load: `Deno.Command` under Deno,
 * `node:child_process` under Node and Bun.
 *
 * @module
 */

import { denoBackend } from "./deno.ts";
import { nodeBackend } from "./node.ts";
import type { Backend } from "./types.ts";

const deno = (globalThis as { Deno?: { Command?: unknown } }).Deno;

/** The backend of the runtime we run on. */
export const backend: Backend = typeof deno?.Command === "function"
  ? denoBackend
  : nodeBackend;
