/**
 * The Deno side of the benchmarks: subproc against raw `Deno.Command`, one
 * case per process. Run by `scripts/bench.ts`:
 *
 *   deno run -A scripts/bench/deno_cases.ts CASE 'PARAMS-JSON'
 *
 * prints one {@linkcode CaseOutput} JSON line on stdout. Every process a case
 * starts is gone when it returns.
 *
 * @module
 */

import {
  detach,
  killTree,
  run,
  spawn,
  TimeoutExpiredError,
} from "../../mod.ts";
import {
  descendants,
  killAll,
  sleep,
  type Stat,
  stat,
  stillRuns,
  waitForTree,
  watchEnd,
} from "./_procfs.ts";
import { startupCase } from "./startup.ts";
import {
  type CaseOutput,
  interleave,
  type SamplingParams,
  type Series,
  shuffled,
} from "./_stats.ts";

const RUNTIME = `deno ${Deno.version.deno}`;
const INHERIT = {
  stdin: "inherit",
  stdout: "inherit",
  stderr: "inherit",
} as const;
const here = new URL(".", import.meta.url).pathname;

function series(
  id: string,
  label: string,
  samples: number[],
  meta?: Record<string, unknown>,
): Series {
  return {
    id,
    label,
    runtime: RUNTIME,
    unit: "ms",
    samples,
    ...(meta ? { meta } : {}),
  };
}

/** 1. Spawn + wait of /bin/true. */
async function spawnCase(p: SamplingParams): Promise<CaseOutput> {
  const s = await interleave({
    raw: () => new Deno.Command("/bin/true", INHERIT).output(),
    run: () => run(["/bin/true"]),
    runNoCleanup: () => run(["/bin/true"], { cleanup: false }),
    rawPiped: () => new Deno.Command("/bin/true").output(),
    runCapture: () => run(["/bin/true"], { capture: true }),
  }, p);
  return {
    case: "spawn",
    runtime: RUNTIME,
    series: [
      series(
        "deno.raw",
        "`new Deno.Command(…, {stdio: inherit}).output()`",
        s.raw!,
      ),
      series("deno.run", "`run(cmd)`", s.run!),
      series(
        "deno.run.noCleanup",
        "`run(cmd, {cleanup: false})` (no exit hooks)",
        s.runNoCleanup!,
      ),
      series(
        "deno.raw.piped",
        "`new Deno.Command(cmd).output()` (stdout, stderr piped)",
        s.rawPiped!,
      ),
      series("deno.run.capture", "`run(cmd, {capture: true})`", s.runCapture!),
    ],
    notes: [],
  };
}

/** 2. Spawn + wait with a new session. */
async function sessionCase(p: SamplingParams): Promise<CaseOutput> {
  const s = await interleave({
    raw: async () => {
      await new Deno.Command("/bin/true", { ...INHERIT, detached: true })
        .spawn().status;
    },
    spawn: () => spawn(["/bin/true"], { newSession: true }).status,
  }, p);
  return {
    case: "session",
    runtime: RUNTIME,
    series: [
      series(
        "deno.raw.detached",
        "`new Deno.Command(…, {detached: true}).spawn().status`",
        s.raw!,
      ),
      series(
        "deno.spawn.newSession",
        "`spawn(cmd, {newSession: true}).status`",
        s.spawn!,
      ),
    ],
    notes: [],
  };
}

/** Waits until `pid` is gone (zombies count as gone). */
async function gone(pid: number): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    try {
      const line = Deno.readTextFileSync(`/proc/${pid}/stat`);
      const state = line.slice(
        line.lastIndexOf(")") + 2,
        line.lastIndexOf(")") + 3,
      );
      if (state === "Z" || state === "X") return;
    } catch {
      return;
    }
    await sleep(1);
  }
  throw new Error(`process ${pid} did not end`);
}

