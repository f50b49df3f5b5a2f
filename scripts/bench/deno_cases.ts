/**
 * The Deno side of the benchmarks: subproc against raw `Deno.Command`, one
 * case per process. Run by `scripts/bench/main.ts`:
 *
 *   deno run -A scripts/bench/deno_cases.ts CASE 'PARAMS-JSON'
 *
 * prints one {@linkcode CaseOutput} JSON line on stdout. Every process a case
 * starts is gone when it returns. subproc's own calls are those of every
 * runtime (`_subproc_calls.mjs`); this file adds Deno's raw calls.
 *
 * @module
 */

import * as subproc from "../../mod.ts";
import { sleep, watchEnd } from "./_procfs.mjs";
import { startupCase } from "./startup.ts";
import {
  labelled,
  runCaseFromArgs,
  sampleCostly,
  series,
} from "./_sampling.mjs";
import type { SamplingParams, Series } from "./_stats.ts";
import {
  capturePart,
  daemonsCase,
  detachPart,
  endDaemon,
  killTreeSeries,
  killTreeStop,
  quietSpawns,
  sessionPart,
  spawnPart,
  timeoutRuns,
  withPart,
} from "./_subproc_calls.mjs";
import { readyCase, type ReadyParams } from "./_ready.mjs";
import { stopRawTree, stopSeries, type TreeParams } from "./_trees.mjs";
import { ECHO_READY, readUntil } from "./_commands.mjs";

const INHERIT = {
  stdin: "inherit",
  stdout: "inherit",
  stderr: "inherit",
} as const;

/** 1. Spawn + wait of /bin/true. */
async function spawnCase(p: SamplingParams): Promise<Series[]> {
  const s = await withPart(
    {
      raw: () => new Deno.Command("/bin/true", INHERIT).output(),
      "raw.piped": () => new Deno.Command("/bin/true").output(),
    },
    spawnPart(subproc),
    p,
  );
  return [
    ...labelled(s.raw, {
      raw: "`new Deno.Command(…, {stdio: inherit}).output()`",
      "raw.piped": "`new Deno.Command(cmd).output()` (stdout, stderr piped)",
    }),
    ...s.series,
  ];
}

/** 2. Spawn + wait with a new session; 11. the same in a cgroup. */
async function sessionCase(
  p: SamplingParams & { quiet: SamplingParams & { gapMs: number } },
): Promise<Series[]> {
  const s = await withPart(
    {
      "raw.detached": async () => {
        await new Deno.Command("/bin/true", { ...INHERIT, detached: true })
          .spawn().status;
      },
    },
    sessionPart(subproc),
    p,
  );
  return [
    ...labelled(s.raw, {
      "raw.detached": "`new Deno.Command(…, {detached: true}).spawn().status`",
    }),
    ...s.series,
    ...await quietSpawns(subproc, p.quiet),
  ];
}

