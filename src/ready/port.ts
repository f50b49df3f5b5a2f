/**
 * The `port` condition: a TCP connection to `host:port` succeeds.
 *
 * @module
 */

import { nodeModule } from "../runtime/node_builtins.ts";
import { PolledCondition } from "./condition.ts";

/** How long one try may take: a host that drops packets would otherwise
 * hold a try for minutes. */
export function attemptMs(interval: number): number {
  return Math.max(1000, interval);
}

/** Resolves `true` when a TCP connection to `host:port` opens within `ms`
 * (it is closed at once), else `false`. */
function connects(
  host: string,
  port: number,
  ms: number,
): Promise<boolean> {
  return new Promise((resolve) => {
    // Loaded here, not at start-up (see node_builtins.ts).
    const socket = nodeModule("node:net").connect({ host, port });
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), ms);
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** Holds once `host:port` accepts a connection; tried every `interval`. */
export function portCondition(
  host: string,
  port: number,
  interval: number,
): PolledCondition {
  const where = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
  return new PolledCondition(
    `a TCP connection to ${where}`,
    () => connects(host, port, attemptMs(interval)),
    interval,
  );
}
