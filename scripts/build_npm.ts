/**
 * Builds the npm package `subproc` from the same source, with `deno pack`
 * (`dnt` lives on JSR, which our machines can't reach).
 *
 * Output:
 * - `.build/npm/package/`: the unpacked package (what the tests import under
 *   Node; identical to the tarball's content);
 * - `.build/npm/subproc-<version>.tgz`: the tarball, packed by `npm pack`.
 *
 * The `subproc` command (`bin/subproc.cjs`) loads `scripts/bin/subproc.ts`
 * bundled into one CommonJS file by `deno bundle` (`bin/subproc-main.cjs`):
 * it starts in about 13 ms less than the same code loaded as the package's
 * ES modules, and 2 ms less again once Node's compile cache has it.
 *
 * `deno pack` silently drops every `.d.ts` when the code has slow types, so
 * the build fails when `mod.d.ts` is missing.
 *
 * Usage: `deno task build:npm`
 *
 * @module
 */

import { existsSync, rmSync } from "node:fs";
import { buildDenoBin } from "./build_deno_bin.ts";

const root = new URL("..", import.meta.url).pathname;
const out = `${root}.build/npm`;
const pkg = `${out}/package`;

function sh(cmd: string, args: string[], cwd = root): string {
  const result = new Deno.Command(cmd, { args, cwd, stderr: "inherit" })
    .outputSync();
  if (!result.success) {
    throw new Error(`${cmd} ${args.join(" ")} failed with code ${result.code}`);
  }
  return new TextDecoder().decode(result.stdout);
}

const config = JSON.parse(Deno.readTextFileSync(`${root}deno.json`));

rmSync(out, { recursive: true, force: true });
Deno.mkdirSync(out, { recursive: true });
// deno pack packs every export of deno.json, JSR's command too.
buildDenoBin();
sh(Deno.execPath(), [
  "pack",
  "--allow-dirty",
  "--no-source-maps",
  "-o",
  `${out}/deno-pack.tgz`,
]);
sh("tar", ["xzf", `${out}/deno-pack.tgz`, "-C", out]);
Deno.removeSync(`${out}/deno-pack.tgz`);

for (const file of ["mod.d.ts", "mod.js", "cli.js"]) {
  if (!existsSync(`${pkg}/${file}`)) {
    throw new Error(
      `${file} is missing from the deno pack output: run \`deno publish --dry-run\` to find the slow types`,
    );
  }
}

const packed = JSON.parse(Deno.readTextFileSync(`${pkg}/package.json`));
// JSR's command (`./bin`) is Deno's; npm's is `bin/subproc.cjs`, below.
delete packed.exports["./bin"];
rmSync(`${pkg}/bin`, { recursive: true, force: true });
const manifest = {
  name: "subproc",
  version: config.version,
  description:
    "Spawn, detach, time out and stop processes and everything they started, on Node, Deno and Bun",
  license: config.license,
  type: "module",
  main: "./mod.js",
  types: "./mod.d.ts",
  exports: packed.exports,
  bin: { subproc: "./bin/subproc.cjs" },
  // process.getBuiltinModule (see src/runtime/node_builtins.ts).
  engines: { node: ">=20.16" },
  sideEffects: false,
  keywords: [
    "child_process",
    "subprocess",
    "spawn",
    "kill",
    "process-tree",
    "timeout",
    "detach",
    "setsid",
    "pidfile",
  ],
};
Deno.writeTextFileSync(
  `${pkg}/package.json`,
  JSON.stringify(manifest, null, 2) + "\n",
);
Deno.mkdirSync(`${pkg}/bin`, { recursive: true });
sh(Deno.execPath(), [
  "bundle",
  "--quiet",
  "--platform",
  "deno",
  "--format",
  "cjs",
  "-o",
  `${pkg}/bin/subproc-main.cjs`,
  `${root}scripts/bin/subproc.ts`,
]);
// The command itself only asks Node (22.1 and newer) to keep the bundle's
// compiled code on disk, then loads it: later starts skip compiling 0.3 MB
// of JavaScript (about 2 ms of a `subproc run -- true`).
const bin = `${pkg}/bin/subproc.cjs`;
Deno.writeTextFileSync(
  bin,
  `#!/usr/bin/env node
"use strict";
require("node:module").enableCompileCache?.();
require("./subproc-main.cjs");
`,
);
Deno.chmodSync(bin, 0o755);
Deno.copyFileSync(`${root}README.md`, `${pkg}/README.md`);
Deno.copyFileSync(`${root}LICENSE`, `${pkg}/LICENSE`);

const tarball = sh("npm", ["pack", "--silent", "--pack-destination", out], pkg)
  .trim().split("\n").pop()!;
console.log(`Built ${out}/${tarball}`);
