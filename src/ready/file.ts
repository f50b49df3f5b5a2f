/**
 * The `file` condition: a path exists.
 *
 * @module
 */

import { existsSync } from "node:fs";
import { PolledCondition } from "./condition.ts";

/** Holds once `path` exists; looked for every `interval`. */
export function fileCondition(path: string, interval: number): PolledCondition {
  return new PolledCondition(
    `the file ${JSON.stringify(path)}`,
    () => existsSync(path),
    interval,
  );
}
