/**
 * The benchmarks (issues 9 and 12): subproc against the raw runtime calls,
 * the peers (execa, tree-kill, Python's subprocess) and the limit, as ratios
 * measured in one run. Writes BENCHMARKS.md and the README's "Performance"
 * section.
 *
 *   npm run build:npm && npm run bench   # full run → BENCHMARKS.md, README.md (~8 min)
 *   deno task bench --quick              # CI: a few seconds, both in $TMPDIR
 *
 * Options: `--quick`; `--only=spawn,tree` (cases: spawn session detach tree
 * daemons capture timeout memory startup ready; a partial run writes no
 * README unless asked); `--no-peers` (Deno alone); `--out=FILE`;
 * `--readme=FILE` (the README whose section to replace); `--json=FILE` (save
 * the raw samples and the run's machine, versions and notes);
 * `--from-json=FILE` (measure nothing: render a saved run again).
 *
 * Each case runs in a fresh process: the Deno side in
 * `scripts/bench/deno_cases.ts`, the peers through `scripts/bench/compare.ts`.
 * The whole run sits under `scripts/bench/reaper.py`, a child subreaper: PID
 * 1 on our machines never reaps orphans, and stopping process trees orphans
 * thousands. It also sits in a cgroup of its own where one can be made. Once
 * everything is done, any process of ours still running, and any cgroup
 * directory subproc made below ours, is reported (and the exit code is 1);
 * the reaper then kills what runs.
 *
 * @module
 */

import { cpus, totalmem } from "node:os";
import { run } from "../../mod.ts";
import { goals, goalTable } from "./_goals.ts";
import { collect } from "./_measures.ts";
import { type CaseName, CASES, holdSeconds, params } from "./_params.ts";
import { childrenOf, subprocCgroups } from "./_procfs.mjs";
import { readmeSection, updateReadme } from "./_readme.ts";
import { renderReport, type RunInfo } from "./_report.ts";
import type { CaseOutput } from "./_stats.ts";
import { findPeers, makeCaptureFile, runCase, runPeers } from "./compare.ts";

const root = new URL("../..", import.meta.url).pathname;
const benchDir = new URL(".", import.meta.url).pathname;

