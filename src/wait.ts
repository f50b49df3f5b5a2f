/**
 * Waiting for something to happen, within a time limit of any length.
 *
 * @module
 */

import { LongTimer, sleep } from "./long_timer.ts";

export { sleep };

/** How often we look at the process table while waiting for processes to end. */
export const POLL_MS = 10;

/** Polls `done` every `every` ms (default {@linkcode POLL_MS}) until it
 * returns `true` (→ `true`) or `ms` have passed (→ `false`). When `wake`
 * (say, a child's status) settles, `done` is checked again at once rather
 * than at the next tick: a stop then returns within a millisecond or two of
 * the child's end. */
export async function pollUntil(
  done: () => boolean,
  ms: number,
  wake?: Promise<unknown>,
  every: number = POLL_MS,
): Promise<boolean> {
  const deadline = performance.now() + ms;
  let woken = wake === undefined;
  while (!done()) {
    if (performance.now() >= deadline) return false;
    const pause = Math.min(
      every,
      Math.max(1, deadline - performance.now()),
    );
    if (woken) await sleep(pause);
    else woken = await settlesWithin(wake!, pause);
  }
  return true;
}

/** How long SIGKILLed processes may take to disappear before we give up. */
export const KILL_WAIT_MS = 10_000;

/** `true` when `promise` settles within `ms`, else `false` (it keeps going). */
export async function settlesWithin(
  promise: Promise<unknown>,
  ms: number,
): Promise<boolean> {
  let timer: LongTimer | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = new LongTimer(() => resolve(false), ms);
  });
  const settled = promise.then(() => true, () => true);
  const result = await Promise.race([settled, expired]);
  timer!.clear();
  return result;
}
