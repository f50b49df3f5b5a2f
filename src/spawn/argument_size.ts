/**
 * How much room a command takes where the kernel copies a new program's
 * arguments and environment, for the message of an "argument list too long"
 * (E2BIG) failure.
 *
 * @module
 */

/** The size of a command's arguments and environment, in bytes. */
interface ArgumentSize {
  /** The arguments, each with its terminating NUL. */
  readonly args: number;
  /** The environment (`KEY=VALUE` strings), each with its NUL. */
  readonly env: number;
  /** The longest single string: what it is and its bytes with the NUL. */
  readonly longest: { readonly what: string; readonly bytes: number };
}

const encoder = new TextEncoder();

function bytes(text: string): number {
  return encoder.encode(text).byteLength + 1;
}

/** The size of `cmd` run with exactly the environment `env`. */
export function argumentSize(
  cmd: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ArgumentSize {
  let longest = { what: "cmd[0]", bytes: 0 };
  let args = 0;
  cmd.forEach((arg, i) => {
    const size = bytes(arg);
    args += size;
    if (size > longest.bytes) longest = { what: `cmd[${i}]`, bytes: size };
  });
  let total = 0;
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) continue;
    const size = bytes(`${key}=${value}`);
    total += size;
    if (size > longest.bytes) longest = { what: `env.${key}`, bytes: size };
  }
  return { args, env: total, longest };
}

/** `bytes` for a message: `812 bytes`, `200.0 KiB`, `2.1 MiB`. */
function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** The part of the E2BIG message that gives the sizes. */
export function describeArgumentSize(size: ArgumentSize): string {
  return `the arguments take ${formatBytes(size.args)} and the environment ${
    formatBytes(size.env)
  }; the longest string, ${size.longest.what}, takes ${
    formatBytes(size.longest.bytes)
  }`;
}
