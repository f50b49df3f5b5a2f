/**
 * `subproc run` and `subproc timeout` start fast (see the benchmarks), and
 * that takes a module graph that loads no `node:` built-in under Deno:
 * Deno's `node:` compatibility layer costs about 20 ms to load, more than
 * the whole budget. This walks the static imports from each command's
 * module and fails on any `node:` one (a dynamic `import("node:…")` or
 * `process.getBuiltinModule` loads only when that code runs).
 */

import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { procTest } from "./_helpers.ts";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
/** `.ts` sources here; `.js` next to the npm build under Node. */
const ext = existsSync(resolve(root, "src/spawn.ts")) ? ".ts" : ".js";

/** Static value imports (and re-exports) of a module's source: type-only
 * ones are left out, as the compilers drop them. */
function staticImports(source: string): string[] {
  const found: string[] = [];
  // At the start of a line, or right after a comment (as compilers emit).
  const pattern =
    /(?:^|\*\/)\s*(import|export)\s+(type\s+)?([^;]*?)\s*from\s*["']([^"']+)["']|(?:^|\*\/)\s*import\s*["']([^"']+)["']/gm;
  for (const match of source.matchAll(pattern)) {
    if (match[5] !== undefined) {
      found.push(match[5]);
      continue;
    }
    if (match[2] !== undefined) continue;
    const names = match[3]!.replace(/^\{|\}$/g, "").split(",").map((name) =>
      name.trim()
    ).filter((name) => name.length > 0);
    if (names.length > 0 && names.every((name) => name.startsWith("type "))) {
      continue;
    }
    found.push(match[4]!);
  }
  return found;
}

/** Every module reached by static imports from `entry`, and the `node:`
 * built-ins among them, with the module that imports each. */
function graph(entry: string): Map<string, string> {
  const builtins = new Map<string, string>();
  const seen = new Set<string>();
  const queue = [resolve(root, entry + ext)];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of staticImports(readFileSync(file, "utf8"))) {
      if (specifier.startsWith("node:")) {
        builtins.set(specifier, file.slice(root.length + 1));
      } else if (specifier.startsWith(".")) {
        queue.push(resolve(dirname(file), specifier));
      }
    }
  }
  return builtins;
}

for (const command of ["src/cli/run", "src/cli/timeout/command"]) {
  procTest(
    `${command}: no node: built-in is imported statically on the way`,
    () => {
      const entries = [...graph(command)].map(([name, by]) =>
        `${name} (imported by ${by})`
      );
      assert.deepEqual(entries, []);
    },
  );
}

procTest("cli.ts reaches its commands without node: built-ins", () => {
  assert.deepEqual([...graph("cli")], []);
});

procTest("the walk does find node: built-ins where there are some", () => {
  // mod.ts reaches the pidfile code, which uses node:fs.
  assert.ok(graph("mod").has("node:fs"));
});
