/**
 * The goals of the benchmarks (issue 9, and issue 12's containment), as a
 * table of data, and how each kind of goal is judged on a run's series.
 *
 * @module
 */

import {
  type Data,
  fmtMs,
  fmtRatio,
  fmtSurvivors,
  type Ratio,
  survivorsOf,
  throughputRatio,
  timeRatio,
} from "./_measures.ts";
import { diffOfMedians, summarize } from "./_stats.ts";

/** A runtime, as series ids spell it and as the report names it. */
export type Rt = "deno" | "node" | "bun";
type Runtime = "Deno" | "Node" | "Bun";

/** The runtimes in column order, with their names. */
export const RUNTIMES: ReadonlyArray<[Rt, Runtime]> = [
  ["deno", "Deno"],
  ["node", "Node"],
  ["bun", "Bun"],
];

/** The README rows, in order; each goal names its row. */
export const ROWS = {
  spawn: "spawn + wait `/bin/true`, vs the raw call",
  capture: "the same with `capture: true`, vs raw piped",
  execa: "`run` vs execa (plain / captured)",
  session: 'new session (`setsid`, `contain: "tree"`), vs raw',
  cgroup: 'the same in a cgroup (`contain: "cgroup"`), vs `contain: "tree"`',
  cgroupQuiet: "the same, 200 ms apart: what the cgroup adds (no goal)",
  detach:
    "`detach()` (in a cgroup) until the pidfile is written, vs raw (no goal)",
  survivors: "`killTree`, 200 processes, 3 escaped: survivors",
  tree: "`killTree` time, vs tree-kill",
  daemonsLeft:
    "stop 200 processes with 3 double forks: left running (cgroup `stop()` / `/proc` walk)",
  daemons: "the same: time, cgroup `stop()` vs the `/proc` walk",
  throughput: "capture 256 MiB: throughput vs raw",
  timeout:
    "timeout 200 + grace 100 (in a cgroup), child ignores SIGTERM: return time",
  memory: "parent RSS with 500 live children, vs raw",
  startup:
    "CLI start-up, whole process: `subproc run -- true` over the bare runtime",
  readyLine: "`ready: {line}` on a pipe: from the write to `ready`",
  readyPort: "`ready: {port}` (interval 100 ms): from `listen()` to `ready`",
} as const;

/** One goal, evaluated. */
export interface GoalResult {
  item: number;
  /** The README row it belongs to, and the runtime's column there. */
  row: string;
  rt: Runtime;
  what: string;
  value: string;
  /** `value` without the interval, for the README. */
  short: string;
  goal: string;
  /** `null` when not measured in this run (or there is no goal). */
  met: boolean | null;
  /** The 95 % interval straddles the goal: the verdict could flip. */
  borderline: boolean;
}

/** How a goal is measured; `{rt}` in an id stands for the runtime. */
type Measure =
  /** `a / b` (or b's time over a's, for `throughput`) against `limit`. */
  | {
    kind: "ratio";
    a: string;
    b: string;
    limit: number;
    direction: "atMost" | "below" | "atLeast";
    throughput?: true;
  }
  /** `a / b`, no goal. */
  | { kind: "info"; a: string; b: string }
  /** Members left running by a tree stop: none. */
  | { kind: "survivors"; id: string }
  /** Median and p90 within `center ± tolerance` ms. */
  | { kind: "window"; id: string; center: number; tolerance: number }
  /** `a − b` in ms, at most `limit` (`null`: no goal). */
  | { kind: "diff"; a: string; b: string; limit: number | null }
  /** Median at most `limit` ms, or the series' own `meta.interval`. */
  | { kind: "latency"; id: string; limit: number | "interval" };

interface GoalSpec {
  row: keyof typeof ROWS;
  /** What is compared, after "Deno: " (and before `whatOn`'s text). */
  what: string;
  whatOn?: Partial<Record<Rt, string>>;
  /** The goal as printed; `{interval}` is the series' interval. */
  goal: string;
  measure: Measure;
}

/** Goals of one item on some runtimes: for each runtime, each goal. */
interface GoalGroup {
  item: number;
  on: readonly Rt[];
  goals: GoalSpec[];
}

const ALL: readonly Rt[] = ["deno", "node", "bun"];
const FASTER = "< 1× (faster)";

