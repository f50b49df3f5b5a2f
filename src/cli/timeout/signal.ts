/**
 * Signals as GNU `timeout -s` (and `kill`) take them: a name in any case,
 * with or without `SIG` (`term`, `SIGKILL`, `EXIT` for 0), or a number,
 * where an exit status of a process killed by a signal (`137`) stands for
 * that signal (`9`).
 *
 * @module
 */

import { host } from "../../runtime/host.ts";
import { signalName, signalNumber } from "../../runtime/signals.ts";
import type { Signal } from "../../types.ts";
import { UsageError } from "../args.ts";
import { quote } from "./quote.ts";

/** A signal `timeout` may send: 0 (`EXIT`) only checks that CMD exists. */
export interface TimeoutSignal {
  /** Its number on this system. */
  readonly number: number;
  /** As GNU names it in messages: `TERM`, `KILL`, `EXIT` for 0. */
  readonly name: string;
  /** The library's name for it; `null` for 0. */
  readonly signal: Signal | null;
}

/** Signal 0: sent, it only checks that the process exists. */
const EXIT: TimeoutSignal = { number: 0, name: "EXIT", signal: null };

/** `signal` as a {@linkcode TimeoutSignal}. */
export function timeoutSignal(signal: Signal): TimeoutSignal {
  return { number: signalNumber(signal) ?? 0, name: signal.slice(3), signal };
}

/** The signal numbered `n`, if this system has one. */
function signalByNumber(n: number): TimeoutSignal | null {
  if (n === 0) return EXIT;
  const signal = signalName(n);
  return signal === null ? null : timeoutSignal(signal);
}

/** The number of `text` as a number or a name (aliases such as `IOT` and
 * `POLL` included), or `null`. */
function numberOf(text: string): number | null {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    // ksh reports death by signal N as 256 + N, other shells as 128 + N.
    return n & (n >= 0xff ? 0xff : 0x7f);
  }
  const upper = text.toUpperCase();
  const name = upper.startsWith("SIG") ? upper.slice(3) : upper;
  if (name === "EXIT") return 0;
  return host.signalNumbers()[`SIG${name}`] ?? null;
}

/**
 * Parses the value of `-s`/`--signal`.
 *
 * @throws {UsageError} Not a signal this system has.
 */
export function parseGnuSignal(text: string): TimeoutSignal {
  const n = numberOf(text);
  const found = n === null ? null : signalByNumber(n);
  if (found !== null) return found;
  if (/^(SIG)?RTM(IN|AX)/i.test(text)) {
    throw new UsageError(
      `${quote(text)}: real-time signals are not supported`,
    );
  }
  throw new UsageError(`${quote(text)}: invalid signal`);
}
