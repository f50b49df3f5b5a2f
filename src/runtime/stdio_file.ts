/**
 * Opening a `{ file }` standard stream for a child.
 *
 * @module
 */

import { openSync, resolve } from "./node_builtins.ts";

/**
 * The descriptor of `file` opened for reading (`input`) or for writing
 * (truncating, or appending with `append`). A file is opened once per path
 * and mode, kept in `fds`: stdout and stderr sent to the same file share one
 * descriptor, hence one offset — two descriptors opened with "w" would each
 * write from their own offset, overwriting each other's output. The caller
 * closes every descriptor in `fds` once the child has started.
 */
export function openStdioFile(
  file: { readonly file: string; readonly append: boolean },
  input: boolean,
  fds: Map<string, number>,
): number {
  const flags = input ? "r" : file.append ? "a" : "w";
  const key = `${flags}:${resolve(file.file)}`;
  let fd = fds.get(key);
  if (fd === undefined) {
    fd = openSync(file.file, flags, 0o644);
    fds.set(key, fd);
  }
  return fd;
}
