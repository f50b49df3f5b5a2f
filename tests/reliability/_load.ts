/**
 * The load engine shared by the load test and the soak test: `count`
 * children, `concurrency` at a time, each ending one of the ways a child
 * can end, each result checked.
 */

import process from "node:process";
import {
  CalledProcessError,
  run,
  spawn,
  TimeoutExpiredError,
} from "../../mod.ts";
import { sleep } from "../_helpers.ts";
import { prng, rssMiB } from "./_case.ts";

/** Every way a child ends in the load test. */
export const ENDINGS = [
  "exit 0",
  "exit non-zero",
  "timeout",
  "AbortSignal",
  "stop()",
  "kill()",
  "asyncDispose",
  "crash by signal",
] as const;

/** One of {@linkcode ENDINGS}. */
export type Ending = typeof ENDINGS[number];

/** What a load run found. */
export interface LoadResult {
  readonly children: number;
  readonly perEnding: Record<Ending, number>;
  /** One line per wrong result (empty when all were right). */
  readonly wrong: string[];
  readonly unhandled: string[];
  readonly ms: number;
  readonly startRssMiB: number;
  readonly peakRssMiB: number;
}

const NULL_STDIO = { stdin: "null", stdout: "null", stderr: "null" } as const;

function describeValue(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** Runs child `i`; resolves with `null` when its result was right, else a
 * description of what was wrong. Never rejects. */
async function one(i: number, random: () => number): Promise<string | null> {
  const ending = ENDINGS[i % ENDINGS.length]!;
  // Alternate children in their own session (group stop) and children in
  // ours (tree stop) for the endings that stop them.
  const newSession = Math.floor(i / ENDINGS.length) % 2 === 0;
  const delay = () => sleep(Math.floor(random() * 40));
  try {
    switch (ending) {
      case "exit 0": {
        const token = `child ${i} ✓ $(x) \`y\``;
        const r = i % 2 === 0
          ? await run(["printf", "%s", token], { capture: true })
          : await run(["cat"], { input: token, capture: true });
        return r.code === 0 && r.signal === null && r.success &&
            r.stdout === token && r.stderr === ""
          ? null
          : `got ${describeValue(r)}`;
      }
      case "exit non-zero": {
        const code = 1 + (i % 125);
        const cmd = ["sh", "-c", 'echo "$1" >&2; exit "$1"', "sh", `${code}`];
        if (i % 3 === 0) {
          const error = await run(cmd, { capture: true, check: true }).then(
            () => new Error("resolved"),
            (e) => e,
          );
          return error instanceof CalledProcessError &&
              error.status?.code === code && error.stderr === `${code}\n`
            ? null
            : `got ${describeValue(error)}`;
        }
        const r = await run(cmd, { capture: true });
        return r.code === code && !r.success && r.stderr === `${code}\n`
          ? null
          : `got ${describeValue(r)}`;
      }
      case "timeout": {
        const timeout = 20 + Math.floor(random() * 60);
        const cmd = i % 2 === 0
          ? ["sleep", "30"]
          : ["sh", "-c", "echo up; sleep 30 & sleep 30 & wait"];
        const error = await run(cmd, { capture: true, timeout }).then(
          () => new Error("resolved"),
          (e) => e,
        );
        return error instanceof TimeoutExpiredError &&
            error.timeout === timeout && error.status?.signal === "SIGTERM"
          ? null
          : `got ${describeValue(error)} ${describeValue(error.status)}`;
      }
      case "AbortSignal": {
        const controller = new AbortController();
        const reason = new Error(`cancel ${i}`);
        const pending = run(
          i % 2 === 0 ? ["sleep", "30"] : ["sh", "-c", "sleep 30 & wait"],
          { signal: controller.signal, ...NULL_STDIO },
        );
        await delay();
        controller.abort(reason);
        const error = await pending.then(() => new Error("resolved"), (e) => e);
        return error === reason ? null : `got ${describeValue(error)}`;
      }
      case "stop()": {
        const child = spawn(["sleep", "30"], { ...NULL_STDIO, newSession });
        await delay();
        const status = await child.stop({ grace: 5000 });
        return status.signal === "SIGTERM" && status.code === null
          ? null
          : `got ${describeValue(status)}`;
      }
      case "kill()": {
        const child = spawn(["sleep", "30"], { ...NULL_STDIO, newSession });
        await delay();
        const sent = child.kill("SIGKILL");
        const status = await child.status;
        return sent && status.signal === "SIGKILL"
          ? null
          : `sent ${sent}, got ${describeValue(status)}`;
      }
      case "asyncDispose": {
        let first = "";
        let pid = 0;
        let poll: () => unknown = () => null;
        {
          await using child = spawn(
            ["sh", "-c", "echo ready; exec sleep 30"],
            { stdout: "pipe", newSession },
          );
          pid = child.pid;
          poll = () => child.poll();
          const reader = child.stdout!.getReader();
          const { value } = await reader.read();
          first = new TextDecoder().decode(value);
          reader.releaseLock();
        }
        const status = poll() as { signal?: string } | null;
        return first === "ready\n" && status?.signal === "SIGTERM"
          ? null
          : `pid ${pid}: read ${JSON.stringify(first)}, got ${
            describeValue(status)
          }`;
      }
      case "crash by signal": {
        const r = await run(["sh", "-c", "kill -SEGV $$"]);
        return r.signal === "SIGSEGV" && r.code === null && !r.success
          ? null
          : `got ${describeValue(r)}`;
      }
    }
  } catch (error) {
    return `threw ${describeValue(error)}`;
  }
}

/** Runs `count` children, `concurrency` at a time (seeded, so a run can be
 * repeated). `onProgress` is called after each child. */
export async function runLoad(
  count: number,
  concurrency: number,
  seed: number,
  onProgress?: (done: number) => void,
): Promise<LoadResult> {
  const random = prng(seed);
  const unhandled: string[] = [];
  const onUnhandled = (reason: unknown) => {
    unhandled.push(describeValue(reason));
  };
  process.on("unhandledRejection", onUnhandled);
  const perEnding = Object.fromEntries(ENDINGS.map((e) => [e, 0])) as Record<
    Ending,
    number
  >;
  const wrong: string[] = [];
  let next = 0;
  let done = 0;
  const startRssMiB = rssMiB();
  let peakRssMiB = startRssMiB;
  const started = performance.now();
  try {
    const worker = async () => {
      while (next < count) {
        const i = next++;
        const problem = await one(i, random);
        perEnding[ENDINGS[i % ENDINGS.length]!]++;
        if (problem !== null) {
          wrong.push(`#${i} ${ENDINGS[i % ENDINGS.length]}: ${problem}`);
        }
        done++;
        if (done % 25 === 0) peakRssMiB = Math.max(peakRssMiB, rssMiB());
        onProgress?.(done);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    // A rejection nobody handled is reported after a turn of the loop.
    await sleep(50);
  } finally {
    process.off("unhandledRejection", onUnhandled);
  }
  return {
    children: count,
    perEnding,
    wrong,
    unhandled,
    ms: Math.round(performance.now() - started),
    startRssMiB,
    peakRssMiB: Math.max(peakRssMiB, rssMiB()),
  };
}
