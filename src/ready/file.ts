/**
 * The `file` condition: a path exists.
 *
 * @module
 */

import { host } from "../runtime/host.ts";
import { PolledCondition } from "./condition.ts";

/** Holds once `path` exists; looked for every `interval`. */
export function fileCondition(path: string, interval: number): PolledCondition {
  return new PolledCondition(
    `the file ${JSON.stringify(path)}`,
    () => host.fileKind(path) !== null,
    interval,
  );
}
