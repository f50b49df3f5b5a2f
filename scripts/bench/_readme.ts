/**
 * The README's "Performance" section from a run's goals (its prose in
 * `prose/readme.md`), and putting it in place in the README together with
 * the figures the README's other sections cite.
 *
 * @module
 */

import { type GoalResult, ROWS, RUNTIMES } from "./_goals.ts";
import { type Data, timeRatio } from "./_measures.ts";
import { fill, readProse } from "./_template.ts";

/** The section: the goals' short values per runtime, one row per README
 * row, and what the exit hooks cost. */
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
    const cols = RUNTIMES.map(([, rt]) =>
      goals.filter((g) => g.rt === rt).map(cell).join(" / ") || "–"
    );
    rows.push(`| ${row} | ${cols.join(" | ")} | ${goals[0]!.goal} |`);
  }
  return fill(readProse("readme.md"), {
    quick: quick ? "> Generated in quick mode: numbers not for quoting." : "",
    table: [
      "| measure | Deno | Node | Bun | goal |",
      "| --- | --- | --- | --- | --- |",
      ...rows,
    ].join("\n"),
    hooks: hooks.join(", "),
  });
}

/**
 * `readme` with its "## Performance" section (up to the next "## ")
 * replaced by `section`, and each figure the README cites elsewhere,
 * written as a link to that section, `[figure](#performance "bench:ROW")`
 * (ROW a key of {@linkcode ROWS}), set to Deno's value for that row in
 * `list` (left as it is where this run did not measure it).
 *
 * @throws {Error} The README has no "## Performance" section.
 */
export function updateReadme(
  readme: string,
  section: string,
  list: readonly GoalResult[],
): string {
  const start = readme.search(/^## Performance$/m);
  if (start < 0) throw new Error('The README has no "## Performance" section');
  const rest = readme.slice(start + 1).search(/^## /m);
  const end = rest < 0 ? readme.length : start + 1 + rest;
  const updated = readme.slice(0, start) + section.trimEnd() + "\n\n" +
    readme.slice(end);
  return updated.replace(
    /\[[^\]]*\](\(#performance\s+"bench:(\w+)"\))/g,
    (whole, target: string, key: string) => {
      const row = ROWS[key as keyof typeof ROWS];
      if (row === undefined) throw new Error(`No README row ${key}`);
      const goal = list.find((g) => g.row === row && g.rt === "Deno");
      return goal && goal.short !== "–" ? `[${goal.short}]${target}` : whole;
    },
  );
}
