// The Node and Bun side of the benchmarks: subproc (the npm build) against
// raw `node:child_process`, execa, tree-kill and, under Bun, `Bun.spawn`.
// Run by scripts/compare.ts, under `node` or `bun`:
//
//   node scripts/bench/peers.mjs CASE 'PARAMS-JSON'
//
// prints one JSON line shaped like `CaseOutput` in _stats.ts, whose sampling
// rules (interleave) this file repeats. subproc comes from
// $SUBPROC_NPM_BUILD/mod.js (default: <repo>/.build/npm/package/mod.js);
// without it, Bun imports <repo>/mod.ts and Node skips subproc with a note.

import { spawn as nodeSpawn } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { execa } from "execa";
import treeKill from "tree-kill";

const here = fileURLToPath(new URL(".", import.meta.url));
const repo = join(here, "..", "..");
const isBun = typeof globalThis.Bun !== "undefined";
const RUNTIME = isBun
  ? `bun ${process.versions.bun}`
  : `node ${process.versions.node}`;
const PREFIX = isBun ? "bun" : "node";
const notes = [];

async function loadSubproc() {
  const build = process.env.SUBPROC_NPM_BUILD ??
    join(repo, ".build", "npm", "package");
  const built = join(build, "mod.js");
  if (existsSync(built)) {
    return { lib: await import(pathToFileURL(built).href), from: "npm build" };
  }
  if (isBun) {
    return {
      lib: await import(pathToFileURL(join(repo, "mod.ts")).href),
      from: "mod.ts (no npm build)",
    };
  }
  notes.push(
    `subproc on Node skipped: no npm build at ${built} (run \`deno task build:npm\`)`,
  );
  return { lib: null, from: "" };
}

const { lib: subproc, from: subprocFrom } = await loadSubproc();
if (subproc) {
  notes.push(`subproc on ${RUNTIME} imported from the ${subprocFrom}`);
}

function series(id, label, samples, meta) {
  return {
    id: `${PREFIX}.${id}`,
    label,
    runtime: RUNTIME,
    unit: "ms",
    samples,
    ...(meta ? { meta } : {}),
  };
}

