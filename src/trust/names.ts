/**
 * User and group names for messages, from `/etc/passwd` and `/etc/group`.
 * Only error messages ask, so nothing is cached.
 *
 * @module
 */

import { readFileSync } from "node:fs";

/** The name of `id` in a `name:password:id:…` database, if listed there. */
function lookup(database: string, id: number): string | undefined {
  let text: string;
  try {
    text = readFileSync(database, "utf8");
  } catch {
    return undefined; // no such file (Windows): the number alone will do
  }
  for (const line of text.split("\n")) {
    const fields = line.split(":");
    if (fields[2] === String(id)) return fields[0];
  }
  return undefined;
}

/** `"nobody (uid 65534)"`, or `"uid 65534"` when the user has no entry in
 * `/etc/passwd` (directory services, a container's foreign uid). */
export function userName(uid: number): string {
  const name = lookup("/etc/passwd", uid);
  return name === undefined ? `uid ${uid}` : `${name} (uid ${uid})`;
}

/** `"nogroup (gid 65534)"`, or `"gid 65534"`. */
export function groupName(gid: number): string {
  const name = lookup("/etc/group", gid);
  return name === undefined ? `gid ${gid}` : `${name} (gid ${gid})`;
}
