/**
 * Listening for a set of signals until told to stop, as `run`, `start` and
 * `timeout` each do while CMD runs.
 *
 * @module
 */

import { process } from "../runtime/host.ts";
import type { Signal } from "../types.ts";

/** A listener as the host calls it, with the signal's name. */
export type SignalListener = (signal: string) => void;

/** A listener that does nothing: keeps a signal from ending this process
 * (the runtimes end on SIGHUP, SIGINT and SIGTERM by default, Deno catches
 * them itself) while nothing is to be done about it. */
export function ignoreSignal(): void {}

/**
 * Listens for each of `signals` with `listenerOf(signal)`, skipping those
 * this system or runtime can't catch; returns what stops listening.
 */
export function listenFor(
  signals: readonly Signal[],
  listenerOf: (signal: Signal) => SignalListener,
): () => void {
  const added: [Signal, SignalListener][] = [];
  for (const signal of signals) {
    const listener = listenerOf(signal);
    try {
      process.on(signal, listener);
      added.push([signal, listener]);
    } catch {
      // a system or runtime that can't catch it (Windows, most signals)
    }
  }
  return () => {
    for (const [signal, listener] of added.splice(0)) {
      process.off(signal, listener);
    }
  };
}