/** Every goal, in report order. */
const GOALS: readonly GoalGroup[] = [
  {
    item: 1,
    on: ALL,
    goals: [{
      row: "spawn",
      what: "`run(cmd)` vs raw",
      goal: "≤ 1.05×",
      measure: ratio("{rt}.run", "{rt}.raw", "atMost", 1.05),
    }],
  },
  {
    item: 1,
    on: ALL,
    goals: [{
      row: "capture",
      what: "`run(cmd, {capture: true})` vs raw piped",
      goal: "≤ 1.05×",
      measure: ratio("{rt}.run.capture", "{rt}.raw.piped", "atMost", 1.05),
    }],
  },
  {
    item: 1,
    on: ["node", "bun"],
    goals: [{
      row: "execa",
      what: "`run(cmd)` vs execa",
      goal: FASTER,
      measure: ratio("{rt}.run", "{rt}.execa", "below", 1),
    }, {
      row: "execa",
      what: "`run(cmd, {capture: true})` vs execa",
      goal: FASTER,
      measure: ratio("{rt}.run.capture", "{rt}.execa.piped", "below", 1),
    }],
  },
  {
    item: 2,
    on: ALL,
    goals: [{
      row: "session",
      what: '`spawn({newSession: true, contain: "tree"})` vs raw detached',
      goal: "≤ 1.05×",
      measure: ratio(
        "{rt}.spawn.newSession",
        "{rt}.raw.detached",
        "atMost",
        1.05,
      ),
    }],
  },
  {
    item: 3,
    on: ALL,
    goals: [{
      row: "detach",
      what: "`detach({pidfile})` vs raw spawn + pidfile",
      goal: "(no goal)",
      measure: { kind: "info", a: "{rt}.detach", b: "{rt}.raw.detach" },
    }],
  },
  {
    item: 4,
    on: ["deno", "node"],
    goals: [{
      row: "survivors",
      what: "`killTree` survivors",
      goal: "0",
      measure: { kind: "survivors", id: "{rt}.killTree" },
    }, {
      row: "tree",
      what: "`killTree` vs tree-kill (on Node)",
      goal: FASTER,
      measure: ratio("{rt}.killTree", "node.tree-kill", "below", 1),
    }],
  },
  {
    item: 5,
    on: ALL,
    goals: [{
      row: "throughput",
      what: '`run({capture: "bytes"})` throughput vs raw',
      goal: "≥ 0.9×",
      measure: {
        ...ratio("{rt}.run.bytes", "{rt}.raw.capture", "atLeast", 0.9),
        throughput: true,
      },
    }],
  },
  {
    item: 6,
    on: ALL,
    goals: [{
      row: "timeout",
      what: "`run` timeout 200 + grace 100, child ignores SIGTERM",
      goal: "median and p90 within 300 ± 20 ms",
      measure: {
        kind: "window",
        id: "{rt}.run.timeout.ignoreTerm",
        center: 300,
        tolerance: 20,
      },
    }],
  },
  {
    item: 7,
    on: ["deno"],
    goals: [{
      row: "memory",
      what: "parent RSS with children, `spawn` vs raw",
      goal: "≤ 1.1×",
      measure: ratio("deno.spawn.memory", "deno.raw.memory", "atMost", 1.1),
    }],
  },
  {
    item: 8,
    on: ALL,
    goals: [{
      row: "startup",
      what: "`subproc run -- true` over the bare runtime",
      whatOn: {
        deno: " (JSR's bundled `bin/subproc.js`)",
        node: " (npm bin)",
        bun: " (npm bin)",
      },
      goal: "≤ +15 ms",
      measure: {
        kind: "diff",
        a: "{rt}.cli.run",
        b: "{rt}.cli.bare",
        limit: 15,
      },
    }],
  },
  {
    item: 9,
    on: ALL,
    goals: [{
      row: "readyLine",
      what: "`ready: {line}` on a pipe, write → `ready`",
      goal: "median ≤ 5 ms",
      measure: { kind: "latency", id: "{rt}.ready.line", limit: 5 },
    }],
  },
  {
    item: 10,
    on: ALL,
    goals: [{
      row: "readyPort",
      what: "`ready: {port}`, `listen()` → `ready`",
      goal: "median ≤ interval ({interval} ms)",
      measure: { kind: "latency", id: "{rt}.ready.port", limit: "interval" },
    }],
  },
  {
    item: 11,
    on: ALL,
    goals: [{
      row: "cgroup",
      what:
        '`spawn({newSession: true, contain: "cgroup"})` vs `contain: "tree"`',
      goal: "≤ 2.0×",
      measure: ratio("{rt}.spawn.cgroup", "{rt}.spawn.newSession", "atMost", 2),
    }],
  },
  {
    item: 11,
    on: ALL,
    goals: [{
      row: "cgroupQuiet",
      what: "the same, spawns 200 ms apart: what the cgroup adds",
      goal: "(no goal)",
      measure: {
        kind: "diff",
        a: "{rt}.spawn.cgroup.quiet",
        b: "{rt}.spawn.tree.quiet",
        limit: null,
      },
    }],
  },
  {
    item: 12,
    on: ALL,
    goals: [{
      row: "daemonsLeft",
      what: "cgroup `stop()`, 200 processes with double forks: left running",
      goal: "0",
      measure: { kind: "survivors", id: "{rt}.stop.cgroup" },
    }, {
      row: "daemonsLeft",
      what:
        '`/proc` walk (`stop({scope: "tree"})`), the same tree: left running',
      goal: "0",
      measure: { kind: "survivors", id: "{rt}.stop.tree" },
    }, {
      row: "daemons",
      what: "cgroup `stop()` vs the `/proc` walk, 200 processes",
      goal: FASTER,
      measure: ratio("{rt}.stop.cgroup", "{rt}.stop.tree", "below", 1),
    }],
  },
];

