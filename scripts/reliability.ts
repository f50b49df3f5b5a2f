/**
 * Runs the reliability suite (`tests/reliability/`) and writes
 * `RELIABILITY.md` from what the suite itself recorded: one row per case —
 * expected, observed, processes left, fds left — and, in soak mode, RSS and
 * fds over time. Nothing in the report is written by hand.
 *
 * Usage:
 *
 *     npm run reliability -- [--full] [--soak MINUTES]
 *         [--runtime deno,bun,node] [--out RELIABILITY.md]
 *
 * - `--full`: the heavy cases too (`SUBPROC_FULL=1`: 1,000 children 200 at a
 *   time, 1 GiB at the default `maxBuffer`, 20,000 generated strings).
 * - `--soak N`: also the soak test, N minutes (`SUBPROC_SOAK_MINUTES`).
 * - `--runtime`: which runtimes (default `deno`). `bun` runs the TypeScript
 *   as is; `node` runs the transpiled tests next to the npm build in
 *   `.build/node/` (made by `scripts/test_node.ts`, a step of `npm test`).
 *
 * Exits 1 when a case failed or a runner failed.
 *
 * @module
 */

import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, release, tmpdir, totalmem } from "node:os";
import { dirname, join } from "node:path";
import process from "node:process";
import { parseArgs } from "node:util";
import { devBin, devTool, skipFor } from "./_dev_tools.ts";

const root = new URL("..", import.meta.url).pathname;

