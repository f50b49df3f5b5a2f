/**
 * Checks the `ready` option of `spawn()` and `detach()` before anything
 * starts, and fills in its defaults.
 *
 * @module
 */

import { describe } from "../describe.ts";
import type { ResolvedStderr, ResolvedStdio } from "../runtime/types.ts";
import type { ReadyOptions, ReadyStream } from "../types.ts";
import { optionalChoice, validateMs, validateOptionGroup } from "./options.ts";

/** Default of `ready.timeout`. */
const DEFAULT_READY_TIMEOUT = 30_000;
/** Default of `ready.interval`. */
const DEFAULT_READY_INTERVAL = 100;
/** Default of `ready.host`. */
const DEFAULT_READY_HOST = "127.0.0.1";

/** A `line` condition after validation. */
interface LinePlan {
  /** A string a line must contain, or a RegExp (a copy of the caller's). */
  readonly pattern: string | RegExp;
  readonly stream: ReadyStream;
}

/** The `ready` option after validation, with defaults filled in. */
export interface ReadyPlan {
  readonly line: LinePlan | undefined;
  readonly port: { readonly host: string; readonly port: number } | undefined;
  readonly url: URL | undefined;
  readonly file: string | undefined;
  readonly check: (() => boolean | Promise<boolean>) | undefined;
  /** Milliseconds, or `Infinity`. */
  readonly timeout: number;
  readonly interval: number;
}

const KEYS: ReadonlySet<keyof ReadyOptions> = new Set([
  "line",
  "stream",
  "port",
  "host",
  "url",
  "file",
  "check",
  "timeout",
  "interval",
]);
const CONDITIONS = ["line", "port", "url", "file", "check"] as const;
const STREAMS: readonly ReadyStream[] = ["stdout", "stderr", "both"];

/**
 * Checks a `ready` option.
 *
 * @throws {TypeError} Not an object, an unknown key, no condition, a value
 * of the wrong type, `stream` without `line` or `host` without `port`.
 * @throws {RangeError} A value out of range (a port outside 1–65535, an
 * empty line, a URL that is not `http:` or `https:`, a zero `interval`…).
 */
export function validateReady(value: unknown): ReadyPlan {
  const options = validateOptionGroup(
    "ready",
    value,
    KEYS as ReadonlySet<string>,
    "an object such as { port: 8080 }",
  );
  if (CONDITIONS.every((key) => options[key] === undefined)) {
    throw new TypeError(
      `Expected the \`ready\` option to name a condition (${
        CONDITIONS.join(", ")
      }), got ${describe(value)}`,
    );
  }
  return {
    line: linePlan(options.line, options.stream),
    port: portPlan(options.port, options.host),
    url: urlPlan(options.url),
    file: filePlan(options.file),
    check: checkPlan(options.check),
    timeout: timeoutPlan(options.timeout),
    interval: intervalPlan(options.interval),
  };
}

function linePlan(line: unknown, stream: unknown): LinePlan | undefined {
  if (line === undefined) {
    if (stream !== undefined) {
      throw new TypeError(
        "Expected `ready.stream` to come with `ready.line`: it says where the line is looked for",
      );
    }
    return undefined;
  }
  const where = optionalChoice("ready.stream", stream, STREAMS, "both");
  if (line instanceof RegExp) {
    // A copy: its lastIndex is ours to reset (see LineCondition.offer).
    return { pattern: new RegExp(line), stream: where };
  }
  if (typeof line !== "string") {
    throw new TypeError(
      `Expected \`ready.line\` to be a string or a RegExp, got ${
        describe(line)
      }`,
    );
  }
  if (line === "" || line.includes("\n")) {
    throw new RangeError(
      `Expected \`ready.line\` to be text found in one line (not empty, no newline), got ${
        describe(line)
      }`,
    );
  }
  return { pattern: line, stream: where };
}

function portPlan(
  port: unknown,
  host: unknown,
): ReadyPlan["port"] {
  if (port === undefined) {
    if (host !== undefined) {
      throw new TypeError(
        "Expected `ready.host` to come with `ready.port`: it is where the port is tried",
      );
    }
    return undefined;
  }
  if (typeof port !== "number") {
    throw new TypeError(
      `Expected \`ready.port\` to be a TCP port number, got ${describe(port)}`,
    );
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RangeError(
      `Expected \`ready.port\` to be an integer from 1 to 65535, got ${port}`,
    );
  }
  if (host === undefined) return { host: DEFAULT_READY_HOST, port };
  return { host: nonEmptyText("ready.host", host, "a host name"), port };
}

