// @ts-check
/**
 * The commands the cases run on every runtime (`peers.py` spells the same
 * in Python), and how the timeout case counts what they leave running.
 *
 * @module
 */

import { running, sleep } from "./_procfs.mjs";

/** One process that ignores SIGTERM: a timeout must end it by SIGKILL. */
export const IGNORES_TERM = ["sh", "-c", "trap '' TERM; exec sleep 30"];

/**
 * A shell whose grandchild keeps stdout open for `hold` seconds.
 *
 * @param {number} hold
 * @returns {string[]}
 */
export function holdsStdout(hold) {
  return ["sh", "-c", `sleep ${hold} & exec sleep 30`];
}

/**
 * A shell that exits at once, its grandchild keeping stdout open for `hold`
 * seconds.
 *
 * @param {number} hold
 * @returns {string[]}
 */
export function exitsHoldingStdout(hold) {
  return ["sh", "-c", `sleep ${hold} & echo started`];
}

/** Writes "waiting", then "ready" once a line comes in on stdin. */
export const ECHO_READY = [
  "sh",
  "-c",
  "echo waiting; read x; echo ready; exec sleep 30",
];

/**
 * Live `sleep HOLD` processes: the grandchildren of the commands above that
 * a run left running (`hold` is a value no other process uses).
 *
 * @param {number} hold
 * @returns {number}
 */
export function holders(hold) {
  return running(["sleep", String(hold)]);
}

/**
 * Ends the grandchildren a run left running (untimed).
 *
 * @param {number} hold
 * @returns {Promise<void>}
 */
export async function holdersGone(hold) {
  while (running(["sleep", String(hold)], true) > 0) await sleep(5);
}

/**
 * How long `fn` takes, a timeout's error (subproc's or execa's) included.
 *
 * @param {() => Promise<unknown>} fn
 * @returns {Promise<number>}
 */
export async function timed(fn) {
  const start = performance.now();
  try {
    await fn();
  } catch (error) {
    const e = /** @type {{ name?: string, timedOut?: boolean } | null} */ (
      error
    );
    if (e?.name !== "TimeoutExpiredError" && !e?.timedOut) throw error;
  }
  return performance.now() - start;
}

/**
 * Reads `reader` until what was read contains `text`.
 *
 * @param {ReadableStreamDefaultReader<Uint8Array>} reader
 * @param {string} text
 * @returns {Promise<void>}
 */
export async function readUntil(reader, text) {
  const decoder = new TextDecoder();
  let seen = "";
  while (!seen.includes(text)) {
    const { done, value } = await reader.read();
    if (done) {
      throw new Error(`the stream ended before ${JSON.stringify(text)}`);
    }
    seen += decoder.decode(value, { stream: true });
  }
}
