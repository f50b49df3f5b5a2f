/**
 * Collecting the exits of children started through `posix_spawn`: with
 * `waitpid(pid, WNOHANG)` on every SIGCHLD, for our own children only (a
 * SIGCHLD may stand for several exits, or for a child of the runtime's).
 * While a ref'd child runs, a timer keeps the runtime alive (a signal
 * listener does not).
 *
 * @module
 */

import { signalName } from "../signals.ts";
import type { ExitStatus } from "../../types.ts";
import { alloc } from "../ffi.ts";
import { UNKNOWN_STATUS } from "../types.ts";
import { EINTR, errno, type Libc, WNOHANG } from "./libc.ts";

/** What a handle needs to hear of its child's exit. */
interface Waiting {
  readonly settle: (status: ExitStatus) => void;
  refd: boolean;
}

/** A child being waited for. */
export interface ExitWatch {
  /** Settles with its exit status once it is reaped. */
  readonly status: Promise<ExitStatus>;
  /** `true` once it was reaped. */
  exited(): boolean;
  /** Whether it keeps the runtime alive while it runs (it does at first). */
  setRef(refd: boolean): void;
}

/** Our children not reaped yet. */
const waiting = new Map<number, Waiting>();
let listening = false;
let keepAlive: ReturnType<typeof setInterval> | undefined;

/** Listens for SIGCHLD. Call it before starting a child: its SIGCHLD must
 * find the listener, and SIGCHLD must not be ignored (the kernel would then
 * reap it for us). */
export function listenForExits(c: Libc): void {
  if (listening) return;
  listening = true;
  Deno.addSignalListener("SIGCHLD", () => reap(c));
}

/** Waits for child `pid` (started after {@linkcode listenForExits}). */
export function watchExit(c: Libc, pid: number): ExitWatch {
  let exited = false;
  let settle!: (status: ExitStatus) => void;
  const status = new Promise<ExitStatus>((resolve) => {
    settle = (s) => {
      exited = true;
      resolve(s);
    };
  });
  const entry: Waiting = { settle, refd: true };
  waiting.set(pid, entry);
  updateKeepAlive();
  // It may have exited already, its SIGCHLD delivered before we listened.
  reap(c);
  return {
    status,
    exited: () => exited,
    setRef(refd) {
      entry.refd = refd;
      updateKeepAlive();
    },
  };
}

/** Collects every exited child of ours. */
function reap(c: Libc): void {
  const status = alloc(4);
  for (const [pid, child] of waiting) {
    let got = c.waitpid(pid, status, WNOHANG);
    while (got === -1 && errno(c) === EINTR) {
      got = c.waitpid(pid, status, WNOHANG);
    }
    if (got === 0) continue;
    waiting.delete(pid);
    child.settle(
      got === pid
        ? decodeStatus(new DataView(status.buffer).getInt32(0, true))
        // ECHILD: someone else reaped it; its status is lost.
        : UNKNOWN_STATUS,
    );
  }
  updateKeepAlive();
}

function decodeStatus(status: number): ExitStatus {
  const signal = status & 0x7f;
  if (signal === 0) {
    const code = (status >> 8) & 0xff;
    return { code, signal: null, success: code === 0 };
  }
  return { code: null, signal: signalName(signal), success: false };
}

function updateKeepAlive(): void {
  const refd = [...waiting.values()].some((w) => w.refd);
  if (refd && keepAlive === undefined) {
    keepAlive = setInterval(() => {}, 1 << 30);
  } else if (!refd && keepAlive !== undefined) {
    clearInterval(keepAlive);
    keepAlive = undefined;
  }
}
