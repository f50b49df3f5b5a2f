/**
 * Hostile input: arguments, environment values and keys, program names,
 * working directories and output file names that hold every shell
 * metacharacter, quotes, newlines, `$(…)`, backticks, `%VAR%`, `!VAR!` and
 * `^` reach the child byte for byte — checked by a fixture that prints what
 * it got as JSON — and nothing is executed: every injected command would
 * create a file in the case's directory, and that directory must hold
 * nothing else afterwards.
 *
 * Known classes plus seeded random strings (3,000; 20,000 with
 * SUBPROC_FULL=1), many per child to keep the number of spawns low, through
 * every path that builds a command line: `run()` (the runtime's own spawn),
 * `run()` with a `{ file }` stream (node:child_process, also under Deno),
 * `spawn({ newSession })`, `killOnParentExit` (the `setpriv` prefix) and
 * `detach()`.
 */

import assert from "node:assert/strict";
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
} from "node:fs";
import { join } from "node:path";
import {
  CommandNotFoundError,
  detach,
  run,
  type RunOptions,
  spawn,
} from "../../mod.ts";
import { allGone, hasProc, tempDir } from "../_helpers.ts";
import { fixtureCommand, FULL, prng, reliabilityCase } from "./_case.ts";
import { KNOWN_TEMPLATES, randomString } from "./_hostile.ts";

interface Echo {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  /** `/proc/self/cmdline` and `/proc/self/environ` as base64, where there. */
  cmdline: string | null;
  environ: string | null;
}

/** NUL-terminated byte strings → their parts. */
function splitNul(base64: string): Uint8Array[] {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const parts: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0) {
      parts.push(bytes.subarray(start, i));
      start = i + 1;
    }
  }
  return parts;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** Arguments and environment for one child. */
interface Batch {
  args: string[];
  env: Record<string, string>;
}

function batches(strings: readonly string[], size: number): Batch[] {
  const out: Batch[] = [];
  for (let i = 0; i < strings.length; i += size) {
    const slice = strings.slice(i, i + size);
    const env: Record<string, string> = {};
    slice.forEach((value, j) => {
      env[`SUBPROC_HOSTILE_${i + j}`] = value;
      // The strings as keys too, where a key may hold them ("=" and NUL
      // can't be in a key; an empty key isn't one).
      const key = `SUBPROC_HOSTILE_KEY_${i + j}_${value.replaceAll("=", "")}`;
      env[key] = `${i + j}`;
    });
    out.push({ args: slice, env });
  }
  return out;
}

const encoder = new TextEncoder();

/**
 * Checks that `echo` holds exactly `batch`; returns the bytes compared.
 * Where the kernel's own record (`/proc/self/cmdline`, `environ`) is there,
 * the comparison is byte for byte against it; else against the runtime's
 * `argv` and `env`.
 */
function compare(echo: Echo, batch: Batch, what: string): number {
  let bytes = 0;
  const fail = (which: string, got: unknown, sent: string) =>
    assert.fail(
      `${what}: ${which} arrived as ${JSON.stringify(got)}, sent ${
        JSON.stringify(sent)
      }`,
    );
  if (echo.cmdline !== null && echo.environ !== null) {
    const argv = splitNul(echo.cmdline).slice(FIXTURE.length);
    assert.equal(argv.length, batch.args.length, `${what}: argv length`);
    batch.args.forEach((arg, i) => {
      const sent = encoder.encode(arg);
      if (!sameBytes(argv[i]!, sent)) {
        fail(`argv[${i}]`, new TextDecoder().decode(argv[i]), arg);
      }
      bytes += sent.byteLength;
    });
    const environ = new Map<string, Uint8Array>();
    for (const entry of splitNul(echo.environ)) {
      const eq = entry.indexOf(61); // "="
      environ.set(new TextDecoder().decode(entry.subarray(0, eq)), entry);
    }
    for (const [key, value] of Object.entries(batch.env)) {
      const sent = encoder.encode(`${key}=${value}`);
      const got = environ.get(key);
      if (!got || !sameBytes(got, sent)) {
        fail(
          `env ${JSON.stringify(key)}`,
          got && new TextDecoder().decode(got),
          value,
        );
      }
      bytes += sent.byteLength;
    }
    return bytes;
  }
  assert.equal(echo.argv.length, batch.args.length, `${what}: argv length`);
  batch.args.forEach((arg, i) => {
    if (echo.argv[i] !== arg) fail(`argv[${i}]`, echo.argv[i], arg);
    bytes += encoder.encode(arg).byteLength;
  });
  for (const [key, value] of Object.entries(batch.env)) {
    if (echo.env[key] !== value) {
      fail(`env ${JSON.stringify(key)}`, echo.env[key], value);
    }
    bytes += encoder.encode(key + value).byteLength;
  }
  return bytes;
}

