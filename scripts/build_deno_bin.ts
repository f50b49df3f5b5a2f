/**
 * Builds the Deno form of the `subproc` command: `scripts/bin/subproc.ts`
 * bundled by `deno bundle` into ES modules split per command, in
 * `bin/bundle/` (`subproc.js` and its `chunk-*.js`), which `bin/subproc.js`
 * — JSR's `./bin` export, what `deno run -A jsr:@subproc/subproc/bin`
 * runs — loads. `subproc run -- true` then loads a few files instead of the
 * library's ~130 modules: about 12 ms over a bare `deno run` instead of
 * about 25 (BENCHMARKS.md, start-up).
 *
 * `bin/bundle/` is generated, not committed (`.gitignore`); `deno publish`
 * takes it all the same (`bin/` is in `publish.include`, and
 * `publish.exclude` un-ignores `bin/bundle/`). `deno pack` packs
 * every export, so `build_npm.ts` builds it first (and leaves it out of the
 * npm package, whose command is `bin/subproc.cjs`); `npm test` builds it
 * before the publish check and runs the command line's tests against it.
 *
 * Usage: `deno task build:bin`
 *
 * @module
 */

import { rmSync } from "node:fs";

const root = new URL("..", import.meta.url).pathname;

const bundleDir = `${root}bin/bundle`;

/** Bundles the command into `bin/bundle/`, replacing what was there;
 * returns the path of its entry. */
export function buildDenoBin(): string {
  rmSync(bundleDir, { recursive: true, force: true });
  const result = new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--platform",
      "deno",
      "--format",
      "esm",
      "--code-splitting",
      "--outdir",
      bundleDir,
      `${root}scripts/bin/subproc.ts`,
    ],
    cwd: root,
    stderr: "inherit",
  }).outputSync();
  if (!result.success) {
    throw new Error(`deno bundle failed with code ${result.code}`);
  }
  return `${bundleDir}/subproc.js`;
}

if (import.meta.main) console.log(`Built ${buildDenoBin()}`);
