/**
 * The project's pinned development tools — Node 22 and 24, Bun, TypeScript,
 * publint, attw, the benchmark peers — are devDependencies, installed into
 * `node_modules/` by `npm install`. A Deno user's fresh clone has none of
 * them: every script runs what it can without them and names what it
 * skipped and how to get it. `SUBPROC_REQUIRE_TOOLS=1` (set by `.ci/run`)
 * turns such a skip into a failure.
 *
 * @module
 */

import { existsSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;

/** Where `npm install` links the tools' commands. */
export const devBin: string = join(root, "node_modules/.bin");

/** `true` where a missing tool must fail its step instead of skipping it
 * (`.ci/run`). */
export const toolsRequired: boolean =
  Deno.env.get("SUBPROC_REQUIRE_TOOLS") === "1";

/** The path of a file `npm install` puts under `node_modules/` (a command
 * in `.bin/`, or a pinned Node such as `node22/bin/node`), or `null`. */
export function devTool(path: string): string | null {
  const file = path.includes("/")
    ? join(root, "node_modules", path)
    : join(devBin, path);
  return existsSync(file) ? file : null;
}

/** Says that `what` is skipped for want of `tools`; returns whether that is
 * acceptable here (not under {@linkcode toolsRequired}). */
export function skipFor(what: string, tools: readonly string[]): boolean {
  console.log(
    `note: ${what} skipped: ${
      tools.join(", ")
    } not installed (\`npm install\` installs the pinned development tools; Node and npm needed)`,
  );
  return !toolsRequired;
}

/** The exact version `package.json` pins for `name` (a devDependency or an
 * optionalDependency; `"npm:node@22.23.3"` gives `22.23.3`). */
export function pinnedVersion(name: string): string {
  const pkg = JSON.parse(Deno.readTextFileSync(join(root, "package.json")));
  const spec = pkg.devDependencies?.[name] ?? pkg.optionalDependencies?.[name];
  const match = /(\d+\.\d+\.\d+)$/.exec(spec ?? "");
  if (!match) throw new Error(`package.json pins no exact version of ${name}`);
  return match[1]!;
}
