/**
 * The entry of the npm package's `subproc` command, bundled by
 * `build_npm.ts` into one CommonJS file (`bin/subproc.cjs`): Node loads one
 * script faster than the package's ESM modules one by one (CommonJS also
 * spares it the ES module loader), which matters for a command run in loops
 * and health checks.
 *
 * @module
 */

import { main } from "../src/cli/main.ts";
import { host, process } from "../src/runtime/host.ts";

main(host.args()).then((code) => {
  process.exitCode = code;
});
