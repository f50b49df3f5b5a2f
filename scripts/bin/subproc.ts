/**
 * The entry of the bundled `subproc` command, in both its forms: the npm
 * package's `bin/subproc.cjs` (one CommonJS file, by `build_npm.ts`) and
 * JSR's `bin/subproc.js` (ES modules split per command, by
 * `build_deno_bin.ts`). A runtime loads a few bundled files faster than the
 * library's ~130 modules one by one, which matters for a command run in
 * loops and health checks.
 *
 * @module
 */

import { main } from "../../src/cli/main.ts";
import { host, process } from "../../src/runtime/host.ts";

main(host.args()).then((code) => {
  process.exitCode = code;
});