/** The case's directory; anything in it but `expected` is the product of an
 * injection. */
function assertNothingExecuted(dir: string, expected: readonly string[]) {
  const found = readdirSync(dir).filter((name) => !expected.includes(name));
  assert.deepEqual(found, [], `files created in ${dir}`);
}

function strings(dir: string, generated: number, seed: number): {
  known: string[];
  all: string[];
} {
  const canary = join(dir, "canary");
  const known = [
    ...KNOWN_TEMPLATES.map((t) => t.replaceAll("C", canary)),
    // Near the per-argument limit of Linux (128 KiB).
    `;$(touch ${canary})`.repeat(100_000 / (12 + canary.length)),
  ];
  const random = prng(seed);
  const all = [...known];
  for (let i = 0; i < generated; i++) all.push(randomString(random));
  return { known, all };
}

const GENERATED = FULL ? 20_000 : 3_000;
const FIXTURE = fixtureCommand("print_argv");

reliabilityCase(
  `hostile input: ${KNOWN_TEMPLATES.length} known classes + ${GENERATED} seeded strings as argv and env`,
  {
    area: "hostile input",
    expected:
      "every argv/env string (and env key) arrives byte for byte through run(), run({file}), spawn({newSession}), killOnParentExit; canary never created",
    skip: hasProc ? false : "needs /proc and a POSIX system",
  },
  async () => {
    const dir = tempDir("hostile");
    try {
      const { known, all } = strings(dir, GENERATED, 424242);
      const fixture = FIXTURE;
      const groups = batches(all, 500);
      let bytes = 0;
      let children = 0;
      const paths: string[] = [];
      const viaRun = async (batch: Batch, options: RunOptions = {}) => {
        const r = await run([...fixture, ...batch.args], {
          env: batch.env,
          cwd: dir,
          capture: true,
          check: true,
          ...options,
        });
        children++;
        assert.equal(r.stderr, "");
        return JSON.parse(String(r.stdout)) as Echo;
      };
      // 1. run(): the runtime's own spawn, every batch.
      for (const batch of groups) {
        bytes += compare(await viaRun(batch), batch, "run()");
      }
      paths.push("run()");
      const first = groups[0]!;
      // 2. A `{ file }` stream: node:child_process (under Deno too).
      const outFile = join(dir, "out");
      await run([...fixture, ...first.args], {
        env: first.env,
        cwd: dir,
        stdout: { file: outFile },
        check: true,
      });
      children++;
      bytes += compare(
        JSON.parse(readFileSync(outFile, "utf8")),
        first,
        "run({ stdout: { file } })",
      );
      rmSync(outFile);
      paths.push("run({file})");
      // 3. spawn() in a new session, output through communicate().
      const child = spawn([...fixture, ...first.args], {
        env: first.env,
        cwd: dir,
        stdout: "pipe",
        newSession: true,
      });
      const out = await child.output();
      children++;
      bytes += compare(
        JSON.parse(new TextDecoder().decode(out.stdout)),
        first,
        "spawn({ newSession })",
      );
      paths.push("spawn()");
      // 4. killOnParentExit: behind the parent-death wrapper.
      const guarded = await viaRun(first, { killOnParentExit: true }).catch(
        (error) => error instanceof RangeError ? null : Promise.reject(error),
      );
      if (guarded) {
        bytes += compare(guarded, first, "killOnParentExit");
        paths.push("killOnParentExit");
      }
      assertNothingExecuted(dir, []);
      return `${known.length} known + ${GENERATED} generated strings in ${children} children via ${
        paths.join(", ")
      }: ${
        (bytes / 1024).toFixed(0)
      } KiB compared, all byte-exact; canary absent, nothing else created`;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

reliabilityCase(
  "hostile input: detach() arguments and a hostile cwd and log file name",
  {
    area: "hostile input",
    expected:
      "detached program gets argv/env/cwd byte for byte; the log file has the literal hostile name; nothing executed",
    skip: hasProc ? false : "needs /proc and a POSIX system",
  },
  async () => {
    const root = tempDir("hostile");
    try {
      // No "/" in a file name: injected commands would make "canary" in
      // the cwd.
      const cwdName =
        `$(touch canary); \`touch canary\` 'q' "d" %P% !P! ^& \n x`;
      const cwd = join(root, cwdName);
      mkdirSync(cwd);
      const logName = `log $(touch canary) ;|&><.json`;
      const { known } = strings(root, 0, 1);
      const batch = batches(known.slice(0, -1), known.length)[0]!;
      const daemon = await detach(
        [...FIXTURE, ...batch.args],
        { env: batch.env, cwd, stdout: { file: join(cwd, logName) } },
      );
      await allGone([daemon.pid], 10_000);
      const echo = JSON.parse(readFileSync(join(cwd, logName), "utf8"));
      const bytes = compare(echo, batch, "detach()");
      assert.equal(echo.cwd, realpathSync(cwd));
      // A relative program path must resolve against `cwd` and stay literal.
      const r = await run(["./no such $(program)"], { cwd }).catch((e) => e);
      assert.ok(r instanceof CommandNotFoundError, String(r));
      assertNothingExecuted(root, [cwdName]);
      assertNothingExecuted(cwd, [logName]);
      return `${batch.args.length} arguments and ${
        Object.keys(batch.env).length
      } env entries (${
        (bytes / 1024).toFixed(0)
      } KiB) exact; cwd and log name literal; nothing executed`;
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  },
);

reliabilityCase(
  "hostile input: program names with shell syntax are never run through a shell",
  {
    area: "hostile input",
    expected:
      "CommandNotFoundError for each (the name is looked up literally); NUL → RangeError; nothing executed",
    skip: hasProc ? false : "needs /proc and a POSIX system",
  },
  async () => {
    const dir = tempDir("hostile");
    try {
      const canary = join(dir, "canary");
      const names = [
        `touch ${canary}`,
        `true; touch ${canary}`,
        `true && touch ${canary}`,
        `true | touch ${canary}`,
        `$(touch ${canary})`,
        `\`touch ${canary}\``,
        `sh -c 'touch ${canary}'`,
        `true\ntouch ${canary}`,
        `cmd.exe /c type nul > ${canary}`,
        `true & type nul > ${canary}`,
        `%COMSPEC% /c type nul > ${canary}`,
        `^t^r^u^e & type nul > ${canary}`,
        `!COMSPEC! /c type nul > ${canary}`,
      ];
      let refused = 0;
      for (const name of names) {
        for (const options of [{}, { killOnParentExit: true }]) {
          const error = await run([name], { cwd: dir, ...options }).then(
            () => new Error(`${JSON.stringify(name)} ran`),
            (e) => e,
          );
          if (
            error instanceof RangeError && "killOnParentExit" in options
          ) continue; // no setpriv here
          assert.ok(
            error instanceof CommandNotFoundError,
            `${JSON.stringify(name)}: ${error}`,
          );
          refused++;
        }
      }
      for (const cmd of [["true\0; touch " + canary], ["true", "a\0b"]]) {
        assert.throws(() => spawn(cmd), RangeError);
      }
      const env = await run(["true"], { env: { X: "a\0b" } }).catch((e) => e);
      assert.ok(env instanceof RangeError, String(env));
      assert.deepEqual(readdirSync(dir), []);
      return `${refused} spawns refused with CommandNotFoundError; NUL in argv/env → RangeError; nothing executed`;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
