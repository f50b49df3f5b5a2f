// @ts-check
/**
 * The kernel's view of processes for the benchmarks (Linux `/proc`), kept
 * apart from the library's own so that a bug there can't hide in a result.
 * The one parser of `/proc/PID/stat` in the scripts; runs on Deno, Node and
 * Bun.
 *
 * @module
 */

import { host } from "./_host.mjs";

/**
 * One `/proc/PID/stat` row.
 *
 * @typedef {object} Stat
 * @property {number} pid
 * @property {number} ppid
 * @property {number} pgid
 * @property {number} sid
 * @property {string} state
 * @property {number} start Field 22: start time in clock ticks since boot.
 */

/**
 * `/proc/PID/stat` of `pid`, or `null` when it doesn't exist.
 *
 * @param {number} pid
 * @returns {Stat | null}
 */
export function stat(pid) {
  let line;
  try {
    line = host.readText(`/proc/${pid}/stat`);
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces and parentheses: the fields
  // after it start after the last ")".
  const f = line.slice(line.lastIndexOf(")") + 2).split(" ");
  return {
    pid,
    state: f[0] ?? "",
    ppid: Number(f[1]),
    pgid: Number(f[2]),
    sid: Number(f[3]),
    start: Number(f[19]),
  };
}

/** @returns {number[]} Every PID in the table. */
function pids() {
  return host.readDir("/proc").filter((name) => {
    const code = name.charCodeAt(0);
    return code >= 48 && code <= 57;
  }).map(Number);
}

/** @returns {Stat[]} Every process in the table (zombies included). */
export function table() {
  /** @type {Stat[]} */
  const rows = [];
  for (const pid of pids()) {
    const row = stat(pid);
    if (row) rows.push(row);
  }
  return rows;
}

/**
 * Zombies count as gone: PID 1 here may never reap them.
 *
 * @param {Stat | null | undefined} row
 * @returns {row is Stat}
 */
function isLive(row) {
  return !!row && row.state !== "Z" && row.state !== "X";
}

/**
 * `true` while `member` (same PID, same start) runs.
 *
 * @param {Stat} member
 * @returns {boolean}
 */
export function stillRuns(member) {
  const now = stat(member.pid);
  return isLive(now) && now.start === member.start;
}

/**
 * Live descendants of `root` by parent links, `root` included.
 *
 * @param {number} root
 * @returns {Stat[]}
 */
export function descendants(root) {
  const rows = table().filter(isLive);
  /** @type {Map<number, Stat[]>} */
  const children = new Map();
  for (const row of rows) {
    const list = children.get(row.ppid);
    if (list) list.push(row);
    else children.set(row.ppid, [row]);
  }
  const found = rows.filter((row) => row.pid === root);
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.pop() ?? 0) ?? []) {
      found.push(child);
      queue.push(child.pid);
    }
  }
  return found;
}

/**
 * Live processes whose parent is `ppid`, as "PID (comm)", `except` left out.
 *
 * @param {number} ppid
 * @param {number} except
 * @returns {string[]}
 */
export function childrenOf(ppid, except) {
  return table().filter((row) =>
    isLive(row) && row.ppid === ppid && row.pid !== except
  ).map((row) => `${row.pid} (${readOr(`/proc/${row.pid}/comm`, "?")})`);
}

/**
 * The text of `path`, trimmed, or `fallback` when it can't be read.
 *
 * @param {string} path
 * @param {string} fallback
 * @returns {string}
 */
function readOr(path, fallback) {
  try {
    return host.readText(path).trim();
  } catch {
    return fallback;
  }
}

/**
 * Live processes whose environment holds `NAME=value`, wherever their
 * parent links lead (a double fork's daemon too). A zombie's environment
 * reads as empty.
 *
 * @param {string} name
 * @param {string} value
 * @returns {Stat[]}
 */
export function withVariable(name, value) {
  const entry = `\0${name}=${value}\0`;
  return pids().filter((pid) =>
    `\0${readOr(`/proc/${pid}/environ`, "")}`.includes(entry)
  ).map(stat).filter(isLive);
}

