/**
 * The host under Node and Bun: their own `process`, `node:fs` and the
 * system's signal numbers from `node:os`.
 *
 * @module
 */

import type { Host, HostProcess } from "./host.ts";
import { nodeModule } from "./node_builtins.ts";

const fs = () => nodeModule("node:fs");

/** Node's or Bun's host; made only there, whose `process` it reads. */
export const nodeHost = (): Host => ({
  name: typeof nodeModule("node:process").versions.bun === "string"
    ? "bun"
    : "node",
  process: nodeModule("node:process") as unknown as HostProcess,
  args: () => nodeModule("node:process").argv.slice(2),
  signalNumbers: () => nodeModule("node:os").constants.signals,
  readTextFile: (path) => fs().readFileSync(path, "utf8"),
  readLatin1: (path) => fs().readFileSync(path, "latin1"),
  readDirNames: (path) => fs().readdirSync(path),
  fileKind(path) {
    try {
      const stat = fs().statSync(path);
      return stat.isFile()
        ? "file"
        : stat.isDirectory()
        ? "directory"
        : "other";
    } catch {
      return null;
    }
  },
  timer(ms, callback) {
    const id = setTimeout(callback, ms);
    return () => clearTimeout(id);
  },
  isExecutable(path) {
    try {
      fs().accessSync(path, fs().constants.X_OK);
      return true;
    } catch {
      return false;
    }
  },
});
