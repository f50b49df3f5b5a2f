/**
 * Drives `fixtures/parent.ts`, a parent process that tests can let exit,
 * kill or interrupt while it has children.
 */

import { spawn, type Subprocess } from "../mod.ts";
import { runtimeCommand } from "./_helpers.ts";

/** Starts the fixture in `mode`; resolves with it and the PID it printed. */
export async function startParent(
  mode: string,
  arg: string,
): Promise<{ parent: Subprocess; pid: number }> {
  const parent = spawn([...runtimeCommand("fixtures/parent.ts"), mode, arg], {
    stdout: "pipe",
  });
  const reader = parent.stdout!.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) {
      throw new Error(
        `parent exited early: ${JSON.stringify(await parent.status)}`,
      );
    }
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  await parent.stdout!.cancel();
  return { parent, pid: JSON.parse(text).pid };
}
