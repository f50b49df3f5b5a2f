/**
 * Checks `input` (of `run()` and `communicate()`) and the stdin it needs.
 *
 * @module
 */

import { describe } from "../describe.ts";
import { validateEncodable } from "./text.ts";

/** `input` after validation: bytes, or a stream of byte chunks. */
export type ResolvedInput = Uint8Array | ReadableStream<Uint8Array>;

/** A `Uint8Array` over the bytes of `view` (no copy). */
export function bytesOf(view: ArrayBufferView): Uint8Array {
  return view instanceof Uint8Array
    ? view
    : new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/** `true` for a web `ReadableStream` (from any realm or polyfill). */
function isReadableStream(
  value: unknown,
): value is ReadableStream<Uint8Array> {
  return typeof (value as { getReader?: unknown } | null)?.getReader ===
    "function";
}

const encoder = new TextEncoder();

/**
 * Checks `input` (of `run()` and `communicate()`): a string (sent as UTF-8),
 * any `ArrayBufferView` (its bytes, not copied), or a `ReadableStream` of
 * byte chunks; `undefined` stays `undefined`.
 */
export function validateInput(value: unknown): ResolvedInput | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string") {
    validateEncodable("`input`", value);
    return encoder.encode(value);
  }
  if (ArrayBuffer.isView(value)) return bytesOf(value);
  if (isReadableStream(value)) {
    if (value.locked) {
      throw new TypeError(
        "Cannot read the `input` stream: it is locked (another reader holds it)",
      );
    }
    return value;
  }
  throw new TypeError(
    `Expected \`input\` to be a string, an ArrayBufferView (such as a Uint8Array) or a ReadableStream of bytes, got ${
      describe(value)
    }`,
  );
}

/** Checks that `input`, when given, can reach the child: `stdin` must be
 * `"pipe"` or left out (then `run()` pipes it). */
export function validateInputStdin(
  input: ResolvedInput | undefined,
  stdin: unknown,
): void {
  if (input === undefined || stdin === undefined || stdin === "pipe") return;
  throw new TypeError(
    `Cannot use the \`input\` option with \`stdin: ${
      describe(stdin)
    }\`: input needs stdin "pipe"`,
  );
}
