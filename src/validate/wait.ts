/**
 * Checks the options of `Subprocess.wait()` and `communicate()`.
 *
 * @module
 */

import type { WaitOptions } from "../types.ts";
import { optionalMs, validateOptionsObject } from "./options.ts";

const WAIT_KEYS: ReadonlySet<string> = new Set(["timeout"]);

/** The `timeout` of `wait()` or `communicate()` (`fn`), checked;
 * `undefined` waits as long as it takes. */
export function validateWaitOptions(
  fn: "wait" | "communicate",
  options: WaitOptions | undefined,
): number | undefined {
  const opts = validateOptionsObject(fn, options, WAIT_KEYS);
  return optionalMs("timeout", opts.timeout);
}
