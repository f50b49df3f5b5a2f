/**
 * Following a file as `tail -f` does: what is appended after `offset` is
 * read every `interval` ms. A file that does not exist yet is waited for;
 * one that shrank (truncated) is read again from its start.
 *
 * @module
 */

import {
  closeSync,
  fstatSync,
  openSync,
  readSync,
} from "../runtime/node_builtins.ts";

const CHUNK = 64 * 1024;

/** Reads a file's new bytes, now and every `interval` ms. */
export class FileFollower {
  readonly path: string;
  readonly #onChunk: (chunk: Uint8Array) => void;
  readonly #interval: number;
  #offset: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  /** Starts following `path` from byte `offset`. */
  constructor(
    path: string,
    offset: number,
    onChunk: (chunk: Uint8Array) => void,
    interval: number,
  ) {
    this.path = path;
    this.#offset = offset;
    this.#onChunk = onChunk;
    this.#interval = interval;
    this.#tick();
  }

  #tick(): void {
    if (this.#stopped) return;
    this.readNow();
    this.#timer = setTimeout(() => this.#tick(), this.#interval);
  }

  /** Reads what was appended since the last read. */
  readNow(): void {
    let fd: number;
    try {
      fd = openSync(this.path, "r");
    } catch {
      return; // not there (yet), or not readable: try again later
    }
    try {
      const size = fstatSync(fd).size;
      if (size < this.#offset) this.#offset = 0;
      while (!this.#stopped && this.#offset < size) {
        const buffer = new Uint8Array(Math.min(CHUNK, size - this.#offset));
        const read = readSync(fd, buffer, 0, buffer.length, this.#offset);
        if (read === 0) break;
        this.#offset += read;
        this.#onChunk(buffer.subarray(0, read));
      }
    } catch {
      // it went away while being read: try again later
    } finally {
      closeSync(fd);
    }
  }

  /** Reads no more. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }
}