/** 3. detach() until the parent may exit: a written pidfile. */
async function detachCase(p: SamplingParams): Promise<Series[]> {
  const dir = Deno.makeTempDirSync({ prefix: "subproc-bench-" });
  const pidfile = `${dir}/daemon.pid`;
  /** The raw call, its pidfile written by `write` (untimed: the end). */
  const raw = (write: (pid: number) => void) => {
    let pid = 0;
    return {
      timed: () => {
        const child = new Deno.Command("sleep", {
          args: ["100000"],
          stdin: "null",
          stdout: "null",
          stderr: "null",
          detached: true,
        }).spawn();
        child.unref();
        pid = child.pid;
        write(pid);
        Deno.renameSync(`${pidfile}.tmp`, pidfile);
        return Promise.resolve();
      },
      then: () => endDaemon(pid, pidfile),
    };
  };
  try {
    const s = await withPart(
      {
        "raw.detach": raw((pid) =>
          Deno.writeTextFileSync(`${pidfile}.tmp`, `${pid}\n`)
        ),
        "raw.detach.fsync": raw((pid) => {
          using file = Deno.openSync(`${pidfile}.tmp`, {
            write: true,
            createNew: true,
          });
          file.writeSync(new TextEncoder().encode(`${pid}\n`));
          file.syncSync();
        }),
      },
      detachPart(subproc, pidfile),
      { ...p, minMs: Infinity },
    );
    return [
      ...labelled(s.raw, {
        "raw.detach":
          "`Deno.Command({detached: true}).spawn()` + `unref()` + pidfile (temp + rename)",
        "raw.detach.fsync":
          "the same, the pidfile `fsync`ed before the rename (as `Pidfile.write()` does)",
      }),
      ...s.series,
    ];
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

/** 4. Stopping a tree of processes. */
async function treeCase(p: TreeParams): Promise<Series[]> {
  const found = await sampleCostly({
    killTree: () => stopRawTree(p, killTreeStop(subproc)),
    pkill: () =>
      stopRawTree(p, async (root, members, start) => {
        await new Deno.Command("pkill", { args: ["-g", String(root)] })
          .output();
        return await watchEnd(members, start, p.settleMs);
      }),
    killGroup: () =>
      stopRawTree(p, async (root, members, start) => {
        Deno.kill(-root, "SIGTERM");
        return await watchEnd(members, start, p.settleMs);
      }),
  }, p);
  return [
    killTreeSeries(found.killTree, p.size),
    stopSeries(
      "pkill-g",
      "`pkill -g PGID` (until the last reachable member is gone)",
      found.pkill,
      p.size,
    ),
    stopSeries(
      "kill-pgid",
      "`kill(-PGID, SIGTERM)` syscall = `kill -- -PGID` (until the last reachable member is gone)",
      found.killGroup,
      p.size,
    ),
  ];
}

/** Parameters of the capture case. */
interface CaptureParams extends SamplingParams {
  /** MiB written through stdout per call. */
  mib: number;
  /** A file of `mib` MiB to send (made by main.ts, in the page cache). */
  file: string;
}

/** 5. Capture throughput. */
async function captureCase(p: CaptureParams): Promise<Series[]> {
  const bytes = p.mib * 1024 * 1024;
  const check = (n: number) => {
    if (n !== bytes) throw new Error(`captured ${n} bytes, expected ${bytes}`);
  };
  const s = await withPart(
    {
      "raw.capture": async () => {
        const out = await new Deno.Command("cat", {
          args: [p.file],
          stdin: "null",
        }).output();
        check(out.stdout.byteLength);
      },
      devnull: () =>
        new Deno.Command("sh", {
          args: ["-c", 'cat "$1" > /dev/null', "sh", p.file],
        }).output(),
    },
    capturePart(subproc, p.file, check, bytes),
    p,
  );
  const meta = { bytes };
  return [
    ...labelled(s.raw, {
      "raw.capture": '`new Deno.Command("cat", …).output()`',
    }, meta),
    series(
      "cat-devnull",
      "`cat file > /dev/null` (no pipe: the limit)",
      s.raw.devnull ?? [],
      meta,
    ),
    ...s.series,
  ];
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
async function memoryCase(p: MemoryParams): Promise<Series[]> {
  const cmd = ["sleep", "100000"];
  // Warm up the code path once, so that both variants pay for loading.
  if (p.variant === "raw") {
    await new Deno.Command("/bin/true").spawn().status;
  } else {
    await subproc.spawn(["/bin/true"]).status;
  }
  const before = rssMiB();
  const children: Array<{ kill(signal: "SIGKILL"): void; status: unknown }> =
    [];
  try {
    for (let i = 0; i < p.children; i++) {
      children.push(
        p.variant === "raw"
          ? new Deno.Command(cmd[0]!, { args: cmd.slice(1) }).spawn()
          : subproc.spawn(cmd),
      );
    }
    await sleep(200);
    const after = rssMiB();
    const raw = p.variant === "raw";
    return [{
      ...series(
        raw ? "deno.raw.memory" : "deno.spawn.memory",
        raw
          ? `${p.children} × \`new Deno.Command(…).spawn()\``
          : `${p.children} × \`spawn(cmd)\``,
        [after],
        { before: [before], children: p.children },
      ),
      unit: "MiB",
    }];
  } finally {
    await Promise.all(children.map((child) => {
      child.kill("SIGKILL");
      return child.status;
    }));
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
  await writer.write(new TextEncoder().encode("\n"));
  await readUntil(reader, "ready\n");
  const ms = performance.now() - start;
  child.kill("SIGKILL");
  await child.status;
  await reader.cancel();
  await writer.close().catch(() => {});
  return ms;
}

/** Every case, by name; each returns its series, and may add notes. */
const CASES: Record<
  string,
  (p: never, notes: string[]) => Promise<Series[]>
> = {
  spawn: spawnCase,
  session: sessionCase,
  detach: detachCase,
  tree: treeCase,
  capture: captureCase,
  timeout: (p: Parameters<typeof timeoutRuns>[1]) => timeoutRuns(subproc, p),
  memory: memoryCase,
  startup: startupCase,
  ready: (p: ReadyParams) =>
    readyCase(subproc, p, {
      fn: rawLineRoundTrip,
      label:
        "by hand: write a line to `sh`'s stdin, read its stdout until `ready`",
    }),
  daemons: (p: TreeParams) => daemonsCase(subproc, p),
};

if (import.meta.main) {
  Deno.exit(await runCaseFromArgs(CASES, Deno.args, []));
}
