/**
 * Watching a child's `ready` conditions (loaded by `watch.ts` once a child
 * with `ready` runs): until every one held, or the time is up, or the child
 * ended first — then it is stopped with everything it started, and a
 * `NotReadyError` says why.
 *
 * @module
 */

import { NotReadyError } from "../errors.ts";
import { ownStartKey } from "../stop/tree.ts";
import { unitMembers } from "../stop/unit.ts";
import type { ExitStatus, ReadyResult } from "../types.ts";
import { settlesWithin } from "../wait.ts";
import { awaitReady, type ReadyOutcome } from "./await.ts";
import { PolledCondition } from "./condition.ts";
import { polledConditions } from "./conditions.ts";
import { FileFollower } from "./follow.ts";
import { LAST_LINES, LineSplitter } from "./lines.ts";
import { logTail } from "./log_tail.ts";
import { notReadyMessage } from "./message.ts";
import type { ReadyTarget, WatchState } from "./watch_state.ts";

/**
 * Watches every condition of `state.plan` until `child` is ready. Not ready
 * (the time is up, or it ended first): it is stopped with everything it
 * started, then a `NotReadyError` thrown.
 */
export async function supervise(
  state: WatchState,
  child: ReadyTarget,
): Promise<ReadyResult> {
  const plan = state.plan;
  const followers = follow(state);
  const quit = new AbortController();
  let outcome: ReadyOutcome;
  try {
    outcome = await awaitReady(state.line, polledConditions(plan), {
      started: state.started,
      timeout: plan.timeout,
      ended: unitEnded(child, plan.interval, quit.signal),
      settle: () => settle(state, followers),
    });
  } finally {
    quit.abort();
    for (const follower of followers) follower.stop();
  }
  if (outcome.kind === "ready") {
    release(state);
    return outcome.result;
  }
  throw await notReady(state, child, outcome);
}

/** Follows the output files a `line` condition reads. */
function follow(state: WatchState): FileFollower[] {
  const line = state.line;
  if (line === undefined) return [];
  return state.files.filter((file) => file.watched).map((file) => {
    const splitter = new LineSplitter((text) => line.offer(text));
    return new FileFollower(
      file.path,
      file.offset,
      (chunk) => splitter.push(chunk),
      state.plan.interval,
    );
  });
}

/** What the child wrote before it ended is read before giving up. */
async function settle(
  state: WatchState,
  followers: readonly FileFollower[],
): Promise<void> {
  const ends = Promise.all(state.taps.map((tap) => tap.ended));
  await settlesWithin(ends, state.stdio.drainTimeout);
  for (const follower of followers) follower.readNow();
}

/** Hands the pipes back to their reader alone. */
function release(state: WatchState): void {
  for (const tap of state.taps) tap.release();
}

async function notReady(
  state: WatchState,
  child: ReadyTarget,
  outcome: Exclude<ReadyOutcome, { kind: "ready" }>,
): Promise<NotReadyError> {
  // It may be unref'd (detach()): its end must still reach us.
  child.ref();
  let stopFailure: unknown;
  const status = await child.stop().catch((error) => {
    stopFailure = error;
    return outcome.kind === "exited" ? outcome.status : undefined;
  });
  await settle(state, []);
  release(state);
  const lastLines = [
    ...state.files.flatMap((file) =>
      logTail(file.path, file.offset, LAST_LINES)
    ),
    ...state.recent.list(),
  ].slice(-LAST_LINES);
  const ended = outcome.kind === "exited" ? outcome.status : status;
  const { timeout } = state.plan;
  return new NotReadyError(
    notReadyMessage({
      pid: child.pid,
      cmd: child.cmd,
      reason: outcome.kind,
      timeout,
      status: ended,
      unmet: outcome.unmet,
      stopFailure,
    }),
    {
      cmd: child.cmd,
      pid: child.pid,
      status: ended,
      reason: outcome.kind,
      timeout,
      elapsedMs: performance.now() - state.started,
      unmet: outcome.unmet,
      lastLines,
      cause: stopFailure ??
        (outcome.kind === "timeout" ? outcome.cause : undefined),
    },
  );
}

/**
 * Settles with the child's status once it ended — unless it exited with
 * code 0 leaving processes of its unit running (a daemon that forked and
 * let its first process exit): then once the last of those ended.
 */
async function unitEnded(
  child: ReadyTarget,
  interval: number,
  quit: AbortSignal,
): Promise<ExitStatus> {
  const status = await child.status;
  if (!status.success || quit.aborted) return status;
  const unit = {
    pid: child.pid,
    cgroup: child.cgroup,
    token: child.token === undefined
      ? undefined
      : { token: child.token, since: ownStartKey() },
  };
  const gone = new PolledCondition(
    "the end of what it left running",
    () => unitMembers(unit).length === 0,
    interval,
  );
  quit.addEventListener("abort", () => gone.stop(), { once: true });
  await gone.held;
  return status;
}
