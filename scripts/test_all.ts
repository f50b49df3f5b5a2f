/**
 * The whole test suite, as `npm test` runs it: static checks, the tests under
 * Deno (and the command line's tests again on JSR's bundled command,
 * `bin/subproc.js`), the npm build and its checks, the same tests on the
 * build under the machine's Node and the pinned Node 22 and 24, and under
 * Bun, and the benchmarks' quick mode (which keeps the benchmark scripts
 * working; its figures are not judged). Installs nothing: tests that need a
 * missing optional tool skip, naming it. The Windows suite is separate
 * (`npm run test:windows`). Ends with one line `N passed, N failed` (steps,
 * not tests; each runner prints its own counts above).
 *
 * Usage: `deno run -A scripts/test_all.ts [--only NAME,...] [--skip NAME,...]`
 *
 * @module
 */

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { parseArgs } from "node:util";
import { devBin, devTool, skipFor, toolsRequired } from "./_dev_tools.ts";

const root = new URL("..", import.meta.url).pathname;
const deno = Deno.execPath();
/** The machine's own Node: the first on PATH outside any node_modules (npm
 * puts node_modules/.bin, where `node` is the pinned Node 22, first). */
function machineNode(): string | null {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    if (dir.includes("node_modules")) continue;
    try {
      Deno.statSync(join(dir, "node"));
      return join(dir, "node");
    } catch {
      // not here
    }
  }
  return null;
}

/** The machine's own Node, then the pinned ones (those that are there). */
function nodes(): string[] {
  return [machineNode(), devTool("node22/bin/node"), devTool("node24/bin/node")]
    .filter((node) => node !== null);
}

/** The tests of the command line, run again on JSR's bundled command. */
const CLI_TESTS = [
  "tests/cli_test.ts",
  "tests/cli_ready_test.ts",
  "tests/cli_run_signals_test.ts",
  "tests/timeout/",
];

interface Step {
  name: string;
  /** Commands it needs that `npm install` provides (checked first). */
  needs?: readonly string[];
  run: () => boolean;
}

function exec(
  cmd: string,
  args: string[],
  cwd = root,
  env: Record<string, string> = {},
): boolean {
  console.log(`$ ${[cmd, ...args].join(" ")}`);
  const { code } = new Deno.Command(cmd, {
    args,
    cwd,
    stdout: "inherit",
    stderr: "inherit",
    env: { PATH: `${devBin}:${Deno.env.get("PATH")}`, ...env },
  }).outputSync();
  return code === 0;
}

const tarball = () => join(root, `.build/npm/subproc-${version()}.tgz`);
function version(): string {
  return JSON.parse(Deno.readTextFileSync(join(root, "deno.json"))).version;
}

/** Installs the tarball in an empty project and runs `check` there. */
function inEmptyProject(check: (dir: string) => boolean): boolean {
  const dir = mkdtempSync(join(tmpdir(), "subproc-consumer-"));
  try {
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({ name: "consumer", private: true, type: "module" }),
    );
    return exec(
      "npm",
      ["install", "--no-audit", "--no-fund", tarball()],
      dir,
    ) &&
      check(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every export compiles under `tsc --strict` without Deno or Node types. */
function consumerTypes(dir: string): boolean {
  writeFileSync(
    join(dir, "index.ts"),
    `import * as subproc from "subproc";
import type { DetachedProcess, DetachOptions, ExitStatus, ReadyOptions,
  ReadyResult, RunOptions, RunResult, Signal, SpawnOptions, StdioOption,
  StopOptions, Subprocess } from "subproc";
const r: Promise<RunResult<string>> = subproc.run(["true"], { capture: true });
const s: Subprocess = subproc.spawn(["true"]);
const ready: ReadyOptions = { line: /up/, port: 8080, check: () => true };
const rr: Promise<ReadyResult> = subproc.spawn(["true"], { ready }).ready;
const d: Promise<DetachedProcess> = subproc.detach(["true"]);
const e: ExitStatus | null = s.poll();
const sig: Signal = "SIGTERM";
const o: [RunOptions?, SpawnOptions?, StdioOption?, StopOptions?, DetachOptions?] = [];
const errors = [subproc.SubprocessError, subproc.CommandNotFoundError,
  subproc.PermissionDeniedError, subproc.CalledProcessError,
  subproc.TimeoutExpiredError, subproc.BreakawayDeniedError,
  subproc.MaxBufferError, subproc.AlreadyRunningError,
  subproc.UntrustedFileError, subproc.NotReadyError];
const k: Promise<void> = subproc.killTree(1, { killSignal: sig });
const a: boolean = subproc.isAlive(1);
const p = new subproc.Pidfile("x.pid");
export { r, s, d, e, o, errors, k, a, p, rr };
`,
  );
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        skipLibCheck: false,
        noEmit: true,
        module: "nodenext",
        moduleResolution: "nodenext",
        target: "es2022",
        lib: ["es2022", "dom", "esnext.disposable"],
        types: [],
      },
      files: ["index.ts"],
    }),
  );
  return exec(join(devBin, "tsc"), ["-p", dir], dir);
}

/** `npx subproc` and an ESM import work from the installed tarball. */
function installSmoke(dir: string): boolean {
  writeFileSync(
    join(dir, "smoke.mjs"),
    `import { run } from "subproc";
const r = await run(["node", "--version"], { capture: true, check: true });
if (!/^v\\d+/.test(r.stdout)) throw new Error("unexpected: " + r.stdout);
console.log("import ok:", r.stdout.trim());
`,
  );
  if (!exec(machineNode()!, ["smoke.mjs"], dir)) return false;
  console.log(
    '$ npx subproc run --timeout 1s -- node -e "setTimeout(()=>{},1e5)"',
  );
  const { code } = new Deno.Command("npx", {
    args: [
      "subproc",
      "run",
      "--timeout",
      "1s",
      "--",
      "node",
      "-e",
      "setTimeout(()=>{},1e5)",
    ],
    cwd: dir,
    stdout: "inherit",
    stderr: "inherit",
  }).outputSync();
  console.log(`exit code ${code} (expected 124)`);
  return code === 124;
}

