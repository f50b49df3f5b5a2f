/**
 * Turns the series of one benchmark run into BENCHMARKS.md, the goal table
 * and the README section.
 *
 * Every ratio is a ratio of medians measured in the same run (the same
 * process where the two are on one runtime), with a 95 % bootstrap interval.
 *
 * @module
 */

import {
  type CaseOutput,
  diffOfMedians,
  ratioOfMedians,
  type Series,
  summarize,
  type Summary,
} from "./_stats.ts";

/** Everything the report prints besides the samples. */
export interface RunInfo {
  quick: boolean;
  date: string;
  command: string;
  machine: string[];
  versions: string[];
  notes: string[];
  leftovers: string[];
  wallSeconds: number;
}

/** One goal of issue 9, evaluated. */
export interface GoalResult {
  item: number;
  /** The README row it belongs to, and the runtime's column there. */
  row: string;
  rt: "Deno" | "Node" | "Bun";
  what: string;
  value: string;
  /** `value` without the interval, for the README. */
  short: string;
  goal: string;
  /** `null` when not measured in this run. */
  met: boolean | null;
  /** The 95 % interval straddles the goal: the verdict could flip. */
  borderline: boolean;
}

type Data = Map<string, Series>;

/** Series by id; series of the same id (memory runs) are merged. */
export function collect(outputs: readonly CaseOutput[]): Data {
  const data: Data = new Map();
  const caseOf = new Map<string, string>();
  for (const out of outputs) {
    for (const s of out.series) {
      if ((caseOf.get(s.id) ?? out.case) !== out.case) {
        throw new Error(
          `Series id ${s.id} is used by cases ${
            caseOf.get(s.id)
          } and ${out.case}`,
        );
      }
      caseOf.set(s.id, out.case);
      const old = data.get(s.id);
      if (!old) {
        data.set(s.id, structuredClone(s));
        continue;
      }
      old.samples.push(...s.samples);
      for (const [key, value] of Object.entries(s.meta ?? {})) {
        const prev = old.meta?.[key];
        if (Array.isArray(prev) && Array.isArray(value)) prev.push(...value);
      }
    }
  }
  return data;
}

function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return "–";
  if (Math.abs(ms) < 10) return ms.toFixed(3);
  if (Math.abs(ms) < 100) return ms.toFixed(2);
  return ms.toFixed(1);
}

function fmtRatio(r: { ratio: number; low: number; high: number }): string {
  if (!Number.isFinite(r.ratio)) return "–";
  const ci = Number.isFinite(r.low)
    ? ` (${r.low.toFixed(2)}–${r.high.toFixed(2)})`
    : "";
  return `${r.ratio.toFixed(2)}×${ci}`;
}

/** Time ratio `a / b` (lower is better for `a`). */
function timeRatio(data: Data, a: string, b: string) {
  const sa = data.get(a);
  const sb = data.get(b);
  if (!sa || !sb) return null;
  return ratioOfMedians(sa.samples, sb.samples);
}

/** Throughput ratio of `a` to `b` (higher is better for `a`). */
function throughputRatio(data: Data, a: string, b: string) {
  const sa = data.get(a);
  const sb = data.get(b);
  if (!sa || !sb) return null;
  return ratioOfMedians(sb.samples, sa.samples);
}

type Ratio = ReturnType<typeof timeRatio>;
type Runtime = "Deno" | "Node" | "Bun";

const RUNTIMES: ReadonlyArray<[string, Runtime]> = [
  ["deno", "Deno"],
  ["node", "Node"],
  ["bun", "Bun"],
];

/** The README rows, in order; each goal names its row. */
export const ROWS = {
  spawn: "spawn + wait `/bin/true`, vs the raw call",
  capture: "the same with `capture: true`, vs raw piped",
  execa: "`run` vs execa (plain / captured)",
  session: "new session (`setsid`), vs raw",
  detach: "`detach()` until the pidfile is written, vs raw (no goal)",
  survivors: "`killTree`, 200 processes, 3 escaped: survivors",
  tree: "`killTree` time, vs tree-kill",
  throughput: "capture 256 MiB: throughput vs raw",
  timeout: "timeout 200 + grace 100, child ignores SIGTERM: return time",
  memory: "parent RSS with 500 live children, vs raw",
  startup:
    "CLI start-up, whole process: `subproc run -- true` over the bare runtime",
  readyLine: "`ready: {line}` on a pipe: from the write to `ready`",
  readyPort: "`ready: {port}` (interval 100 ms): from `listen()` to `ready`",
} as const;

type GoalBase = Omit<GoalResult, "value" | "short" | "met" | "borderline">;

/** A goal this run did not measure. */
function notMeasured(base: GoalBase): GoalResult {
  return {
    ...base,
    value: "not measured",
    short: "–",
    met: null,
    borderline: false,
  };
}

