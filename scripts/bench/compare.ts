/**
 * The peers of the benchmarks: subproc's npm build on Node and Bun against
 * raw `node:child_process`, execa, tree-kill and `Bun.spawn`
 * (`scripts/bench/peers.mjs`), and Python's `subprocess` and
 * `os.posix_spawn` (`scripts/bench/peers.py`).
 *
 * `scripts/bench/main.ts` runs these beside the Deno cases and writes
 * BENCHMARKS.md. Alone, this script runs the peers and prints their medians:
 *
 *   deno run -A scripts/bench/compare.ts [--quick] [CASE...]
 *
 * Node is `node_modules/.bin/node` (Node 22, the devDependency), else `node`
 * on PATH; `SUBPROC_BENCH_NODE` and `SUBPROC_BENCH_BUN` override. A missing
 * runtime is skipped with a note.
 *
 * @module
 */

import { devTool } from "../_dev_tools.ts";
import { existsSync } from "node:fs";
import { run } from "../../mod.ts";
import { type CaseName, CASES, params } from "./_params.ts";
import { type CaseOutput, summarize } from "./_stats.ts";

const benchDir = new URL(".", import.meta.url).pathname;

/** One runtime that runs peer cases. */
export interface Peer {
  name: "node" | "bun" | "python";
  /** The command before `CASE PARAMS`. */
  argv: string[];
  /** `"node 22.23.3"`… */
  version: string;
  cases: readonly CaseName[];
}

const JS_CASES: readonly CaseName[] = [
  "spawn",
  "session",
  "detach",
  "tree",
  "capture",
  "timeout",
  "ready",
  "daemons",
];
const PYTHON_CASES: readonly CaseName[] = [
  "spawn",
  "session",
  "detach",
  "capture",
  "timeout",
];

function which(name: string): string | null {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (dir && existsSync(`${dir}/${name}`)) return `${dir}/${name}`;
  }
  return null;
}

async function version(argv: string[], flag: string): Promise<string | null> {
  try {
    const out = await run([...argv, flag], { capture: true, timeout: 10_000 });
    return out.success ? (out.stdout + out.stderr).trim() : null;
  } catch {
    return null;
  }
}

/** The peers found on this machine, and notes on the ones that are not. */
export async function findPeers(): Promise<{
  peers: Peer[];
  notes: string[];
}> {
  const peers: Peer[] = [];
  const notes: string[] = [];
  const node = Deno.env.get("SUBPROC_BENCH_NODE") ?? devTool("node") ??
    which("node");
  const bun = Deno.env.get("SUBPROC_BENCH_BUN") ?? devTool("bun") ??
    which("bun");
  const python = which("python3");
  const peersInstalled = devTool("execa/package.json") !== null &&
    devTool("tree-kill/package.json") !== null;
  const script = `${benchDir}peers.mjs`;
  for (
    const [name, exe, flag] of [
      ["node", node, "--version"],
      ["bun", bun, "--version"],
    ] as const
  ) {
    const v = exe ? await version([exe], flag) : null;
    if (exe && v && !peersInstalled) {
      notes.push(
        `${name}: execa and tree-kill are not installed (\`npm install\`): its peers were skipped`,
      );
    } else if (exe && v) {
      peers.push({
        name,
        argv: [exe, script],
        version: `${name} ${v.replace(/^v/, "")}`,
        cases: JS_CASES,
      });
    } else notes.push(`${name} not found: its peers were skipped`);
  }
  const pv = python ? await version([python], "--version") : null;
  if (python && pv) {
    peers.push({
      name: "python",
      argv: [python, `${benchDir}peers.py`],
      version: pv.toLowerCase(),
      cases: PYTHON_CASES,
    });
  } else notes.push("python3 not found: its peers were skipped");
  return { peers, notes };
}

/** Writes `mib` MiB to `path` and reads it once, so that it sits in the page
 * cache when the capture case sends it. */
export async function makeCaptureFile(
  path: string,
  mib: number,
): Promise<void> {
  const chunk = new Uint8Array(1024 * 1024);
  for (let i = 0; i < chunk.length; i += 65536) {
    crypto.getRandomValues(chunk.subarray(i, i + 65536));
  }
  {
    using file = await Deno.open(path, {
      write: true,
      create: true,
      truncate: true,
    });
    for (let i = 0; i < mib; i++) {
      let done = 0;
      while (done < chunk.length) {
        done += await file.write(chunk.subarray(done));
      }
    }
  }
  await run(["cat", path], { stdout: "null" });
}

/** Runs one case in a fresh process and parses the JSON line it prints. */
export async function runCase(
  argv: string[],
  name: CaseName,
  caseParams: unknown,
): Promise<CaseOutput> {
  const out = await run([...argv, name, JSON.stringify(caseParams)], {
    capture: true,
    stdin: "null",
    timeout: 15 * 60_000,
  });
  if (!out.success) {
    throw new Error(
      `${argv.join(" ")} ${name} failed (${
        out.signal ?? `code ${out.code}`
      }):\n${out.stderr}`,
    );
  }
  const line = out.stdout.trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(line) as CaseOutput;
  } catch {
    throw new Error(
      `${
        argv.join(" ")
      } ${name} printed no JSON:\n${out.stdout}\n${out.stderr}`,
    );
  }
}

/** Runs `name` on every peer that has it, one after the other. */
export async function runPeers(
  peers: readonly Peer[],
  name: CaseName,
  caseParams: unknown,
): Promise<CaseOutput[]> {
  const todo = peers.filter((peer) => peer.cases.includes(name));
  const outputs: CaseOutput[] = [];
  for (const peer of todo) {
    outputs.push(await runCase(peer.argv, name, caseParams));
  }
  return outputs;
}

if (import.meta.main) {
  const quick = Deno.args.includes("--quick");
  const only = Deno.args.filter((a) => !a.startsWith("--")) as CaseName[];
  const all = params(quick);
  const { peers, notes } = await findPeers();
  for (const note of notes) console.error(note);
  const file = await Deno.makeTempFile({ prefix: "subproc-bench-" });
  try {
    for (const name of only.length > 0 ? only : CASES) {
      let p = all[name] as Record<string, unknown>;
      if (name === "capture") {
        await makeCaptureFile(file, p.mib as number);
        p = { ...p, file };
      }
      for (const out of await runPeers(peers, name, p)) {
        for (const note of out.notes) console.error(note);
        for (const s of out.series) {
          const sum = summarize(s.samples);
          console.log(
            `${name.padEnd(8)} ${s.id.padEnd(32)} n=${
              String(sum.n).padStart(5)
            } median ${sum.median.toFixed(3)} ${s.unit}`,
          );
        }
      }
    }
  } finally {
    await Deno.remove(file);
  }
}
