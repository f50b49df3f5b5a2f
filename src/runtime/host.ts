/**
 * This process and the files it reads, as the library needs them on its
 * common path: its PID, parent, platform and environment, `kill(2)`, signal
 * listeners, and reading `/proc`. Node's `process` and `node:fs` under Node
 * and Bun; under Deno, the same members over Deno's own API, because Deno's
 * `node:` compatibility layer takes about 20 ms to load (see
 * `node_builtins.ts`) — more than a whole `subproc run -- true` may cost.
 * Chosen once, here.
 *
 * @module
 */

import { denoHost } from "./host_deno.ts";
import { nodeHost } from "./host_node.ts";
import type { Host, HostProcess } from "./host_types.ts";

const deno = (globalThis as { Deno?: { Command?: unknown } }).Deno;

/** The host we run on. */
export const host: Host = typeof deno?.Command === "function"
  ? denoHost()
  : nodeHost();

/** This process, as {@linkcode host} sees it. */
export const process: HostProcess = host.process;
