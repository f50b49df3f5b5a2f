/**
 * Runs shell lines against the CLI as a shell user would: `subproc` and
 * `timeout` (= `subproc timeout`) on `PATH`, each `exec`ing the CLI (so it
 * has the PID, group and signals the shell gave it), in a fresh working
 * directory. The port of coreutils' `tests/timeout/` (`tests/timeout/`) runs
 * their shell lines this way.
 */

import { spawn, spawnSync } from "node:child_process";
import { chmodSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { cliCommand, type CliResult, outcome, tempDir } from "./_helpers.ts";

/** A directory with executables `subproc` and `timeout` (`subproc
 * timeout`). */
function cliOnPath(): string {
  const dir = tempDir("cli-bin");
  const quoted = cliCommand().map((part) => `'${part}'`).join(" ");
  for (const [name, args] of [["subproc", ""], ["timeout", " timeout"]]) {
    const wrapper = join(dir, name!);
    writeFileSync(wrapper, `#!/bin/sh\nexec ${quoted}${args} "$@"\n`);
    chmodSync(wrapper, 0o755);
  }
  return dir;
}

/** Options of {@linkcode cliShell}. */
export interface CliShellOptions {
  /** The working directory (default: a fresh one, removed afterwards). */
  cwd?: string;
  /** SIGKILL the shell after this many ms (a hung test must not hang).
   * @default 60000 */
  killAfter?: number;
  /** Called with the shell's PID once it started. */
  onSpawn?: (pid: number) => void;
}

/** Runs `script` with `/bin/sh -c`, with the CLI on `PATH` as `subproc`
 * and as `timeout`. */
export async function cliShell(
  script: string,
  options: CliShellOptions = {},
): Promise<CliResult> {
  const bin = cliOnPath();
  const cwd = options.cwd ?? tempDir("shell");
  try {
    const child = spawn("/bin/sh", ["-c", script], {
      cwd,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
      stdio: ["ignore", "pipe", "pipe"],
    });
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    return await outcome(child, options.killAfter ?? 60_000);
  } finally {
    rmSync(bin, { recursive: true, force: true });
    if (options.cwd === undefined) {
      rmSync(cwd, { recursive: true, force: true });
    }
  }
}

/** `false` when `command` (a shell line) runs and exits 0 here, else why
 * not: the `skip` of a case that needs that tool. */
export function unless(command: string, reason: string): false | string {
  const result = spawnSync("/bin/sh", ["-c", `${command} >/dev/null 2>&1`]);
  return result.status === 0 ? false : reason;
}

/** The `skip` of a case that needs `env --ignore-signal` (to start a command
 * with a signal really ignored: a shell's `trap ''` may not do it). */
export const needsEnvIgnore: false | string = unless(
  "env --ignore-signal=HUP true",
  "needs env --ignore-signal (GNU coreutils >= 8.31)",
);
