/**
 * SIGINT, SIGTERM and SIGHUP received while `subproc start` waits for CMD to
 * be ready: CMD must not be left half-started, so the wait is cancelled (CMD
 * stopped, its pidfile removed) before we die of the signal.
 *
 * @module
 */

import type { Signal } from "../types.ts";
import { FORWARDED } from "./forward.ts";
import { listenFor } from "./signal_listeners.ts";

/** Listens for SIGINT, SIGTERM and SIGHUP until disposed. */
export class Interrupts {
  readonly #controller = new AbortController();
  #received: Signal | undefined;
  readonly #listener = (signal: string) => {
    this.#received ??= signal as Signal;
    this.#controller.abort();
  };

  /** Listening starts with the object (after `#listener` is set). */
  readonly #stopListening = listenFor(FORWARDED, () => this.#listener);

  /** Aborts at the first signal. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The first signal received, if any. */
  get received(): Signal | undefined {
    return this.#received;
  }

  /** Stops listening. */
  dispose(): void {
    this.#stopListening();
  }
}
