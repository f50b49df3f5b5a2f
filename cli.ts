/**
 * The `subproc` command: a portable `timeout`, `setsid` and
 * `start-stop-daemon` over this library.
 *
 * ```sh
 * subproc timeout 10 make test                  # GNU timeout, anywhere
 * subproc run --timeout 10s -- make test        # 124 when it timed out
 * subproc start --pidfile app.pid --log app.log -- ./server
 * subproc status --pidfile app.pid              # 0 running, 1 dead, 3 stopped
 * subproc stop --pidfile app.pid --grace 5s
 * subproc tree 1234
 * ```
 *
 * Run it with `deno run -A jsr:@subproc/subproc/bin` (the same command
 * bundled, which starts faster than this module and its ~130 imports), or
 * `npx subproc`.
 * `subproc --help` and `subproc COMMAND --help` tell more.
 *
 * @example Run the command line from code
 * ```ts
 * import { main } from "@subproc/subproc/cli";
 * const code = await main(["status", "--pidfile", "/tmp/no-such.pid"]);
 * console.log(code); // 3
 * ```
 *
 * @module
 */

import { main } from "./src/cli/main.ts";
import { host, process } from "./src/runtime/host.ts";

export { main };

/** `true` when this file is the program being run: `import.meta.main`, or,
 * on runtimes that lack it (Node before 24.2), the script path in
 * `process.argv`. (`deno test` also puts the file in `process.argv`, so the
 * fallback is only used when `import.meta.main` is missing; its modules are
 * loaded only then, to keep them off the start of every other runtime.) */
async function isProgram(): Promise<boolean> {
  const main: boolean | undefined = import.meta.main;
  if (typeof main === "boolean") return main;
  const { realpathSync } = await import("node:fs");
  const { argv } = await import("node:process");
  const { fileURLToPath } = await import("node:url");
  const script = argv[1];
  if (script === undefined || !import.meta.url.startsWith("file:")) {
    return false;
  }
  try {
    return realpathSync(script) ===
      realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (await isProgram()) {
  process.exitCode = await main(host.args());
}
