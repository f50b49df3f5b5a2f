/**
 * Signals sent to `subproc run` while CMD runs: every one that would end
 * subproc and that the runtimes let a program catch (see
 * {@linkcode FORWARDED}).
 *
 * - CMD in its own group (`--new-session`): the terminal's signals can't
 *   reach it, so each signal is forwarded to its whole group.
 * - CMD in our group: SIGINT and SIGQUIT come from the terminal (Ctrl-C,
 *   Ctrl-\), which already sent them to the whole foreground group, CMD
 *   included; forwarding them would deliver them twice. The others are
 *   usually sent to our PID alone (`kill`, a supervisor, a CI runner), so
 *   they are forwarded to CMD itself, never to our group.
 * - A signal the caller ignored (`nohup`, `trap '' HUP`) is not forwarded:
 *   subproc keeps ignoring it, and so does CMD (see `keep_ignored.ts`).
 *
 * The first signal is remembered: once CMD has ended, `run` stops what is
 * left of its group or tree and dies of that signal. At the first signal a
 * snapshot of CMD's tree is taken, so descendants that outlive CMD are found
 * even after they were re-parented.
 *
 * @module
 */

import { os } from "../os/select.ts";
import type { ProcessInfo } from "../os/types.ts";
import { ownLineage } from "../safety.ts";
import { signalNumber } from "../runtime/signals.ts";
import { collectTree } from "../process_tree.ts";
import type { Signal, Subprocess } from "../types.ts";
import { ignoreSignal, listenFor } from "./signal_listeners.ts";

/** The live tree of `pid`; empty where the process table can't be read. */
function treeOf(pid: number): ProcessInfo[] {
  try {
    return collectTree(os.list(), [pid], ownLineage());
  } catch {
    return []; // best effort: the group (or CMD) is still signalled
  }
}

/** The signals `subproc run` forwards: those whose default action ends a
 * process and that a program may catch. Not SIGPIPE (the runtimes ignore
 * it), nor the fault signals (SIGILL, SIGFPE, SIGSEGV, SIGBUS, SIGTRAP,
 * SIGABRT, SIGSYS), which the runtimes keep for their own crash handling,
 * nor SIGPROF, which V8's profiler sends to its own process; SIGKILL can't
 * be caught at all (`--kill-on-parent-exit` covers it). */
export const FORWARDED: readonly Signal[] = [
  "SIGHUP",
  "SIGINT",
  "SIGQUIT",
  "SIGTERM",
  "SIGUSR1",
  "SIGUSR2",
  "SIGALRM",
  "SIGVTALRM",
  "SIGXCPU",
  "SIGXFSZ",
  "SIGIO",
  "SIGPWR",
  "SIGSTKFLT",
];

/** Sent by the terminal to its whole foreground group. */
const TERMINAL_KEYS: readonly Signal[] = ["SIGINT", "SIGQUIT"];

/** Listens for {@linkcode FORWARDED} signals until disposed. */
export class SignalForwarder {
  #child: Subprocess | undefined;
  #received: Signal | undefined;
  #snapshot: ProcessInfo[] = [];
  readonly #stopListening: () => void;
  readonly #listener = (signal: string) => this.#onSignal(signal as Signal);

  /** Starts listening (before CMD starts, so no signal is missed); the
   * signals in `ignored` are listened to by a listener that does nothing. */
  constructor(ignored: readonly Signal[]) {
    this.#stopListening = listenFor(
      FORWARDED.filter((signal) => signalNumber(signal) !== undefined),
      (signal) => ignored.includes(signal) ? ignoreSignal : this.#listener,
    );
  }

  /** The child signals are forwarded to from now on. */
  attach(child: Subprocess): void {
    this.#child = child;
  }

  /** The first signal received, if any. */
  get received(): Signal | undefined {
    return this.#received;
  }

  /** CMD's tree as it was at the first signal (empty if CMD had ended). */
  get snapshot(): readonly ProcessInfo[] {
    return this.#snapshot;
  }

  /** Stops listening. */
  dispose(): void {
    this.#stopListening();
  }

  #onSignal(signal: Signal): void {
    const child = this.#child;
    const first = this.#received === undefined;
    this.#received ??= signal;
    if (child === undefined || child.poll() !== null) return;
    if (first) this.#snapshot = treeOf(child.pid);
    // The child is not reaped yet, so its PID (and group id) is still its.
    if (child.pgid !== undefined) os.signalGroup(child.pgid, signal);
    else if (!TERMINAL_KEYS.includes(signal)) child.kill(signal);
  }
}
