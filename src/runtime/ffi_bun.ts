/**
 * The FFI adapter over `bun:ffi`, loaded through
 * `process.getBuiltinModule` so that Node and Deno never see the import.
 *
 * @module
 */

import type {
  Ffi,
  FfiDeclarations,
  FfiFunction,
  FfiLibrary,
  FfiType,
  NativeCallback,
} from "./ffi.ts";

/** The parts of `bun:ffi` used here. */
interface BunFfi {
  dlopen(
    library: string,
    symbols: Record<string, { args: string[]; returns: string }>,
  ): { symbols: Record<string, unknown> };
  ptr(buffer: Uint8Array): number;
  JSCallback: new (
    fn: () => void,
    definition: { args: string[]; returns: string; threadsafe: boolean },
  ) => { ptr: number | null; close(): void };
}

/** Bun's name of each type: `ptr` takes a typed array or `null`, where
 * Bun's `buffer` refuses `null`. */
const BUN_TYPES: Record<FfiType, string> = {
  usize: "usize",
  buffer: "ptr",
  i32: "i32",
  u32: "u32",
  u8: "u8",
  void: "void",
};

function bunDefinition(f: FfiFunction): { args: string[]; returns: string } {
  return {
    args: f.parameters.map((type) => BUN_TYPES[type]),
    returns: BUN_TYPES[f.result],
  };
}

/** The longest a timer may wait; it only keeps the event loop alive. */
const KEEP_ALIVE_MS = 2 ** 31 - 1;

/** The adapter, or why there is none. */
export function bunFfi(): Ffi | string {
  const process = (globalThis as {
    process?: { getBuiltinModule?: (id: string) => unknown };
  }).process;
  let bun: BunFfi | undefined;
  try {
    bun = process?.getBuiltinModule?.("bun:ffi") as BunFfi | undefined;
  } catch (error) {
    return `bun:ffi could not be loaded: ${(error as Error)?.message ?? error}`;
  }
  if (bun?.dlopen === undefined) return "this Bun has no bun:ffi";
  const b = bun;
  return {
    open(library: string, declarations: FfiDeclarations): FfiLibrary {
      const symbols = Object.fromEntries(
        Object.entries(declarations).map((
          [name, f],
        ) => [name, bunDefinition(f)]),
      );
      return b.dlopen(library, symbols).symbols as FfiLibrary;
    },
    addressOf(buffer: Uint8Array): bigint {
      return BigInt(b.ptr(buffer));
    },
    callback(definition: FfiFunction, fn: () => void): NativeCallback {
      const callback = new b.JSCallback(() => fn(), {
        ...bunDefinition(definition),
        threadsafe: true,
      });
      // A JSCallback does not keep Bun alive: a timer does, while ref'd
      // (as Deno's thread-safe callbacks are from the start).
      const keepAlive = setInterval(() => {}, KEEP_ALIVE_MS);
      return {
        pointer: BigInt(callback.ptr ?? 0),
        ref: () => void keepAlive.ref(),
        unref: () => void keepAlive.unref(),
        close(): void {
          clearInterval(keepAlive);
          callback.close();
        },
      };
    },
  };
}
