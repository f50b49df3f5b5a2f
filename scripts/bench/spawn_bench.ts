/**
 * `deno bench` for the per-call costs on Deno, each group against its raw
 * `Deno.Command` baseline (deno bench prints the ratios):
 *
 *   deno task bench:deno
 *
 * The full comparison with the peers, and BENCHMARKS.md, is
 * `deno task bench` (scripts/bench/main.ts).
 *
 * @module
 */

import { run, spawn } from "../../mod.ts";

const INHERIT = {
  stdin: "inherit",
  stdout: "inherit",
  stderr: "inherit",
} as const;

Deno.bench({
  name: "raw new Deno.Command(…, {stdio: inherit}).output()",
  group: "spawn + wait /bin/true",
  baseline: true,
  async fn() {
    await new Deno.Command("/bin/true", INHERIT).output();
  },
});

Deno.bench({
  name: "run(cmd)",
  group: "spawn + wait /bin/true",
  async fn() {
    await run(["/bin/true"]);
  },
});

Deno.bench({
  name: "run(cmd, {cleanup: false})",
  group: "spawn + wait /bin/true",
  async fn() {
    await run(["/bin/true"], { cleanup: false });
  },
});

Deno.bench({
  name: "raw new Deno.Command(cmd).output() (piped)",
  group: "spawn + capture /bin/true",
  baseline: true,
  async fn() {
    await new Deno.Command("/bin/true").output();
  },
});

Deno.bench({
  name: "run(cmd, {capture: true})",
  group: "spawn + capture /bin/true",
  async fn() {
    await run(["/bin/true"], { capture: true });
  },
});

Deno.bench({
  name: "raw new Deno.Command(…, {detached: true}).spawn().status",
  group: "new session",
  baseline: true,
  async fn() {
    await new Deno.Command("/bin/true", { ...INHERIT, detached: true })
      .spawn().status;
  },
});

Deno.bench({
  name: 'spawn(cmd, {newSession: true, contain: "tree"}).status',
  group: "new session",
  async fn() {
    await spawn(["/bin/true"], { newSession: true, contain: "tree" }).status;
  },
});

for (const contain of ["tree", "cgroup"] as const) {
  Deno.bench({
    name: `spawn(cmd, {newSession: true, contain: "${contain}"}).status`,
    group: "containment",
    baseline: contain === "tree",
    async fn() {
      await spawn(["/bin/true"], { newSession: true, contain }).status;
    },
  });
}
