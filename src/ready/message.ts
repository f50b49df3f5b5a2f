/**
 * How a child that was not ready is described: in a `NotReadyError`'s
 * message, and in one line of `subproc start`.
 *
 * @module
 */

import { formatDuration } from "../duration.ts";
import type { ExitStatus } from "../types.ts";

/** Why a child was not ready, in a few words: "not ready after 30 s",
 * "exited with code 3 before it was ready". */
export function notReadyReason(
  reason: "timeout" | "exited",
  timeout: number,
  status: ExitStatus | undefined,
): string {
  if (reason === "timeout") return `not ready after ${formatDuration(timeout)}`;
  if (status === undefined) return "ended before it was ready";
  return status.signal !== null
    ? `was killed by ${status.signal} before it was ready`
    : `exited with code ${status.code} before it was ready`;
}

/** What a `NotReadyError`'s message is made of. */
interface NotReadyFacts {
  readonly pid: number;
  readonly cmd: readonly string[];
  readonly reason: "timeout" | "exited";
  readonly timeout: number;
  readonly status: ExitStatus | undefined;
  readonly unmet: readonly string[];
  /** Why stopping it failed, if it did. */
  readonly stopFailure: unknown;
}

/** `" (waiting for A and B)"` for the conditions `unmet`; `""` for none. */
export function waitingFor(unmet: readonly string[]): string {
  return unmet.length === 0 ? "" : ` (waiting for ${unmet.join(" and ")})`;
}

/** The message of a `NotReadyError`. */
export function notReadyMessage(facts: NotReadyFacts): string {
  const who = `Process ${facts.pid} (${JSON.stringify(facts.cmd[0])})`;
  const why = notReadyReason(facts.reason, facts.timeout, facts.status)
    .replace(/^not ready/, "was not ready");
  const stopped = facts.stopFailure !== undefined
    ? `; stopping it failed: ${(facts.stopFailure as Error).message}`
    : facts.reason === "timeout"
    ? "; it was stopped, with everything it started"
    : "";
  return `${who} ${why}${waitingFor(facts.unmet)}${stopped}`;
}
