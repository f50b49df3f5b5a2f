/**
 * Writing `input` to a child's stdin: text, bytes, or a stream of bytes,
 * then closing it.
 *
 * @module
 */

import { describe } from "../describe.ts";
import { bytesOf, type ResolvedInput } from "../validate/input.ts";

/** Bytes written between two turns of the event loop. Where writes resolve
 * at once (Bun buffers them), a stream that also yields at once would
 * otherwise keep the loop from ever seeing the child exit. */
const BYTES_PER_TURN = 1024 * 1024;

/**
 * Writes `input` to `stdin`, then closes it. A child that exits or closes
 * its stdin early (EPIPE) is not an error: what it did not read is dropped
 * and an input stream is cancelled (at the latest when `ended` settles, so
 * that an idle stream is not held forever). Resolves with the input
 * stream's own failure (its error, or a `TypeError` for a chunk that is not
 * bytes), after closing stdin so that the child sees the end of its input;
 * else with `undefined`.
 */
export async function feedStdin(
  stdin: WritableStream<Uint8Array>,
  input: ResolvedInput | undefined,
  ended: Promise<unknown>,
): Promise<unknown> {
  const writer = stdin.getWriter();
  if (input === undefined || input instanceof Uint8Array) {
    try {
      if (input && input.byteLength > 0) await writer.write(input);
      await writer.close();
    } catch {
      await writer.abort().catch(() => {});
    }
    return undefined;
  }
  const reader = input.getReader();
  ended.then(() => reader.cancel("the child ended").catch(() => {}));
  let sinceTurn = 0;
  for (;;) {
    let bytes: Uint8Array | undefined;
    try {
      const chunk = await reader.read();
      if (chunk.done) break;
      bytes = chunkBytes(chunk.value);
    } catch (error) {
      await reader.cancel(error).catch(() => {});
      await writer.abort(error).catch(() => {});
      return error;
    }
    try {
      await writer.write(bytes);
      sinceTurn += bytes.byteLength;
      if (sinceTurn >= BYTES_PER_TURN) {
        sinceTurn = 0;
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    } catch {
      await reader.cancel("the child closed its stdin").catch(() => {});
      await writer.abort().catch(() => {});
      return undefined;
    }
  }
  await writer.close().catch(() => {});
  return undefined;
}

function chunkBytes(chunk: unknown): Uint8Array {
  if (ArrayBuffer.isView(chunk)) return bytesOf(chunk);
  throw new TypeError(
    `Expected the \`input\` stream to yield Uint8Array chunks, got ${
      describe(chunk)
    }`,
  );
}
