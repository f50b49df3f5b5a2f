/**
 * The `line` condition: holds at the first line that contains the string,
 * or that the RegExp matches. Lines come from pipes (`tap.ts`) and followed
 * files (`follow.ts`).
 *
 * @module
 */

import type { Condition } from "./condition.ts";

/** What a line condition found. */
export interface LineFound {
  readonly line: string;
  readonly match?: RegExpExecArray;
}

/** A `line` condition, fed by {@linkcode LineCondition.offer}. */
export class LineCondition implements Condition<LineFound> {
  readonly what: string;
  readonly held: Promise<LineFound>;
  readonly #pattern: string | RegExp;
  #resolve!: (found: LineFound) => void;
  #done = false;

  /** Watches for `pattern` (a RegExp of our own: its `lastIndex` is
   * reset for every line) on `where`. */
  constructor(pattern: string | RegExp, where: string) {
    this.#pattern = pattern;
    this.what = `a line ${
      typeof pattern === "string"
        ? `containing ${JSON.stringify(pattern)}`
        : `matching ${pattern}`
    } on ${where}`;
    this.held = new Promise((resolve) => this.#resolve = resolve);
  }

  /** Looks at one line of output. */
  offer(line: string): void {
    if (this.#done) return;
    if (typeof this.#pattern === "string") {
      if (line.includes(this.#pattern)) this.#hold({ line });
      return;
    }
    // With `g` or `y`, exec() would start where the last match ended.
    this.#pattern.lastIndex = 0;
    const match = this.#pattern.exec(line);
    if (match !== null) this.#hold({ line, match });
  }

  #hold(found: LineFound): void {
    this.#done = true;
    this.#resolve(found);
  }

  /** Looks at no more lines. */
  stop(): void {
    this.#done = true;
  }
}
