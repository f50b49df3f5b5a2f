/**
 * A condition being watched, and the polling shared by the conditions that
 * are tried again and again (`port`, `url`, `file`, `check`).
 *
 * @module
 */

/** One condition of `ready`, being watched. */
export interface Condition<T = unknown> {
  /** What it waits for, for messages: "a TCP connection to …". */
  readonly what: string;
  /** Resolves once it holds. Never rejects. */
  readonly held: Promise<T>;
  /** Stops watching (nothing more is tried or read). */
  stop(): void;
  /** The error the last try failed with, if it threw. */
  readonly lastError?: unknown;
}

/** One try: resolves `true` once the condition holds. May throw. */
type Probe = () => boolean | Promise<boolean>;

/** A condition tried every `interval` ms (from the end of one try to the
 * start of the next, so two never overlap) until it holds. */
export class PolledCondition implements Condition<void> {
  readonly what: string;
  readonly held: Promise<void>;
  lastError: unknown = undefined;
  readonly #probe: Probe;
  readonly #interval: number;
  #stopped = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #wake: (() => void) | undefined;

  /** Starts trying `probe` at once. */
  constructor(what: string, probe: Probe, interval: number) {
    this.what = what;
    this.#probe = probe;
    this.#interval = interval;
    this.held = new Promise((resolve) => void this.#run(resolve));
  }

  async #run(resolve: () => void): Promise<void> {
    while (!this.#stopped) {
      if (await this.#try()) {
        resolve();
        return;
      }
      await this.#pause();
    }
  }

  async #try(): Promise<boolean> {
    try {
      return await this.#probe() === true;
    } catch (error) {
      this.lastError = error;
      return false;
    }
  }

  #pause(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    return new Promise((resolve) => {
      this.#wake = resolve;
      this.#timer = setTimeout(resolve, this.#interval);
    });
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#wake?.();
  }
}