/** 3. detach() until the parent may exit: a written pidfile. */
async function detachCase(p: SamplingParams): Promise<CaseOutput> {
  const dir = Deno.makeTempDirSync({ prefix: "subproc-bench-" });
  const pidfile = `${dir}/daemon.pid`;
  const started: number[] = [];
  const variants = {
    raw: () => {
      const child = new Deno.Command("sleep", {
        args: ["100000"],
        stdin: "null",
        stdout: "null",
        stderr: "null",
        detached: true,
      }).spawn();
      child.unref();
      Deno.writeTextFileSync(`${pidfile}.tmp`, `${child.pid}\n`);
      Deno.renameSync(`${pidfile}.tmp`, pidfile);
      started.push(child.pid);
      return Promise.resolve();
    },
    rawFsync: () => {
      const child = new Deno.Command("sleep", {
        args: ["100000"],
        stdin: "null",
        stdout: "null",
        stderr: "null",
        detached: true,
      }).spawn();
      child.unref();
      using file = Deno.openSync(`${pidfile}.tmp`, {
        write: true,
        createNew: true,
      });
      file.writeSync(new TextEncoder().encode(`${child.pid}\n`));
      file.syncSync();
      Deno.renameSync(`${pidfile}.tmp`, pidfile);
      started.push(child.pid);
      return Promise.resolve();
    },
    detach: async () => {
      const daemon = await detach(["sleep", "100000"], { pidfile });
      started.push(daemon.pid);
    },
  };
  // Each call is followed, untimed, by stopping the daemon it started:
  // interleave() times the whole; `samples` gets the timed part alone.
  const samples: Record<string, number[]> = {
    raw: [],
    rawFsync: [],
    detach: [],
  };
  const wrapped = Object.fromEntries(
    Object.entries(variants).map(([name, fn]) => [name, async () => {
      const start = performance.now();
      await fn();
      samples[name]!.push(performance.now() - start);
      const pid = started.pop()!;
      Deno.kill(pid, "SIGKILL");
      await gone(pid);
      Deno.removeSync(pidfile);
    }]),
  );
  try {
    await interleave(wrapped, { ...p, minMs: Infinity });
  } finally {
    for (const pid of started) {
      try {
        Deno.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    Deno.removeSync(dir, { recursive: true });
  }
  // The first `warmup` calls of each were warm-up.
  const drop = p.warmup;
  return {
    case: "detach",
    runtime: RUNTIME,
    series: [
      series(
        "deno.raw.detach",
        "`Deno.Command({detached: true}).spawn()` + `unref()` + pidfile (temp + rename)",
        samples.raw!.slice(drop),
      ),
      series(
        "deno.raw.detach.fsync",
        "the same, the pidfile `fsync`ed before the rename (as `Pidfile.write()` does)",
        samples.rawFsync!.slice(drop),
      ),
      series(
        "deno.detach",
        "`await detach(cmd, {pidfile})`",
        samples.detach!.slice(drop),
      ),
    ],
    notes: [],
  };
}

/** Parameters of the tree case. */
interface TreeParams {
  /** Each method is done at `minReps` samples or `minMs` of them, with at
   * least `floorReps` and at most `maxReps` (each needs a fresh tree). */
  minReps: number;
  minMs: number;
  floorReps: number;
  maxReps: number;
  /** `tree.sh` arguments: escapes, then fan-outs. */
  shape: number[];
  /** Expected size of the tree. */
  size: number;
  /** A method whose survivor count stays the same this long is done. */
  settleMs: number;
}

async function buildTree(p: TreeParams): Promise<{
  root: Deno.ChildProcess;
  members: Stat[];
}> {
  const root = new Deno.Command(`${here}tree.sh`, {
    args: p.shape.map(String),
    stdin: "null",
    stdout: "null",
    stderr: "null",
    detached: true,
  }).spawn();
  await waitForTree(root.pid, p.size);
  // Let the shells settle into `wait`.
  await sleep(20);
  return { root, members: descendants(root.pid) };
}

/** 4. Stopping a tree of processes. */
async function treeCase(p: TreeParams): Promise<CaseOutput> {
  const methods: Record<
    string,
    (root: number, members: Stat[], start: number) => Promise<{
      ms: number;
      survivors: Stat[];
    }>
  > = {
    killTree: async (root, members, start) => {
      await killTree(root);
      const ms = performance.now() - start;
      return { ms, survivors: members.filter(stillRuns) };
    },
    pkill: async (root, members, start) => {
      await new Deno.Command("pkill", { args: ["-g", String(root)] }).output();
      return await watchEnd(members, start, p.settleMs);
    },
    killGroup: async (root, members, start) => {
      Deno.kill(-root, "SIGTERM");
      return await watchEnd(members, start, p.settleMs);
    },
  };
  const samples: Record<string, number[]> = {};
  const survivors: Record<string, number[]> = {};
  for (const name of Object.keys(methods)) {
    samples[name] = [];
    survivors[name] = [];
  }
  const done = (name: string) => {
    const n = samples[name]!.length;
    const total = samples[name]!.reduce((a, b) => a + b, 0);
    return n >= p.maxReps ||
      (n >= p.floorReps && (n >= p.minReps || total >= p.minMs));
  };
  const names = Object.keys(methods);
  while (!names.every(done)) {
    for (const name of shuffled(names.filter((n) => !done(n)))) {
      const { root, members } = await buildTree(p);
      try {
        const start = performance.now();
        const end = await methods[name]!(root.pid, members, start);
        samples[name]!.push(end.ms);
        survivors[name]!.push(end.survivors.length);
      } finally {
        await killAll(members);
        await root.status;
      }
    }
  }
  const meta = (name: string) => ({
    survivors: survivors[name],
    treeSize: p.size,
  });
  return {
    case: "tree",
    runtime: RUNTIME,
    series: [
      series(
        "deno.killTree",
        "`await killTree(pid)` (until it resolves)",
        samples.killTree!,
        meta("killTree"),
      ),
      series(
        "pkill-g",
        "`pkill -g PGID` (until the last reachable member is gone)",
        samples.pkill!,
        meta("pkill"),
      ),
      series(
        "kill-pgid",
        "`kill(-PGID, SIGTERM)` syscall = `kill -- -PGID` (until the last reachable member is gone)",
        samples.killGroup!,
        meta("killGroup"),
      ),
    ],
    notes: [],
  };
}

/** Parameters of the capture case. */
interface CaptureParams extends SamplingParams {
  /** MiB written through stdout per call. */
  mib: number;
  /** A file of `mib` MiB to send (made by bench.ts, in the page cache). */
  file: string;
}

/** 5. Capture throughput. */
async function captureCase(p: CaptureParams): Promise<CaseOutput> {
  const bytes = p.mib * 1024 * 1024;
  const check = (n: number) => {
    if (n !== bytes) throw new Error(`captured ${n} bytes, expected ${bytes}`);
  };
  const s = await interleave({
    raw: async () => {
      const out = await new Deno.Command("cat", {
        args: [p.file],
        stdin: "null",
      }).output();
      check(out.stdout.byteLength);
    },
    run: async () => {
      const out = await run(["cat", p.file], {
        capture: "bytes",
        stdin: "null",
        maxBuffer: 2 * bytes,
      });
      check(out.stdout.byteLength);
    },
    devnull: () =>
      new Deno.Command("sh", {
        args: ["-c", 'cat "$1" > /dev/null', "sh", p.file],
      }).output(),
  }, p);
  const meta = { bytes };
  return {
    case: "capture",
    runtime: RUNTIME,
    series: [
      series(
        "deno.raw.capture",
        '`new Deno.Command("cat", …).output()`',
        s.raw!,
        meta,
      ),
      series(
        "deno.run.bytes",
        '`run(["cat", file], {capture: "bytes", maxBuffer})`',
        s.run!,
        meta,
      ),
      series(
        "cat-devnull",
        "`cat file > /dev/null` (no pipe: the limit)",
        s.devnull!,
        meta,
      ),
    ],
    notes: [],
  };
}

/** Parameters of the timeout case. */
interface TimeoutParams {
  /** Repetitions of the bounded scenarios. */
  reps: number;
  /** Repetitions of the one where a peer hangs for `hold` s. */
  hangReps: number;
  /** How long the grandchild holds stdout, in seconds (a value no other
   * process uses: the leftover count looks for `sleep HOLD`). */
  hold: number;
}

/** The commands of the timeout case (peers.mjs and peers.py use the same). */
const IGNORES_TERM = ["sh", "-c", "trap '' TERM; exec sleep 30"];
const holdsStdout = (hold: number) => [
  "sh",
  "-c",
  `sleep ${hold} & exec sleep 30`,
];
const exitsHoldingStdout = (hold: number) => [
  "sh",
  "-c",
  `sleep ${hold} & echo started`,
];

/** Live `sleep HOLD` processes: grandchildren left running. */
function holders(hold: number, kill = false): number {
  let count = 0;
  for (const entry of Deno.readDirSync("/proc")) {
    try {
      const cmdline = Deno.readTextFileSync(`/proc/${entry.name}/cmdline`);
      const pid = Number(entry.name);
      if (cmdline === `sleep\0${hold}\0` && stillRunsPid(pid)) {
        count++;
        if (kill) Deno.kill(pid, "SIGKILL");
      }
    } catch {
      // not a process, or gone
    }
  }
  return count;
}

function stillRunsPid(pid: number): boolean {
  const row = stat(pid);
  return row !== null && row.state !== "Z" && row.state !== "X";
}

/** Ends the grandchildren a run left running (untimed). */
async function holdersGone(hold: number): Promise<void> {
  while (holders(hold, true) > 0) await sleep(5);
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  try {
    await fn();
  } catch (error) {
    if (!(error instanceof TimeoutExpiredError)) throw error;
  }
  return performance.now() - start;
}

/** 6. Timeout precision. */
async function timeoutCase(p: TimeoutParams): Promise<CaseOutput> {
  const a: number[] = [];
  const b: number[] = [];
  const c: number[] = [];
  const leftB: number[] = [];
  const leftC: number[] = [];
  for (let i = 0; i < p.reps; i++) {
    a.push(
      await timed(() =>
        run(IGNORES_TERM, { timeout: 200, grace: 100, capture: true })
      ),
    );
    b.push(
      await timed(() =>
        run(holdsStdout(p.hold), { timeout: 200, capture: true })
      ),
    );
    leftB.push(holders(p.hold));
    await holdersGone(p.hold);
  }
  for (let i = 0; i < p.hangReps; i++) {
    c.push(
      await timed(() => run(exitsHoldingStdout(p.hold), { capture: true })),
    );
    leftC.push(holders(p.hold));
    await holdersGone(p.hold);
  }
  return {
    case: "timeout",
    runtime: RUNTIME,
    series: [
      series(
        "deno.run.timeout.ignoreTerm",
        "`run(ignoresTerm, {timeout: 200, grace: 100, capture: true})`",
        a,
        { expectMs: 300 },
      ),
      series(
        "deno.run.timeout.grandchild",
        "`run(grandchildHoldsStdout, {timeout: 200, capture: true})`",
        b,
        { expectMs: 200, leftRunning: leftB },
      ),
      series(
        "deno.run.exitHoldingStdout",
        "`run(exitsGrandchildHoldsStdout, {capture: true})` (no timeout; `drainTimeout` 500 ms)",
        c,
        { holdMs: p.hold * 1000, leftRunning: leftC },
      ),
    ],
    notes: [],
  };
}

/** Parameters of the memory case. */
interface MemoryParams {
  children: number;
  variant: "raw" | "spawn";
}

function rssMiB(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)![1]);
  return kb / 1024;
}

