/**
 * The test suite compiled for Node and Bun against the npm build: the
 * unpacked package (`.build/npm/package/`, made by `build_npm.ts`) is copied
 * to `.build/node/`, and `tests/**` are transpiled next to it
 * (`.build/node/tests/`) with their `.ts` imports pointing at the `.js`
 * files of the package — so the tests exercise exactly what npm users get.
 * Used by `test_node.ts` and `wine/test_windows.ts`.
 *
 * @module
 */

import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { devTool, pinnedVersion } from "./_dev_tools.ts";

const root = new URL("..", import.meta.url).pathname;
const pkg = join(root, ".build/npm/package");
/** Where the compiled suite goes. */
export const nodeTestsDir: string = join(root, ".build/node");
const out = nodeTestsDir;

interface TypeScript {
  transpileModule(
    source: string,
    options: { compilerOptions: Record<string, unknown>; fileName: string },
  ): { outputText: string };
  ModuleKind: { ESNext: number };
  ScriptTarget: { ES2022: number };
}
/** TypeScript from `node_modules/` (`npm install`), else the same pinned
 * version from the npm registry through Deno's own cache (a fresh clone). */
const ts: TypeScript = devTool("typescript/package.json")
  ? createRequire(import.meta.url)(join(root, "node_modules/typescript"))
  : (await import(`npm:typescript@${pinnedVersion("typescript")}`)).default;

function testFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...testFiles(path));
    else if (entry.name.endsWith(".ts")) files.push(path);
  }
  return files;
}

/** Points relative `.ts` specifiers at `.js`. */
function retarget(code: string): string {
  return code.replace(
    /((?:from|import)\s*\(?\s*["'])(\.{1,2}\/[^"']+)\.ts(["'])/g,
    "$1$2.js$3",
  );
}

/** Builds `.build/node/` (see the module doc); returns its test files. */
export function prepareNodeTests(): string[] {
  if (!existsSync(join(pkg, "mod.js"))) {
    throw new Error("No npm build: run `npm run build:npm` first");
  }
  rmSync(out, { recursive: true, force: true });
  cpSync(pkg, out, { recursive: true });
  const built: string[] = [];
  for (const file of testFiles(join(root, "tests"))) {
    const target = join(out, relative(root, file)).replace(/\.ts$/, ".js");
    mkdirSync(dirname(target), { recursive: true });
    const { outputText } = ts.transpileModule(Deno.readTextFileSync(file), {
      fileName: file,
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
      },
    });
    Deno.writeTextFileSync(target, retarget(outputText));
    if (/_test\.js$/.test(target)) built.push(target);
  }
  // Fixtures that are not TypeScript (shell scripts, data) come along as is.
  cpSync(join(root, "tests"), join(out, "tests"), {
    recursive: true,
    filter: (src) => !src.endsWith(".ts"),
  });
  return built.sort();
}
