// @ts-self-types="./subproc.d.ts"
/**
 * The `subproc` command for Deno: `deno run -A jsr:@subproc/subproc/bin`.
 * It runs the command line bundled into `./bundle/` by
 * `scripts/build_deno_bin.ts` (split per command, so a start loads a few
 * files, not the library's ~130 modules); `cli.ts` is the same command
 * from the sources, and what `main` is imported from.
 *
 * @module
 */
import "./bundle/subproc.js";