function shuffled(items) {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

/** Same rules as interleave() in _stats.ts. */
async function interleave(variants, p) {
  const names = Object.keys(variants);
  const samples = {};
  const total = {};
  for (const name of names) {
    samples[name] = [];
    total[name] = 0;
    for (let i = 0; i < p.warmup; i++) await variants[name]();
  }
  const enough = (name) =>
    samples[name].length >= p.floorReps &&
    (samples[name].length >= p.minReps || total[name] >= p.minMs);
  const wallEnd = performance.now() + p.maxWallMs;
  while (!names.every(enough) && performance.now() < wallEnd) {
    for (const name of shuffled(names)) {
      for (let i = 0; i < p.block; i++) {
        const start = performance.now();
        await variants[name]();
        const ms = performance.now() - start;
        samples[name].push(ms);
        total[name] += ms;
      }
    }
  }
  return samples;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function rawWait(file, args, options) {
  return new Promise((resolve, reject) => {
    const child = nodeSpawn(file, args, options);
    child.once("error", reject);
    child.once("exit", (code) => resolve(code));
  });
}

/** Spawns with stdout/stderr piped and resolves with stdout, as one Buffer. */
function rawCapture(file, args) {
  return new Promise((resolve, reject) => {
    const child = nodeSpawn(file, args, { stdio: ["ignore", "pipe", "pipe"] });
    const out = [];
    const err = [];
    child.stdout.on("data", (chunk) => out.push(chunk));
    child.stderr.on("data", (chunk) => err.push(chunk));
    child.once("error", reject);
    child.once("close", () => resolve(Buffer.concat(out)));
  });
}

/** 1. Spawn + wait of /bin/true. */
async function spawnCase(p) {
  const variants = {
    raw: () => rawWait("/bin/true", [], { stdio: "inherit" }),
    execa: () => execa("/bin/true", { stdio: "inherit" }),
    rawPiped: () => rawCapture("/bin/true", []),
    execaPiped: () => execa("/bin/true"),
  };
  if (subproc) {
    variants.run = () => subproc.run(["/bin/true"]);
    variants.runNoCleanup = () =>
      subproc.run(["/bin/true"], { cleanup: false });
    variants.runCapture = () => subproc.run(["/bin/true"], { capture: true });
  }
  if (isBun) {
    variants.bunSpawn = () =>
      Bun.spawn(["/bin/true"], { stdio: ["inherit", "inherit", "inherit"] })
        .exited;
  }
  const s = await interleave(variants, p);
  const out = [
    series(
      "raw",
      '`child_process.spawn(…, {stdio: "inherit"})` until `exit`',
      s.raw,
    ),
    series("execa", '`execa(…, {stdio: "inherit"})`', s.execa),
    series(
      "raw.piped",
      "`child_process.spawn()` piped, until `close`",
      s.rawPiped,
    ),
    series("execa.piped", "`execa(cmd)` (piped, buffered)", s.execaPiped),
  ];
  if (subproc) {
    out.push(series("run", "subproc `run(cmd)`", s.run));
    out.push(
      series(
        "run.noCleanup",
        "subproc `run(cmd, {cleanup: false})` (no exit hooks)",
        s.runNoCleanup,
      ),
    );
    out.push(
      series(
        "run.capture",
        "subproc `run(cmd, {capture: true})`",
        s.runCapture,
      ),
    );
  }
  if (isBun) out.push(series("Bun.spawn", "`Bun.spawn(…).exited`", s.bunSpawn));
  return out;
}

/** 2. Spawn + wait with a new session. */
async function sessionCase(p) {
  const variants = {
    raw: () => rawWait("/bin/true", [], { stdio: "inherit", detached: true }),
    execa: () => execa("/bin/true", { stdio: "inherit", detached: true }),
  };
  if (subproc) {
    variants.spawn = () =>
      subproc.spawn(["/bin/true"], { newSession: true }).status;
  }
  const s = await interleave(variants, p);
  const out = [
    series(
      "raw.detached",
      "`child_process.spawn(…, {detached: true})` until `exit`",
      s.raw,
    ),
    series("execa.detached", "`execa(…, {detached: true})`", s.execa),
  ];
  if (subproc) {
    out.push(
      series(
        "spawn.newSession",
        "subproc `spawn(cmd, {newSession: true}).status`",
        s.spawn,
      ),
    );
  }
  return out;
}

function isGone(pid) {
  try {
    const line = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = line[line.lastIndexOf(")") + 2];
    return state === "Z" || state === "X";
  } catch {
    return true;
  }
}

async function killAndWait(pid) {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
  for (let i = 0; i < 2000 && !isGone(pid); i++) await sleep(1);
}

/** 3. Detach until the parent may exit (a written pidfile). */
async function detachCase(p) {
  const dir = mkdtempSync(join(tmpdir(), "subproc-bench-"));
  const pidfile = join(dir, "daemon.pid");
  const variants = {
    raw: () => {
      const child = nodeSpawn("sleep", ["100000"], {
        stdio: "ignore",
        detached: true,
      });
      child.unref();
      writeFileSync(`${pidfile}.tmp`, `${child.pid}\n`);
      renameSync(`${pidfile}.tmp`, pidfile);
      return child.pid;
    },
  };
  if (subproc) {
    variants.detach = async () =>
      (await subproc.detach(["sleep", "100000"], { pidfile })).pid;
  }
  const samples = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  const wrapped = Object.fromEntries(
    Object.entries(variants).map(([name, fn]) => [name, async () => {
      const start = performance.now();
      const pid = await fn();
      samples[name].push(performance.now() - start);
      await killAndWait(pid);
      rmSync(pidfile, { force: true });
    }]),
  );
  try {
    await interleave(wrapped, { ...p, minMs: Infinity });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const out = [
    series(
      "raw.detach",
      "`child_process.spawn(…, {detached: true})` + `unref()` + pidfile",
      samples.raw.slice(p.warmup),
    ),
  ];
  if (subproc) {
    out.push(
      series(
        "detach",
        "subproc `await detach(cmd, {pidfile})`",
        samples.detach.slice(p.warmup),
      ),
    );
  }
  return out;
}

function stat(pid) {
  try {
    const line = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = line.slice(line.lastIndexOf(")") + 2).split(" ");
    return { pid, state: f[0], ppid: Number(f[1]), start: f[19] };
  } catch {
    return null;
  }
}

const live = (row) => row !== null && row.state !== "Z" && row.state !== "X";
const stillRuns = (m) => {
  const now = stat(m.pid);
  return live(now) && now.start === m.start;
};

function descendants(root) {
  const rows = [];
  for (const name of readdirNames("/proc")) {
    const row = stat(Number(name));
    if (live(row)) rows.push(row);
  }
  const children = new Map();
  for (const row of rows) {
    if (!children.has(row.ppid)) children.set(row.ppid, []);
    children.get(row.ppid).push(row);
  }
  const found = rows.filter((r) => r.pid === root);
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.pop()) ?? []) {
      found.push(child);
      queue.push(child.pid);
    }
  }
  return found;
}

