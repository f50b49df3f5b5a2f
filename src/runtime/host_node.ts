/**
 * The host under Node and Bun: their own `process`, `node:fs` and the
 * system's signal numbers from `node:os`.
 *
 * @module
 */

import { type Host, type HostProcess, tooManyFiles } from "./host_types.ts";
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
  subdirectories: (path) =>
    fs().readdirSync(path, { withFileTypes: true })
      .filter((entry) => entry.isDirectory()).map((entry) => entry.name),
  makeDirectory: (path, mode) => void fs().mkdirSync(path, { mode }),
  removeDirectory: (path) => fs().rmdirSync(path),
  writeTextFile: (path, text) => fs().writeFileSync(path, text),
  ownerOf: (path) => fs().lstatSync(path).uid,
  readLink: (path) => fs().readlinkSync(path),
  uid: () => nodeModule("node:process").getuid?.(),
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
  canOpenFiles(count) {
    const { openSync, closeSync } = fs();
    const fds: number[] = [];
    try {
      const devNull = nodeModule("node:os").devNull;
      for (let i = 0; i < count; i++) fds.push(openSync(devNull, "r"));
      return true;
    } catch (error) {
      return !tooManyFiles(error);
    } finally {
      for (const fd of fds) closeSync(fd);
    }
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
