// @ts-check
/**
 * How every JavaScript case runner samples (Deno, Node and Bun alike) and
 * the series it prints. `peers.py` repeats these rules in Python.
 *
 * @module
 */

import { host } from "./_host.mjs";

/** @typedef {import("./_stats.ts").Series} Series */
/** @typedef {import("./_stats.ts").SamplingParams} SamplingParams */

/**
 * One series of this runtime; `id` as given (see {@linkcode own}).
 *
 * @param {string} id
 * @param {string} label
 * @param {number[]} samples
 * @param {Record<string, unknown>} [meta]
 * @returns {Series}
 */
export function series(id, label, samples, meta) {
  return {
    id,
    label,
    runtime: host.runtime,
    unit: "ms",
    samples,
    ...(meta ? { meta } : {}),
  };
}

/**
 * `name` as an id of this runtime's series: `"deno.run"`, `"node.run"`…
 *
 * @param {string} name
 * @returns {string}
 */
export function own(name) {
  return `${host.prefix}.${name}`;
}

/**
 * A copy of `items` in random order.
 *
 * @template T
 * @param {readonly T[]} items
 * @returns {T[]}
 */
export function shuffled(items) {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [
      /** @type {T} */ (copy[j]),
      /** @type {T} */ (copy[i]),
    ];
  }
  return copy;
}

/**
 * A call to sample: timed as a whole, or only its `timed` part, its `then`
 * part (cleaning up, waiting) run untimed after it.
 *
 * @typedef {(() => Promise<unknown>) | {
 *   timed: () => Promise<unknown>,
 *   then: () => Promise<unknown>,
 * }} Variant
 */

/**
 * Samples `variants` in rounds, each round visiting every variant in a fresh
 * random order for `block` calls, so that drift on a noisy machine hits all
 * of them alike. Stops when every variant has `minReps` samples or `minMs`
 * of them (and at least `floorReps`), or after `maxWallMs`. The `warmup`
 * calls of each variant first are not recorded.
 *
 * @param {Record<string, Variant>} variants
 * @param {SamplingParams} params
 * @returns {Promise<Record<string, number[]>>}
 */
export async function interleave(variants, params) {
  const names = Object.keys(variants);
  /** @type {Record<string, number[]>} */
  const samples = {};
  /** @type {Record<string, number>} */
  const total = {};
  /** @param {string} name */
  const call = async (name) => {
    const v = /** @type {Variant} */ (variants[name]);
    const start = performance.now();
    await (typeof v === "function" ? v() : v.timed());
    const ms = performance.now() - start;
    if (typeof v !== "function") await v.then();
    return ms;
  };
  for (const name of names) {
    samples[name] = [];
    total[name] = 0;
    for (let i = 0; i < params.warmup; i++) await call(name);
  }
  /** @param {string} name */
  const enough = (name) => {
    const n = samples[name]?.length ?? 0;
    return n >= params.floorReps &&
      (n >= params.minReps || (total[name] ?? 0) >= params.minMs);
  };
  const wallEnd = performance.now() + params.maxWallMs;
  while (!names.every(enough) && performance.now() < wallEnd) {
    for (const name of shuffled(names)) {
      for (let i = 0; i < params.block; i++) {
        const ms = await call(name);
        samples[name]?.push(ms);
        total[name] = (total[name] ?? 0) + ms;
      }
    }
  }
  return samples;
}

/**
 * When a loop of costly samples (a fresh process tree each) is done with a
 * method: at `maxReps` samples, or at `minReps` or `minMs` of them (and at
 * least `floorReps`).
 *
 * @typedef {object} CostlyParams
 * @property {number} minReps
 * @property {number} minMs
 * @property {number} floorReps
 * @property {number} maxReps
 */

/**
 * What one costly sample found: its time, and how many processes it left.
 *
 * @typedef {{ ms: number, survivors: number }} Outcome
 */

/**
 * Samples `methods` in rounds of random order, each call a costly sample
 * that sets itself up and cleans up after itself, until each is done by
 * the rules of {@linkcode CostlyParams}.
 *
 * @param {Record<string, () => Promise<Outcome>>} methods
 * @param {CostlyParams} p
 * @returns {Promise<Record<string, { samples: number[], survivors: number[] }>>}
 */
export async function sampleCostly(methods, p) {
  const names = Object.keys(methods);
  const found = Object.fromEntries(
    names.map((name) => [name, {
      samples: /** @type {number[]} */ ([]),
      survivors: /** @type {number[]} */ ([]),
    }]),
  );
  /** @param {string} name */
  const done = (name) => {
    const samples = found[name]?.samples ?? [];
    const n = samples.length;
    const total = samples.reduce((a, b) => a + b, 0);
    return n >= p.maxReps ||
      (n >= p.floorReps && (n >= p.minReps || total >= p.minMs));
  };
  while (!names.every(done)) {
    for (const name of shuffled(names.filter((n) => !done(n)))) {
      const method = /** @type {() => Promise<Outcome>} */ (methods[name]);
      const outcome = await method();
      found[name]?.samples.push(outcome.ms);
      found[name]?.survivors.push(outcome.survivors);
    }
  }
  return found;
}

/**
 * A series of this runtime for each `[name, label]` of `labels`: id
 * `own(name)`, samples `samples[name]`.
 *
 * @param {Record<string, number[]>} samples
 * @param {Record<string, string>} labels
 * @param {Record<string, unknown>} [meta]
 * @returns {Series[]}
 */
export function labelled(samples, labels, meta) {
  return Object.entries(labels).map(([name, label]) =>
    series(own(name), label, samples[name] ?? [], meta)
  );
}

/**
 * Runs the case that `args` (`CASE 'PARAMS-JSON'`) names and prints its
 * `CaseOutput` as one JSON line, with `notes` (which the case may add to).
 * Returns the exit code: 2 for an unknown case.
 *
 * @param {Record<string, (p: never, notes: string[]) => Promise<Series[]>>} cases
 * @param {readonly string[]} args
 * @param {string[]} notes
 * @returns {Promise<number>}
 */
export async function runCaseFromArgs(cases, args, notes) {
  const [name = "", json] = args;
  const fn = cases[name];
  if (!fn) {
    console.error(
      `Unknown case ${JSON.stringify(name)}: one of ${
        Object.keys(cases).join(", ")
      }`,
    );
    return 2;
  }
  const params = /** @type {never} */ (JSON.parse(json ?? "{}"));
  const series = await fn(params, notes);
  console.log(
    JSON.stringify({ case: name, runtime: host.runtime, series, notes }),
  );
  return 0;
}
