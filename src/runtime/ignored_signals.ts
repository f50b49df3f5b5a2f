/**
 * Which signals this process ignores, as the kernel shows it (`SigIgn` in
 * `/proc/self/status`, Linux). Dispositions are inherited: a caller's
 * `nohup` or `trap '' SIG` shows here until a handler is installed. Deno and
 * Bun keep what they inherited; Node resets every ignored signal but SIGPIPE
 * and SIGXFSZ to the default before any code of ours runs, and all three
 * ignore SIGPIPE themselves.
 *
 * @module
 */

import { host } from "./host.ts";

/** The numbers of the signals ignored now, or `null` where the system
 * doesn't tell (no `/proc`). */
export function ignoredSignals(): Set<number> | null {
  let status: string;
  try {
    status = host.readTextFile("/proc/self/status");
  } catch {
    return null;
  }
  const mask = /^SigIgn:\s*([0-9a-f]+)$/m.exec(status)?.[1];
  if (mask === undefined) return null;
  const bits = BigInt(`0x${mask}`);
  const ignored = new Set<number>();
  for (let n = 1; n <= 64; n++) {
    if ((bits >> BigInt(n - 1)) & 1n) ignored.add(n);
  }
  return ignored;
}
