/**
 * The `url` condition: a GET answers with a 2xx or 3xx status.
 *
 * @module
 */

import { nodeModule } from "../runtime/node_builtins.ts";
import { PolledCondition } from "./condition.ts";
import { attemptMs } from "./port.ts";

/** Resolves `true` when a GET of `url` answers 2xx or 3xx within `ms`. The
 * body is not read; redirects are not followed; the connection is not
 * kept. Certificates are not checked (see `ReadyOptions.url`). */
function answers(url: URL, ms: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const options = {
      method: "GET",
      agent: false,
      headers: { connection: "close" },
      rejectUnauthorized: false,
    } as const;
    // Loaded here, not at start-up (see node_builtins.ts).
    const send =
      nodeModule(url.protocol === "https:" ? "node:https" : "node:http")
        .request;
    const request = send(url, options, (response) => {
      const status = response.statusCode ?? 0;
      done(status >= 200 && status < 400);
    });
    const done = (ok: boolean, error?: unknown) => {
      clearTimeout(timer);
      request.destroy();
      if (error === undefined) resolve(ok);
      else reject(error);
    };
    const timer = setTimeout(() => done(false), ms);
    request.once("error", (error) => done(false, error));
    request.end();
  });
}

/** Holds once `url` answers 2xx or 3xx; tried every `interval`. */
export function urlCondition(url: URL, interval: number): PolledCondition {
  return new PolledCondition(
    `a 2xx or 3xx answer from ${url.href}`,
    () => answers(url, attemptMs(interval)),
    interval,
  );
}