function flag(name: string): string | undefined {
  const prefix = `--${name}=`;
  return Deno.args.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

/** Re-runs this script under the reaper (in a cgroup of its own, where one
 * can be made) unless it already is. */
async function underReaper(): Promise<boolean> {
  if (Deno.env.get("SUBPROC_BENCH_REAPER")) return true;
  let python = false;
  try {
    python = (await run(["python3", "--version"], { capture: true })).success;
  } catch {
    python = false;
  }
  if (!python) {
    console.error(
      "bench: python3 not found: running without the reaper (orphans may stay as zombies)",
    );
    return true;
  }
  const result = await run([
    "python3",
    `${benchDir}reaper.py`,
    Deno.execPath(),
    "run",
    "-A",
    new URL(import.meta.url).pathname,
    ...Deno.args,
  ], { stdin: "null", contain: "auto" });
  Deno.exit(result.code ?? 1);
}

/** The cgroup directories subproc made during the run that are still
 * there; none where the run has no cgroup of its own (where it could not be
 * told from those of other programs). */
function cgroupLeftovers(): string[] {
  const own = Deno.readTextFileSync("/proc/self/cgroup");
  if (!/^0::.*\/subproc\.[^/]*$/m.test(own)) return [];
  return subprocCgroups().map((dir) => `cgroup ${dir}`);
}

function machine(): string[] {
  const cpuinfo = Deno.readTextFileSync("/proc/cpuinfo");
  const model = /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? "unknown CPU";
  const load = Deno.loadavg().map((x) => x.toFixed(2)).join(", ");
  return [
    `${model}, ${cpus().length} cores, ${
      (totalmem() / 2 ** 30).toFixed(0)
    } GiB RAM`,
    `${Deno.build.os} ${Deno.osRelease()} (${Deno.build.arch})`,
    `load average at the start: ${load}`,
  ];
}

function packageVersion(name: string): string {
  try {
    const pkg = JSON.parse(
      Deno.readTextFileSync(`${root}node_modules/${name}/package.json`),
    );
    return `${name} ${pkg.version}`;
  } catch {
    return `${name} (not installed)`;
  }
}

async function main(): Promise<number> {
  await underReaper();
  const started = performance.now();
  const quick = Deno.args.includes("--quick");
  const only = flag("only")?.split(",") as CaseName[] | undefined;
  for (const name of only ?? []) {
    if (!CASES.includes(name)) {
      console.error(`bench: unknown case ${JSON.stringify(name)}`);
      return 2;
    }
  }
  const tmp = Deno.makeTempDirSync({ prefix: "subproc-bench-" });
  const outPath = flag("out") ??
    (quick ? `${tmp}/BENCHMARKS.quick.md` : `${root}BENCHMARKS.md`);
  const all = params(quick);
  const machineLines = machine();
  const { peers, notes } = Deno.args.includes("--no-peers")
    ? { peers: [], notes: ["Peers skipped (`--no-peers`)."] }
    : await findPeers();
  const denoArgv = [Deno.execPath(), "run", "-A", `${benchDir}deno_cases.ts`];
  const outputs: CaseOutput[] = [];
  const log = (text: string) =>
    console.error(
      `bench: ${((performance.now() - started) / 1000).toFixed(1)} s ${text}`,
    );
  const captureFile = `${tmp}/capture.bin`;
  let failed = false;
  const saved = flag("from-json");
  let savedInfo: RunInfo | undefined;
  if (saved) {
    const json = JSON.parse(Deno.readTextFileSync(saved)) as
      | CaseOutput[]
      | { info: RunInfo; outputs: CaseOutput[] };
    if (Array.isArray(json)) outputs.push(...json);
    else {
      outputs.push(...json.outputs);
      savedInfo = json.info;
    }
  }
  try {
    for (const name of saved ? [] : only ?? CASES) {
      let p = all[name] as Record<string, unknown>;
      if (name === "capture") {
        await makeCaptureFile(captureFile, p.mib as number);
        p = { ...p, file: captureFile };
      }
      if (name === "startup") {
        // One process times every runtime's whole start, interleaved.
        const exe = (rt: string) =>
          peers.find((peer) => peer.name === rt)?.argv[0] ?? null;
        p = { ...p, node: exe("node"), bun: exe("bun") };
      }
      log(`${name}…`);
      try {
        if (name === "memory") {
          for (let i = 0; i < (p.runs as number); i++) {
            for (const variant of i % 2 ? ["spawn", "raw"] : ["raw", "spawn"]) {
              outputs.push(
                await runCase(denoArgv, "memory", {
                  children: p.children,
                  variant,
                }),
              );
            }
          }
        } else if (quick) {
          // Precision doesn't matter here: run the runtimes side by side,
          // each with its own `hold` (the timeout case counts and ends
          // `sleep HOLD` processes).
          const own = () =>
            name === "timeout"
              ? {
                ...p,
                hold: holdSeconds(Math.floor(Number(p.hold) * 10) / 10),
              }
              : p;
          const [first, ...rest] = await Promise.all([
            runCase(denoArgv, name, own()),
            ...peers.map((peer) => runPeers([peer], name, own())),
          ]);
          outputs.push(first as CaseOutput, ...(rest as CaseOutput[][]).flat());
        } else {
          outputs.push(await runCase(denoArgv, name, p));
          outputs.push(...await runPeers(peers, name, p));
        }
      } catch (error) {
        failed = true;
        console.error(`bench: case ${name} failed: ${error}`);
        notes.push(`Case ${name} failed: ${String(error).split("\n")[0]}`);
      }
    }
  } finally {
    try {
      Deno.removeSync(captureFile);
    } catch {
      // not made: no capture case in this run
    }
  }

  machineLines.push(
    `load average at the end: ${
      Deno.loadavg().map((x) => x.toFixed(2)).join(", ")
    }`,
  );
  const reaper = Number(Deno.env.get("SUBPROC_BENCH_REAPER") ?? 0);
  const leftovers = [
    ...childrenOf(Deno.pid, Deno.pid),
    ...(reaper > 0 ? childrenOf(reaper, Deno.pid) : []),
    ...cgroupLeftovers(),
  ];
  for (const out of outputs) {
    for (const note of out.notes) if (!notes.includes(note)) notes.push(note);
  }
  const data = collect(outputs);
  const goalList = goals(data);
  const versions = [
    `subproc ${
      JSON.parse(Deno.readTextFileSync(`${root}deno.json`)).version
    } (git ${await gitHead()})`,
    `deno ${Deno.version.deno} (V8 ${Deno.version.v8})`,
    ...peers.map((p) => p.version),
    packageVersion("execa"),
    packageVersion("tree-kill"),
  ];
  const info: RunInfo = savedInfo
    ? {
      ...savedInfo,
      notes: [
        ...savedInfo.notes,
        "Rendered again from the samples saved by that run (`--json`, then `--from-json`).",
      ],
    }
    : {
      quick,
      date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
      // Only what changes the measurement (not where the output goes).
      command: [
        "deno task bench",
        ...Deno.args.filter((a) =>
          a === "--quick" || a === "--no-peers" || a.startsWith("--only=")
        ),
      ].join(" "),
      machine: machineLines,
      versions,
      notes,
      leftovers,
      wallSeconds: (performance.now() - started) / 1000,
    };
  const report = renderReport(info, data, goalList);
  Deno.writeTextFileSync(outPath, report);
  const readme = flag("readme") ??
    (quick ? `${tmp}/README.quick.md` : only ? undefined : `${root}README.md`);
  if (readme) {
    await writeReadme(readme, readmeSection(goalList, data, quick), goalList);
  }
  const json = flag("json");
  if (json) Deno.writeTextFileSync(json, JSON.stringify({ info, outputs }));
  console.log(goalTable(goalList));
  log(`wrote ${outPath}${readme ? ` and ${readme}` : ""}`);
  if (leftovers.length > 0) {
    console.error(`bench: leftover processes: ${leftovers.join(", ")}`);
    return 1;
  }
  return failed ? 1 : 0;
}

/** Puts `section` (and the figures it cites) in the README at `path` — a
 * copy of the project's README when `path` doesn't exist yet — and
 * formats it. */
async function writeReadme(
  path: string,
  section: string,
  goalList: ReturnType<typeof goals>,
): Promise<void> {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch {
    text = Deno.readTextFileSync(`${root}README.md`);
  }
  Deno.writeTextFileSync(path, updateReadme(text, section, goalList));
  await run([Deno.execPath(), "fmt", "--quiet", path], { cwd: root });
}

async function gitHead(): Promise<string> {
  try {
    const out = await run(["git", "rev-parse", "--short", "HEAD"], {
      capture: true,
      cwd: root,
    });
    const dirty = await run(["git", "status", "--porcelain", "src", "mod.ts"], {
      capture: true,
      cwd: root,
    });
    return out.stdout.trim() + (dirty.stdout.trim() ? ", src/ modified" : "");
  } catch {
    return "unknown";
  }
}

if (import.meta.main) Deno.exit(await main());