function ratioGoal(
  base: GoalBase,
  r: Ratio,
  limit: number,
  direction: "atMost" | "below" | "atLeast",
): GoalResult {
  if (!r) return notMeasured(base);
  const met = direction === "atMost"
    ? r.ratio <= limit
    : direction === "below"
    ? r.ratio < limit
    : r.ratio >= limit;
  const straddles = Number.isFinite(r.low) && r.low <= limit &&
    r.high >= limit;
  // Two decimals, or three where two would hide which side of the goal
  // the ratio is on.
  const digits = Number(r.ratio.toFixed(2)) === limit ? 3 : 2;
  return {
    ...base,
    value: fmtRatio(r),
    short: `${r.ratio.toFixed(digits)}×`,
    met,
    borderline: straddles,
  };
}

function survivorsOf(s: Series | undefined): number[] | null {
  const v = s?.meta?.survivors;
  return Array.isArray(v) ? v as number[] : null;
}

function fmtSurvivors(list: number[] | null): string {
  if (!list) return "–";
  const total = list.reduce((a, b) => a + b, 0);
  if (total === 0) return `0 (in all ${list.length})`;
  const min = Math.min(...list);
  const max = Math.max(...list);
  return min === max
    ? `${min} in each of ${list.length}`
    : `${min}–${max} (${total} in ${list.length})`;
}

/** `a − b` in ms against a limit ("at most +N ms"). */
function diffGoal(
  base: GoalBase,
  data: Data,
  a: string,
  b: string,
  limit: number,
): GoalResult {
  const sa = data.get(a);
  const sb = data.get(b);
  if (!sa || !sb) return notMeasured(base);
  const d = diffOfMedians(sa.samples, sb.samples);
  const ci = Number.isFinite(d.low)
    ? ` (${d.low.toFixed(1)}–${d.high.toFixed(1)})`
    : "";
  return {
    ...base,
    value: `+${d.diff.toFixed(1)} ms${ci}`,
    short: `+${d.diff.toFixed(1)} ms`,
    met: d.diff <= limit,
    borderline: Number.isFinite(d.low) && d.low <= limit && d.high >= limit,
  };
}

