/**
 * The last lines of a child's log, for a `NotReadyError`.
 *
 * @module
 */

import {
  closeSync,
  fstatSync,
  openSync,
  readSync,
} from "../runtime/node_builtins.ts";
import { lastLines } from "./lines.ts";

/** Enough bytes for the last few lines of any sane log. */
const TAIL_BYTES = 64 * 1024;

/** The last `count` lines written to `path` after byte `offset` (none if
 * it can't be read). */
export function logTail(path: string, offset: number, count: number): string[] {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return [];
  }
  try {
    const size = fstatSync(fd).size;
    const from = Math.max(size < offset ? 0 : offset, size - TAIL_BYTES);
    const buffer = new Uint8Array(size - from);
    const read = readSync(fd, buffer, 0, buffer.length, from);
    const text = new TextDecoder().decode(buffer.subarray(0, read));
    return lastLines(text, count);
  } catch {
    return [];
  } finally {
    closeSync(fd);
  }
}
