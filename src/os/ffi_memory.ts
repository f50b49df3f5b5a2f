/**
 * Memory handed to C functions over Deno's FFI (`kernel32.ts` on Windows,
 * `linux/libc.ts`): buffers that never move, and their addresses.
 *
 * @module
 */

interface DenoPointers {
  UnsafePointer: typeof Deno.UnsafePointer;
}

const deno = (globalThis as { Deno?: DenoPointers }).Deno;

/** The address of `buffer`'s memory. `buffer` must own an `ArrayBuffer` of
 * its own (made by {@linkcode alloc}) so that the address stays valid. */
export function addressOf(buffer: Uint8Array): bigint {
  return BigInt(deno!.UnsafePointer.value(deno!.UnsafePointer.of(buffer)));
}

/** Zeroed memory that never moves (its own `ArrayBuffer`, off the V8 heap),
 * for what C keeps a pointer to. */
export function alloc(size: number): Uint8Array {
  return new Uint8Array(new ArrayBuffer(size));
}