function ratio(
  a: string,
  b: string,
  direction: "atMost" | "below" | "atLeast",
  limit: number,
): Measure & { kind: "ratio" } {
  return { kind: "ratio", a, b, limit, direction };
}

type Judged = Pick<GoalResult, "value" | "short" | "met" | "borderline">;

const NOT_MEASURED: Judged = {
  value: "not measured",
  short: "–",
  met: null,
  borderline: false,
};

function judgeRatio(r: Ratio | null, limit: number, direction: string) {
  if (!r) return NOT_MEASURED;
  const met = direction === "atMost"
    ? r.ratio <= limit
    : direction === "below"
    ? r.ratio < limit
    : r.ratio >= limit;
  // Two decimals, or three where two would hide which side of the goal
  // the ratio is on.
  const digits = Number(r.ratio.toFixed(2)) === limit ? 3 : 2;
  return {
    value: fmtRatio(r),
    short: `${r.ratio.toFixed(digits)}×`,
    met,
    borderline: Number.isFinite(r.low) && r.low <= limit && r.high >= limit,
  };
}

/** "median 306.5 ms, p90 307.9 ms, max 311.7 ms". */
function spread(samples: readonly number[]): string {
  const sum = summarize(samples);
  return `median ${fmtMs(sum.median)} ms, p90 ${fmtMs(sum.p90)} ms, max ${
    fmtMs(sum.max)
  } ms`;
}

/** Judges `m` (its ids already for one runtime) on `data`. */
function judge(m: Measure, data: Data): Judged {
  switch (m.kind) {
    case "ratio": {
      const r = m.throughput
        ? throughputRatio(data, m.a, m.b)
        : timeRatio(data, m.a, m.b);
      return judgeRatio(r, m.limit, m.direction);
    }
    case "info": {
      const r = timeRatio(data, m.a, m.b);
      if (!r) return NOT_MEASURED;
      const short = `${r.ratio.toFixed(2)}×`;
      return { value: fmtRatio(r), short, met: null, borderline: false };
    }
    case "survivors": {
      const list = survivorsOf(data.get(m.id));
      if (!list) return NOT_MEASURED;
      const total = list.reduce((a, b) => a + b, 0);
      return {
        value: fmtSurvivors(list),
        short: String(total),
        met: total === 0,
        borderline: false,
      };
    }
    case "window": {
      const s = data.get(m.id);
      if (!s) return NOT_MEASURED;
      const sum = summarize(s.samples);
      const ok = (x: number) => Math.abs(x - m.center) <= m.tolerance;
      return {
        value: spread(s.samples),
        short: `${sum.median.toFixed(0)} ms (p90 ${sum.p90.toFixed(0)})`,
        met: ok(sum.median) && ok(sum.p90),
        borderline: ok(sum.median) !== ok(sum.max),
      };
    }
    case "diff": {
      const sa = data.get(m.a);
      const sb = data.get(m.b);
      if (!sa || !sb) return NOT_MEASURED;
      const d = diffOfMedians(sa.samples, sb.samples);
      const ci = Number.isFinite(d.low)
        ? ` (${d.low.toFixed(1)}–${d.high.toFixed(1)})`
        : "";
      const limit = m.limit;
      return {
        value: `+${d.diff.toFixed(1)} ms${ci}`,
        short: `+${d.diff.toFixed(1)} ms`,
        met: limit === null ? null : d.diff <= limit,
        borderline: limit !== null && Number.isFinite(d.low) &&
          d.low <= limit && d.high >= limit,
      };
    }
    case "latency": {
      const s = data.get(m.id);
      if (!s) return NOT_MEASURED;
      const sum = summarize(s.samples);
      const limit = m.limit === "interval" ? intervalOf(data, m.id) : m.limit;
      return {
        value: spread(s.samples),
        short: `${fmtMs(sum.median)} ms`,
        met: sum.median <= limit,
        borderline: false,
      };
    }
  }
}

/** The poll interval a series ran with (100 ms unless it says). */
function intervalOf(data: Data, id: string): number {
  return (data.get(id)?.meta?.interval as number | undefined) ?? 100;
}

/** `m` with `{rt}` in its ids replaced by `rt`. */
function on(m: Measure, rt: Rt): Measure {
  return JSON.parse(JSON.stringify(m).replaceAll("{rt}", rt));
}

/** Every goal on this run's data, in report order. */
export function goals(data: Data): GoalResult[] {
  const list: GoalResult[] = [];
  for (const group of GOALS) {
    for (const [rt, name] of RUNTIMES.filter(([r]) => group.on.includes(r))) {
      for (const spec of group.goals) {
        const measure = on(spec.measure, rt);
        const interval = "id" in measure ? intervalOf(data, measure.id) : 0;
        list.push({
          item: group.item,
          row: ROWS[spec.row],
          rt: name,
          what: `${name}: ${spec.what}${spec.whatOn?.[rt] ?? ""}`,
          goal: spec.goal.replace("{interval}", String(interval)),
          ...judge(measure, data),
        });
      }
    }
  }
  return list;
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
