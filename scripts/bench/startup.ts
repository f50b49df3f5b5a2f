/**
 * The start-up case: whole processes, from start to exit, timed from here.
 * `subproc run -- true` (held by its tree and token, the default without
 * `--timeout`, and in a cgroup of its own with `--contain cgroup`) and
 * `subproc timeout 10 true` on each runtime, against the same runtime
 * running an empty script, GNU `timeout 10 true`, and `true` itself. Each
 * runtime runs the command in the form its users run: Deno `bin/subproc.js`
 * (`deno run -A jsr:@subproc/subproc/bin`: the bundle that
 * `scripts/build_deno_bin.ts` makes), Node and Bun the npm package's
 * `subproc` command (`npx subproc`; `bunx --bun subproc`, as plain `bunx`
 * follows the command's `node` shebang). Deno's `cli.ts` from the sources
 * is timed too, for comparison (no goal).
 *
 * @module
 */

import { existsSync } from "node:fs";
import { interleave } from "./_sampling.mjs";
import type { SamplingParams, Series } from "./_stats.ts";

/** What the start-up case needs besides its sampling. */
export interface StartupParams extends SamplingParams {
  /** Node and Bun executables (`null`: skipped with a note). */
  node: string | null;
  bun: string | null;
}

const root = new URL("../..", import.meta.url).pathname;

/** One command to time, and how the report names it. */
interface Variant {
  id: string;
  label: string;
  runtime: string;
  argv: string[];
}

async function version(argv: string[]): Promise<string> {
  const out = await new Deno.Command(argv[0]!, {
    args: argv.slice(1),
    stdout: "piped",
    stderr: "null",
  }).output();
  return new TextDecoder().decode(out.stdout).trim().split("\n")[0]!
    .replace(/^v/, "");
}

/** The commands of one runtime: bare, `run -- true` (without and with a
 * cgroup), `timeout`. */
function runtimeVariants(
  rt: "deno" | "node" | "bun",
  runtime: string,
  bare: string[],
  cli: string[],
): Variant[] {
  return [
    { id: `${rt}.cli.bare`, label: "bare start", runtime, argv: bare },
    {
      id: `${rt}.cli.run`,
      label: "`subproc run -- true`",
      runtime,
      argv: [...cli, "run", "--", "true"],
    },
    {
      id: `${rt}.cli.run.cgroup`,
      label: "`subproc run --contain cgroup -- true`",
      runtime,
      argv: [...cli, "run", "--contain", "cgroup", "--", "true"],
    },
    {
      id: `${rt}.cli.timeout`,
      label: "`subproc timeout 10 true`",
      runtime,
      argv: [...cli, "timeout", "10", "true"],
    },
  ];
}

async function variants(
  p: StartupParams,
  empty: string,
  notes: string[],
): Promise<Variant[]> {
  const deno = `deno ${Deno.version.deno}`;
  const list: Variant[] = [
    {
      id: "cli.true",
      label: "`true` (the child alone)",
      runtime: "–",
      argv: ["true"],
    },
    {
      id: "gnu.timeout",
      label: "GNU `timeout 10 true`",
      runtime: `coreutils ${
        (await version(["timeout", "--version"])).replace(/^.* /, "")
      }`,
      argv: ["timeout", "10", "true"],
    },
  ];
  const denoBin = `${root}bin/bundle/subproc.js`;
  if (existsSync(denoBin)) {
    list.push(
      ...runtimeVariants("deno", deno, [Deno.execPath(), "run", "-A", empty], [
        Deno.execPath(),
        "run",
        "-A",
        `${root}bin/subproc.js`,
      ]),
    );
  } else {
    notes.push(
      "Start-up on Deno (its bundled command) skipped: no bundle (`npm run build:bin`, or `npm run build:npm`).",
    );
  }
  list.push({
    id: "deno.cli.source",
    label: "`subproc run -- true` from the sources (`cli.ts`)",
    runtime: deno,
    argv: [Deno.execPath(), "run", "-A", `${root}cli.ts`, "run", "--", "true"],
  });
  const bin = `${root}.build/npm/package/bin/subproc.cjs`;
  const built = existsSync(bin);
  if (p.node && built) {
    list.push(
      ...runtimeVariants(
        "node",
        `node ${await version([p.node, "--version"])}`,
        [p.node, "-e", "0"],
        [p.node, bin],
      ),
    );
  } else {
    notes.push(
      "Start-up on Node skipped: no Node, or no npm build (`npm run build:npm`).",
    );
  }
  if (p.bun && built) {
    list.push(
      ...runtimeVariants(
        "bun",
        `bun ${await version([p.bun, "--version"])}`,
        [p.bun, empty],
        [p.bun, bin],
      ),
    );
  } else {
    notes.push(
      "Start-up on Bun skipped: no Bun, or no npm build (`npm run build:npm`).",
    );
  }
  return list;
}

/** Runs `argv` to its end, output thrown away; throws unless it exits 0. */
async function runToEnd(argv: readonly string[]): Promise<void> {
  const { code } = await new Deno.Command(argv[0]!, {
    args: argv.slice(1),
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).output();
  if (code !== 0) throw new Error(`${argv.join(" ")} exited ${code}`);
}

/** Whole-process times of every variant, interleaved; what was skipped goes
 * to `notes`. */
export async function startupCase(
  p: StartupParams,
  notes: string[],
): Promise<Series[]> {
  const dir = Deno.makeTempDirSync({ prefix: "subproc-bench-startup-" });
  const empty = `${dir}/empty.ts`;
  Deno.writeTextFileSync(empty, "\n");
  try {
    const list = await variants(p, empty, notes);
    const samples = await interleave(
      Object.fromEntries(list.map((v) => [v.id, () => runToEnd(v.argv)])),
      p,
    );
    return list.map((v) => ({
      id: v.id,
      label: v.label,
      runtime: v.runtime,
      unit: "ms",
      samples: samples[v.id]!,
    }));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}
