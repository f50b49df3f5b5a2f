/**
 * Which system we run on: the only place that asks. A module of its own so
 * that both select files (`os/select.ts`, `runtime/select.ts`) can import it
 * without importing each other.
 *
 * @module
 */

import { process } from "../runtime/host.ts";

/** `true` on Windows. */
export const isWindows: boolean = process.platform === "win32";
