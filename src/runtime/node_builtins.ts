/**
 * Node's built-in modules, loaded when the code that needs them first runs.
 *
 * A static `import … from "node:fs"` makes Deno load its `node:`
 * compatibility layer (about 20 ms) at start-up, in every program that
 * imports the module, even one that never calls what needed it: more than a
 * whole `subproc run -- true` may cost. Code off the common path (Windows,
 * the `node:child_process` backend, files given as standard streams, the
 * exit hooks) takes its built-ins from here instead; `process.getBuiltinModule`
 * (Node ≥ 20.16, Deno, Bun) loads a module on the first call.
 *
 * @module
 */

type Builtins = {
  "node:child_process": typeof import("node:child_process");
  "node:fs": typeof import("node:fs");
  "node:http": typeof import("node:http");
  "node:https": typeof import("node:https");
  "node:net": typeof import("node:net");
  "node:os": typeof import("node:os");
  "node:path": typeof import("node:path");
  "node:process": typeof import("node:process");
  "node:stream": typeof import("node:stream");
  "node:util": typeof import("node:util");
};

interface GetBuiltin {
  getBuiltinModule(name: string): unknown;
}

/** The built-in module `name`, loaded on the first call. */
export function nodeModule<K extends keyof Builtins>(name: K): Builtins[K] {
  const host = (globalThis as { process?: GetBuiltin }).process;
  if (typeof host?.getBuiltinModule !== "function") {
    throw new Error(
      `Cannot load ${name}: this runtime lacks process.getBuiltinModule (Node >= 20.16, Deno or Bun is needed)`,
    );
  }
  return host.getBuiltinModule(name) as Builtins[K];
}

/** `node:util`, loaded the cheapest way for the runtime: under Deno a
 * dynamic `import()` (its `process`, which `getBuiltinModule` needs, is the
 * costly part), elsewhere `getBuiltinModule` (a dynamic `import()` from
 * Node's CommonJS bundle starts its ES module loader, about 2 ms). */
export async function loadNodeUtil(): Promise<typeof import("node:util")> {
  if ((globalThis as { Deno?: unknown }).Deno !== undefined) {
    return await import("node:util");
  }
  return nodeModule("node:util");
}

/** `load()`'s function, looked up on each call (the module loads once). */
function lazy<F>(load: () => F): F {
  return ((...args: unknown[]) =>
    (load() as (...a: unknown[]) => unknown)(...args)) as F;
}

/** An object whose members are read from `load()` when first used;
 * methods are bound to it (`process.on` needs its `this`). */
function lazyObject<T extends object>(load: () => T): T {
  let target: T | undefined;
  const real = () => (target ??= load());
  return new Proxy({} as T, {
    get(_, key) {
      const value = Reflect.get(real(), key);
      return typeof value === "function" ? value.bind(real()) : value;
    },
    set: (_, key, value) => Reflect.set(real(), key, value),
    has: (_, key) => Reflect.has(real(), key),
  });
}

const fs = () => nodeModule("node:fs");
const path = () => nodeModule("node:path");
const childProcess = () => nodeModule("node:child_process");

/** Node's `process`, loaded on first use. */
export const nodeProcess: typeof import("node:process") = lazyObject(() =>
  nodeModule("node:process")
);

/** `fs.closeSync`. */
export const closeSync: typeof import("node:fs").closeSync = lazy(() =>
  fs().closeSync
);
/** `fs.openSync`. */
export const openSync: typeof import("node:fs").openSync = lazy(() =>
  fs().openSync
);
/** `fs.fstatSync`. */
export const fstatSync: typeof import("node:fs").fstatSync = lazy(() =>
  fs().fstatSync
);
/** `fs.readSync`. */
export const readSync: typeof import("node:fs").readSync = lazy(() =>
  fs().readSync
);
/** `fs.statSync`. */
export const statSync: typeof import("node:fs").statSync = lazy(() =>
  fs().statSync
);
/** `path.resolve`. */
export const resolve: typeof import("node:path").resolve = lazy(() =>
  path().resolve
);
/** `path.dirname`. */
export const dirname: typeof import("node:path").dirname = lazy(() =>
  path().dirname
);
/** `path.win32`. */
export const win32: typeof import("node:path").win32 = lazyObject(() =>
  path().win32
);
/** `child_process.execFileSync`. */
export const execFileSync: typeof import("node:child_process").execFileSync =
  lazy(() => childProcess().execFileSync);
/** `child_process.spawnSync`. */
export const spawnSync: typeof import("node:child_process").spawnSync = lazy(
  () => childProcess().spawnSync,
);
