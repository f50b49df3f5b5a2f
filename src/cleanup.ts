/**
 * Stops our live, non-detached children when this process exits normally or
 * on SIGINT, SIGTERM or SIGHUP (like execa's `cleanup`).
 *
 * On a signal, our listener would suppress the runtime's default exit, so
 * when it is the only listener we stop the children and re-raise the signal
 * with our listener removed: the process then dies of it as it would have.
 * When the program has listeners of its own, it decides whether to exit, and
 * the `exit` hook stops the children if it does. Listeners are installed
 * only while a child is registered.
 *
 * @module
 */

import process from "node:process";
import type { Signal } from "./types.ts";

/** A child the hooks may stop. `terminateNow` must be synchronous. */
export interface Cleanable {
  terminateNow(signal: Signal): void;
}

const live = new Set<Cleanable>();
const SIGNALS: readonly Signal[] = ["SIGINT", "SIGTERM", "SIGHUP"];
let installed = false;

function terminateAll(signal: Signal): void {
  for (const child of [...live]) {
    try {
      child.terminateNow(signal);
    } catch {
      // best effort while exiting
    }
  }
}

function onExit(): void {
  terminateAll("SIGTERM");
}

function onSignal(signal: string): void {
  const sig = signal as Signal;
  if (process.listenerCount(sig) > 1) return;
  terminateAll("SIGTERM");
  uninstall();
  process.kill(process.pid, sig);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on("exit", onExit);
  for (const sig of SIGNALS) {
    try {
      process.on(sig, onSignal);
    } catch {
      // a runtime without this signal (Windows): nothing to forward
    }
  }
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off("exit", onExit);
  for (const sig of SIGNALS) process.off(sig, onSignal);
}

/** Registers `child` until the returned function is called. */
export function registerForCleanup(child: Cleanable): () => void {
  live.add(child);
  install();
  return () => {
    live.delete(child);
    if (live.size === 0) uninstall();
  };
}
