// @ts-check
/**
 * The readiness case, the same on Deno, Node and Bun: `ready: {line}` on a
 * pipe against the same round trip by hand (each runtime's own API), and
 * `ready: {port}` from `listen()` to `ready`.
 *
 * @module
 */

import { ECHO_READY, readUntil } from "./_commands.mjs";
import { host } from "./_host.mjs";
import { sleep } from "./_procfs.mjs";
import { own, series, shuffled } from "./_sampling.mjs";
import { WHO } from "./_subproc_calls.mjs";

/** @typedef {typeof import("../../mod.ts")} Subproc */
/** @typedef {import("./_stats.ts").Series} Series */

/**
 * The readiness case's parameters.
 *
 * @typedef {object} ReadyParams
 * @property {number} lineReps Samples of each line variant (each starts a
 *   fresh `sh`).
 * @property {number} portReps Samples of the port latency (each takes about
 *   `interval`).
 * @property {number} warmup Unrecorded samples of each first.
 * @property {number} interval `ready.interval` of the port case.
 */

/**
 * The line round trip through `ready: { line }`: from the write until
 * `child.ready` resolves.
 *
 * @param {Subproc} lib
 * @returns {Promise<number>}
 */
async function readyLineRoundTrip(lib) {
  const child = lib.spawn(ECHO_READY, {
    stdin: "pipe",
    stdout: "pipe",
    stderr: "null",
    ready: { line: "ready" },
  });
  const stdout = /** @type {ReadableStream<Uint8Array>} */ (child.stdout);
  const stdin = /** @type {WritableStream<Uint8Array>} */ (child.stdin);
  const reader = stdout.getReader();
  await readUntil(reader, "waiting\n");
  reader.releaseLock();
  const writer = stdin.getWriter();
  const start = performance.now();
  await writer.write(new TextEncoder().encode("\n"));
  await child.ready;
  const ms = performance.now() - start;
  writer.releaseLock();
  await child[Symbol.asyncDispose]();
  return ms;
}

/**
 * From the moment a port accepts (we listen on it, at a random point of the
 * poll cycle) until `ready: { port }` of a child resolves.
 *
 * @param {Subproc} lib
 * @param {number} interval
 * @returns {Promise<number>}
 */
async function readyPortLatency(lib, interval) {
  const free = await host.listen(0);
  await free.close();
  const port = free.port;
  const child = lib.spawn(["sleep", "30"], { ready: { port, interval } });
  await sleep(interval / 2 + Math.random() * interval);
  const listener = await host.listen(port);
  const start = performance.now();
  await child.ready;
  const ms = performance.now() - start;
  await listener.close();
  await child.stop();
  return ms;
}

/**
 * 9 and 10. Readiness latency: a line on a pipe (against `rawLine`, the
 * same round trip by hand with the runtime's own API), and a port.
 *
 * @param {Subproc | null} lib `null`: only the raw round trip.
 * @param {ReadyParams} p
 * @param {{ fn: () => Promise<number>, label: string }} rawLine
 * @returns {Promise<Series[]>}
 */
export async function readyCase(lib, p, rawLine) {
  /** @type {Record<string, () => Promise<number>>} */
  const variants = { raw: rawLine.fn };
  if (lib) variants.ready = () => readyLineRoundTrip(lib);
  /** @type {Record<string, number[]>} */
  const line = { raw: [], ready: [] };
  for (let i = -p.warmup; i < p.lineReps; i++) {
    for (const name of shuffled(Object.keys(variants))) {
      const ms = await variants[name]?.();
      if (i >= 0 && ms !== undefined) line[name]?.push(ms);
    }
  }
  const out = [series(own("raw.line"), rawLine.label, line.raw ?? [])];
  if (!lib) return out;
  const port = [];
  for (let i = 0; i < p.portReps; i++) {
    port.push(await readyPortLatency(lib, p.interval));
  }
  out.push(
    series(
      own("ready.line"),
      `${WHO}\`spawn(cmd, {stdout: "pipe", ready: {line}})\`: from the write until \`child.ready\` resolves`,
      line.ready ?? [],
    ),
    series(
      own("ready.port"),
      `${WHO}\`ready: {port, interval: ${p.interval}}\`: from \`listen()\` until \`child.ready\` resolves`,
      port,
      { interval: p.interval },
    ),
  );
  return out;
}