/**
 * How many live processes run exactly `argv` (a zombie's command line reads
 * as empty); with `kill`, each is SIGKILLed too.
 *
 * @param {readonly string[]} argv
 * @param {boolean} [kill]
 * @returns {number}
 */
export function running(argv, kill = false) {
  const want = argv.map((arg) => `${arg}\0`).join("");
  let count = 0;
  for (const pid of pids()) {
    if (readOr(`/proc/${pid}/cmdline`, "") !== want) continue;
    count++;
    if (kill) host.kill(pid, "SIGKILL");
  }
  return count;
}

/**
 * The cgroup v2 directory this process is in, or `null` where there is no
 * v2 hierarchy.
 *
 * @returns {string | null}
 */
function ownCgroup() {
  const path = /^0::(\/.*)$/m.exec(readOr("/proc/self/cgroup", ""))?.[1];
  // mountinfo: ID PARENT MAJ:MIN ROOT MOUNTPOINT … - FSTYPE SOURCE OPTIONS
  const mount = readOr("/proc/self/mountinfo", "").split("\n")
    .map((line) => line.split(" "))
    .find((f) => f[f.indexOf("-") + 1] === "cgroup2");
  if (path === undefined || !mount) return null;
  const [root = "/", point = ""] = mount.slice(3, 5);
  const inside = root === "/" ? path : path.slice(root.length);
  return `${point}${inside === "/" ? "" : inside}`;
}

/**
 * The cgroup directories subproc made (`subproc.*`) below this process's
 * own, at any depth: none may outlive the child it was made for.
 *
 * @returns {string[]}
 */
export function subprocCgroups() {
  const own = ownCgroup();
  /** @type {string[]} */
  const found = [];
  /** @param {string} dir */
  const walk = (dir) => {
    let names;
    try {
      names = host.readDir(dir);
    } catch {
      return;
    }
    for (const name of names.filter((n) => n.startsWith("subproc."))) {
      found.push(`${dir}/${name}`);
      walk(`${dir}/${name}`);
    }
  };
  if (own !== null) walk(own);
  return found;
}

/**
 * Resolves after `ms`.
 *
 * @param {number} ms
 * @returns {Promise<void>}
 */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `find` until it returns `size` processes or more, and still does
 * 20 ms later (the shells settled into `wait`, a double fork's middle
 * process gone); returns them.
 *
 * @param {() => Stat[]} find
 * @param {number} size
 * @param {string} what Named in the error after `timeoutMs`.
 * @param {number} [timeoutMs]
 * @returns {Promise<Stat[]>}
 */
export async function waitForMembers(find, size, what, timeoutMs = 20_000) {
  const deadline = performance.now() + timeoutMs;
  while (true) {
    if (find().length >= size) {
      await sleep(20);
      const members = find();
      if (members.length >= size) return members;
    }
    if (performance.now() > deadline) {
      throw new Error(
        `${what} has ${find().length} of ${size} processes after ${timeoutMs} ms`,
      );
    }
    await sleep(5);
  }
}

/**
 * Polls `members` every ~1 ms until none runs, or until the count of
 * survivors has not changed for `settleMs` (a group kill never reaches the
 * escaped ones). Returns when the last member seen to end was gone, relative
 * to `start`, and which survive.
 *
 * @param {readonly Stat[]} members
 * @param {number} start
 * @param {number} settleMs
 * @returns {Promise<{ ms: number, survivors: Stat[] }>}
 */
export async function watchEnd(members, start, settleMs) {
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

/**
 * SIGKILLs what is left of `members` and waits until it is gone.
 *
 * @param {readonly Stat[]} members
 * @returns {Promise<void>}
 */
export async function killAll(members) {
  for (let round = 0; round < 1000; round++) {
    const left = members.filter(stillRuns);
    if (left.length === 0) return;
    for (const m of left) host.kill(m.pid, "SIGKILL");
    await sleep(round < 100 ? 1 : 10);
  }
  throw new Error("Could not clean up the processes of a benchmark");
}