/** 7. Parent RSS with many live children (one variant per process). */
async function memoryCase(p: MemoryParams): Promise<CaseOutput> {
  const cmd = ["sleep", "100000"];
  // Warm up the code path once, so that both variants pay for loading.
  if (p.variant === "raw") {
    await new Deno.Command("/bin/true").spawn().status;
  } else {
    await spawn(["/bin/true"]).status;
  }
  const before = rssMiB();
  const stops: Array<() => Promise<unknown>> = [];
  try {
    for (let i = 0; i < p.children; i++) {
      if (p.variant === "raw") {
        const child = new Deno.Command(cmd[0]!, { args: cmd.slice(1) }).spawn();
        stops.push(() => {
          child.kill("SIGKILL");
          return child.status;
        });
      } else {
        const child = spawn(cmd);
        stops.push(() => {
          child.kill("SIGKILL");
          return child.status;
        });
      }
    }
    await sleep(200);
    const after = rssMiB();
    const id = p.variant === "raw" ? "deno.raw.memory" : "deno.spawn.memory";
    const label = p.variant === "raw"
      ? `${p.children} × \`new Deno.Command(…).spawn()\``
      : `${p.children} × \`spawn(cmd)\``;
    return {
      case: "memory",
      runtime: RUNTIME,
      series: [{
        id,
        label,
        runtime: RUNTIME,
        unit: "MiB",
        samples: [after],
        meta: { before: [before], children: p.children },
      }],
      notes: [],
    };
  } finally {
    await Promise.all(stops.map((stop) => stop()));
  }
}