/** Every goal of issue 9 on this run's data. */
export function goals(data: Data): GoalResult[] {
  const g: GoalResult[] = [];
  for (const [rt, name] of RUNTIMES) {
    g.push(ratioGoal(
      {
        item: 1,
        row: ROWS.spawn,
        rt: name,
        what: `${name}: \`run(cmd)\` vs raw`,
        goal: "≤ 1.05×",
      },
      timeRatio(data, `${rt}.run`, `${rt}.raw`),
      1.05,
      "atMost",
    ));
  }
  for (const [rt, name] of RUNTIMES) {
    g.push(ratioGoal(
      {
        item: 1,
        row: ROWS.capture,
        rt: name,
        what: `${name}: \`run(cmd, {capture: true})\` vs raw piped`,
        goal: "≤ 1.05×",
      },
      timeRatio(data, `${rt}.run.capture`, `${rt}.raw.piped`),
      1.05,
      "atMost",
    ));
  }
  for (const [rt, name] of RUNTIMES.slice(1)) {
    g.push(ratioGoal(
      {
        item: 1,
        row: ROWS.execa,
        rt: name,
        what: `${name}: \`run(cmd)\` vs execa`,
        goal: "< 1× (faster)",
      },
      timeRatio(data, `${rt}.run`, `${rt}.execa`),
      1,
      "below",
    ));
    g.push(ratioGoal(
      {
        item: 1,
        row: ROWS.execa,
        rt: name,
        what: `${name}: \`run(cmd, {capture: true})\` vs execa`,
        goal: "< 1× (faster)",
      },
      timeRatio(data, `${rt}.run.capture`, `${rt}.execa.piped`),
      1,
      "below",
    ));
  }
  for (const [rt, name] of RUNTIMES) {
    g.push(ratioGoal(
      {
        item: 2,
        row: ROWS.session,
        rt: name,
        what: `${name}: \`spawn({newSession: true})\` vs raw detached`,
        goal: "≤ 1.05×",
      },
      timeRatio(data, `${rt}.spawn.newSession`, `${rt}.raw.detached`),
      1.05,
      "atMost",
    ));
  }
  for (const [rt, name] of RUNTIMES) {
    const r = timeRatio(data, `${rt}.detach`, `${rt}.raw.detach`);
    g.push({
      item: 3,
      row: ROWS.detach,
      rt: name,
      what: `${name}: \`detach({pidfile})\` vs raw spawn + pidfile`,
      value: r ? fmtRatio(r) : "not measured",
      short: r ? `${r.ratio.toFixed(2)}×` : "–",
      goal: "(no goal)",
      met: null,
      borderline: false,
    });
  }
  for (const [rt, name] of RUNTIMES.slice(0, 2)) {
    const id = `${rt}.killTree`;
    const list = survivorsOf(data.get(id));
    const total = list ? list.reduce((a, b) => a + b, 0) : null;
    g.push({
      item: 4,
      row: ROWS.survivors,
      rt: name,
      what: `${name}: \`killTree\` survivors`,
      value: list ? fmtSurvivors(list) : "not measured",
      short: list ? String(total) : "–",
      goal: "0",
      met: total === null ? null : total === 0,
      borderline: false,
    });
    g.push(ratioGoal(
      {
        item: 4,
        row: ROWS.tree,
        rt: name,
        what: `${name}: \`killTree\` vs tree-kill (on Node)`,
        goal: "< 1× (faster)",
      },
      timeRatio(data, id, "node.tree-kill"),
      1,
      "below",
    ));
  }
  const rawCapture = (rt: string) =>
    rt === "deno" ? "deno.raw.capture" : `${rt}.raw.capture`;
  for (const [rt, name] of RUNTIMES) {
    g.push(ratioGoal(
      {
        item: 5,
        row: ROWS.throughput,
        rt: name,
        what: `${name}: \`run({capture: "bytes"})\` throughput vs raw`,
        goal: "≥ 0.9×",
      },
      throughputRatio(data, `${rt}.run.bytes`, rawCapture(rt)),
      0.9,
      "atLeast",
    ));
  }
  for (const [rt, name] of RUNTIMES) {
    const s = data.get(`${rt}.run.timeout.ignoreTerm`);
    const base = {
      item: 6,
      row: ROWS.timeout,
      rt: name,
      what: `${name}: \`run\` timeout 200 + grace 100, child ignores SIGTERM`,
      goal: "median and p90 within 300 ± 20 ms",
    };
    if (!s) {
      g.push(notMeasured(base));
      continue;
    }
    const sum = summarize(s.samples);
    const ok = (x: number) => Math.abs(x - 300) <= 20;
    g.push({
      ...base,
      value: `median ${fmtMs(sum.median)} ms, p90 ${fmtMs(sum.p90)} ms, max ${
        fmtMs(sum.max)
      } ms`,
      short: `${sum.median.toFixed(0)} ms (p90 ${sum.p90.toFixed(0)})`,
      met: ok(sum.median) && ok(sum.p90),
      borderline: ok(sum.median) !== ok(sum.max),
    });
  }
  g.push(ratioGoal(
    {
      item: 7,
      row: ROWS.memory,
      rt: "Deno",
      what: "Deno: parent RSS with children, `spawn` vs raw",
      goal: "≤ 1.1×",
    },
    timeRatio(data, "deno.spawn.memory", "deno.raw.memory"),
    1.1,
    "atMost",
  ));
  for (const [rt, name] of RUNTIMES) {
    g.push(diffGoal(
      {
        item: 8,
        row: ROWS.startup,
        rt: name,
        what: `${name}: \`subproc run -- true\` over the bare runtime${
          rt === "node" ? " (npm bin)" : ""
        }`,
        goal: "≤ +15 ms",
      },
      data,
      `${rt}.cli.run`,
      `${rt}.cli.bare`,
      15,
    ));
  }
  for (const [rt, name] of RUNTIMES) {
    g.push(latencyGoal(data.get(`${rt}.ready.line`), {
      item: 9,
      row: ROWS.readyLine,
      rt: name,
      what: `${name}: \`ready: {line}\` on a pipe, write → \`ready\``,
      goal: "median ≤ 5 ms",
    }, 5));
  }
  for (const [rt, name] of RUNTIMES) {
    const s = data.get(`${rt}.ready.port`);
    const interval = (s?.meta?.interval as number | undefined) ?? 100;
    g.push(latencyGoal(s, {
      item: 10,
      row: ROWS.readyPort,
      rt: name,
      what: `${name}: \`ready: {port}\`, \`listen()\` → \`ready\``,
      goal: `median ≤ interval (${interval} ms)`,
    }, interval));
  }
  return g;
}

/** A goal on a series' median: at most `limit` ms. */
function latencyGoal(
  s: Series | undefined,
  base: GoalBase,
  limit: number,
): GoalResult {
  if (!s) return notMeasured(base);
  const sum = summarize(s.samples);
  return {
    ...base,
    value: `median ${fmtMs(sum.median)} ms, p90 ${fmtMs(sum.p90)} ms, max ${
      fmtMs(sum.max)
    } ms`,
    short: `${fmtMs(sum.median)} ms`,
    met: sum.median <= limit,
    borderline: false,
  };
}

function verdict(goal: GoalResult): string {
  if (goal.met === null) {
    return goal.goal === "(no goal)" ? "–" : "not measured";
  }
  const base = goal.met ? "✅ met" : "❌ missed";
  return goal.borderline ? `${base} (interval straddles the goal)` : base;
}

