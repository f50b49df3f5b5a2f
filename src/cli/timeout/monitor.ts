/**
 * Running CMD the way GNU `timeout` does: signals go where GNU sends them,
 * and the exit status is GNU's.
 *
 * - CMD leads a process group of its own (GNU makes `timeout` itself the
 *   leader, which JavaScript can't; a new session gives CMD the group),
 *   unless `--foreground`, where CMD stays in our group. When the duration
 *   expires, the signal goes to CMD and to its group, then SIGCONT to both
 *   (a stopped CMD must see it); with `--foreground` to CMD alone; with
 *   `--tree` to the whole tree, through the library's own stop.
 * - SIGALRM, SIGINT, SIGQUIT, SIGHUP, SIGTERM, SIGUSR1, SIGUSR2 and the
 *   chosen signal, sent to us, are passed on the same way (SIGALRM: as
 *   the chosen signal, the duration taken as expired). The first one starts
 *   the `--kill-after` countdown.
 * - SIGTTIN and SIGTTOU can't stop us while CMD reads the terminal.
 * - On Linux, CMD gets the chosen signal if we die (the parent-death signal,
 *   as GNU ≥ 9.10 sets it; here through `setpriv --pdeathsig`).
 * - Exit status: CMD's; 124 once the duration expired (CMD's with
 *   `--preserve-status`); 128 + 9 when it took SIGKILL. CMD killed by a
 *   signal we did not send: we die of the same signal.
 *
 * @module
 */

import { CommandNotFoundError, PermissionDeniedError } from "../../errors.ts";
import { isWindows, os } from "../../os/select.ts";
import { signalChild } from "../../runtime/send_signal.ts";
import { spawn } from "../../spawn.ts";
import type { ExitStatus, Signal, Subprocess } from "../../types.ts";
import { LongTimer } from "../../long_timer.ts";
import {
  RUN_FAILED,
  signalExitCode,
  startExitCode,
  TIMED_OUT,
} from "../exit_codes.ts";
import { dieOf } from "../die.ts";
import { ignoreSignal, listenFor } from "../signal_listeners.ts";
import { printError } from "../io.ts";
import { FOREVER } from "./duration.ts";
import { quote } from "./quote.ts";
import { type TimeoutSignal, timeoutSignal } from "./signal.ts";

/** What `subproc timeout` was asked to do. */
export interface TimeoutRequest {
  readonly cmd: readonly string[];
  /** Milliseconds; 0 for no timeout, {@linkcode FOREVER}. */
  readonly duration: number;
  /** Milliseconds from the first signal to SIGKILL; 0 for never. */
  readonly killAfter: number;
  readonly signal: TimeoutSignal;
  readonly foreground: boolean;
  readonly preserveStatus: boolean;
  readonly verbose: boolean;
  readonly tree: boolean;
}

/** The signals that are passed on to CMD (GNU `timeout` 9.9's set). */
const PASSED_ON: readonly Signal[] = [
  "SIGALRM",
  "SIGINT",
  "SIGQUIT",
  "SIGHUP",
  "SIGTERM",
  "SIGUSR1",
  "SIGUSR2",
];

/** Caught and ignored: they would stop us while CMD uses the terminal. */
const JOB_CONTROL: readonly Signal[] = ["SIGTTIN", "SIGTTOU"];

const KILL = timeoutSignal("SIGKILL");

/** `--tree` without `--kill-after`: no SIGKILL in any lifetime. */
const FOREVER_GRACE = Number.MAX_SAFE_INTEGER;

/** The one pending alarm; arming it again replaces it, as `alarm(2)` does. */
class Alarm {
  #timer: LongTimer | undefined;

  constructor(readonly ring: () => void) {}

  arm(ms: number): void {
    this.clear();
    if (ms === 0 || ms === FOREVER) return;
    this.#timer = new LongTimer(this.ring, ms);
  }

  clear(): void {
    this.#timer?.clear();
    this.#timer = undefined;
  }
}

class Monitor {
  readonly #req: TimeoutRequest;
  readonly #alarm = new Alarm(() => this.#cleanup("SIGALRM"));
  readonly #listener = (signal: string) => this.#cleanup(signal as Signal);
  #stopListening: () => void = () => {};
  #child: Subprocess | undefined;
  #termSignal: TimeoutSignal;
  #killAfter: number;
  #timedOut = false;
  #sentKill = false;
  #treeStop: Promise<unknown> | undefined;

  constructor(req: TimeoutRequest) {
    this.#req = req;
    this.#termSignal = req.signal;
    this.#killAfter = req.killAfter;
  }

