/**
 * A CMD that traps a signal, for tests of who passes what on to whom: it
 * says when its trap is set, writes the signal's name to a file when it
 * comes, and exits.
 */

import { rmSync } from "node:fs";
import { join } from "node:path";
import { type CliResult, lineIn, runCli, tempDir } from "./_helpers.ts";

/** Options of {@linkcode startTrapping}. */
export interface TrappingOptions {
  /** CMD's exit code after the signal. @default 7 */
  exit?: number;
  /** Seconds CMD takes before it writes and exits (so that whoever waits
   * for it is seen to wait). @default 0 */
  delay?: number;
}

/** A running `subproc ARGS... sh -c '<trap SIGNAL>'`, its trap set.
 * Disposing of it removes the directory of {@linkcode Trapping.file}: hold
 * it with `using` until the file was read. */
export interface Trapping extends Disposable {
  /** The CLI's PID. */
  pid: number;
  /** Where CMD writes the signal's name. */
  file: string;
  /** How the CLI ended. */
  result: Promise<CliResult>;
}

/** Starts `subproc ARGS... sh -c …` with CMD trapping `signal` (a name
 * without `SIG`); resolves once the trap is set. */
export async function startTrapping(
  args: readonly string[],
  signal: string,
  options: TrappingOptions = {},
): Promise<Trapping> {
  const dir = tempDir("trap");
  const remove = () => rmSync(dir, { recursive: true, force: true });
  const file = join(dir, "got");
  const pause = options.delay ? `sleep ${options.delay}; ` : "";
  let pid = 0;
  const result = runCli([
    ...args,
    "sh",
    "-c",
    `trap '${pause}echo ${signal} > ${file}; exit ${
      options.exit ?? 7
    }' ${signal}; echo > ${file}.ready; while :; do sleep 0.05; done`,
  ], { onSpawn: (p) => pid = p });
  try {
    await lineIn(`${file}.ready`);
  } catch (error) {
    remove();
    throw error;
  }
  return { pid, file, result, [Symbol.dispose]: remove };
}