/** The goal table (markdown). */
export function goalTable(list: readonly GoalResult[]): string {
  const rows = list.map((g) =>
    `| ${g.item} | ${g.what} | ${g.value} | ${g.goal} | ${verdict(g)} |`
  );
  return [
    "| # | measure | result (95 % interval) | goal | verdict |",
    "| - | --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
}

/** How each item's table is built. */
interface ItemSpec {
  n: number;
  title: string;
  text: string;
  /** Series ids in table order, each with its baseline id (or null). */
  rows: Array<[string, string | null]>;
  extra?: {
    header: string;
    cell: (s: Series, sum: Summary, data: Data) => string;
  }[];
  /** `"time"`: ratio = median / baseline median; `"throughput"`: inverse. */
  ratio?: "time" | "throughput" | "none";
  /** Samples are MiB, not ms. */
  mib?: boolean;
}

function throughputCell(s: Series, sum: Summary): string {
  const bytes = s.meta?.bytes as number | undefined;
  if (!bytes) return "–";
  return `${(bytes / 1024 / 1024 / (sum.median / 1000)).toFixed(0)}`;
}

function expectCell(s: Series, sum: Summary): string {
  const expect = s.meta?.expectMs as number | undefined;
  if (expect !== undefined) {
    const d = sum.median - expect;
    return `${d >= 0 ? "+" : ""}${fmtMs(d)} (p90 ${
      fmtMs(sum.p90 - expect)
    }, max ${fmtMs(sum.max - expect)})`;
  }
  const hold = s.meta?.holdMs as number | undefined;
  if (hold !== undefined) return `grandchild holds stdout ${fmtMs(hold)} ms`;
  return "–";
}

function leftCell(s: Series): string {
  const left = s.meta?.leftRunning;
  if (!Array.isArray(left)) return "–";
  const total = (left as number[]).reduce((a, b) => a + b, 0);
  return `${total} of ${left.length} runs`;
}

function memoryCells(s: Series, sum: Summary): string {
  const before = s.meta?.before as number[] | undefined;
  const children = s.meta?.children as number | undefined;
  if (!before || !children) return "–";
  const base = summarize(before).median;
  const delta = sum.median - base;
  return `${base.toFixed(1)} → +${delta.toFixed(1)} MiB (${
    (delta * 1024 / children).toFixed(1)
  } KiB per child)`;
}

const ITEMS: ItemSpec[] = [
  {
    n: 1,
    title: "Spawn + wait of `/bin/true`",
    text:
      "Each call starts `/bin/true` and waits for it. Rows are paired with the raw call of their runtime that does the same work: stdio inherited, or stdout and stderr piped and read to the end. The floor is Python's `os.posix_spawn` + `waitpid`, measured in another process of the same run. `run(cmd, {cleanup: false})` shows what the exit hooks cost: subproc listens for SIGINT, SIGTERM and SIGHUP (and `exit`) so that it can stop its children when the parent is interrupted; the listeners are installed with the first child and kept, so the two `run` rows should match.",
    rows: [
      ["deno.raw", null],
      ["deno.run", "deno.raw"],
      ["deno.run.noCleanup", "deno.raw"],
      ["deno.raw.piped", null],
      ["deno.run.capture", "deno.raw.piped"],
      ["node.raw", null],
      ["node.run", "node.raw"],
      ["node.run.noCleanup", "node.raw"],
      ["node.execa", "node.raw"],
      ["node.raw.piped", null],
      ["node.run.capture", "node.raw.piped"],
      ["node.execa.piped", "node.raw.piped"],
      ["bun.raw", null],
      ["bun.run", "bun.raw"],
      ["bun.run.noCleanup", "bun.raw"],
      ["bun.execa", "bun.raw"],
      ["bun.Bun.spawn", "bun.raw"],
      ["bun.raw.piped", null],
      ["bun.run.capture", "bun.raw.piped"],
      ["bun.execa.piped", "bun.raw.piped"],
      ["python.run", "python.posix_spawn"],
      ["python.run.capture", "python.posix_spawn"],
      ["python.posix_spawn", null],
    ],
    extra: [{
      header: "vs posix_spawn floor",
      cell: (s, _sum, data) => {
        const r = timeRatio(data, s.id, "python.posix_spawn");
        return r ? `${r.ratio.toFixed(2)}×` : "–";
      },
    }],
  },
  {
    n: 2,
    title: "Spawn + wait with a new session (setsid)",
    text:
      "`/bin/true` in a new session and process group, then wait. Deno's `detached: true` and Node's run `setsid()` in the child.",
    rows: [
      ["deno.raw.detached", null],
      ["deno.spawn.newSession", "deno.raw.detached"],
      ["node.raw.detached", null],
      ["node.spawn.newSession", "node.raw.detached"],
      ["node.execa.detached", "node.raw.detached"],
      ["bun.raw.detached", null],
      ["bun.spawn.newSession", "bun.raw.detached"],
      ["bun.execa.detached", "bun.raw.detached"],
      ["python.posix_spawn.setsid", null],
      ["python.run.newSession", "python.posix_spawn.setsid"],
    ],
  },
  {
    n: 3,
    title: "`detach()` until the parent may exit",
    text:
      "From the call until the program runs in its own session, unref'd, and its pidfile is written (atomically: temp file + rename) — the moment the parent may exit. The daemon is `sleep`; stopping it afterwards is not timed. The raw rows are the hand-written equivalent without `detach()`'s checks (an existing pidfile naming a live process, start-time bookkeeping) and without its `fsync` (the `fsync` row adds that alone).",
    rows: [
      ["deno.raw.detach", null],
      ["deno.raw.detach.fsync", "deno.raw.detach"],
      ["deno.detach", "deno.raw.detach"],
      ["node.raw.detach", null],
      ["node.detach", "node.raw.detach"],
      ["bun.raw.detach", null],
      ["bun.detach", "bun.raw.detach"],
      ["python.popen.detach", "deno.raw.detach"],
    ],
  },
  {
    n: 4,
    title: "Stopping a tree of processes",
    text:
      "Each repetition builds a fresh tree with `scripts/bench/tree.sh` (shells and `sleep`s on 4 levels, a few `setsid sleep`s at different depths that leave the group but keep their parent) in its own session, then stops it with SIGTERM. Time: until the call resolves (`killTree`, which waits until all are gone), or until the last member that was going to end had ended (the others, polled every ~1 ms; their survivors never end). A zombie counts as gone. Survivors: members still running afterwards. The baseline is the tree-kill npm package.",
    rows: [
      ["node.tree-kill", null],
      ["deno.killTree", "node.tree-kill"],
      ["node.killTree", "node.tree-kill"],
      ["pkill-g", "node.tree-kill"],
      ["kill-pgid", "node.tree-kill"],
    ],
    extra: [{
      header: "survivors per repetition",
      cell: (s) => fmtSurvivors(survivorsOf(s)),
    }],
  },
  {
    n: 5,
    title: "Capture throughput",
    text:
      "`cat` sends a file (in the page cache) through stdout; the parent keeps all of it in memory. The ratio is throughput relative to the raw call of the same runtime (higher is better). `cat file > /dev/null` is the limit without a pipe.",
    rows: [
      ["deno.raw.capture", null],
      ["deno.run.bytes", "deno.raw.capture"],
      ["cat-devnull", "deno.raw.capture"],
      ["node.raw.capture", null],
      ["node.run.bytes", "node.raw.capture"],
      ["node.execa.capture", "node.raw.capture"],
      ["bun.raw.capture", null],
      ["bun.run.bytes", "bun.raw.capture"],
      ["bun.execa.capture", "bun.raw.capture"],
      ["python.run.cat", "deno.raw.capture"],
    ],
    ratio: "throughput",
    extra: [{ header: "MiB/s", cell: throughputCell }],
  },
  {
    n: 6,
    title: "Timeout precision",
    text:
      '`ignoresTerm` is `sh -c "trap \'\' TERM; exec sleep 30"`: one process that ignores SIGTERM, so a timeout of 200 ms with a 100 ms grace must end at 300 ms. `grandchildHoldsStdout` is `sh -c "sleep HOLD & exec sleep 30"` and `exitsGrandchildHoldsStdout` is `sh -c "sleep HOLD & echo started"`: a grandchild keeps the stdout pipe open for HOLD seconds (bounded here; unbounded in real life). "Left running" counts the grandchildren still alive when the call returned.',
    rows: [
      ["deno.run.timeout.ignoreTerm", null],
      ["node.run.timeout.ignoreTerm", null],
      ["bun.run.timeout.ignoreTerm", null],
      ["node.execa.timeout.ignoreTerm", null],
      ["bun.execa.timeout.ignoreTerm", null],
      ["python.run.timeout.ignoreTerm", null],
      ["deno.run.timeout.grandchild", null],
      ["node.run.timeout.grandchild", null],
      ["bun.run.timeout.grandchild", null],
      ["node.execa.timeout.grandchild", null],
      ["bun.execa.timeout.grandchild", null],
      ["python.run.timeout.grandchild", null],
      ["deno.run.exitHoldingStdout", null],
      ["node.run.exitHoldingStdout", null],
      ["bun.run.exitHoldingStdout", null],
      ["node.execa.exitHoldingStdout", null],
      ["bun.execa.exitHoldingStdout", null],
      ["python.run.exitHoldingStdout", null],
    ],
    ratio: "none",
    extra: [
      { header: "median − expected", cell: expectCell },
      { header: "left running", cell: leftCell },
    ],
  },
  {
    n: 7,
    title: "Memory with live children",
    text:
      "Parent RSS (`VmRSS`) with N live `sleep` children, each variant in a fresh Deno process, run alternately. The ratio compares total RSS; the last column shows the RSS before spawning and what the children added.",
    rows: [
      ["deno.raw.memory", null],
      ["deno.spawn.memory", "deno.raw.memory"],
    ],
    mib: true,
    extra: [{ header: "before → added", cell: memoryCells }],
  },
  {
    n: 8,
    title: "CLI start-up, whole process",
    text:
      "Whole processes timed from outside, from start to exit: `subproc run -- true` and `subproc timeout 10 true` on each runtime (Deno: `deno run -A cli.ts`; Node: the npm package's `subproc` command; Bun: `bun cli.ts`), against the same runtime running an empty script, GNU `timeout 10 true`, and `true` alone. The goal is subproc's own share: at most 15 ms over the bare runtime. `run` puts CMD in a cgroup of its own where one can be made (`--contain auto`, the default); the `--contain tree` row shows what that costs: the first time a process moves itself into a cgroup, the kernel waits for an RCU grace period (about 10 ms), unless the cgroup2 mount has `favordynmods`.",
    rows: [
      ["cli.true", null],
      ["gnu.timeout", "cli.true"],
      ["deno.cli.bare", null],
      ["deno.cli.run", "deno.cli.bare"],
      ["deno.cli.run.tree", "deno.cli.bare"],
      ["deno.cli.timeout", "deno.cli.bare"],
      ["node.cli.bare", null],
      ["node.cli.run", "node.cli.bare"],
      ["node.cli.run.tree", "node.cli.bare"],
      ["node.cli.timeout", "node.cli.bare"],
      ["bun.cli.bare", null],
      ["bun.cli.run", "bun.cli.bare"],
      ["bun.cli.run.tree", "bun.cli.bare"],
      ["bun.cli.timeout", "bun.cli.bare"],
    ],
    extra: [
      { header: "over the bare runtime", cell: overBareCell },
      { header: "vs GNU timeout", cell: vsGnuCell },
    ],
  },
  {
    n: 9,
    title: "Readiness: a line on a pipe",
    text:
      'Each sample starts `sh -c "echo waiting; read x; echo ready; exec sleep 30"` with stdin and stdout piped, reads `waiting`, then writes a line to its stdin and times until `ready` is known: by hand (reading stdout until `ready`), or through `ready: {line: "ready"}` until `child.ready` resolves. Both include the shell\'s own read and write, so the time is an upper bound on the latency from the child\'s write to `ready`; the difference between the rows is what the line watcher adds (the tee that keeps what it read for `child.stdout`, line splitting, the match).',
    rows: [
      ["deno.raw.line", null],
      ["deno.ready.line", "deno.raw.line"],
      ["node.raw.line", null],
      ["node.ready.line", "node.raw.line"],
      ["bun.raw.line", null],
      ["bun.ready.line", "bun.raw.line"],
    ],
  },
  {
    n: 10,
    title: "Readiness: a port",
    text:
      "A child (`sleep`) is started with `ready: {port, interval: 100}`; after a random 50–150 ms (a random point of the poll cycle) the benchmark itself starts listening on the port, and times until `child.ready` resolves. A try is a TCP connect; tries are `interval` apart, so the latency is at most about one interval, half of one on average.",
    rows: [
      ["deno.ready.port", null],
      ["node.ready.port", null],
      ["bun.ready.port", null],
    ],
    ratio: "none",
  },
];

function overBareCell(s: Series, sum: Summary, data: Data): string {
  const rt = s.id.split(".")[0]!;
  const bare = data.get(`${rt}.cli.bare`);
  if (!bare || s.id === bare.id) return "–";
  const d = sum.median - summarize(bare.samples).median;
  return `${d >= 0 ? "+" : ""}${fmtMs(d)}`;
}

function vsGnuCell(s: Series, _sum: Summary, data: Data): string {
  if (s.id === "gnu.timeout") return "–";
  const r = timeRatio(data, s.id, "gnu.timeout");
  return r ? `${r.ratio.toFixed(1)}×` : "–";
}

function itemTable(spec: ItemSpec, data: Data): string | null {
  const rows = spec.rows.filter(([id]) => data.has(id));
  if (rows.length === 0) return null;
  const unit = spec.mib ? "MiB" : "ms";
  const ratioHeader = spec.ratio === "none"
    ? []
    : [spec.ratio === "throughput" ? "throughput vs baseline" : "vs baseline"];
  const header = [
    "variant",
    "runtime",
    "n",
    `median ${unit}`,
    "p10",
    "p90",
    "min",
    "max",
    ...ratioHeader,
    ...(spec.extra ?? []).map((e) => e.header),
  ];
  const lines = [
    `| ${header.join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
  ];
  for (const [id, baseline] of rows) {
    const s = data.get(id)!;
    const sum = summarize(s.samples);
    let ratio: string[] = [];
    if (spec.ratio !== "none") {
      if (baseline === null) ratio = ["**baseline**"];
      else {
        const r = spec.ratio === "throughput"
          ? throughputRatio(data, id, baseline)
          : timeRatio(data, id, baseline);
        const where = baseline.split(".")[0] === id.split(".")[0]
          ? ""
          : ` vs ${baseline}`;
        ratio = [r ? fmtRatio(r) + where : "–"];
      }
    }
    const cells = [
      s.label,
      s.runtime,
      String(sum.n),
      fmtMs(sum.median),
      fmtMs(sum.p10),
      fmtMs(sum.p90),
      fmtMs(sum.min),
      fmtMs(sum.max),
      ...ratio,
      ...(spec.extra ?? []).map((e) => e.cell(s, sum, data)),
    ];
    lines.push(`| ${cells.map((c) => c.replaceAll("|", "\\|")).join(" | ")} |`);
  }
  return lines.join("\n");
}

/** What profiling found (`deno run --cpu-prof`, `node --cpu-prof`,
 * `bun --cpu-prof` over thousands of calls, and A/B variants that add one
 * piece at a time to the raw call). Update it with the code. */
const ANALYSIS =
  `- **Per call, subproc's own JavaScript is small**: profiles of 2,000–3,000
  \`run(["/bin/true"])\` calls put it at ~25 µs per call on Deno (validation,
  the handle, the result), against ~0.6 ms for the spawn itself
  (\`op_spawn_child\`, Node's \`spawn\`). What separates \`run\` from the
  raw call is mostly work the event loop does for us, which profiles show as
  idle time; A/B variants of the raw call find it:
- **Exit hooks** (\`cleanup: true\`, the default): while a child runs we listen
  for SIGINT, SIGTERM and SIGHUP (and \`exit\`) so that the child is stopped
  if the parent is interrupted. The listeners are installed with the first
  child and kept, so they cost nothing per call; the
  \`run(cmd, {cleanup: false})\` rows check it. (Until commit 00b7ea6 they
  were bound and unbound for every child, which cost 2–4 % of a spawn of
  \`/bin/true\`.)
- **Web streams for captured output**: \`stdout\`/\`stderr\` are web
  \`ReadableStream\`s. Deno's own \`output()\` reads a pipe with one
  internal read-all operation; we read it chunk by chunk, each read with a
  fresh 64 KiB buffer (~4 % of a captured spawn of \`/bin/true\`). On Node
  and Bun the backend wraps the pipe in a web stream of its own that passes
  each chunk on without a copy: \`Readable.toWeb()\`, used before, copied
  every chunk, and on Bun read 256 MiB in ~3.5× the time of Bun's own
  \`data\` events (now ~1.1× in the same A/B script). Bun's times still
  swing 3–10× between repetitions, so its intervals are wide.
- **New session**: Deno's \`detached: true\` costs about twice a plain
  spawn, for the raw call as well: to call \`setsid()\` it forks the whole
  process (strace: \`clone\`) where a plain spawn uses \`posix_spawn\`'s
  vfork-style \`clone3\`. subproc adds nothing per spawn (until this
  version it read the child's start time from \`/proc\`, ~30 µs on Bun, for a
  group check that the kernel's own rule makes unnecessary: a group's id is
  never given to a new process while a member is left).
- **\`detach()\`** writes its pidfile through a temp file, \`fsync\` and
  \`rename\`, after checking — under a lock beside the pidfile — that no
  live process holds it, and reads the child's start time; the row that adds
  the \`fsync\` to the raw call shows its share (it depends on the disk).
- **CLI start-up** (item 8): under Deno, loading any \`node:\` module
  costs 10–20 ms (Deno's compatibility layer), so the common path uses
  Deno's own API (\`runtime/host.ts\`) and takes Node's built-ins only where
  they are needed (\`process.getBuiltinModule\`); each command is loaded only
  when it runs. Touching \`setTimeout\`/\`clearTimeout\` loads Deno's Node
  timers (~4 ms): \`subproc timeout\` needs its timer (\`LongTimer\`),
  \`run -- true\` has none; parsing options loads \`node:util\` (~4 ms,
  for \`parseArgs\`). \`Deno.Command\` itself costs ~5 ms of extension
  scripts, and compiling the TypeScript modules the rest — the Windows
  implementation alone, loaded on every system, ~4 ms. On Node the
  package's \`subproc\` command is one CommonJS bundle: loaded as the
  package's ES modules it took ~40 ms more than \`node -e 0\`. The largest
  share of \`run -- true\` is now its cgroup (\`--contain auto\`): the
  first move of a process into a cgroup waits for an RCU grace period
  (10–17 ms measured here; the later moves ~0.1 ms), unless the cgroup2
  mount has \`favordynmods\` (Linux ≥ 6.0); compare the \`--contain tree\`
  rows.
- **Fixed while benchmarking**: the Node backend copied \`process.env\` for
  every spawn (~2 %); \`run\` set and cleared a 500 ms drain timer per call
  even when there was nothing left to drain (2–4 % on Deno); a stop polled
  every 10 ms after the child was reaped, so timeouts returned 10–20 ms late
  (now the child's status wakes the poll).`;

/** BENCHMARKS.md. */
export function renderReport(
  info: RunInfo,
  data: Data,
  goalList: readonly GoalResult[],
): string {
  const out: string[] = [];
  out.push(`# Benchmarks${info.quick ? " (quick mode: not for quoting)" : ""}`);
  out.push("");
  out.push(
    `Generated by \`${info.command}\` on ${info.date} in ${
      info.wallSeconds.toFixed(0)
    } s. Regenerate with \`npm run bench\` (\`deno run -A scripts/bench.ts\`; about 6 minutes); \`--quick\` only checks that the scripts work.`,
  );
  out.push("");
  out.push(
    "Our machines are small and noisy, so absolute times vary from run to run; read the **ratios**. Each ratio compares medians measured in the same run — in the same process, interleaved in random order in blocks, when both sides run on one runtime — and comes with a 95 % bootstrap interval. Every variant gets at least 200 samples or 2 s of them, except where noted by its `n`.",
  );
  out.push("");
  out.push("## Machine");
  out.push("");
  for (const line of info.machine) out.push(`- ${line}`);
  out.push("");
  out.push("## Versions");
  out.push("");
  for (const line of info.versions) out.push(`- ${line}`);
  out.push("");
  out.push("## Goals");
  out.push("");
  out.push(goalTable(goalList));
  out.push("");
  for (const spec of ITEMS) {
    const table = itemTable(spec, data);
    out.push(`## ${spec.n}. ${spec.title}`);
    out.push("");
    out.push(spec.text);
    out.push("");
    out.push(table ?? "_Not measured in this run._");
    out.push("");
  }
  out.push("## Where the time goes");
  out.push("");
  out.push(ANALYSIS);
  out.push("");
  out.push("## Notes");
  out.push("");
  for (const note of info.notes) out.push(`- ${note}`);
  out.push(
    `- Leftover processes after the run: ${
      info.leftovers.length === 0 ? "none" : info.leftovers.join(", ")
    }.`,
  );
  out.push("");
  return out.join("\n");
}

/** The README section: the ratios per runtime, a link and the command. */
export function readmeSection(
  list: readonly GoalResult[],
  data: Data,
  quick: boolean,
): string {
  const hooks = RUNTIMES.map(([rt, name]) => {
    const on = timeRatio(data, `${rt}.run`, `${rt}.raw`);
    const off = timeRatio(data, `${rt}.run.noCleanup`, `${rt}.raw`);
    return on && off
      ? `${name} ${on.ratio.toFixed(2)}× → ${off.ratio.toFixed(2)}×`
      : null;
  }).filter((x) => x !== null);
  const cell = (g: GoalResult | undefined) => {
    if (!g) return "";
    if (g.met === null) return g.short;
    return g.met ? `${g.short} ✅` : `**${g.short} ❌ missed**`;
  };
  const rows: string[] = [];
  for (const row of Object.values(ROWS)) {
    const goals = list.filter((g) => g.row === row);
    if (goals.length === 0) continue;
    const cols = (["Deno", "Node", "Bun"] as const).map((rt) =>
      goals.filter((g) => g.rt === rt).map(cell).join(" / ") || "–"
    );
    rows.push(`| ${row} | ${cols.join(" | ")} | ${goals[0]!.goal} |`);
  }
  return [
    "## Performance",
    "",
    ...(quick
      ? ["> Generated in quick mode: numbers not for quoting.", ""]
      : []),
    "Ratios of medians measured in one run on one small, noisy machine (2 cores): subproc against the raw runtime call doing the same work (`Deno.Command`, `node:child_process`), against execa and tree-kill, and against the limit. Medians, min/max, 95 % intervals, machine and versions: [BENCHMARKS.md](BENCHMARKS.md).",
    "",
    "| measure | Deno | Node | Bun | goal |",
    "| --- | --- | --- | --- | --- |",
    ...rows,
    "",
    `Where the rest goes: captured output is read through web streams (the public \`stdout\`/\`stderr\` type), which costs a few % per call more than the runtimes' own collectors; \`detach()\` \`fsync\`s its pidfile and checks, under a lock, that no live process holds it. The exit hooks (\`cleanup\`) are installed once and kept, so they cost nothing per call (\`run\` vs the raw call, with and without them: ${
      hooks.join(", ")
    }). Bun's own times swing 3–10× between repetitions, so its intervals are wide. Profiles and causes: BENCHMARKS.md.`,
    "",
    "Reproduce (about 6 minutes; the peers need Node, Bun and Python 3, and subproc on Node needs the npm build):",
    "",
    "```sh",
    "npm run build:npm && npm run bench",
    "```",
    "",
  ].join("\n");
}
