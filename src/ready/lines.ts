/**
 * Bytes to lines, for a `line` condition: UTF-8 decoded, split at `\n`, a
 * `\r` before it dropped.
 *
 * @module
 */

/** How many lines of the child's output a `NotReadyError` carries. */
export const LAST_LINES = 10;

/** Past this many characters without a newline, what came is taken as a
 * line of its own: a child that never writes one must not grow our memory
 * without bound. */
const MAX_LINE = 64 * 1024;

/** Splits one stream's chunks into lines. */
export class LineSplitter {
  readonly #decoder = new TextDecoder();
  readonly #onLine: (line: string) => void;
  #partial = "";

  /** Calls `onLine` with each line, without its line end. */
  constructor(onLine: (line: string) => void) {
    this.#onLine = onLine;
  }

  /** Takes the next chunk of the stream. */
  push(chunk: Uint8Array): void {
    const text = this.#partial + this.#decoder.decode(chunk, { stream: true });
    const lines = text.split("\n");
    this.#partial = lines.pop()!;
    for (const line of lines) this.#onLine(withoutCr(line));
    if (this.#partial.length > MAX_LINE) {
      this.#onLine(this.#partial);
      this.#partial = "";
    }
  }

  /** The stream ended: a last line without a newline is a line too. */
  end(): void {
    const rest = this.#partial + this.#decoder.decode();
    this.#partial = "";
    if (rest !== "") this.#onLine(withoutCr(rest));
  }
}

function withoutCr(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}

/** The last few lines seen, for an error message. */
export class RecentLines {
  readonly #lines: string[] = [];

  /** Keeps at most `size` lines. */
  constructor(readonly size: number) {}

  /** Remembers `line`, forgetting the oldest past `size`. */
  add(line: string): void {
    this.#lines.push(line);
    if (this.#lines.length > this.size) this.#lines.shift();
  }

  /** The lines kept, oldest first. */
  list(): string[] {
    return [...this.#lines];
  }
}

/** The last `count` lines of `text` (a final line end ignored). */
export function lastLines(text: string, count: number): string[] {
  const lines = text.split("\n").map(withoutCr);
  if (lines.at(-1) === "") lines.pop();
  return lines.slice(-count);
}
