/**
 * Stopping one process alone: `stop({ scope: "process" })`, `subproc stop`
 * of a process that leads no group.
 *
 * @module
 */

import type { Member } from "./members.ts";
import { withContinue } from "../runtime/signals.ts";
import type { StopStrategy } from "./strategy.ts";

/** The strategy for `member` alone; `wake` settles when it ends (a child's
 * status). */
export function processStrategy(
  member: Member,
  wake?: Promise<unknown>,
): StopStrategy {
  return {
    what: `process ${member.pid}`,
    pid: member.pid,
    gone: () => !member.runs(),
    survivors: () => member.runs() ? [member.pid] : [],
    ask: (signal) => withContinue((s) => member.signal(s), signal),
    force: () => member.signal("SIGKILL"),
    ...(wake === undefined ? {} : { wake }),
  };
}
