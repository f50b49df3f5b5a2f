/**
 * Signals sent to `subproc run` while CMD runs: SIGINT, SIGTERM and SIGHUP.
 *
 * - CMD in its own group (`--new-session`): the terminal's signals can't
 *   reach it, so each signal is forwarded to its whole group.
 * - CMD in our group: SIGINT comes from the terminal (Ctrl-C), which already
 *   sent it to the whole foreground group, CMD included; forwarding it would
 *   deliver it twice. SIGTERM and SIGHUP are usually sent to our PID alone
 *   (`kill`, a supervisor, a CI runner), so they are forwarded to CMD itself,
 *   never to our group.
 *
 * The first signal is remembered: once CMD has ended, `run` stops what is
 * left of its group or tree and dies of that signal. At the first signal a
 * snapshot of CMD's tree is taken, so descendants that outlive CMD are found
 * even after they were re-parented.
 *
 * @module
 */

import { process } from "../runtime/host.ts";
import { os } from "../os/select.ts";
import type { ProcessInfo } from "../os/types.ts";
import { ownLineage } from "../safety.ts";
import type { Subprocess } from "../spawn.ts";
import { collectTree } from "../process_tree.ts";
import type { Signal } from "../types.ts";

/** The live tree of `pid`; empty where the process table can't be read. */
function treeOf(pid: number): ProcessInfo[] {
  try {
    return collectTree(os.list(), [pid], ownLineage());
  } catch {
    return []; // best effort: the group (or CMD) is still signalled
  }
}

/** The signals `subproc run` forwards. */
export const FORWARDED: readonly Signal[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/** Listens for {@linkcode FORWARDED} signals until disposed. */
export class SignalForwarder {
  #child: Subprocess | undefined;
  #received: Signal | undefined;
  #snapshot: ProcessInfo[] = [];
  readonly #listener = (signal: string) => this.#onSignal(signal as Signal);

  /** Starts listening (before CMD starts, so no signal is missed). */
  constructor() {
    for (const signal of FORWARDED) {
      try {
        process.on(signal, this.#listener);
      } catch {
        // a system without this signal (Windows): nothing to forward
      }
    }
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
    for (const signal of FORWARDED) process.off(signal, this.#listener);
  }

  #onSignal(signal: Signal): void {
    const child = this.#child;
    const first = this.#received === undefined;
    this.#received ??= signal;
    if (child === undefined || child.poll() !== null) return;
    if (first) this.#snapshot = treeOf(child.pid);
    // The child is not reaped yet, so its PID (and group id) is still its.
    if (child.pgid !== undefined) os.signalGroup(child.pgid, signal);
    else if (signal !== "SIGINT") child.kill(signal);
  }
}
