/**
 * `input` of run() and communicate(): a string, the bytes of any
 * ArrayBufferView, or a ReadableStream of bytes read as the child reads.
 */

import assert from "node:assert/strict";
import { run, spawn } from "../mod.ts";
import { alive, procTest } from "./_helpers.ts";

const encoder = new TextEncoder();

procTest(
  "input accepts any ArrayBufferView: its bytes, nothing else",
  async () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 251, 252, 253, 254, 255]);
    const window = new Uint8Array(bytes.buffer, 3, 4); // 250..253
    const views: [string, ArrayBufferView, number[]][] = [
      ["Uint8Array", bytes, [...bytes]],
      ["a window on a buffer", window, [250, 251, 252, 253]],
      ["DataView", new DataView(bytes.buffer, 1, 2), [1, 2]],
      ["Uint16Array", new Uint16Array([0x0102, 0x0304]), [
        ...new Uint8Array(new Uint16Array([0x0102, 0x0304]).buffer),
      ]],
      ["Float64Array", new Float64Array([1.5]), [
        ...new Uint8Array(new Float64Array([1.5]).buffer),
      ]],
    ];
    for (const [what, view, expected] of views) {
      const r = await run(["cat"], { input: view, capture: "bytes" });
      assert.deepEqual([...r.stdout], expected, what);
    }
  },
);

procTest(
  "input as a ReadableStream is written as the child reads it",
  async () => {
    const chunks = ["one\n", "two\n", "three\n"];
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled === chunks.length) return controller.close();
        controller.enqueue(encoder.encode(chunks[pulled++]!));
      },
    });
    const r = await run(["cat"], { input: stream, capture: true });
    assert.equal(r.stdout, "one\ntwo\nthree\n");
    assert.equal(pulled, 3);

    // Big enough to fill the pipe many times: written with back-pressure.
    const big = new Uint8Array(4 * 1024 * 1024).map((_, i) => i % 251);
    let offset = 0;
    const large = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= big.length) return controller.close();
        controller.enqueue(big.subarray(offset, offset + 100_000));
        offset += 100_000;
      },
    });
    const copy = await run(["cat"], { input: large, capture: "bytes" });
    assert.equal(copy.stdout.length, big.length);
    assert.deepEqual(copy.stdout, big);

    // communicate() takes one too.
    const child = spawn(["wc", "-c"], { stdin: "pipe", stdout: "pipe" });
    // Chunks may be any ArrayBufferView at run time.
    const views = new ReadableStream<ArrayBufferView>({
      start(controller) {
        controller.enqueue(new Uint16Array([1, 2, 3]));
        controller.close();
      },
    });
    const out = await child.communicate(
      views as ReadableStream<Uint8Array>,
    );
    assert.equal(new TextDecoder().decode(out.stdout).trim(), "6");
  },
);

procTest(
  "a child that stops reading cancels the input stream; not an error",
  async () => {
    let cancelled: unknown = "not cancelled";
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new Uint8Array(65536));
      },
      cancel(reason) {
        cancelled = reason;
      },
    });
    const r = await run(["head", "-c", "10"], {
      input: endless,
      capture: "bytes",
    });
    assert.equal(r.code, 0);
    assert.equal(r.stdout.length, 10);
    assert.notEqual(cancelled, "not cancelled");
  },
);

procTest("an idle input stream is cancelled once the child ended", async () => {
  let cancelled = false;
  const idle = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode("x"));
    },
    cancel() {
      cancelled = true;
    },
  });
  // `true` never reads; the stream never ends on its own.
  const r = await run(["true"], { input: idle });
  assert.equal(r.code, 0);
  assert.equal(cancelled, true);
});

procTest(
  "a failing input stream: the child sees the end of its input, then run() rejects with the stream's error",
  async () => {
    const failure = new Error("the source broke");
    const broken = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode("partial\n"));
      },
      pull(controller) {
        controller.error(failure);
      },
    });
    let pid = 0;
    const child = spawn(["cat"], { stdin: "pipe", stdout: "pipe" });
    pid = child.pid;
    await assert.rejects(child.communicate(broken), (e) => e === failure);
    assert.equal(
      child.poll()?.code,
      0,
      "cat saw the end of its input and exited",
    );
    assert.ok(!alive(pid));

    const notBytes = new ReadableStream({
      start(controller) {
        controller.enqueue("text is not bytes");
        controller.close();
      },
    });
    await assert.rejects(
      run(["cat"], { input: notBytes as ReadableStream<Uint8Array> }),
      (e: Error) =>
        e instanceof TypeError &&
        /`input` stream.*Uint8Array.*"text is not bytes"/.test(e.message),
    );
  },
);

procTest("bad input is refused before anything starts", async () => {
  for (const input of [42, {}, [1, 2], null]) {
    await assert.rejects(
      run(["cat"], { input: input as unknown as string }),
      (e: Error) =>
        e instanceof TypeError &&
        /`input`.*string, an ArrayBufferView.*ReadableStream/.test(e.message),
    );
  }
  const locked = new ReadableStream<Uint8Array>();
  locked.getReader();
  await assert.rejects(run(["cat"], { input: locked }), /locked/);
  await assert.rejects(
    run(["cat"], { input: "x", stdin: "null" }),
    /input needs stdin "pipe"/,
  );
});
