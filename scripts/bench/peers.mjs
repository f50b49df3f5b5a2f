// The Node and Bun side of the benchmarks: subproc (the npm build) against
// raw `node:child_process`, execa, tree-kill and, under Bun, `Bun.spawn`.
// Run by scripts/bench/compare.ts, under `node` or `bun`:
//
//   node scripts/bench/peers.mjs CASE 'PARAMS-JSON'
//
// prints one JSON line shaped like `CaseOutput` in _stats.ts. subproc's own
// calls are those of every runtime (_subproc_calls.mjs); this file adds the
// raw calls and the peers. subproc comes from $SUBPROC_NPM_BUILD/mod.js
// (default: <repo>/.build/npm/package/mod.js); without it, Bun imports
// <repo>/mod.ts and Node skips subproc with a note.

import { spawn as nodeSpawn } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { execa } from "execa";
import treeKill from "tree-kill";
import * as commands from "./_commands.mjs";
import { host } from "./_host.mjs";
import { watchEnd } from "./_procfs.mjs";
import {
  labelled,
  own,
  runCaseFromArgs,
  sampleCostly,
  series,
} from "./_sampling.mjs";
import { readyCase } from "./_ready.mjs";
import * as calls from "./_subproc_calls.mjs";
import { stopRawTree, stopSeries } from "./_trees.mjs";

/** @typedef {import("./_stats.ts").Series} Series */
/** @typedef {import("./_stats.ts").SamplingParams} SamplingParams */
/** @typedef {import("./_subproc_calls.mjs").Part} Part */
/** @typedef {import("./_sampling.mjs").Variant} Variant */
/** @typedef {typeof import("../../mod.ts")} Subproc */

const repo = join(fileURLToPath(new URL(".", import.meta.url)), "..", "..");
const isBun = host.prefix === "bun";
/** @type {string[]} */
const notes = [];

/** @returns {Promise<Subproc | null>} */
async function loadSubproc() {
  const build = process.env.SUBPROC_NPM_BUILD ??
    join(repo, ".build", "npm", "package");
  const built = join(build, "mod.js");
  const from = existsSync(built)
    ? { path: built, what: "npm build" }
    : isBun
    ? { path: join(repo, "mod.ts"), what: "mod.ts (no npm build)" }
    : null;
  if (!from) {
    notes.push(
      `subproc on Node skipped: no npm build at ${built} (run \`deno task build:npm\`)`,
    );
    return null;
  }
  notes.push(`subproc on ${host.runtime} imported from the ${from.what}`);
  return await import(pathToFileURL(from.path).href);
}

const subproc = await loadSubproc();

/**
 * subproc's `part` of a case, where there is subproc.
 *
 * @param {(lib: Subproc) => Part} part
 * @returns {Part | null}
 */
function mine(part) {
  return subproc ? part(subproc) : null;
}

/**
 * Spawns `file` and resolves with its exit code.
 *
 * @param {string} file
 * @param {string[]} args
 * @param {import("node:child_process").SpawnOptions} options
 * @returns {Promise<number | null>}
 */
function rawWait(file, args, options) {
  return new Promise((resolve, reject) => {
    const child = nodeSpawn(file, args, options);
    child.once("error", reject);
    child.once("exit", (code) => resolve(code));
  });
}

/**
 * Spawns with stdout/stderr piped and resolves with stdout, as one Buffer.
 *
 * @param {string} file
 * @param {string[]} args
 * @returns {Promise<Buffer>}
 */
function rawCapture(file, args) {
  return new Promise((resolve, reject) => {
    const child = nodeSpawn(file, args, { stdio: ["ignore", "pipe", "pipe"] });
    /** @type {Buffer[]} */
    const out = [];
    child.stdout.on("data", (chunk) => out.push(chunk));
    child.stderr.on("data", () => {});
    child.once("error", reject);
    child.once("close", () => resolve(Buffer.concat(out)));
  });
}

/**
 * 1. Spawn + wait of /bin/true.
 *
 * @param {SamplingParams} p
 * @returns {Promise<Series[]>}
 */
