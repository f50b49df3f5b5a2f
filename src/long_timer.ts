/**
 * Timers for any number of milliseconds. `setTimeout` waits at most
 * 2^31 - 1 ms (about 24.8 days) and fires a longer one at once (Node warns
 * with a `TimeoutOverflowWarning`): a long wait is chained from timers of
 * at most that length.
 *
 * @module
 */

/** The longest wait one `setTimeout` can do. */
const MAX_SINGLE_TIMER_MS = 2 ** 31 - 1;

/** A timer that calls `callback` once after `ms`, however long. */
export class LongTimer {
  #handle: ReturnType<typeof setTimeout> | undefined;
  #unrefTimer: ((timer: ReturnType<typeof setTimeout>) => void) | undefined;

  /** Starts the timer: `callback` runs once `ms` have passed. */
  constructor(callback: () => void, ms: number) {
    this.#arm(callback, performance.now() + ms);
  }

  #arm(callback: () => void, deadline: number): void {
    const left = deadline - performance.now();
    this.#handle = left > MAX_SINGLE_TIMER_MS
      ? setTimeout(() => this.#arm(callback, deadline), MAX_SINGLE_TIMER_MS)
      : setTimeout(callback, Math.max(0, left));
    this.#unrefTimer?.(this.#handle);
  }

  /** Cancels it. */
  clear(): void {
    clearTimeout(this.#handle);
  }

  /** Lets the runtime exit while the timer waits, through the runtime's
   * own `unrefTimer` (given, so that this module needs no runtime). */
  unref(unrefTimer: (timer: ReturnType<typeof setTimeout>) => void): void {
    this.#unrefTimer = unrefTimer;
    if (this.#handle !== undefined) unrefTimer(this.#handle);
  }
}

/** Resolves after `ms` milliseconds, however many. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => new LongTimer(resolve, ms));
}
