/**
 * Watching a piped stream without taking it from its reader: while a
 * `line` condition waits, the pipe is read as it fills and each chunk is
 * both shown to the watcher and kept for the stream handed to the user; once
 * released, the user's reads go straight to the pipe again. Nothing is lost
 * and nothing is read twice.
 *
 * @module
 */

/** A piped stream being watched. */
export interface Tap {
  /** The stream to hand out in place of the pipe's: everything from the
   * first byte. */
  readonly stream: ReadableStream<Uint8Array>;
  /** Settles once the pipe reached its end, failed, or was released. */
  readonly ended: Promise<void>;
  /** Stops showing chunks to the watcher and reading ahead. */
  release(): void;
}

/**
 * Reads `source` ahead of its reader, calling `onChunk` with each chunk
 * (and `onEnd` at its end) until released.
 */
export function tapStream(
  source: ReadableStream<Uint8Array>,
  onChunk: (chunk: Uint8Array) => void,
  onEnd: () => void,
): Tap {
  const reader = source.getReader();
  let watching = true;
  let over = false; // the pipe ended or failed, or the user cancelled
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let markEnded!: () => void;
  const ended = new Promise<void>((resolve) => markEnded = resolve);

  const finish = () => {
    over = true;
    markEnded();
  };
  const readOnce = async (): Promise<void> => {
    let result: ReadableStreamReadResult<Uint8Array>;
    try {
      result = await reader.read();
    } catch (error) {
      if (!over) controller.error(error);
      finish();
      return;
    }
    if (over) return; // cancelled meanwhile
    if (result.done) {
      if (watching) onEnd();
      controller.close();
      finish();
      return;
    }
    if (watching) onChunk(result.value);
    controller.enqueue(result.value);
  };

  let pump: Promise<void> = Promise.resolve();
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    async pull() {
      if (watching) return;
      await pump;
      if (!over) await readOnce();
    },
    async cancel(reason) {
      watching = false;
      finish();
      await reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
  // While watching, this reads ahead; each read of the user's is served by
  // what it enqueues. Released, it stops after the read in flight.
  pump = (async () => {
    while (watching && !over) await readOnce();
  })();

  return {
    stream,
    ended,
    release() {
      if (!watching) return;
      watching = false;
      markEnded();
    },
  };
}