async function spawnCase(p) {
  /** @type {Record<string, Variant>} */
  const raw = {
    raw: () => rawWait("/bin/true", [], { stdio: "inherit" }),
    execa: () => execa("/bin/true", { stdio: "inherit" }),
    "raw.piped": () => rawCapture("/bin/true", []),
    "execa.piped": () => execa("/bin/true"),
  };
  if (isBun) {
    raw["Bun.spawn"] = () =>
      Bun.spawn(["/bin/true"], { stdio: ["inherit", "inherit", "inherit"] })
        .exited;
  }
  const s = await calls.withPart(raw, mine(calls.spawnPart), p);
  return [
    ...labelled(s.raw, {
      raw: '`child_process.spawn(…, {stdio: "inherit"})` until `exit`',
      execa: '`execa(…, {stdio: "inherit"})`',
      "raw.piped": "`child_process.spawn()` piped, until `close`",
      "execa.piped": "`execa(cmd)` (piped, buffered)",
      ...isBun ? { "Bun.spawn": "`Bun.spawn(…).exited`" } : {},
    }),
    ...s.series,
  ];
}

/**
 * 2. Spawn + wait with a new session; 11. the same in a cgroup.
 *
 * @param {SamplingParams & { quiet: SamplingParams & { gapMs: number } }} p
 * @returns {Promise<Series[]>}
 */
async function sessionCase(p) {
  const s = await calls.withPart(
    {
      "raw.detached": () =>
        rawWait("/bin/true", [], { stdio: "inherit", detached: true }),
      "execa.detached": () =>
        execa("/bin/true", { stdio: "inherit", detached: true }),
    },
    mine(calls.sessionPart),
    p,
  );
  return [
    ...labelled(s.raw, {
      "raw.detached": "`child_process.spawn(…, {detached: true})` until `exit`",
      "execa.detached": "`execa(…, {detached: true})`",
    }),
    ...s.series,
    ...subproc ? await calls.quietSpawns(subproc, p.quiet) : [],
  ];
}

/**
 * 3. Detach until the parent may exit (a written pidfile).
 *
 * @param {SamplingParams} p
 * @returns {Promise<Series[]>}
 */
