/**
 * BENCHMARKS.md from the series of one run: the goal table, then for each
 * item its prose (`prose/benchmarks.md`) and a table of every variant with
 * its ratio to its baseline.
 *
 * Every ratio is a ratio of medians measured in the same run (the same
 * process where the two are on one runtime), with a 95 % bootstrap interval.
 *
 * @module
 */

import { type GoalResult, goalTable, type Rt, RUNTIMES } from "./_goals.ts";
import {
  type Data,
  fmtMs,
  fmtRatio,
  fmtSurvivors,
  survivorsOf,
  throughputRatio,
  timeRatio,
} from "./_measures.ts";
import { type Series, summarize, type Summary } from "./_stats.ts";
import { fill, readProse } from "./_template.ts";

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

/** How an item's table is built (its title and text are in the prose). */
interface ItemSpec {
  n: number;
  /** Series ids in table order, each with its baseline id (or null). */
  rows: Array<[string, string | null]>;
  extra?: {
    header: string;
    /** `baseline`: the row's baseline series, if it has one. */
    cell: (
      s: Series,
      sum: Summary,
      data: Data,
      baseline: Series | undefined,
    ) => string;
  }[];
  /** `"time"`: ratio = median / baseline median; `"throughput"`: inverse. */
  ratio?: "time" | "throughput" | "none";
  /** Samples are MiB, not ms. */
  mib?: boolean;
}

function survivorsCell(s: Series): string {
  return fmtSurvivors(survivorsOf(s));
}

/** A row's median over its baseline's, in ms. */
function addedCell(
  _s: Series,
  sum: Summary,
  _data: Data,
  baseline: Series | undefined,
): string {
  if (!baseline) return "–";
  const d = sum.median - summarize(baseline.samples).median;
  return `${d >= 0 ? "+" : ""}${fmtMs(d)} ms`;
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
      ...(spec.extra ?? []).map((e) =>
        e.cell(s, sum, data, baseline === null ? undefined : data.get(baseline))
      ),
    ];
    lines.push(`| ${cells.map((c) => c.replaceAll("|", "\\|")).join(" | ")} |`);
  }
  return lines.join("\n");
}

/** For each runtime (`{rt}`), `{rt}.baseline` and each `{rt}.id` against
 * it (`[]`: the baseline's row alone). */
function eachRuntime(
  baseline: string,
  ids: readonly string[],
  runtimes: readonly Rt[] = RUNTIMES.map(([rt]) => rt),
): Array<[string, string | null]> {
  return runtimes.flatMap((rt) => [
    [`${rt}.${baseline}`, null],
    ...ids.map((id): [string, string] => [`${rt}.${id}`, `${rt}.${baseline}`]),
  ]);
}

const ITEMS: ItemSpec[] = [
  {
    n: 1,
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
    rows: [
      ["deno.raw.detach", null],
      ["deno.raw.detach.fsync", "deno.raw.detach"],
      ["deno.detach", "deno.raw.detach"],
      ["deno.detach.tree", "deno.raw.detach"],
      ["node.raw.detach", null],
      ["node.detach", "node.raw.detach"],
      ["node.detach.tree", "node.raw.detach"],
      ["bun.raw.detach", null],
      ["bun.detach", "bun.raw.detach"],
      ["bun.detach.tree", "bun.raw.detach"],
      ["python.popen.detach", "deno.raw.detach"],
    ],
  },
  {
    n: 4,
    rows: [
      ["node.tree-kill", null],
      ["deno.killTree", "node.tree-kill"],
      ["node.killTree", "node.tree-kill"],
      ["pkill-g", "node.tree-kill"],
      ["kill-pgid", "node.tree-kill"],
    ],
    extra: [{ header: "survivors per repetition", cell: survivorsCell }],
  },
  {
    n: 5,
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
    rows: [
      ["deno.run.timeout.ignoreTerm", null],
      ["node.run.timeout.ignoreTerm", null],
      ["bun.run.timeout.ignoreTerm", null],
      ["node.execa.timeout.ignoreTerm", null],
      ["bun.execa.timeout.ignoreTerm", null],
      ["python.run.timeout.ignoreTerm", null],
      ["deno.run.timeout.ignoreTerm.tree", null],
      ["node.run.timeout.ignoreTerm.tree", null],
      ["bun.run.timeout.ignoreTerm.tree", null],
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
    rows: [
      ["deno.raw.memory", null],
      ["deno.spawn.memory", "deno.raw.memory"],
    ],
    mib: true,
    extra: [{ header: "before → added", cell: memoryCells }],
  },
  {
    n: 8,
    rows: [
      ["cli.true", null],
      ["gnu.timeout", "cli.true"],
      ...eachRuntime("cli.bare", ["cli.run", "cli.run.cgroup", "cli.timeout"]),
      ["deno.cli.source", "deno.cli.bare"],
    ],
    extra: [
      { header: "over the bare runtime", cell: overBareCell },
      { header: "vs GNU timeout", cell: vsGnuCell },
    ],
  },
  {
    n: 9,
    rows: eachRuntime("raw.line", ["ready.line"]),
  },
  {
    n: 10,
    rows: eachRuntime("ready.port", []),
    ratio: "none",
  },
  {
    n: 11,
    rows: RUNTIMES.flatMap(([rt]) => [
      ...eachRuntime("spawn.newSession", ["spawn.cgroup"], [rt]),
      ...eachRuntime("spawn.tree.quiet", ["spawn.cgroup.quiet"], [rt]),
    ]),
    extra: [{ header: "what the cgroup adds", cell: addedCell }],
  },
  {
    n: 12,
    rows: eachRuntime("stop.tree", ["stop.cgroup"]),
    extra: [{ header: "left running per repetition", cell: survivorsCell }],
  },
];

/** BENCHMARKS.md. */
export function renderReport(
  info: RunInfo,
  data: Data,
  goalList: readonly GoalResult[],
): string {
  const list = (lines: readonly string[]) =>
    lines.map((line) => `- ${line}`).join("\n");
  const tables = Object.fromEntries(
    ITEMS.map((spec) => [
      `table ${spec.n}`,
      itemTable(spec, data) ?? "_Not measured in this run._",
    ]),
  );
  return fill(readProse("benchmarks.md"), {
    quick: info.quick ? " (quick mode: not for quoting)" : "",
    command: info.command,
    date: info.date,
    seconds: info.wallSeconds.toFixed(0),
    machine: list(info.machine),
    versions: list(info.versions),
    goals: goalTable(goalList),
    ...tables,
    notes: list([
      ...info.notes,
      `Leftover processes after the run: ${
        info.leftovers.length === 0 ? "none" : info.leftovers.join(", ")
      }.`,
    ]),
  });
}