  /** Listens before CMD starts, so that no signal is missed. */
  listen(): void {
    const own = this.#req.signal.signal;
    const handled = [...PASSED_ON];
    if (
      own !== null && !handled.includes(own) && !JOB_CONTROL.includes(own) &&
      own !== "SIGCHLD" && own !== "SIGKILL" && own !== "SIGSTOP"
    ) handled.push(own);
    this.#stopListening = listenFor(
      [...handled, ...JOB_CONTROL],
      (signal) => JOB_CONTROL.includes(signal) ? ignoreSignal : this.#listener,
    );
  }

  dispose(): void {
    this.#alarm.clear();
    this.#stopListening();
  }

  start(): Subprocess {
    const { cmd, foreground, signal } = this.#req;
    const child = spawn([...cmd], {
      newSession: !foreground && !isWindows,
      // GNU's reach (a group) needs no containment; --tree reaches the
      // cgroup where one can be made. Nothing is stopped at our exit.
      contain: this.#req.tree ? "auto" : "tree",
      cleanup: false,
      killOnParentExit: parentDeathSignal(signal),
    });
    this.#child = child;
    this.#alarm.arm(this.#req.duration);
    return child;
  }

  /** What GNU's `cleanup()` does on a signal (`SIGALRM`: the timer). */
  #cleanup(received: Signal): void {
    if (received === "SIGALRM") this.#timedOut = true;
    const signal = received === "SIGALRM"
      ? this.#termSignal
      : timeoutSignal(received);
    const child = this.#child;
    if (child === undefined || child.poll() !== null) return;
    if (this.#killAfter > 0) {
      this.#termSignal = KILL;
      this.#alarm.arm(this.#killAfter);
      this.#killAfter = 0;
    }
    if (this.#req.verbose) {
      printError(
        `subproc timeout: sending signal ${signal.name} to command ${
          quote(this.#req.cmd[0]!)
        }`,
      );
    }
    this.#send(child, signal);
  }

  #send(child: Subprocess, signal: TimeoutSignal): void {
    const name = signal.signal;
    if (name === "SIGKILL") this.#sentKill = true;
    // Signal 0 (`-s 0`) only asks whether CMD exists: nothing to send.
    if (name === null) return;
    if ((this.#req.tree || isWindows) && this.#treeStop === undefined) {
      // The stop ends in SIGKILL after --kill-after.
      if (this.#req.killAfter > 0) this.#sentKill = true;
      this.#treeStop = child.stop({
        killSignal: name,
        grace: this.#treeGrace(),
      })
        .catch((error) =>
          printError(`subproc timeout: ${(error as Error).message}`)
        );
      return;
    }
    // Gone or not ours: nothing to do, as GNU ignores it too.
    signalChild(child.pid, name);
    if (child.pgid === undefined) return;
    os.signalGroup(child.pgid, name);
    if (name !== "SIGKILL" && name !== "SIGCONT") {
      signalChild(child.pid, "SIGCONT");
      os.signalGroup(child.pgid, "SIGCONT");
    }
  }

  /** `--tree`: SIGKILL after `--kill-after`, else (practically) never. */
  #treeGrace(): number {
    return this.#req.killAfter > 0 ? this.#req.killAfter : FOREVER_GRACE;
  }

  /** Waits for CMD (and, with `--tree`, for the stop of its tree). */
  async wait(child: Subprocess): Promise<ExitStatus> {
    const status = await child.status;
    this.#alarm.clear();
    await this.#treeStop;
    return status;
  }

  /** GNU's exit status for `status`, or the signal to die of. */
  exitCode(status: ExitStatus): number | Signal {
    if (status.signal === null && status.code === null) {
      printError("subproc timeout: error waiting for command");
      return RUN_FAILED;
    }
    let preserve = this.#req.preserveStatus;
    let code: number | Signal;
    if (status.signal === null) code = status.code!;
    else if (!this.#timedOut) code = status.signal;
    else {
      // Killed by our SIGKILL after the duration: say so, whatever
      // --preserve-status says. (On Windows every stop reports SIGKILL.)
      if (status.signal === "SIGKILL" && this.#sentKill) preserve = true;
      code = signalExitCode(status.signal);
    }
    return this.#timedOut && !preserve ? TIMED_OUT : code;
  }
}

/** The parent-death signal to ask for: the chosen signal on Linux (where
 * `setpriv` is there), CMD's job on Windows; none for signal 0. */
function parentDeathSignal(signal: TimeoutSignal): Signal | false {
  if (signal.signal === null) return false;
  const prefix = os.parentDeathPrefix(signal.signal);
  return typeof prefix === "string" ? false : signal.signal;
}

/** Why CMD could not start, as GNU words it, and the exit code. */
function startFailure(cmd: readonly string[], error: unknown): number {
  const reason = error instanceof CommandNotFoundError
    ? "No such file or directory"
    : error instanceof PermissionDeniedError
    ? "Permission denied"
    : (error as Error).message;
  printError(
    `subproc timeout: failed to run command ${quote(cmd[0]!)}: ${reason}`,
  );
  return startExitCode(error, RUN_FAILED);
}

/** Runs `req` and resolves with the exit code (or dies of CMD's signal). */
export async function runTimeout(req: TimeoutRequest): Promise<number> {
  const monitor = new Monitor(req);
  monitor.listen();
  let child: Subprocess;
  try {
    child = monitor.start();
  } catch (error) {
    monitor.dispose();
    return startFailure(req.cmd, error);
  }
  const status = await monitor.wait(child);
  monitor.dispose();
  const code = monitor.exitCode(status);
  return typeof code === "number" ? code : await dieOf(code);
}
