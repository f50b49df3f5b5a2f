/**
 * The FFI adapter over `Deno.dlopen` (needs `--allow-ffi`).
 *
 * @module
 */

import type {
  Ffi,
  FfiDeclarations,
  FfiFunction,
  FfiLibrary,
  NativeCallback,
} from "./ffi.ts";

/** The parts of `Deno` used here, written out so that no `Deno.*` type
 * reaches the package's declarations. */
interface DenoFfi {
  dlopen(
    library: string,
    symbols: Record<string, unknown>,
  ): { symbols: Record<string, unknown> };
  permissions: { querySync(d: { name: "ffi" }): { state: string } };
  UnsafeCallback: {
    threadSafe(definition: unknown, fn: () => void): {
      pointer: unknown;
      ref(): number;
      unref(): number;
      close(): void;
    };
  };
  UnsafePointer: {
    of(buffer: Uint8Array): unknown;
    value(pointer: unknown): number | bigint;
  };
}

/**
 * The adapter, or why there is none (no `Deno.dlopen`, or FFI not granted).
 */
export function denoFfi(): Ffi | string {
  const deno = (globalThis as { Deno?: Partial<DenoFfi> }).Deno;
  if (deno?.dlopen === undefined || deno.permissions === undefined) {
    return "this runtime has no Deno FFI";
  }
  if (deno.permissions.querySync({ name: "ffi" }).state !== "granted") {
    return "Deno was not granted FFI (run with --allow-ffi)";
  }
  const d = deno as DenoFfi;
  return {
    open(library: string, declarations: FfiDeclarations): FfiLibrary {
      // Deno spells every type of ours as we do.
      return d.dlopen(library, declarations).symbols as FfiLibrary;
    },
    addressOf(buffer: Uint8Array): bigint {
      return BigInt(d.UnsafePointer.value(d.UnsafePointer.of(buffer)));
    },
    callback(definition: FfiFunction, fn: () => void): NativeCallback {
      // Created ref'd: it keeps Deno alive until unref'd or closed.
      const callback = d.UnsafeCallback.threadSafe(definition, () => fn());
      return {
        pointer: BigInt(d.UnsafePointer.value(callback.pointer)),
        ref: () => void callback.ref(),
        unref: () => void callback.unref(),
        close: () => callback.close(),
      };
    },
  };
}
