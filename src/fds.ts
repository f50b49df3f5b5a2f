/**
 * Whether this process can still open file descriptors: probed by opening
 * (and closing at once) the null device.
 *
 * @module
 */

import { closeSync, nodeModule, openSync } from "./runtime/node_builtins.ts";

/** `false` when `count` more descriptors can't be opened now (EMFILE or
 * ENFILE); `true` otherwise, including when the probe fails for another
 * reason (the real operation will then report it). */
export function canOpenFds(count: number): boolean {
  const fds: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      fds.push(openSync(nodeModule("node:os").devNull, "r"));
    }
    return true;
  } catch (error) {
    const code = (error as { code?: string }).code;
    return code !== "EMFILE" && code !== "ENFILE";
  } finally {
    for (const fd of fds) closeSync(fd);
  }
}
