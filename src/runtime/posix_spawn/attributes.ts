/**
 * The attributes of a child started through `posix_spawn`: an empty signal
 * mask, SIGPIPE back to its default (Deno ignores it, and an ignored signal
 * stays ignored across exec), as `Deno.Command` does; and a session of its
 * own when asked.
 *
 * @module
 */

import { alloc } from "../ffi.ts";
import {
  type Libc,
  POSIX_SPAWN_SETSID,
  POSIX_SPAWN_SETSIGDEF,
  POSIX_SPAWN_SETSIGMASK,
  SIGPIPE,
  SIGSET_SIZE,
} from "./libc.ts";

/** Sets the signal mask, the signals reset and the session in
 * `attributes` (an initialised `posix_spawnattr_t`). */
export function setSignalsAndSession(
  c: Libc,
  attributes: Uint8Array,
  newSession: boolean,
): void {
  const empty = alloc(SIGSET_SIZE);
  c.sigemptyset(empty);
  const reset = alloc(SIGSET_SIZE);
  c.sigemptyset(reset);
  c.sigaddset(reset, SIGPIPE);
  c.posix_spawnattr_setsigmask(attributes, empty);
  c.posix_spawnattr_setsigdefault(attributes, reset);
  c.posix_spawnattr_setflags(
    attributes,
    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
      (newSession ? POSIX_SPAWN_SETSID : 0),
  );
}
