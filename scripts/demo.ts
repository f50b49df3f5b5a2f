/**
 * A real example, run by `npm run demo`: a shell starts grandchildren (one
 * of which escapes into its own session with `setsid`), `run()` times it out,
 * and the process table shows that nothing is left — then the same with a
 * detached daemon, a pidfile and `killTree`.
 *
 * @module
 */

import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  detach,
  isAlive,
  killTree,
  Pidfile,
  run,
  TimeoutExpiredError,
} from "../mod.ts";

const children = [
  "sleep 300 &",
  "echo grandchild $!",
  "sh -c 'sleep 300 & echo great-grandchild $!; wait' &",
];

/** A shell whose children start children of their own. */
const shellTree = [...children, "sleep 0.2; wait"].join("\n");

/** The same, plus one that leaves the group with setsid (out of reach of a
 * group kill: only a tree stop finds it). */
const escapingTree = [
  ...children,
  "setsid sleep 300 &",
  "echo escaped-with-setsid $!",
  "sleep 0.2; wait",
].join("\n");

function describeProcess(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const where = `pgid ${fields[2]}, sid ${fields[3]}`;
    // PID 1 on some machines never reaps orphans: a zombie runs nothing.
    if (fields[0] === "Z") return `zombie, ended (${where})`;
    return `running, state ${fields[0]} (${where})`;
  } catch {
    return "gone";
  }
}

function report(pids: number[]): void {
  for (const pid of pids) {
    console.log(`   process ${pid}: ${describeProcess(pid)}`);
  }
}

function pidsIn(text: string): number[] {
  return text.match(/\d+/g)?.map(Number) ?? [];
}

console.log(
  "1. run() a shell that starts grandchildren, with timeout: 1000 ms",
);
const started = performance.now();
const error = await run(["sh", "-c", shellTree], {
  capture: true,
  timeout: 1000,
  grace: 500,
}).catch((e) => e);
if (!(error instanceof TimeoutExpiredError)) throw error;
console.log(
  `   ${error.message}, after ${Math.round(performance.now() - started)} ms`,
);
console.log(`   its output: ${JSON.stringify(error.stdout)}`);
report([error.pid!, ...pidsIn(String(error.stdout))]);

console.log(
  "\n2. detach() a daemon tree (one escapes with setsid), then killTree()",
);
const pidfile = join(tmpdir(), `subproc-demo-${Date.now()}.pid`);
const log = join(tmpdir(), `subproc-demo-${Date.now()}.log`);
const daemon = await detach(["sh", "-c", escapingTree], {
  pidfile,
  stdout: { file: log },
});
await new Promise((resolve) => setTimeout(resolve, 500));
const members = [daemon.pid, ...pidsIn(readFileSync(log, "utf8"))];
console.log(
  `   daemon ${daemon.pid}, pidfile reads ${new Pidfile(pidfile).read()}`,
);
report(members);
const killStarted = performance.now();
await killTree(daemon.pid, { grace: 500 });
const took = (performance.now() - killStarted).toFixed(1);
console.log(`   killTree took ${took} ms:`);
report(members);
console.log(`   pidfile now reads ${new Pidfile(pidfile).read()}`);
new Pidfile(pidfile).remove();
const left = members.filter(isAlive);
console.log(left.length === 0 ? "\nNothing is left." : `\nLEFT: ${left}`);
if (left.length > 0) Deno.exit(1);
