/**
 * Public types of a process itself: the signals it can be sent and how it
 * ended.
 *
 * @module
 */

/** A POSIX signal name. On Windows only `SIGTERM`, `SIGKILL`, `SIGINT` and
 * `SIGBREAK` mean something; see the README's Windows table. */
export type Signal =
  | "SIGABRT"
  | "SIGALRM"
  | "SIGBREAK"
  | "SIGBUS"
  | "SIGCHLD"
  | "SIGCONT"
  | "SIGFPE"
  | "SIGHUP"
  | "SIGILL"
  | "SIGINT"
  | "SIGIO"
  | "SIGKILL"
  | "SIGPIPE"
  | "SIGPROF"
  | "SIGPWR"
  | "SIGQUIT"
  | "SIGSEGV"
  | "SIGSTKFLT"
  | "SIGSTOP"
  | "SIGSYS"
  | "SIGTERM"
  | "SIGTRAP"
  | "SIGTSTP"
  | "SIGTTIN"
  | "SIGTTOU"
  | "SIGURG"
  | "SIGUSR1"
  | "SIGUSR2"
  | "SIGVTALRM"
  | "SIGWINCH"
  | "SIGXCPU"
  | "SIGXFSZ";

/** How a process ended. `code` and `signal` both `null`: it ended, but its
 * status could not be read (it was reaped by someone else); no status is
 * made up then. */
export interface ExitStatus {
  /** The exit code, or `null` when the process was ended by a signal. */
  readonly code: number | null;
  /** The signal that ended the process, or `null` when it exited. */
  readonly signal: Signal | null;
  /** `true` when `code` is 0. */
  readonly success: boolean;
}
