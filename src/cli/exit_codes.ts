/**
 * Exit codes of `subproc run`, as GNU `timeout` has them, and of the
 * pidfile commands, as LSB init scripts have them.
 *
 * @module
 */

import { CommandNotFoundError, PermissionDeniedError } from "../errors.ts";
import { signalNumber } from "../runtime/signals.ts";
import type { ExitStatus, Signal } from "../types.ts";

/** `run`: CMD was stopped because `--timeout` expired. */
export const TIMED_OUT = 124;
/** `run`: our own error (bad arguments included). */
export const RUN_FAILED = 125;
/** `run`, `start`: CMD was found but could not be executed. */
export const NOT_EXECUTABLE = 126;
/** `run`, `start`: CMD was not found. */
export const NOT_FOUND = 127;
/** `start`, `stop`, `tree`: the action failed; `status`: dead, pidfile left. */
export const FAILED = 1;
/** Every command but `run`: a usage mistake. */
export const USAGE = 2;
/** `status`: not running (LSB). */
export const NOT_RUNNING = 3;
/** `status`: unknown, an unexpected error (LSB). */
export const STATUS_UNKNOWN = 4;

/** 128 + the signal's number, as shells report death by a signal. */
export function signalExitCode(signal: Signal): number {
  return 128 + (signalNumber(signal) ?? 0);
}

/** The exit code for CMD that could not be started because of `error`:
 * 127 not found, 126 not executable, else `otherwise`. */
export function startExitCode(error: unknown, otherwise: number): number {
  if (error instanceof CommandNotFoundError) return NOT_FOUND;
  if (error instanceof PermissionDeniedError) return NOT_EXECUTABLE;
  return otherwise;
}

/** CMD's exit code, or 128 + N when signal N ended it. */
export function statusExitCode(status: ExitStatus): number {
  if (status.signal !== null) return signalExitCode(status.signal);
  return status.code ?? RUN_FAILED;
}
