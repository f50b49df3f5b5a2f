/**
 * Waiting for conditions without a child of ours (`subproc wait`): a
 * server started elsewhere, its log read from the start.
 *
 * @module
 */

import { awaitReady, type ReadyOutcome } from "./await.ts";
import { polledConditions } from "./conditions.ts";
import { FileFollower } from "./follow.ts";
import { LineCondition } from "./line.ts";
import { LineSplitter } from "./lines.ts";
import type { ReadyPlan } from "../validate/ready.ts";

/**
 * Waits until every condition of `plan` holds, or `plan.timeout` passed.
 * A `line` is looked for in the file `log` — what it holds already, then
 * what is appended (it may not exist yet).
 */
export async function awaitConditions(
  plan: ReadyPlan,
  log: string | undefined,
): Promise<ReadyOutcome> {
  const started = performance.now();
  const line = plan.line && log !== undefined
    ? new LineCondition(plan.line.pattern, JSON.stringify(log))
    : undefined;
  const splitter = new LineSplitter((text) => line?.offer(text));
  const follower = line && new FileFollower(
    log!,
    0,
    (chunk) => splitter.push(chunk),
    plan.interval,
  );
  try {
    return await awaitReady(line, polledConditions(plan), {
      started,
      timeout: plan.timeout,
    });
  } finally {
    follower?.stop();
  }
}