async function detachCase(p) {
  const dir = mkdtempSync(join(tmpdir(), "subproc-bench-"));
  const pidfile = join(dir, "daemon.pid");
  let pid = 0;
  try {
    const s = await calls.withPart(
      {
        "raw.detach": {
          timed: () => {
            const child = nodeSpawn("sleep", ["100000"], {
              stdio: "ignore",
              detached: true,
            });
            child.unref();
            pid = child.pid ?? 0;
            writeFileSync(`${pidfile}.tmp`, `${pid}\n`);
            renameSync(`${pidfile}.tmp`, pidfile);
            return Promise.resolve();
          },
          then: () => calls.endDaemon(pid, pidfile),
        },
      },
      mine((lib) => calls.detachPart(lib, pidfile)),
      { ...p, minMs: Infinity },
    );
    return [
      ...labelled(s.raw, {
        "raw.detach":
          "`child_process.spawn(…, {detached: true})` + `unref()` + pidfile",
      }),
      ...s.series,
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * 4. Stopping a tree.
 *
 * @param {import("./_trees.mjs").TreeParams} p
 * @returns {Promise<Series[]>}
 */
async function treeCase(p) {
  /** @type {Record<string, () => Promise<import("./_sampling.mjs").Outcome>>} */
  const methods = {
    treeKill: () =>
      stopRawTree(p, async (root, members, start) => {
        await new Promise((resolve, reject) =>
          treeKill(
            root,
            "SIGTERM",
            (error) => (error ? reject(error) : resolve(undefined)),
          )
        );
        return await watchEnd(members, start, p.settleMs);
      }),
  };
  if (subproc) {
    methods.killTree = () => stopRawTree(p, calls.killTreeStop(subproc));
  }
  const found = await sampleCostly(methods, p);
  return [
    stopSeries(
      own("tree-kill"),
      "tree-kill `treeKill(pid)` (until the last member is gone)",
      found.treeKill,
      p.size,
    ),
    ...subproc ? [calls.killTreeSeries(found.killTree, p.size)] : [],
  ];
}

/**
 * 5. Capture throughput.
 *
 * @param {SamplingParams & { mib: number, file: string }} p
 * @returns {Promise<Series[]>}
 */
async function captureCase(p) {
  const bytes = p.mib * 1024 * 1024;
  /** @param {number} n */
  const check = (n) => {
    if (n !== bytes) throw new Error(`captured ${n} bytes, expected ${bytes}`);
  };
  const s = await calls.withPart(
    {
      "raw.capture": async () =>
        check((await rawCapture("cat", [p.file])).length),
      "execa.capture": async () =>
        check(
          (await execa("cat", [p.file], {
            encoding: "buffer",
            maxBuffer: 2 * bytes,
            stdin: "ignore",
          })).stdout.length,
        ),
    },
    mine((lib) => calls.capturePart(lib, p.file, check, bytes)),
    p,
  );
  const meta = { bytes };
  return [
    ...labelled(s.raw, {
      "raw.capture": '`child_process.spawn("cat")` + `Buffer.concat`',
      "execa.capture": '`execa("cat", …, {encoding: "buffer"})`',
    }, meta),
    ...s.series,
  ];
}

/**
 * 6. Timeout precision: execa's (it waits for the grandchild holding stdout:
 * fewer repetitions of those), then subproc's.
 *
 * @param {{ reps: number, hangReps: number, hold: number }} p
 * @returns {Promise<Series[]>}
 */
async function timeoutCase(p) {
  /** @type {number[]} */
  const a = [], b = [], c = [], leftB = [], leftC = [];
  /** @param {string[]} argv @param {Record<string, unknown>} options */
  const run = (argv, options) => execa(argv[0] ?? "", argv.slice(1), options);
  for (let i = 0; i < p.reps; i++) {
    a.push(
      await commands.timed(() =>
        run(commands.IGNORES_TERM, { timeout: 200, forceKillAfterDelay: 100 })
      ),
    );
  }
  for (let i = 0; i < p.hangReps; i++) {
    b.push(
      await commands.timed(() =>
        run(commands.holdsStdout(p.hold), { timeout: 200 })
      ),
    );
    leftB.push(commands.holders(p.hold));
    await commands.holdersGone(p.hold);
    c.push(
      await commands.timed(() => run(commands.exitsHoldingStdout(p.hold), {})),
    );
    leftC.push(commands.holders(p.hold));
    await commands.holdersGone(p.hold);
  }
  return [
    series(
      own("execa.timeout.ignoreTerm"),
      "`execa(ignoresTerm, {timeout: 200, forceKillAfterDelay: 100})`",
      a,
      { expectMs: 300 },
    ),
    series(
      own("execa.timeout.grandchild"),
      "`execa(grandchildHoldsStdout, {timeout: 200})`",
      b,
      { expectMs: 200, leftRunning: leftB },
    ),
    series(
      own("execa.exitHoldingStdout"),
      "`execa(exitsGrandchildHoldsStdout)` (no timeout)",
      c,
      { holdMs: p.hold * 1000, leftRunning: leftC },
    ),
    ...subproc ? await calls.timeoutRuns(subproc, p) : [],
  ];
}

/**
 * The line round trip by hand: write a line to `sh`'s stdin, wait for
 * "ready" in its `data` events.
 *
 * @returns {Promise<number>}
 */
function rawLineRoundTrip() {
  return new Promise((resolve, reject) => {
    const [file = "sh", ...args] = commands.ECHO_READY;
    const child = nodeSpawn(file, args, { stdio: ["pipe", "pipe", "ignore"] });
    let seen = "";
    let start = 0;
    child.once("error", reject);
    child.stdout.setEncoding("utf8").on("data", (text) => {
      seen += text;
      if (start === 0 && seen.includes("waiting\n")) {
        start = performance.now();
        child.stdin.write("\n");
      } else if (start !== 0 && seen.includes("ready\n")) {
        const ms = performance.now() - start;
        start = -1;
        child.once("close", () => resolve(ms));
        child.kill("SIGKILL");
      }
    });
  });
}

/** @type {Record<string, (p: any, notes: string[]) => Promise<Series[]>>} */
const CASES = {
  spawn: spawnCase,
  session: sessionCase,
  detach: detachCase,
  tree: treeCase,
  capture: captureCase,
  timeout: timeoutCase,
  ready: (p) =>
    readyCase(subproc, p, {
      fn: rawLineRoundTrip,
      label:
        "by hand: write a line to `sh`'s stdin, wait for `ready` in its `data` events",
    }),
  daemons: async (p) => subproc ? await calls.daemonsCase(subproc, p) : [],
};

process.exit(await runCaseFromArgs(CASES, process.argv.slice(2), notes));