/** Optional tools the tests drive (tmux for terminal hangup and Ctrl-C,
 * setpriv for the parent-death signal), with their Debian packages. Nothing
 * is installed here: the tests that need a missing one skip, naming it
 * (`.ci/run` installs them, and sets SUBPROC_REQUIRE_TOOLS=1 so that none
 * is skipped there). */
function systemTools(): boolean {
  const missing = [["tmux", "tmux"], ["setpriv", "util-linux"]].filter(
    ([tool]) => !onPath(tool!),
  );
  for (const [tool, pkg] of missing) {
    console.log(
      `note: ${tool} is not installed: its tests are skipped (Debian/Ubuntu: apt-get install ${pkg})`,
    );
  }
  if (missing.length === 0) console.log("tmux and setpriv are installed");
  return missing.length === 0 || !toolsRequired;
}

const steps: Step[] = [
  { name: "tools", run: systemTools },
  { name: "fmt", run: () => exec(deno, ["fmt", "--check"]) },
  { name: "lint", run: () => exec(deno, ["lint"]) },
  {
    name: "check",
    run: () =>
      exec(deno, ["check", "mod.ts", "cli.ts", "scripts/**/*.ts", "tests/"]),
  },
  {
    name: "doc-lint",
    run: () => exec(deno, ["doc", "--lint", "mod.ts", "cli.ts"]),
  },
  {
    name: "doc-test",
    run: () => exec(deno, ["test", "-A", "--doc", "mod.ts", "src/"]),
  },
  {
    name: "build-bin",
    run: () => exec(deno, ["run", "-A", "scripts/build_deno_bin.ts"]),
  },
  {
    name: "publish-dry-run",
    run: () => exec(deno, ["publish", "--dry-run", "--allow-dirty"]),
  },
  {
    name: "deno",
    run: () => exec(deno, ["test", "-A", "tests/"]),
  },
  {
    name: "deno-bin",
    run: () =>
      exec(deno, ["test", "-A", ...CLI_TESTS], root, {
        SUBPROC_TEST_CLI: join(root, "bin/subproc.js"),
      }),
  },
  {
    name: "build-npm",
    run: () => exec(deno, ["run", "-A", "scripts/build_npm.ts"]),
  },
  {
    name: "publint",
    needs: ["publint"],
    run: () =>
      exec(join(devBin, "publint"), ["--strict", ".build/npm/package"]),
  },
  {
    name: "attw",
    needs: ["attw"],
    run: () => exec(join(devBin, "attw"), [tarball(), "--profile", "esm-only"]),
  },
  {
    name: "consumer-types",
    needs: ["npm", "tsc"],
    run: () => inEmptyProject(consumerTypes),
  },
  {
    name: "install-smoke",
    needs: ["npm", "node"],
    run: () => inEmptyProject(installSmoke),
  },
  {
    name: "node",
    needs: ["node22", "node24"],
    run: () => exec(deno, ["run", "-A", "scripts/test_node.ts", ...nodes()]),
  },
  {
    name: "bun",
    needs: ["bun"],
    run: () =>
      exec(join(devBin, "bun"), ["test", "--timeout", "60000", "tests/"]),
  },
  {
    name: "bench-quick",
    run: () => exec(deno, ["run", "-A", "scripts/bench/main.ts", "--quick"]),
  },
];

/** `true` when the command `tool` is on PATH. */
function onPath(tool: string): boolean {
  return new Deno.Command("sh", {
    args: ["-c", 'command -v "$1"', "sh", tool],
    stdout: "null",
  }).outputSync().code === 0;
}

/** `true` when `tool` is there: npm and the machine's Node on PATH; Node 22
 * and 24 as pinned packages; the others as commands of
 * `node_modules/.bin`. */
function found(tool: string): boolean {
  if (tool === "npm") return onPath(tool);
  if (tool === "node") return machineNode() !== null;
  return devTool(/^node\d+$/.test(tool) ? `${tool}/bin/node` : tool) !== null;
}

const { values } = parseArgs({
  args: Deno.args,
  options: { only: { type: "string" }, skip: { type: "string" } },
});
const only = values.only?.split(",");
const skip = values.skip?.split(",") ?? [];
const results: [string, boolean, number][] = [];
for (const step of steps) {
  if (only && !only.includes(step.name)) continue;
  if (skip.includes(step.name)) continue;
  console.log(`\n##### ${step.name}`);
  const started = performance.now();
  let ok = false;
  const missing = (step.needs ?? []).filter((tool) => !found(tool));
  try {
    ok = missing.length > 0 ? skipFor(step.name, missing) : step.run();
  } catch (error) {
    console.error(error);
  }
  results.push([step.name, ok, (performance.now() - started) / 1000]);
}
console.log("\n##### summary");
for (const [name, ok, seconds] of results) {
  console.log(
    `${ok ? "ok  " : "FAIL"} ${name.padEnd(16)} ${seconds.toFixed(1)} s`,
  );
}
const failed = results.filter(([, ok]) => !ok).length;
console.log(`steps: ${results.length - failed} passed, ${failed} failed`);
Deno.exit(failed === 0 ? 0 : 1);
