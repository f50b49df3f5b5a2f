/**
 * The host under Deno: Deno's own API, so that the common path never loads
 * Deno's `node:` compatibility layer. On Windows, `kill` and signal
 * listeners go through that layer's `process` (loaded when first used), which
 * emulates them as Node does there.
 *
 * @module
 */

import { DARWIN_SIGNALS, LINUX_SIGNALS } from "./signal_numbers.ts";
import {
  type Host,
  type HostProcess,
  type SignalListener,
  tooManyFiles,
} from "./host_types.ts";
import { nodeModule, nodeProcess } from "./node_builtins.ts";

/** The platform as Node names it. */
function platform(): string {
  return Deno.build.os === "windows" ? "win32" : Deno.build.os;
}

/** Deno's errors carry no `code`: give `kill` callers Node's. */
function kill(target: number, signal: string | number = "SIGTERM"): boolean {
  try {
    Deno.kill(target, signal as Deno.Signal);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw Object.assign(error, { code: "ESRCH" });
    }
    if (error instanceof Deno.errors.PermissionDenied) {
      throw Object.assign(error, { code: "EPERM" });
    }
    throw error;
  }
}

/** `process.env`, read through `Deno.env` on each access. */
const env: Record<string, string | undefined> = new Proxy({}, {
  get: (_, key) => typeof key === "string" ? Deno.env.get(key) : undefined,
  has: (_, key) => typeof key === "string" && Deno.env.has(key),
  ownKeys: () => Object.keys(Deno.env.toObject()),
  getOwnPropertyDescriptor(_, key) {
    const value = typeof key === "string" ? Deno.env.get(key) : undefined;
    return value === undefined
      ? undefined
      : { value, enumerable: true, configurable: true, writable: true };
  },
});

/** Deno's listener for each `(listener, signal)`, to remove it again. */
const installed = new Map<SignalListener, Map<string, () => void>>();

/** Deno's `process` members, over Deno's own API (POSIX systems). */
const posixProcess = (): HostProcess => ({
  pid: Deno.pid,
  get ppid() {
    return Deno.ppid;
  },
  platform: platform(),
  env,
  get exitCode() {
    return Deno.exitCode;
  },
  set exitCode(code) {
    Deno.exitCode = Number(code ?? 0);
  },
  cwd: () => Deno.cwd(),
  kill,
  on(signal, listener) {
    const own = () => listener(signal);
    if (signal === "exit") addEventListener("unload", own);
    else Deno.addSignalListener(signal as Deno.Signal, own);
    const bySignal = installed.get(listener) ?? new Map<string, () => void>();
    bySignal.set(signal, own);
    installed.set(listener, bySignal);
  },
  off(signal, listener) {
    const own = installed.get(listener)?.get(signal);
    if (own === undefined) return;
    installed.get(listener)!.delete(signal);
    if (signal === "exit") removeEventListener("unload", own);
    else Deno.removeSignalListener(signal as Deno.Signal, own);
  },
  listenerCount(signal) {
    let count = 0;
    for (const bySignal of installed.values()) {
      if (bySignal.has(signal)) count++;
    }
    // Listeners added through `node:process` are counted there.
    return count + nodeProcess.listenerCount(signal);
  },
  exit: (code) => Deno.exit(code),
});

/** Effective access check for `X_OK` from the mode bits; `null` when they
 * can't tell (a group other than our own primary one: we don't know our
 * supplementary groups). */
function modeAllowsExec(info: Deno.FileInfo): boolean | null {
  const mode = info.mode;
  if (mode === null) return null;
  const uid = Deno.uid();
  if (uid === 0) return info.isDirectory || (mode & 0o111) !== 0;
  if (info.uid === uid) return (mode & 0o100) !== 0;
  if (info.gid === Deno.gid()) return (mode & 0o010) !== 0;
  const group = (mode & 0o010) !== 0;
  const other = (mode & 0o001) !== 0;
  return group === other ? other : null;
}

/** Deno's host; made only under Deno, whose globals it reads. */
export const denoHost = (): Host => ({
  name: "deno",
  process: Deno.build.os === "windows"
    ? nodeProcess as unknown as HostProcess
    : posixProcess(),
  args: () => [...Deno.args],
  signalNumbers: () =>
    Deno.build.os === "linux"
      ? LINUX_SIGNALS
      : Deno.build.os === "darwin"
      ? DARWIN_SIGNALS
      : nodeModule("node:os").constants.signals,
  // Deno's file errors carry Node's `code` ("ENOENT", …) already.
  readTextFile: (path) => Deno.readTextFileSync(path),
  readLatin1(path) {
    const bytes = Deno.readFileSync(path);
    let text = "";
    for (let i = 0; i < bytes.length; i += 0x8000) {
      text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    }
    return text;
  },
  readDirNames: (path) => [...Deno.readDirSync(path)].map((e) => e.name),
  subdirectories: (path) =>
    [...Deno.readDirSync(path)].filter((e) => e.isDirectory).map((e) => e.name),
  makeDirectory: (path, mode) => Deno.mkdirSync(path, { mode }),
  removeDirectory: (path) => Deno.removeSync(path),
  writeTextFile: (path, text) => Deno.writeTextFileSync(path, text),
  ownerOf: (path) => Deno.lstatSync(path).uid ?? -1,
  readLink: (path) => Deno.readLinkSync(path),
  uid: () => Deno.uid() ?? undefined,
  fileKind(path) {
    try {
      const info = Deno.statSync(path);
      return info.isFile ? "file" : info.isDirectory ? "directory" : "other";
    } catch {
      return null;
    }
  },
  canOpenFiles(count) {
    const files: Deno.FsFile[] = [];
    try {
      for (let i = 0; i < count; i++) files.push(Deno.openSync("/dev/null"));
      return true;
    } catch (error) {
      return !tooManyFiles(error);
    } finally {
      for (const file of files) file.close();
    }
  },
  isExecutable(path) {
    let info: Deno.FileInfo;
    try {
      info = Deno.statSync(path);
    } catch {
      return false;
    }
    const allowed = modeAllowsExec(info);
    if (allowed !== null) return allowed;
    try {
      nodeModule("node:fs").accessSync(path, 1 /* X_OK */);
      return true;
    } catch {
      return false;
    }
  },
});