/** Parameters of the readiness case. */
interface ReadyParams {
  /** Samples of each line variant (each starts a fresh `sh`). */
  lineReps: number;
  /** Samples of the port latency (each takes about `interval`). */
  portReps: number;
  /** Unrecorded samples of each first. */
  warmup: number;
  /** `ready.interval` of the port case. */
  interval: number;
}

/** Writes "waiting", then "ready" once a line comes in on stdin. */
const ECHO_READY = [
  "sh",
  "-c",
  "echo waiting; read x; echo ready; exec sleep 30",
];
const NEWLINE = new TextEncoder().encode("\n");

/** Reads `reader` until what was read contains `text`. */
async function readUntil(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  text: string,
): Promise<void> {
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

/** The line round trip by hand: write a line to the child's stdin, read its
 * stdout until "ready". */
async function rawLineRoundTrip(): Promise<number> {
  const child = new Deno.Command(ECHO_READY[0]!, {
    args: ECHO_READY.slice(1),
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.getReader();
  await readUntil(reader, "waiting\n");
  const writer = child.stdin.getWriter();
  const start = performance.now();
  await writer.write(NEWLINE);
  await readUntil(reader, "ready\n");
  const ms = performance.now() - start;
  child.kill("SIGKILL");
  await child.status;
  await reader.cancel();
  await writer.close().catch(() => {});
  return ms;
}

/** The same round trip through `ready: { line }`: from the write until
 * `child.ready` resolves. */
async function readyLineRoundTrip(): Promise<number> {
  const child = spawn(ECHO_READY, {
    stdin: "pipe",
    stdout: "pipe",
    stderr: "null",
    ready: { line: "ready" },
  });
  const reader = child.stdout!.getReader();
  await readUntil(reader, "waiting\n");
  reader.releaseLock();
  const writer = child.stdin!.getWriter();
  const start = performance.now();
  await writer.write(NEWLINE);
  await child.ready;
  const ms = performance.now() - start;
  writer.releaseLock();
  await child[Symbol.asyncDispose]();
  return ms;
}

/** A port nothing listens on (the kernel's pick, released). */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** From the moment `port` accepts (we listen on it, at a random point of
 * the poll cycle) until `ready: { port }` of a child resolves. */
async function readyPortLatency(interval: number): Promise<number> {
  const port = freePort();
  const child = spawn(["sleep", "30"], { ready: { port, interval } });
  await sleep(interval / 2 + Math.random() * interval);
  const listener = Deno.listen({ hostname: "127.0.0.1", port });
  const start = performance.now();
  await child.ready;
  const ms = performance.now() - start;
  listener.close();
  await child.stop();
  return ms;
}

/** 8. Readiness latency. */
async function readyCase(p: ReadyParams): Promise<CaseOutput> {
  const line: Record<string, number[]> = { raw: [], ready: [] };
  const variants: Record<string, () => Promise<number>> = {
    raw: rawLineRoundTrip,
    ready: readyLineRoundTrip,
  };
  for (let i = -p.warmup; i < p.lineReps; i++) {
    for (const name of shuffled(Object.keys(variants))) {
      const ms = await variants[name]!();
      if (i >= 0) line[name]!.push(ms);
    }
  }
  const port: number[] = [];
  for (let i = 0; i < p.portReps; i++) {
    port.push(await readyPortLatency(p.interval));
  }
  return {
    case: "ready",
    runtime: RUNTIME,
    series: [
      series(
        "deno.raw.line",
        "by hand: write a line to `sh`'s stdin, read its stdout until `ready`",
        line.raw!,
      ),
      series(
        "deno.ready.line",
        '`spawn(cmd, {stdout: "pipe", ready: {line}})`: from the write until `child.ready` resolves',
        line.ready!,
      ),
      series(
        "deno.ready.port",
        `\`ready: {port, interval: ${p.interval}}\`: from \`listen()\` until \`child.ready\` resolves`,
        port,
        { interval: p.interval },
      ),
    ],
    notes: [],
  };
}

if (import.meta.main) {
  const [name, json] = Deno.args;
  const params = JSON.parse(json ?? "{}");
  const cases: Record<string, (p: never) => Promise<CaseOutput>> = {
    spawn: spawnCase,
    session: sessionCase,
    detach: detachCase,
    tree: treeCase,
    capture: captureCase,
    timeout: timeoutCase,
    memory: memoryCase,
    startup: startupCase,
    ready: readyCase,
  };
  const fn = cases[name ?? ""];
  if (!fn) {
    console.error(
      `Unknown case ${JSON.stringify(name)}: one of ${
        Object.keys(cases).join(", ")
      }`,
    );
    Deno.exit(2);
  }
  const out = await fn(params as never);
  console.log(JSON.stringify(out));
}