function readdirNames(dir) {
  return readdirSync(dir).filter((n) =>
    n.charCodeAt(0) >= 48 && n.charCodeAt(0) <= 57
  );
}

async function watchEnd(members, start, settleMs) {
  let left = members.filter(stillRuns);
  let lastEnd = performance.now();
  while (left.length > 0) {
    await sleep(1);
    const now = left.filter(stillRuns);
    const t = performance.now();
    if (now.length < left.length) lastEnd = t;
    left = now;
    if (t - lastEnd > settleMs) break;
  }
  return { ms: lastEnd - start, survivors: left };
}

async function killAll(members) {
  for (let round = 0; round < 100; round++) {
    const left = members.filter(stillRuns);
    if (left.length === 0) return;
    for (const m of left) {
      try {
        process.kill(m.pid, "SIGKILL");
      } catch {
        // gone meanwhile
      }
    }
    await sleep(10);
  }
  throw new Error("Could not clean up the benchmark tree");
}

/** 4. Stopping a tree. */
async function treeCase(p) {
  const methods = {
    treeKill: async (root, members, start) => {
      await new Promise((resolve, reject) =>
        treeKill(
          root,
          "SIGTERM",
          (error) => (error ? reject(error) : resolve()),
        )
      );
      return await watchEnd(members, start, p.settleMs);
    },
  };
  if (subproc) {
    methods.killTree = async (root, members, start) => {
      await subproc.killTree(root);
      return {
        ms: performance.now() - start,
        survivors: members.filter(stillRuns),
      };
    };
  }
  const samples = {};
  const survivors = {};
  for (const name of Object.keys(methods)) {
    samples[name] = [];
    survivors[name] = [];
  }
  const done = (name) => {
    const n = samples[name].length;
    const total = samples[name].reduce((a, b) => a + b, 0);
    return n >= p.maxReps ||
      (n >= p.floorReps && (n >= p.minReps || total >= p.minMs));
  };
  const names = Object.keys(methods);
  while (!names.every(done)) {
    for (const name of shuffled(names.filter((n) => !done(n)))) {
      const root = nodeSpawn(join(here, "tree.sh"), p.shape.map(String), {
        stdio: "ignore",
        detached: true,
      });
      const exited = new Promise((resolve) => root.once("exit", resolve));
      let members = [];
      try {
        const deadline = performance.now() + 20_000;
        while ((members = descendants(root.pid)).length < p.size) {
          if (performance.now() > deadline) throw new Error("tree not built");
          await sleep(5);
        }
        await sleep(20);
        members = descendants(root.pid);
        const start = performance.now();
        const end = await methods[name](root.pid, members, start);
        samples[name].push(end.ms);
        survivors[name].push(end.survivors.length);
      } finally {
        await killAll(members);
        await exited;
      }
    }
  }
  const out = [
    series(
      "tree-kill",
      "tree-kill `treeKill(pid)` (until the last member is gone)",
      samples.treeKill,
      {
        survivors: survivors.treeKill,
        treeSize: p.size,
      },
    ),
  ];
  if (subproc) {
    out.push(
      series(
        "killTree",
        "subproc `await killTree(pid)` (until it resolves)",
        samples.killTree,
        {
          survivors: survivors.killTree,
          treeSize: p.size,
        },
      ),
    );
  }
  return out;
}

/** 5. Capture throughput. */
async function captureCase(p) {
  const bytes = p.mib * 1024 * 1024;
  const check = (n) => {
    if (n !== bytes) throw new Error(`captured ${n} bytes, expected ${bytes}`);
  };
  const variants = {
    raw: async () => check((await rawCapture("cat", [p.file])).length),
    execa: async () =>
      check(
        (await execa("cat", [p.file], {
          encoding: "buffer",
          maxBuffer: 2 * bytes,
          stdin: "ignore",
        })).stdout.length,
      ),
  };
  if (subproc) {
    variants.run = async () =>
      check(
        (await subproc.run(["cat", p.file], {
          capture: "bytes",
          maxBuffer: 2 * bytes,
          stdin: "null",
        })).stdout.byteLength,
      );
  }
  const s = await interleave(variants, p);
  const meta = { bytes };
  const out = [
    series(
      "raw.capture",
      '`child_process.spawn("cat")` + `Buffer.concat`',
      s.raw,
      meta,
    ),
    series(
      "execa.capture",
      '`execa("cat", …, {encoding: "buffer"})`',
      s.execa,
      meta,
    ),
  ];
  if (subproc) {
    out.push(
      series(
        "run.bytes",
        'subproc `run(["cat", file], {capture: "bytes"})`',
        s.run,
        meta,
      ),
    );
  }
  return out;
}

