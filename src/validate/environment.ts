/**
 * Checks where a child runs: its working directory and its environment.
 *
 * @module
 */

import { describe } from "../describe.ts";
import { statSync } from "../runtime/node_builtins.ts";
import { isOptionsObject } from "./options.ts";
import { hasNul, validateEncodable } from "./text.ts";

/** Checks `cwd`: an existing directory, or `undefined` (ours). */
export function validateCwd(cwd: unknown): string | undefined {
  if (cwd === undefined) return undefined;
  if (typeof cwd !== "string" || cwd === "") {
    throw new TypeError(
      `Expected the \`cwd\` option to be a non-empty path, got ${
        describe(cwd)
      }`,
    );
  }
  if (hasNul(cwd)) {
    throw new RangeError(
      `Expected the \`cwd\` option to hold no NUL byte, got ${describe(cwd)}`,
    );
  }
  validateEncodable("the `cwd` option", cwd);
  let isDirectory = false;
  try {
    isDirectory = statSync(cwd).isDirectory();
  } catch {
    throw new RangeError(
      `Cannot use the \`cwd\` option ${describe(cwd)}: no such directory`,
    );
  }
  if (!isDirectory) {
    throw new RangeError(
      `Cannot use the \`cwd\` option ${describe(cwd)}: not a directory`,
    );
  }
  return cwd;
}

/** Checks `env` and returns a copy: names without "=" or NUL, string
 * values without NUL, all of them encodable. */
export function validateEnv(
  env: unknown,
): Readonly<Record<string, string>> | undefined {
  if (env === undefined) return undefined;
  if (!isOptionsObject(env)) {
    throw new TypeError(
      `Expected the \`env\` option to be an object of strings, got ${
        describe(env)
      }`,
    );
  }
  const copy: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (key === "" || key.includes("=") || hasNul(key)) {
      throw new RangeError(
        `Expected the \`env\` option's keys to be non-empty and hold no "=" or NUL byte, got ${
          describe(key)
        }`,
      );
    }
    validateEncodable("an `env` key", key);
    if (typeof value !== "string") {
      throw new TypeError(
        `Expected \`env.${key}\` to be a string, got ${describe(value)}`,
      );
    }
    if (hasNul(value)) {
      throw new RangeError(
        `Expected \`env.${key}\` to hold no NUL byte, got ${describe(value)}`,
      );
    }
    validateEncodable(`\`env.${key}\``, value);
    copy[key] = value;
  }
  return copy;
}
