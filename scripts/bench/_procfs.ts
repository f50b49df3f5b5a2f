/**
 * The kernel's view of processes for the benchmarks (Linux `/proc`), kept
 * apart from the library's own so that a bug there can't hide in a result.
 *
 * @module
 */

/** One `/proc/PID/stat` row. */
export interface Stat {
  pid: number;
  ppid: number;
  pgid: number;
  sid: number;
  state: string;
  /** Field 22: start time in clock ticks since boot. */
  start: number;
}

/** `/proc/PID/stat` of `pid`, or `null` when it doesn't exist. */
export function stat(pid: number): Stat | null {
  let line: string;
  try {
    line = Deno.readTextFileSync(`/proc/${pid}/stat`);
  } catch {
    return null;
  }
  const f = line.slice(line.lastIndexOf(")") + 2).split(" ");
  return {
    pid,
    state: f[0]!,
    ppid: Number(f[1]),
    pgid: Number(f[2]),
    sid: Number(f[3]),
    start: Number(f[19]),
  };
}

/** Every process in the table (zombies included). */
export function table(): Stat[] {
  const rows: Stat[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    const code = entry.name.charCodeAt(0);
    if (code < 48 || code > 57) continue;
    const row = stat(Number(entry.name));
    if (row) rows.push(row);
  }
  return rows;
}

/** Zombies count as gone: PID 1 here may never reap them. */
export function isLive(row: Stat | null): row is Stat {
  return row !== null && row.state !== "Z" && row.state !== "X";
}

/** `true` while `member` (same PID, same start) runs. */
export function stillRuns(member: Stat): boolean {
  const now = stat(member.pid);
  return isLive(now) && now.start === member.start;
}

/** Live descendants of `root` by parent links, `root` included. */
export function descendants(root: number): Stat[] {
  const rows = table();
  const children = new Map<number, Stat[]>();
  for (const row of rows) {
    if (!isLive(row)) continue;
    const list = children.get(row.ppid);
    if (list) list.push(row);
    else children.set(row.ppid, [row]);
  }
  const found: Stat[] = [];
  const rootRow = rows.find((row) => row.pid === root);
  if (isLive(rootRow ?? null)) found.push(rootRow!);
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.pop()!) ?? []) {
      found.push(child);
      queue.push(child.pid);
    }
  }
  return found;
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `root` has `size` live descendants (itself included). */
export async function waitForTree(
  root: number,
  size: number,
  timeoutMs = 20_000,
): Promise<Stat[]> {
  const deadline = performance.now() + timeoutMs;
  while (true) {
    const members = descendants(root);
    if (members.length >= size) return members;
    if (performance.now() > deadline) {
      throw new Error(
        `The benchmark tree under ${root} has ${members.length} of ${size} processes after ${timeoutMs} ms`,
      );
    }
    await sleep(5);
  }
}

/**
 * Polls `members` every ~1 ms until none runs, or until the count of
 * survivors has not changed for `settleMs` (a group kill never reaches the
 * escaped ones). Returns when the last member seen to end was gone, relative
 * to `start`, and how many survive.
 */
export async function watchEnd(
  members: readonly Stat[],
  start: number,
  settleMs: number,
): Promise<{ ms: number; survivors: Stat[] }> {
  let left = members.filter(stillRuns);
  let lastEnd = performance.now();
  while (left.length > 0) {
    await sleep(1);
    const now = left.filter(stillRuns);
    const t = performance.now();
    if (now.length < left.length) lastEnd = t;
    left = now;
    if (t - lastEnd > settleMs) break;
  }
  return { ms: lastEnd - start, survivors: left };
}

/** SIGKILLs what is left of `members` and waits until it is gone. */
export async function killAll(members: readonly Stat[]): Promise<void> {
  for (let round = 0; round < 100; round++) {
    const left = members.filter(stillRuns);
    if (left.length === 0) return;
    for (const m of left) {
      try {
        Deno.kill(m.pid, "SIGKILL");
      } catch {
        // gone meanwhile
      }
    }
    await sleep(10);
  }
  throw new Error("Could not clean up the benchmark tree");
}
