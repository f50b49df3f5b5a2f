/**
 * Starting a child: `spawn()`, and the start from a checked `SpawnPlan`
 * that `spawn()`, `run()` and `detach()` share — the exit hooks, its
 * containment, the readiness watch, the backend's spawn, and the
 * `ChildProcess` that holds it (in `spawn/`, with its output, the
 * parent-death wrapper and the error mapping); when anything fails,
 * nothing is left behind.
 *
 * @module
 */

import { installCleanupHooks } from "./cleanup.ts";
import { type Containment, prepareContainment } from "./contain/prepare.ts";
import { releaseCgroup } from "./contain/release.ts";
import { backend, os } from "./os/select.ts";
import { ReadyWatch } from "./ready/watch.ts";
import { process } from "./runtime/host.ts";
import { type ChildHandle, SpawnFailure } from "./runtime/types.ts";
import { ChildProcess } from "./spawn/child_process.ts";
import { commandLine } from "./spawn/parent_death.ts";
import { spawnError } from "./spawn/spawn_error.ts";
import type { SpawnOptions, Subprocess } from "./types.ts";
import { validateOptionsObject } from "./validate/options.ts";
import { lineStreams } from "./validate/ready.ts";
import {
  SPAWN_OPTION_KEYS,
  type SpawnPlan,
  validateSpawnOptions,
} from "./validate/spawn.ts";
import { validateCmd } from "./validate/text.ts";

/**
 * Starts `cmd` (never through a shell) and returns a {@linkcode Subprocess}.
 * Every option is checked before anything starts.
 *
 * @param cmd The program and its arguments, e.g. `["ls", "-l"]`.
 * @param options See {@linkcode SpawnOptions}; every stream defaults to
 * `"inherit"`.
 * @returns A handle on the running child.
 * @throws {TypeError} An argument has the wrong type or an option is unknown.
 * @throws {RangeError} An argument is out of range (empty `cmd`, NUL byte,
 * negative `timeout`, unknown signal, missing `cwd`, …).
 * @throws {CommandNotFoundError} The program was not found.
 * @throws {PermissionDeniedError} The program may not be executed.
 *
 * @example Stream a child's output, stop its whole group
 * ```ts
 * import { spawn } from "@subproc/subproc";
 * await using child = spawn(["sh", "-c", "echo ready; sleep 30"], {
 *   stdout: "pipe",
 *   newSession: true,
 * });
 * const reader = child.stdout!.getReader();
 * const { value } = await reader.read();
 * console.log(new TextDecoder().decode(value)); // "ready\n"
 * reader.releaseLock();
 * const status = await child.stop({ grace: 1000 });
 * console.log(status.signal); // "SIGTERM"
 * ```
 *
 * @example Wait until a server is ready
 * ```ts
 * import { spawn } from "@subproc/subproc";
 * await using server = spawn(
 *   ["sh", "-c", "echo starting; sleep 0.2; echo 'listening on 8080'; sleep 30"],
 *   { stdout: "pipe", ready: { line: /listening on (\d+)/, timeout: 10_000 } },
 * );
 * const { match } = await server.ready; // NotReadyError if not in 10 s
 * console.log(match?.[1]); // "8080"
 * ```
 */
export function spawn(cmd: string[], options?: SpawnOptions): Subprocess {
  const args = validateCmd(cmd);
  const given = validateOptionsObject("spawn", options, SPAWN_OPTION_KEYS);
  return spawnWithPlan(args, validateSpawnOptions(given));
}

/** Starts `cmd` as `plan` says: the internal entry of `spawn()`, `run()`
 * and `detach()`, once they checked their options. */
export function spawnWithPlan(
  cmd: readonly string[],
  plan: SpawnPlan,
): ChildProcess {
  const askedAt = performance.now();
  // The exit hooks go in before the child starts: installing them can fail
  // (see installCleanupHooks), and a child must not be left running then.
  if (plan.cleanup && !installCleanupHooks()) {
    throw spawnError(cmd, new SpawnFailure("EMFILE", undefined));
  }
  const containment = prepareContainment({
    mode: plan.contain,
    cmd,
    env: plan.env,
    clearEnv: plan.clearEnv,
  });
  try {
    const watch = plan.ready &&
      new ReadyWatch(plan.ready, {
        ...lineStreams(plan),
        drainTimeout: plan.drainTimeout,
      });
    const line = commandLine(cmd, plan);
    const start = () => startProcess(cmd, line, plan, containment);
    const cgroup = containment.cgroup;
    const handle = cgroup === null
      ? start()
      : os.cgroups!.spawnInside(cgroup, start);
    return new ChildProcess(cmd, handle, plan, { containment, watch, askedAt });
  } catch (error) {
    // Nothing started: nothing may be left behind.
    if (containment.cgroup !== null) releaseCgroup(containment.cgroup);
    throw error;
  }
}

/** The whole environment a child of `plan` starts with (`added`: what the
 * spawn adds to, or with `clearEnv` puts in place of, ours). */
function childEnvironment(
  plan: SpawnPlan,
  added: Readonly<Record<string, string>> | undefined,
): Readonly<Record<string, string | undefined>> {
  return plan.clearEnv ? { ...added } : { ...process.env, ...added };
}

/** Asks the backend for the process: `line` (the command, behind any
 * wrapper), with the containment's variables added to the environment. */
function startProcess(
  cmd: readonly string[],
  line: readonly string[],
  plan: SpawnPlan,
  containment: Containment,
): ChildHandle {
  const env = plan.env === undefined && containment.token === undefined
    ? undefined
    : { ...plan.env, ...containment.env };
  try {
    return backend.spawn({
      file: line[0]!,
      args: line.slice(1),
      cwd: plan.cwd,
      env,
      clearEnv: plan.clearEnv,
      stdin: plan.stdin,
      stdout: plan.stdout,
      stderr: plan.stderr,
      newSession: plan.newSession,
      killOnParentExit: plan.killOnParentExit !== false,
      windows: plan.windows,
    });
  } catch (error) {
    if (!(error instanceof SpawnFailure)) throw error;
    throw spawnError(cmd, error, childEnvironment(plan, env));
  }
}