const IGNORES_TERM = ["sh", "-c", "trap '' TERM; exec sleep 30"];
const holdsStdout = (hold) => ["sh", "-c", `sleep ${hold} & exec sleep 30`];
const exitsHoldingStdout = (
  hold,
) => ["sh", "-c", `sleep ${hold} & echo started`];

/** Live `sleep HOLD` processes: grandchildren a timeout left running. */
function holders(hold, kill = false) {
  let count = 0;
  for (const name of readdirNames("/proc")) {
    try {
      if (
        readFileSync(`/proc/${name}/cmdline`, "utf8") === `sleep\0${hold}\0`
      ) {
        if (live(stat(Number(name)))) {
          count++;
          if (kill) process.kill(Number(name), "SIGKILL");
        }
      }
    } catch {
      // gone
    }
  }
  return count;
}

async function timed(fn) {
  const start = performance.now();
  try {
    await fn();
  } catch (error) {
    if (!error?.timedOut && error?.name !== "TimeoutExpiredError") throw error;
  }
  return performance.now() - start;
}

/** 6. Timeout precision. */
async function timeoutCase(p) {
  const s = {
    execaA: [],
    execaB: [],
    execaC: [],
    runA: [],
    runB: [],
    runC: [],
  };
  const left = { execaB: [], runB: [], execaC: [], runC: [] };
  const [cfile, ...cargs] = exitsHoldingStdout(p.hold);
  const [file, ...args] = IGNORES_TERM;
  const [bfile, ...bargs] = holdsStdout(p.hold);
  for (let i = 0; i < p.reps; i++) {
    s.execaA.push(
      await timed(() =>
        execa(file, args, { timeout: 200, forceKillAfterDelay: 100 })
      ),
    );
    if (subproc) {
      s.runA.push(
        await timed(() =>
          subproc.run(IGNORES_TERM, { timeout: 200, grace: 100, capture: true })
        ),
      );
      s.runB.push(
        await timed(() =>
          subproc.run(holdsStdout(p.hold), { timeout: 200, capture: true })
        ),
      );
      left.runB.push(holders(p.hold));
      while (holders(p.hold, true) > 0) await sleep(5);
    }
  }
  // execa waits for the grandchild here (HOLD s): fewer repetitions.
  for (let i = 0; i < p.hangReps; i++) {
    s.execaB.push(await timed(() => execa(bfile, bargs, { timeout: 200 })));
    left.execaB.push(holders(p.hold));
    while (holders(p.hold, true) > 0) await sleep(5);
    s.execaC.push(await timed(() => execa(cfile, cargs)));
    left.execaC.push(holders(p.hold));
    while (holders(p.hold, true) > 0) await sleep(5);
    if (subproc) {
      s.runC.push(
        await timed(() =>
          subproc.run(exitsHoldingStdout(p.hold), { capture: true })
        ),
      );
      left.runC.push(holders(p.hold));
      while (holders(p.hold, true) > 0) await sleep(5);
    }
  }
  const out = [
    series(
      "execa.timeout.ignoreTerm",
      "`execa(ignoresTerm, {timeout: 200, forceKillAfterDelay: 100})`",
      s.execaA,
      { expectMs: 300 },
    ),
    series(
      "execa.timeout.grandchild",
      "`execa(grandchildHoldsStdout, {timeout: 200})`",
      s.execaB,
      { expectMs: 200, leftRunning: left.execaB },
    ),
    series(
      "execa.exitHoldingStdout",
      "`execa(exitsGrandchildHoldsStdout)` (no timeout)",
      s.execaC,
      { holdMs: p.hold * 1000, leftRunning: left.execaC },
    ),
  ];
  if (subproc) {
    out.push(
      series(
        "run.timeout.ignoreTerm",
        "subproc `run(ignoresTerm, {timeout: 200, grace: 100})`",
        s.runA,
        { expectMs: 300 },
      ),
    );
    out.push(
      series(
        "run.timeout.grandchild",
        "subproc `run(grandchildHoldsStdout, {timeout: 200})`",
        s.runB,
        { expectMs: 200, leftRunning: left.runB },
      ),
    );
    out.push(
      series(
        "run.exitHoldingStdout",
        "subproc `run(exitsGrandchildHoldsStdout, {capture: true})` (no timeout)",
        s.runC,
        { holdMs: p.hold * 1000, leftRunning: left.runC },
      ),
    );
  }
  return out;
}

