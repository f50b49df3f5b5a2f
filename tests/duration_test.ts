import assert from "node:assert/strict";
import { test } from "node:test";
import {
  formatDuration,
  MAX_DURATION_MS,
  parseDuration,
} from "../src/duration.ts";

test("parseDuration() reads units and bare seconds", () => {
  const cases: [string, number][] = [
    ["500ms", 500],
    ["10s", 10_000],
    ["2m", 120_000],
    ["1h", 3_600_000],
    ["1d", 86_400_000],
    ["1.5", 1500],
    ["0.3", 300],
    ["1.1s", 1100],
    [".5", 500],
    ["3.", 3000],
    ["0", 0],
    ["0ms", 0],
    ["0.5ms", 0.5],
    ["7", 7000],
  ];
  for (const [text, ms] of cases) {
    assert.equal(parseDuration(text, "--timeout"), ms, text);
  }
});

test("parseDuration() rejects what is not a duration, naming it", () => {
  for (
    const text of [
      "",
      "abc",
      "-1",
      "+1",
      "1e3",
      " 1",
      "1 s",
      "1S",
      "1sec",
      "ms",
      ".",
      "1..2",
      "Infinity",
      "NaN",
      "0x10",
    ]
  ) {
    assert.throws(
      () => parseDuration(text, "--grace"),
      (error: Error) =>
        error instanceof RangeError &&
        error.message.includes("--grace") &&
        error.message.includes(JSON.stringify(text)),
      text,
    );
  }
});

test("parseDuration() refuses more than a timer can wait", () => {
  assert.equal(parseDuration(`${MAX_DURATION_MS}ms`), MAX_DURATION_MS);
  assert.throws(
    () => parseDuration("25d", "--timeout"),
    /--timeout "25d": longer than the maximum/,
  );
});

test("parseDuration() throws a TypeError for a non-string", () => {
  assert.throws(
    () => parseDuration(5 as unknown as string, "--timeout"),
    TypeError,
  );
});

test("formatDuration() picks a readable unit", () => {
  assert.equal(formatDuration(250), "250 ms");
  assert.equal(formatDuration(1500), "1.5 s");
  assert.equal(formatDuration(90_000), "90 s");
  assert.equal(formatDuration(120_000), "2 min");
});
