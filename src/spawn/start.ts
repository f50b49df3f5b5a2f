/**
 * Starting a child from a checked {@linkcode SpawnPlan}: the exit hooks,
 * its containment, the readiness watch, the backend's spawn, and the
 * {@linkcode ChildProcess} that holds it — or, when anything fails,
 * nothing left behind.
 *
 * @module
 */

import { installCleanupHooks } from "../cleanup.ts";
import { type Containment, prepareContainment } from "../contain/prepare.ts";
import { releaseCgroup } from "../contain/release.ts";
import { backend, os } from "../os/select.ts";
import { lineStreams } from "../ready/validate.ts";
import { ReadyWatch } from "../ready/watch.ts";
import { process } from "../runtime/host.ts";
import { type ChildHandle, SpawnFailure } from "../runtime/types.ts";
import type { SpawnPlan } from "../validate/spawn.ts";
import { ChildProcess } from "./child_process.ts";
import { commandLine } from "./parent_death.ts";
import { spawnError } from "./spawn_error.ts";

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
