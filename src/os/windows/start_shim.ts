/**
 * The `start /b` shim: `cmd.exe /d /e:ON /v:OFF /s /c "start "" /b program
 * args…"` starts the program and exits at once.
 *
 * **When it is used**: by `detach()` on Windows when there is no FFI and the
 * runtime's own `detached` does not outlive the parent — Bun, whose detached
 * children stay in its kill-on-close job (oven-sh/bun#31603), should
 * `bun:ffi` fail to load (with it, `CreateProcessW` does better). `cmd.exe` is
 * a normal child (in that job, which lets its children break away silently);
 * the program `start` creates is outside the job, so it survives us.
 *
 * **What it can't do**:
 * - run batch files (`start` would hand them to a second `cmd.exe`, which
 *   would parse the arguments again), or carry a line break in an argument:
 *   both are refused with a `RangeError` (see `cmd_escape.ts`);
 * - give us the program's PID directly: it is found afterwards, by its file
 *   name, among the processes that `cmd.exe` started (Toolhelp32 with FFI,
 *   else two PowerShell or `wmic` queries, ~1 s); a program that exits
 *   before that can't be found, and two copies started at once could be
 *   mixed up;
 * - break away from a job that the *parent* runs in (a CI agent's): it is
 *   in there like us;
 * - leave our console: the program runs on it, hidden, with Ctrl-C ignored
 *   (`start /b`), so closing that console window ends it.
 *
 * @module
 */

import {
  closeSync,
  nodeProcess as process,
  spawnSync,
  win32,
} from "../../runtime/node_builtins.ts";
import type {
  Backend,
  ChildHandle,
  ResolvedStdio,
  SpawnRequest,
} from "../../runtime/types.ts";
import { openStdioFile } from "../../runtime/stdio_file.ts";
import { SpawnFailure } from "../../runtime/types.ts";
import type { ExitStatus } from "../../types.ts";
import { startShimArguments } from "./cmd_escape.ts";
import {
  childEnvironment,
  findRequestedProgram,
  systemProgram,
} from "./find_program.ts";
import type { Kernel32 } from "./kernel32.ts";
import { queryProcesses } from "./process_query.ts";
import { snapshot, type WinProcess } from "./process_table.ts";
import { killZero } from "../kill_zero.ts";

/** Every process: Toolhelp32 with FFI, else PowerShell or `wmic`; empty
 * when neither answers. */
function table(k: Kernel32 | null): WinProcess[] {
  try {
    return k === null ? queryProcesses() : snapshot(k);
  } catch {
    return [];
  }
}

/**
 * The PID of `exe` that `cmd.exe` `shell` (now exited) started: a process of
 * that name that is new — not in `before` (the PIDs listed before the shell
 * ran), created since `since` where the table knows creation times (Wine's
 * `wmic` doesn't) — whose parent is the shell, or is gone, for Wine's
 * `start`, a program of its own between the two. The shell's other child,
 * its `conhost.exe`, is not it.
 */
function startedPid(
  rows: readonly WinProcess[],
  before: ReadonlySet<number>,
  shell: number,
  exe: string,
  since: number,
): number | undefined {
  const name = exe.toLowerCase();
  const present = new Set(rows.map((row) => row.pid));
  const found = rows.filter((row) =>
    row.exe.toLowerCase() === name && !row.exited && !before.has(row.pid) &&
    (row.startMs === null || row.startMs >= since - 1000) &&
    (row.ppid === shell || !present.has(row.ppid))
  ).sort((a, b) =>
    Number(b.ppid === shell) - Number(a.ppid === shell) ||
    (a.startMs ?? 0) - (b.startMs ?? 0)
  );
  return found[0]?.pid;
}

function toStdio(
  spec: ResolvedStdio,
  input: boolean,
  fds: Map<string, number>,
): "ignore" | "inherit" | number {
  if (spec === "null" || spec === "pipe") return "ignore";
  if (spec === "inherit") return "inherit";
  return openStdioFile(spec, input, fds);
}

/** The shell's standard streams, which the program inherits through
 * `start /b`; stderr `"stdout"` is the same descriptor as stdout. */
function shimStdio(
  request: SpawnRequest,
  fds: Map<string, number>,
): ("ignore" | "inherit" | number)[] {
  const stdout = toStdio(request.stdout, false, fds);
  const stderr = request.stderr !== "stdout"
    ? toStdio(request.stderr, false, fds)
    : stdout === "inherit"
    ? 1
    : stdout;
  return [toStdio(request.stdin, true, fds), stdout, stderr];
}

/**
 * Starts `request` through the `start /b` shim and returns a handle on the
 * program (not on `cmd.exe`).
 *
 * @throws {RangeError} An argument can't pass through `cmd.exe` safely, or
 * the program is a batch file.
 * @throws {SpawnFailure} The program was not found, or its PID could not
 * be.
 */
export function spawnThroughStartShim(
  request: SpawnRequest,
  k: Kernel32 | null,
  base: Pick<Backend, "unrefTimer">,
): ChildHandle {
  const { cwd, found } = findRequestedProgram(request);
  if (!found.ok) throw new SpawnFailure(found.code, undefined);
  const args = startShimArguments(found.path, [request.file, ...request.args]);
  const fds = new Map<string, number>();
  const since = Date.now();
  const before = new Set(table(k).map((row) => row.pid));
  let shell;
  try {
    shell = spawnSync(systemProgram("cmd.exe", process.env), [args], {
      cwd,
      env: Object.fromEntries(
        childEnvironment(process.env, request.env, request.clearEnv),
      ),
      stdio: shimStdio(request, fds),
      windowsVerbatimArguments: true,
      windowsHide: true,
    });
  } finally {
    for (const fd of fds.values()) closeSync(fd);
  }
  if (shell.error || shell.status !== 0 || shell.pid === undefined) {
    throw new SpawnFailure(
      "UNKNOWN",
      shell.error,
      `cmd.exe (start /b) exited with code ${shell.status}`,
    );
  }
  const pid = startedPid(
    table(k),
    before,
    shell.pid,
    win32.basename(found.path),
    since,
  );
  if (pid === undefined) {
    throw new SpawnFailure(
      "UNKNOWN",
      undefined,
      "it was started through start /b, but its PID could not be found (did it exit at once?)",
    );
  }
  return foreignHandle(pid, base);
}

/** A handle on a process that is not our child: its end is seen by
 * polling, its exit code is unknown. */
function foreignHandle(
  pid: number,
  base: Pick<Backend, "unrefTimer">,
): ChildHandle {
  let refd = true;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let exited = false;
  const status = new Promise<ExitStatus>((done) => {
    const check = () => {
      if (!killZero(pid)) {
        exited = true;
        done({ code: null, signal: null, success: false });
        return;
      }
      timer = setTimeout(check, 250);
      if (!refd) base.unrefTimer(timer);
    };
    check();
  });
  return {
    pid,
    stdin: null,
    stdout: null,
    stderr: null,
    status,
    kill(): boolean {
      if (exited) return false;
      try {
        process.kill(pid, "SIGKILL");
        return true;
      } catch {
        return false;
      }
    },
    ref(): void {
      refd = true;
    },
    unref(): void {
      refd = false;
      if (timer !== undefined) base.unrefTimer(timer);
    },
  };
}
