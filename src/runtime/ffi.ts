/**
 * The seam between the library and a runtime's foreign function interface:
 * open a library, hand it buffers by address, let it call us back. Two
 * small implementations: `ffi_deno.ts` (`Deno.dlopen`) and `ffi_bun.ts`
 * (`bun:ffi`); Node has none. `select.ts` picks one. Declarations are
 * written once, in the vocabulary below, and mean the same on both.
 *
 * @module
 */

/**
 * The C types a declaration may use:
 * - `usize`: a pointer-sized integer (a handle, an address), passed and
 *   returned as a `bigint`;
 * - `buffer`: a `Uint8Array` (or `null`) passed by the address of its
 *   memory;
 * - `i32`, `u32`, `u8`: numbers; `void`: no result.
 */
export type FfiType = "usize" | "buffer" | "i32" | "u32" | "u8" | "void";

/** One C function: its parameter types and its result type. */
export interface FfiFunction {
  readonly parameters: readonly FfiType[];
  readonly result: FfiType;
}

/** The functions to bind, by exported name. */
export type FfiDeclarations = Readonly<Record<string, FfiFunction>>;

/** The bound functions, by name (callers type them with an interface). */
export type FfiLibrary = Record<string, (...args: never[]) => unknown>;

/** A JavaScript function that native code may call from any thread: the
 * call is queued and `fn` runs on the JavaScript thread. While ref'd it
 * keeps the runtime alive. */
export interface NativeCallback {
  /** The C function pointer to hand to native code. */
  readonly pointer: bigint;
  ref(): void;
  unref(): void;
  /** Frees it; native code must not call it any more. */
  close(): void;
}

/** One runtime's FFI. */
export interface Ffi {
  /** Loads `library` (e.g. `kernel32.dll`) and binds `declarations`.
   * Throws when the library or a function is missing. */
  open(library: string, declarations: FfiDeclarations): FfiLibrary;
  /** The address of `buffer`'s memory, for structs that hold pointers.
   * `buffer` must own an `ArrayBuffer` of its own ({@linkcode alloc}). */
  addressOf(buffer: Uint8Array): bigint;
  /** A thread-safe callback with the C signature `definition`. */
  callback(definition: FfiFunction, fn: () => void): NativeCallback;
}

/** Zeroed memory with an `ArrayBuffer` of its own, so that its address stays
 * valid while native code keeps it (neither runtime moves such memory). */
export function alloc(size: number): Uint8Array {
  return new Uint8Array(new ArrayBuffer(size));
}

/** A `DataView` over `buffer`. */
export function view(buffer: Uint8Array): DataView {
  return new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