/** Writes "waiting", then "ready" once a line comes in on stdin. */
const ECHO_READY = [
  "sh",
  "-c",
  "echo waiting; read x; echo ready; exec sleep 30",
];

/** The line round trip by hand: write a line to `sh`'s stdin, wait for
 * "ready" in its `data` events. */
function rawLineRoundTrip() {
  return new Promise((resolve, reject) => {
    const [file, ...args] = ECHO_READY;
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

/** Reads `reader` until what was read contains `text`. */
async function readUntil(reader, text) {
  const decoder = new TextDecoder();
  let seen = "";
  while (!seen.includes(text)) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`the stream ended before ${text}`);
    seen += decoder.decode(value, { stream: true });
  }
}

/** The same round trip through `ready: { line }`: from the write until
 * `child.ready` resolves. */
async function readyLineRoundTrip() {
  const child = subproc.spawn(ECHO_READY, {
    stdin: "pipe",
    stdout: "pipe",
    stderr: "null",
    ready: { line: "ready" },
  });
  const reader = child.stdout.getReader();
  await readUntil(reader, "waiting\n");
  reader.releaseLock();
  const writer = child.stdin.getWriter();
  const start = performance.now();
  await writer.write(new TextEncoder().encode("\n"));
  await child.ready;
  const ms = performance.now() - start;
  writer.releaseLock();
  await child[Symbol.asyncDispose]();
  return ms;
}

/** A port nothing listens on (the kernel's pick, released). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** From the moment `port` accepts (we listen on it, at a random point of
 * the poll cycle) until `ready: { port }` of a child resolves. */
async function readyPortLatency(interval) {
  const port = await freePort();
  const child = subproc.spawn(["sleep", "30"], { ready: { port, interval } });
  await sleep(interval / 2 + Math.random() * interval);
  const server = createServer((socket) => socket.destroy());
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  const start = performance.now();
  await child.ready;
  const ms = performance.now() - start;
  await new Promise((resolve) => server.close(resolve));
  await child.stop();
  return ms;
}

/** 8. Readiness latency. */
async function readyCase(p) {
  const line = { raw: [], ready: [] };
  const variants = { raw: rawLineRoundTrip };
  if (subproc) variants.ready = readyLineRoundTrip;
  for (let i = -p.warmup; i < p.lineReps; i++) {
    for (const name of shuffled(Object.keys(variants))) {
      const ms = await variants[name]();
      if (i >= 0) line[name].push(ms);
    }
  }
  const out = [
    series(
      "raw.line",
      "by hand: write a line to `sh`'s stdin, wait for `ready` in its `data` events",
      line.raw,
    ),
  ];
  if (!subproc) return out;
  const port = [];
  for (let i = 0; i < p.portReps; i++) {
    port.push(await readyPortLatency(p.interval));
  }
  out.push(
    series(
      "ready.line",
      'subproc `spawn(cmd, {stdout: "pipe", ready: {line}})`: from the write until `child.ready` resolves',
      line.ready,
    ),
    series(
      "ready.port",
      `subproc \`ready: {port, interval: ${p.interval}}\`: from \`listen()\` until \`child.ready\` resolves`,
      port,
      { interval: p.interval },
    ),
  );
  return out;
}

const cases = {
  spawn: spawnCase,
  session: sessionCase,
  detach: detachCase,
  tree: treeCase,
  capture: captureCase,
  timeout: timeoutCase,
  ready: readyCase,
};

const [name, json] = process.argv.slice(2);
const fn = cases[name];
if (!fn) {
  console.error(
    `Unknown case ${JSON.stringify(name)}: one of ${
      Object.keys(cases).join(", ")
    }`,
  );
  process.exit(2);
}
const result = await fn(JSON.parse(json ?? "{}"));
console.log(
  JSON.stringify({ case: name, runtime: RUNTIME, series: result, notes }),
);
process.exit(0);