const { values } = parseArgs({
  args: Deno.args,
  options: {
    full: { type: "boolean", default: false },
    soak: { type: "string" },
    runtime: { type: "string", default: "deno" },
    out: { type: "string", default: join(root, "RELIABILITY.md") },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  console.log(
    "Usage: npm run reliability -- [--full] [--soak MINUTES] [--runtime deno,bun,node] [--out FILE]",
  );
  Deno.exit(0);
}
const soak = values.soak === undefined ? 0 : Number(values.soak);
if (!Number.isFinite(soak) || soak < 0) {
  console.error(`--soak expects a number of minutes, got ${values.soak}`);
  Deno.exit(2);
}
const runtimes = values.runtime.split(",").map((r) => r.trim());
for (const r of runtimes) {
  if (!["deno", "bun", "node"].includes(r)) {
    console.error(`--runtime: unknown runtime ${JSON.stringify(r)}`);
    Deno.exit(2);
  }
}

interface Row {
  kind: "case" | "skip" | "soak";
  area: string;
  name: string;
  runtime: string;
  expected?: string;
  observed?: string;
  processesLeft?: number | null;
  fdsLeft?: number | null;
  ok?: boolean;
  known?: boolean;
  ms?: number;
  reason?: string;
  minutes?: number;
  samples?: {
    seconds: number;
    children: number;
    rssMiB: number;
    heapMiB: number;
    fds: number | null;
  }[];
}

interface Run {
  runtime: string;
  version: string;
  code: number;
  seconds: number;
  note?: string;
}

function version(cmd: string, args: string[]): string {
  try {
    const out = new Deno.Command(cmd, { args, stderr: "null" }).outputSync();
    return new TextDecoder().decode(out.stdout).split("\n")[0]!.trim();
  } catch {
    return "unknown";
  }
}

function runSuite(runtime: string, out: string): Run {
  const env: Record<string, string> = {
    PATH: `${devBin}:${Deno.env.get("PATH")}`,
    SUBPROC_RELIABILITY_OUT: out,
    ...(values.full ? { SUBPROC_FULL: "1" } : {}),
    ...(soak > 0 ? { SUBPROC_SOAK_MINUTES: String(soak) } : {}),
  };
  let cmd: string;
  let args: string[];
  let cwd = root;
  let ver: string;
  if (runtime === "deno") {
    cmd = Deno.execPath();
    args = ["test", "-A", "tests/reliability/"];
    ver = `Deno ${Deno.version.deno}`;
  } else if (runtime === "bun") {
    const bun = devTool("bun");
    if (bun === null) {
      skipFor("the reliability suite under Bun", ["bun"]);
      return {
        runtime,
        version: "bun",
        code: 1,
        seconds: 0,
        note: "Bun is not installed: `npm install`",
      };
    }
    cmd = bun;
    args = [
      "test",
      "--timeout",
      String(600_000 + soak * 60_000),
      "tests/reliability/",
    ];
    ver = `Bun ${version(cmd, ["--version"])}`;
  } else {
    // A private copy: `deno task test:node` rebuilds .build/node from
    // scratch, and may run while we do.
    const built = join(root, ".build/node");
    cwd = join(dirname(out), "node");
    if (existsSync(join(built, "tests/reliability"))) {
      cpSync(built, cwd, { recursive: true });
    }
    const dir = join(cwd, "tests/reliability");
    if (!existsSync(dir)) {
      return {
        runtime,
        version: "node",
        code: 1,
        seconds: 0,
        note:
          "no .build/node/tests/reliability: run `deno run -A scripts/test_node.ts` first",
      };
    }
    cmd = "node";
    args = [
      "--test",
      "--test-concurrency=1",
      ...[...Deno.readDirSync(dir)].map((e) => e.name)
        .filter((n) => n.endsWith("_test.js")).sort()
        .map((n) => join("tests/reliability", n)),
    ];
    ver = `Node ${version(cmd, ["--version"])}`;
  }
  console.log(`\n=== ${ver}: ${[cmd, ...args].join(" ")}`);
  const started = performance.now();
  const { code } = new Deno.Command(cmd, {
    args,
    cwd,
    env,
    stdin: "null",
    stdout: "inherit",
    stderr: "inherit",
  }).outputSync();
  return {
    runtime,
    version: ver,
    code,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}

const cell = (text: unknown) =>
  String(text ?? "").replaceAll("|", "\\|").replaceAll("\n", " ");

function markdown(rows: Row[], runs: Run[]): string {
  const cases = rows.filter((r) => r.kind === "case");
  const skips = rows.filter((r) => r.kind === "skip");
  const count = (list: Row[]) => {
    const passed = list.filter((r) => r.ok).length;
    const known = list.filter((r) => r.known).length;
    return { passed, known, failed: list.length - passed - known };
  };
  const total = count(cases);
  const lines: string[] = [];
  const mode = [
    values.full ? "full (`--full`, SUBPROC_FULL=1)" : "fast subset",
    soak > 0 ? `soak ${soak} min` : "no soak",
  ].join(", ");
  lines.push(
    "# Reliability",
    "",
    "Written by `npm run reliability` (`scripts/reliability.ts`) from the rows that the suite in `tests/reliability/` records while it runs — not by hand. Re-run it to refresh.",
    "",
    `- Run: ${
      new Date().toISOString().slice(0, 16).replace("T", " ")
    } UTC, ${mode}`,
    `- Machine: ${process.platform} ${release()}, ${cpus().length} cores, ${
      Math.round(totalmem() / 2 ** 30)
    } GiB`,
    `- Result: ${cases.length} cases: ${total.passed} passed, ${total.known} known issues, ${total.failed} failed${
      skips.length ? `; ${skips.length} skipped` : ""
    }`,
    "",
    "| runtime | cases | passed | known issues | failed | skipped | wall time | runner exit |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
  );
  for (const run of runs) {
    const mine = cases.filter((r) => r.runtime === run.runtime);
    const c = count(mine);
    lines.push(
      `| ${run.version} | ${mine.length} | ${c.passed} | ${c.known} | ${c.failed} | ${
        skips.filter((r) => r.runtime === run.runtime).length
      } | ${run.seconds} s | ${run.note ? cell(run.note) : run.code} |`,
    );
  }
  lines.push(
    "",
    '"Processes left" counts live processes of the case (found by an environment tag every child inherits, orphans included; zombies count as dead — PID 1 here never reaps) after it ended; "fds left" counts descriptors this process held beyond its count before the case. Both must be 0 for a case to pass.',
    "",
    "A **known issue** is a case whose expectation is not met, for a reason reported to the maintainers (its row says which). It does not fail the run; processes or descriptors it leaves behind still would.",
  );
  const order = ["load", "faults", "pidfile", "hostile input", "user input"];
  const rank = (area: string) =>
    order.includes(area) ? order.indexOf(area) : order.length;
  const areas = [...new Set(cases.map((r) => r.area))]
    .sort((a, b) => rank(a) - rank(b));
  const multi = runs.length > 1;
  for (const area of areas) {
    lines.push(
      "",
      `## ${area[0]!.toUpperCase()}${area.slice(1)}`,
      "",
      `| ${
        multi ? "runtime | " : ""
      }case | expected | observed | processes left | fds left | result |`,
      `| ${multi ? "--- | " : ""}--- | --- | --- | --- | --- | --- |`,
    );
    for (const r of cases.filter((c) => c.area === area)) {
      lines.push(
        `| ${multi ? `${r.runtime} | ` : ""}${cell(r.name)} | ${
          cell(r.expected)
        } | ${cell(r.observed)} | ${r.processesLeft ?? "n/a"} | ${
          r.fdsLeft ?? "n/a"
        } | ${r.ok ? "pass" : r.known ? "**known issue**" : "**FAIL**"} (${
          ((r.ms ?? 0) / 1000).toFixed(1)
        } s) |`,
      );
    }
  }
  for (const s of rows.filter((r) => r.kind === "soak")) {
    const samples = s.samples ?? [];
    const step = Math.max(1, Math.ceil(samples.length / 30));
    lines.push(
      "",
      `## Soak (${s.runtime}, ${s.minutes} min)`,
      "",
      "| t (s) | children | RSS (MiB) | heap (MiB) | open fds |",
      "| --- | --- | --- | --- | --- |",
    );
    samples.forEach((p, i) => {
      if (i % step === 0 || i === samples.length - 1) {
        lines.push(
          `| ${p.seconds} | ${p.children} | ${p.rssMiB} | ${p.heapMiB} | ${
            p.fds ?? "n/a"
          } |`,
        );
      }
    });
  }
  if (skips.length) {
    lines.push("", "## Skipped", "");
    for (const s of skips) {
      lines.push(`- ${multi ? `${s.runtime}: ` : ""}${s.name} — ${s.reason}`);
    }
  }
  return lines.join("\n") + "\n";
}

const dir = mkdtempSync(join(tmpdir(), "subproc-reliability-"));
let exitCode = 0;
try {
  const out = join(dir, "rows.jsonl");
  const runs = runtimes.map((r) => runSuite(r, out));
  const rows: Row[] = existsSync(out)
    ? readFileSync(out, "utf8").split("\n").filter((l) => l)
      .map((l) => JSON.parse(l))
    : [];
  Deno.writeTextFileSync(values.out, markdown(rows, runs));
  const failed = rows.filter((r) =>
    r.kind === "case" && !r.ok && !r.known
  ).length;
  console.log(
    `\nWrote ${values.out}: ${
      rows.filter((r) => r.kind === "case").length
    } cases, ${failed} failed; ${
      runs.map((r) => `${r.runtime} ${r.seconds} s`).join(", ")
    }`,
  );
  if (failed > 0 || runs.some((r) => r.code !== 0)) exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
Deno.exit(exitCode);
