/**
 * Stops our live, non-detached children when this process exits normally or
 * on SIGINT, SIGTERM or SIGHUP (like execa's `cleanup`) — not on one of them
 * that this process ignored (`nohup`), which won't end it.
 *
 * On a signal, our listener would suppress the runtime's default exit, so
 * when it is the only listener we stop the children and re-raise the signal
 * with our listener removed: the process then dies of it as it would have.
 * When the program has listeners of its own, it decides whether to exit, and
 * the `exit` hook stops the children if it does.
 *
 * The listeners are installed with the first child and stay: removing them
 * when the last child ends races with a signal already on its way (the
 * runtime has caught it but not yet called a listener), which would then be
 * swallowed — seen with Bun when a terminal hangup killed the child and the
 * parent at once. With no child left, our listener only re-raises.
 *
 * @module
 */

import { host, process } from "./runtime/host.ts";
import { ignoredSignals } from "./runtime/ignored_signals.ts";
import { reraise } from "./reraise.ts";
import { signalNumber } from "./runtime/signals.ts";
import type { Signal } from "./types.ts";

/** A child the hooks may stop. `terminateNow` must be synchronous. */
interface Cleanable {
  terminateNow(signal: Signal): void;
}

const live = new Set<Cleanable>();
const SIGNALS: readonly Signal[] = ["SIGINT", "SIGTERM", "SIGHUP"];
let installed = false;
let everInstalled = false;

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
  reraise(sig).then((code) => process.exit(code));
}

/** The signals listened to: {@linkcode SIGNALS} but those this process
 * ignored when the hooks were first installed (`nohup`): it won't die of
 * them, and a listener of ours would make it (and end the children). */
let hooked: readonly Signal[] | undefined;

function hookedSignals(): readonly Signal[] {
  if (hooked !== undefined) return hooked;
  const ignored = ignoredSignals();
  return hooked = SIGNALS.filter((sig) =>
    !ignored?.has(signalNumber(sig) ?? 0)
  );
}

function install(): void {
  if (installed) return;
  installed = true;
  everInstalled = true;
  process.on("exit", onExit);
  for (const sig of hookedSignals()) {
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
  for (const sig of hookedSignals()) process.off(sig, onSignal);
}

/**
 * Installs the hooks ahead of a spawn, so that no child ever runs without
 * them. Returns `false` (installing nothing) when the first install
 * can't have the two descriptors it needs: Deno's first signal listener
 * opens a socket pair, and Deno 2.x panics — killing this process and
 * orphaning the child it just started — when there is no descriptor for it.
 */
export function installCleanupHooks(): boolean {
  if (!everInstalled && !host.canOpenFiles(2)) return false;
  install();
  return true;
}

/** Registers `child` until the returned function is called. */
export function registerForCleanup(child: Cleanable): () => void {
  live.add(child);
  install();
  return () => live.delete(child);
}