function urlPlan(url: unknown): URL | undefined {
  if (url === undefined) return undefined;
  const text = nonEmptyText("ready.url", url, "a URL");
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new RangeError(
      `Expected \`ready.url\` to be an absolute URL such as "http://127.0.0.1:8080/health", got ${
        describe(url)
      }`,
    );
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new RangeError(
      `Expected \`ready.url\` to be an http: or https: URL, got ${
        describe(url)
      }`,
    );
  }
  return parsed;
}

function filePlan(file: unknown): string | undefined {
  if (file === undefined) return undefined;
  return nonEmptyText("ready.file", file, "a path");
}

function checkPlan(check: unknown): ReadyPlan["check"] {
  if (check === undefined) return undefined;
  if (typeof check !== "function") {
    throw new TypeError(
      `Expected \`ready.check\` to be a function returning a boolean or a promise of one, got ${
        describe(check)
      }`,
    );
  }
  return check as () => boolean | Promise<boolean>;
}

function timeoutPlan(timeout: unknown): number {
  if (timeout === undefined) return DEFAULT_READY_TIMEOUT;
  if (timeout === Infinity) return timeout;
  return validateMs("ready.timeout", timeout);
}

function intervalPlan(interval: unknown): number {
  if (interval === undefined) return DEFAULT_READY_INTERVAL;
  const ms = validateMs("ready.interval", interval);
  if (ms === 0) {
    throw new RangeError(
      "Expected the `ready.interval` option to be more than 0 milliseconds, got 0",
    );
  }
  return ms;
}

function nonEmptyText(option: string, value: unknown, what: string): string {
  if (typeof value !== "string") {
    throw new TypeError(
      `Expected \`${option}\` to be ${what} (a string), got ${describe(value)}`,
    );
  }
  if (value === "" || value.includes("\0")) {
    throw new RangeError(
      `Expected \`${option}\` to be ${what} (not empty, no NUL byte), got ${
        describe(value)
      }`,
    );
  }
  return value;
}

/** `true` for a stream a `line` condition can read. */
export function watchable(stdio: ResolvedStdio): boolean {
  return stdio === "pipe" || typeof stdio === "object";
}

/**
 * Checks that `plan.line` can be watched on the child's streams.
 *
 * @throws {TypeError} `stream` names a stream that is `"inherit"` or
 * `"null"`, or (`"both"`) neither is `"pipe"` or a file.
 */
function assertLineWatchable(
  plan: ReadyPlan,
  stdio: { readonly stdout: ResolvedStdio; readonly stderr: ResolvedStdio },
): void {
  const stream = plan.line?.stream;
  if (stream === undefined) return;
  const names = stream === "both" ? ["stdout", "stderr"] as const : [stream];
  if (names.some((name) => watchable(stdio[name]))) return;
  const what = names.map((name) => `${name} is ${describe(stdio[name])}`);
  throw new TypeError(
    `Cannot watch for \`ready.line\`: ${
      what.join(" and ")
    }; a line can be read only from "pipe" or { file }`,
  );
}

/** The streams as a `line` sees them. With `stderr: "stdout"` stderr is
 * written where stdout is: the same file, or (a pipe) no stream of its own,
 * its lines being on stdout's. */
export function lineStreams(
  stdio: { readonly stdout: ResolvedStdio; readonly stderr: ResolvedStderr },
): { readonly stdout: ResolvedStdio; readonly stderr: ResolvedStdio } {
  if (stdio.stderr !== "stdout") {
    return { stdout: stdio.stdout, stderr: stdio.stderr };
  }
  const file = typeof stdio.stdout === "object";
  return { stdout: stdio.stdout, stderr: file ? stdio.stdout : "null" };
}

/** `plan` with its `ready` option checked against its streams. With
 * `stderr: "stdout"` and no file, a line looked for on stderr is looked
 * for on stdout, where it is written. */
export function withReady<
  T extends { readonly stdout: ResolvedStdio; readonly stderr: ResolvedStderr },
>(plan: T, ready: unknown): T & { readonly ready?: ReadyPlan } {
  if (ready === undefined) return plan;
  let checked = validateReady(ready);
  const merged = plan.stderr === "stdout" && typeof plan.stdout !== "object";
  if (merged && checked.line !== undefined) {
    checked = { ...checked, line: { ...checked.line, stream: "stdout" } };
  }
  assertLineWatchable(checked, lineStreams(plan));
  return { ...plan, ready: checked };
}
